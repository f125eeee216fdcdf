"""oro-ai's lines in ``oro doctor``: the CPU features local models use, whether llama-cpp-python
imports (and was built for this CPU), whether it can offload layers to a GPU, and where the
default model is."""

from __future__ import annotations

import importlib.util
import json
import platform
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

from oro_ai.models import DEFAULT_MODEL_PACKAGE, default_model_file
from oro_framework import DoctorCheck

__all__ = ["CPU_FLAGS", "checks", "cpu_features"]


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


CPU_FLAGS: Final = ("avx", "avx2", "avx512f", "f16c", "fma", "neon")
"""The CPU features llama.cpp's CPU backend is built for, by /proc/cpuinfo name."""

_BUILD_FLAGS: Final = {
    "AVX": "avx",
    "AVX2": "avx2",
    "AVX512": "avx512f",
    "F16C": "f16c",
    "FMA": "fma",
    "NEON": "neon",
}
"""``llama_print_system_info()`` names to :data:`CPU_FLAGS` names."""

_REINSTALL_LLAMA: Final = (
    "pip install --force-reinstall --no-cache-dir llama-cpp-python "
    "(CMAKE_ARGS=-DGGML_NATIVE=ON builds it for this CPU)"
)

_PROBE: Final = """
import json, llama_cpp
info = llama_cpp.llama_print_system_info()
offload = getattr(llama_cpp, "llama_supports_gpu_offload", None)
print(json.dumps({"version": llama_cpp.__version__,
                  "system": info.decode() if isinstance(info, bytes) else str(info),
                  "gpu_offload": None if offload is None else bool(offload())}))
"""


def cpu_features(cpuinfo: str | None = None, machine: str | None = None) -> set[str] | None:
    """Which of :data:`CPU_FLAGS` this CPU has, or ``None`` when the system does not say.

    :param cpuinfo: the text of ``/proc/cpuinfo`` (read when ``None``).
    :param machine: ``platform.machine()`` (asked when ``None``).
    """
    machine = (machine or platform.machine()).lower()
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            cpuinfo = ""
    words: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features"):
            words.update(value.split())
    if not words:
        # Every 64-bit ARM CPU has NEON (Apple silicon included); elsewhere we cannot tell.
        return {"neon"} if machine in ("arm64", "aarch64") else None
    if "asimd" in words:
        words.add("neon")
    return {flag for flag in CPU_FLAGS if flag in words}


def _cpu(features: set[str] | None) -> DoctorCheck:
    machine = platform.machine().lower()
    if features is None:
        return DoctorCheck("cpu features", True, f"{machine}: not reported by this system")
    shown = " ".join(flag for flag in CPU_FLAGS if flag in features) or "none of " + " ".join(
        CPU_FLAGS
    )
    if machine in ("x86_64", "amd64") and "avx2" not in features:
        return DoctorCheck(
            "cpu features",
            False,
            f"{machine}: {shown}; no AVX2: local models run several times slower",
            hint="use a smaller model (ai.llm.default_model) or a machine with AVX2",
        )
    return DoctorCheck("cpu features", True, f"{machine}: {shown}")


def _llama_cpp(features: set[str] | None, needed: bool) -> tuple[DoctorCheck, dict[str, Any]]:
    """Import llama_cpp in a child process: a build for CPU features this machine lacks dies
    of SIGILL, which must become a line here instead of ending ``oro doctor``. The line, and
    what the child reported (empty when it did not import)."""
    name = "llama-cpp-python"
    if not _has_module("llama_cpp"):
        return DoctorCheck(
            name,
            False,
            "not installed" + (" (oro-ai needs it)" if needed else ""),
            required=needed,
            hint="pip install oro-ai",
        ), {}
    try:
        completed = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return DoctorCheck(name, False, f"cannot be imported: {error}", required=needed), {}
    if completed.returncode != 0:
        if completed.returncode < 0:
            why = f"importing it killed Python ({signal.Signals(-completed.returncode).name})"
        else:
            lines = completed.stderr.strip().splitlines()
            why = f"import failed: {lines[-1] if lines else completed.returncode}"
        return DoctorCheck(name, False, why, required=needed, hint=_REINSTALL_LLAMA), {}
    probe: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    built = {
        _BUILD_FLAGS[match.group(1)]
        for match in re.finditer(r"\b([A-Z0-9_]+) = 1\b", probe["system"])
        if match.group(1) in _BUILD_FLAGS
    }
    detail = f"{probe['version']}, built for {' '.join(sorted(built)) or 'no SIMD extension'}"
    lacking = sorted(built - features) if features is not None else []
    if lacking:
        return DoctorCheck(
            name,
            False,
            f"{detail}; this CPU lacks {' '.join(lacking)}",
            required=needed,
            hint=_REINSTALL_LLAMA,
        ), probe
    return DoctorCheck(name, True, detail), probe


def _gpu_offload(probe: dict[str, Any]) -> DoctorCheck:
    """Whether the build can put layers on a GPU (``llama_supports_gpu_offload()``): what
    ``ai.llm.gpu_layer_count`` needs. A CPU-only build is fine, so this never fails."""
    name = "gpu offload"
    if "gpu_offload" not in probe:
        return DoctorCheck(name, True, "unknown: llama-cpp-python does not import")
    if probe["gpu_offload"] is None:
        return DoctorCheck(
            name, True, "unknown: this llama-cpp-python has no llama_supports_gpu_offload()"
        )
    if probe["gpu_offload"]:
        return DoctorCheck(name, True, "supported: ai.llm.gpu_layer_count layers go to the GPU")
    return DoctorCheck(
        name,
        True,
        "not supported by this llama-cpp-python build (CPU only): ai.llm.gpu_layer_count has "
        "no effect",
    )


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _default_model() -> DoctorCheck:
    name = "default model"
    path = default_model_file()
    if path is None:
        return DoctorCheck(
            name,
            False,
            f"not found (no {DEFAULT_MODEL_PACKAGE} package with a .gguf)",
            required=False,
            hint="pip install oro-ai, or set ai.llm.model_path and "
            "ai.llm.default_model to a .gguf of yours",
        )
    return DoctorCheck(name, True, f"{path.stem} ({_size(path.stat().st_size)}) at {path}")


def checks() -> list[DoctorCheck]:
    """The lines oro-ai adds to ``oro doctor``: the CPU, llama-cpp-python, GPU offload, the
    default model. oro-ai is installed when it is asked, so each missing piece fails the
    check."""
    needed = True
    features = cpu_features()
    llama, probe = _llama_cpp(features, needed)
    return [_cpu(features), llama, _gpu_offload(probe), _default_model()]
