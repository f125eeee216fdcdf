"""What ``oro doctor`` checks: the pieces an app, its window and its tests rely on (llama.cpp,
the default model and the CPU features it uses included), and whether every plugin loads and
builds. Each check is ``ok``, ``warn`` (an optional piece is missing) or ``fail`` (``oro doctor``
exits with status 1) and carries a one-line fix."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, final

from oro_framework.kernel.errors import HostError
from oro_framework.kernel.plugins import PluginInfo

__all__ = ["Check", "cpu_features", "run_checks"]

CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@final
@dataclass(frozen=True)
class Check:
    """One line of ``oro doctor``.

    :ivar required: a failure makes ``oro doctor`` exit with status 1 (a broken plugin, an app
        that cannot be built); other failures are missing optional pieces.
    """

    name: str
    ok: bool
    detail: str
    required: bool = False
    hint: str = ""
    """How to fix it, in one line (shown when the check is not ok)."""

    @property
    def status(self) -> Literal["ok", "warn", "fail"]:
        return "ok" if self.ok else "fail" if self.required else "warn"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "ok": self.ok,
            "detail": self.detail,
            "required": self.required,
            "hint": "" if self.ok else self.hint,
        }


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _version_of(executable: str) -> str:
    try:
        completed = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{executable} (version unknown: {error})"
    output = (completed.stdout or completed.stderr).strip()
    return output.splitlines()[0] if output else executable


def _gui_backends() -> list[Check]:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    on_desktop = sys.platform in ("darwin", "win32") or has_display
    checks = [
        Check(
            "display",
            on_desktop,
            "available"
            if on_desktop
            else "none (DISPLAY/WAYLAND_DISPLAY unset): apps run headless",
            hint="run from a desktop session for windows; `oro run --headless` works anywhere",
        ),
        Check(
            "pywebview",
            _has_module("webview"),
            "installed" if _has_module("webview") else "missing",
            hint="pip install 'oro-framework[gui]'",
        ),
    ]
    qt = _has_module("PyQt6") and _has_module("PyQt6.QtWebEngineWidgets")
    checks.append(
        Check(
            "backend qt (PyQt6 + QtWebEngine)",
            qt,
            "installed" if qt else "missing",
            hint="pip install PyQt6 PyQt6-WebEngine (or use the gtk backend)",
        )
    )
    gtk = _has_module("gi")
    checks.append(
        Check(
            "backend gtk (PyGObject)",
            gtk,
            "installed" if gtk else "missing",
            hint="apt-get install python3-gi gir1.2-webkit2-4.1 (or use the qt backend)",
        )
    )
    return checks


def _chromium() -> Check:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return Check("chromium (browser tests)", True, f"{_version_of(path)} at {path}")
    return Check(
        "chromium (browser tests)",
        False,
        "not found",
        hint="apt-get install chromium (or: playwright install chromium)",
    )


def _node() -> Check:
    path = shutil.which("node")
    if path is None:
        return Check("node (JS unit tests)", False, "not found", hint="install Node.js 20 or newer")
    return Check("node (JS unit tests)", True, f"{_version_of(path)} at {path}")


def _plugins(infos: Iterable[PluginInfo]) -> list[Check]:
    checks = []
    for info in infos:
        installed = f"{info.distribution or info.module or '-'} {info.version or ''}".strip()
        detail = installed if info.error is None else f"broken ({installed}): {info.error}"
        package = info.distribution or info.module or info.name
        checks.append(
            Check(
                f"plugin {info.name}",
                info.error is None,
                detail,
                required=True,
                hint=f"pip install --upgrade {package} (or uninstall it); "
                "--skip-broken-plugins runs the app without it",
            )
        )
    return checks


def _app(app_dir: Path, error: HostError | None) -> Check:
    if error is None:
        return Check("app", True, f"{app_dir} builds", required=True)
    return Check(
        "app",
        False,
        f"{app_dir}: {type(error).__name__}: {error}",
        required=True,
        hint="fix the file and line named above (`oro config list` shows every value)",
    )


# -------------------------------------------------------------------------------------------------
# llama.cpp, the default model and the CPU
# -------------------------------------------------------------------------------------------------

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
print(json.dumps({"version": llama_cpp.__version__,
                  "system": info.decode() if isinstance(info, bytes) else str(info)}))
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


def _cpu(features: set[str] | None) -> Check:
    machine = platform.machine().lower()
    if features is None:
        return Check("cpu features", True, f"{machine}: not reported by this system")
    shown = " ".join(flag for flag in CPU_FLAGS if flag in features) or "none of " + " ".join(
        CPU_FLAGS
    )
    if machine in ("x86_64", "amd64") and "avx2" not in features:
        return Check(
            "cpu features",
            False,
            f"{machine}: {shown}; no AVX2: local models run several times slower",
            hint="use a smaller model (ai.llm.default_model) or a machine with AVX2",
        )
    return Check("cpu features", True, f"{machine}: {shown}")


def _llama_cpp(features: set[str] | None, needed: bool) -> Check:
    """Import llama_cpp in a child process: a build for CPU features this machine lacks dies
    of SIGILL, which must become a line here instead of ending ``oro doctor``."""
    name = "llama-cpp-python"
    if not _has_module("llama_cpp"):
        return Check(
            name,
            False,
            "not installed" + (" (oro-ai needs it)" if needed else ""),
            required=needed,
            hint="pip install 'oro-framework[ai]'",
        )
    try:
        completed = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Check(name, False, f"cannot be imported: {error}", required=needed)
    if completed.returncode != 0:
        if completed.returncode < 0:
            why = f"importing it killed Python ({signal.Signals(-completed.returncode).name})"
        else:
            lines = completed.stderr.strip().splitlines()
            why = f"import failed: {lines[-1] if lines else completed.returncode}"
        return Check(name, False, why, required=needed, hint=_REINSTALL_LLAMA)
    probe = json.loads(completed.stdout.strip().splitlines()[-1])
    built = {
        _BUILD_FLAGS[match.group(1)]
        for match in re.finditer(r"\b([A-Z0-9_]+) = 1\b", probe["system"])
        if match.group(1) in _BUILD_FLAGS
    }
    detail = f"{probe['version']}, built for {' '.join(sorted(built)) or 'no SIMD extension'}"
    lacking = sorted(built - features) if features is not None else []
    if lacking:
        return Check(
            name,
            False,
            f"{detail}; this CPU lacks {' '.join(lacking)}",
            required=needed,
            hint=_REINSTALL_LLAMA,
        )
    return Check(name, True, detail)


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _default_model(needed: bool) -> Check:
    name = "default model"
    if not _has_module("oro_ai"):
        return Check(name, False, "oro-ai is not installed", hint="pip install 'oro-framework[ai]'")
    from oro_ai.models import DEFAULT_MODEL_PACKAGE, default_model_file

    path = default_model_file()
    if path is None:
        return Check(
            name,
            False,
            f"not found (no {DEFAULT_MODEL_PACKAGE} package with a .gguf)",
            required=False,
            hint="pip install 'oro-framework[ai]', or set ai.llm.model_path and "
            "ai.llm.default_model to a .gguf of yours",
        )
    return Check(name, True, f"{path.stem} ({_size(path.stat().st_size)}) at {path}")


def _ai(plugins: Iterable[PluginInfo]) -> list[Check]:
    needed = any(info.module is not None and info.module.startswith("oro_ai") for info in plugins)
    features = cpu_features()
    return [_cpu(features), _llama_cpp(features, needed), _default_model(needed)]


def run_checks(
    plugins: Iterable[PluginInfo], *, app_dir: Path, app_error: HostError | None = None
) -> list[Check]:
    """Every check, in the order ``oro doctor`` prints them.

    :param plugins: every plugin, broken ones with their error.
    :param app_dir: the app that was built to find the plugins' hook failures.
    :param app_error: why that app could not be built, if it could not.
    """
    from oro_framework import __version__

    plugins = list(plugins)
    return [
        Check(
            "python",
            sys.version_info >= (3, 11),
            f"{platform.python_version()} at {sys.executable}",
            required=True,
        ),
        Check("oro-framework", True, __version__),
        Check("platform", True, f"{sys.platform} {platform.machine()}"),
        *_gui_backends(),
        _chromium(),
        _node(),
        *_ai(plugins),
        _app(app_dir, app_error),
        *_plugins(plugins),
    ]
