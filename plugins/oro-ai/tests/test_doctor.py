"""oro-ai's lines in ``oro doctor``, run for real: llama-cpp-python, the default model and the CPU
features, each ok/warn/fail with a fix, and the exit status."""

from __future__ import annotations

import json
import signal
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import llama_cpp
from oro_ai.doctor import CPU_FLAGS, cpu_features
from oro_ai.models import default_model_file

from oro_framework.testing.process import ORO, OroProcess, headless_environ


def doctor(app: Path, *arguments: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ORO), "doctor", *arguments],
        cwd=app,
        env=headless_environ(extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def by_name(completed: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in json.loads(completed.stdout)}


def test_doctor_reports_llama_cpp_the_default_model_cpu_and_plugins(tmp_path: Path) -> None:
    completed = doctor(tmp_path, "--json")
    checks = by_name(completed)

    assert completed.returncode == 0, completed.stdout
    assert all(row["status"] in ("ok", "warn") for row in checks.values())
    llama = checks["llama-cpp-python"]
    assert llama["status"] == "ok"
    assert llama["detail"].startswith(f"{version('llama-cpp-python')}, built for ")
    model = default_model_file()
    assert model is not None
    assert checks["default model"] == {
        "name": "default model",
        "status": "ok",
        "ok": True,
        "detail": f"{model.stem} ({model.stat().st_size / 1e6:.1f} MB) at {model}",
        "required": False,
        "hint": "",
    }
    features = cpu_features()
    cpu = checks["cpu features"]["detail"]
    if features is not None:
        assert all((flag in cpu.split()) == (flag in features) for flag in CPU_FLAGS)
    for plugin in ("ai", "fs", "ping", "oro"):
        assert checks[f"plugin {plugin}"]["status"] == "ok"
    assert checks["plugin ai"]["detail"] == f"oro-ai {version('oro-ai')}"
    # What ai.llm.gpu_layer_count can do with this build: llama_supports_gpu_offload().
    offload = checks["gpu offload"]
    assert offload["status"] == "ok"
    if llama_cpp.llama_supports_gpu_offload():
        assert offload["detail"] == "supported: ai.llm.gpu_layer_count layers go to the GPU"
    else:
        assert offload["detail"] == (
            "not supported by this llama-cpp-python build (CPU only): ai.llm.gpu_layer_count "
            "has no effect"
        )


def test_doctor_fails_with_fixes_when_llama_cpp_breaks_and_the_model_is_missing(
    tmp_path: Path,
) -> None:
    # A llama_cpp that cannot load its library and a model package without a model, found
    # before the real ones.
    shadow = tmp_path / "shadow"
    (shadow / "llama_cpp").mkdir(parents=True)
    (shadow / "llama_cpp" / "__init__.py").write_text(
        "raise ImportError('libllama.so: cannot open shared object file')\n"
    )
    (shadow / "oro_ai_smollm2").mkdir()
    (shadow / "oro_ai_smollm2" / "__init__.py").write_text("")
    app = tmp_path / "app"
    app.mkdir()

    completed = doctor(app, "--json", PYTHONPATH=str(shadow))
    checks = by_name(completed)
    text = doctor(app, PYTHONPATH=str(shadow))

    assert completed.returncode == 1
    llama = checks["llama-cpp-python"]
    assert llama["status"] == "fail"
    assert llama["detail"] == (
        "import failed: ImportError: libllama.so: cannot open shared object file"
    )
    assert llama["hint"].startswith("pip install --force-reinstall --no-cache-dir llama-cpp-python")
    model = checks["default model"]
    assert model["status"] == "warn"
    assert model["detail"] == "not found (no oro_ai_smollm2 package with a .gguf)"
    assert "ai.llm.model_path" in model["hint"]
    assert checks["gpu offload"]["detail"] == "unknown: llama-cpp-python does not import"
    # oro-ai imports llama_cpp only when a model is first used (start-up stays fast), so the
    # plugin itself loads; the llama-cpp-python check above is where a broken build shows.
    assert checks["plugin ai"]["status"] == "ok"
    assert checks["plugin fs"]["status"] == "ok"

    assert text.returncode == 1
    lines = text.stdout.splitlines()
    at = lines.index(
        "fail llama-cpp-python: import failed: ImportError: libllama.so: cannot open shared "
        "object file"
    )
    assert lines[at + 1].startswith("     fix: pip install --force-reinstall")
    assert "warn default model: not found (no oro_ai_smollm2 package with a .gguf)" in lines


def test_cpu_features_from_cpuinfo() -> None:
    x86 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma f16c avx512f avx512bw\n"
    arm = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes\n"
    assert cpu_features(x86, "x86_64") == {"avx", "avx2", "fma", "f16c", "avx512f"}
    assert cpu_features("flags : fpu sse2\n", "x86_64") == set()
    assert cpu_features(arm, "aarch64") == {"neon"}
    assert cpu_features("", "arm64") == {"neon"}
    assert cpu_features("", "x86_64") is None


def test_doctor_fails_when_llama_cpp_was_built_for_features_this_cpu_lacks(
    tmp_path: Path,
) -> None:
    features = cpu_features()
    assert features is not None, "this test needs a system that reports its CPU features"
    # NEON and AVX never come together, so one of them is always missing here.
    lacking = "neon" if "neon" not in features else "avx"
    shadow = tmp_path / "shadow"
    (shadow / "llama_cpp").mkdir(parents=True)
    (shadow / "llama_cpp" / "__init__.py").write_text(
        "__version__ = '9.9.9'\n"
        "def llama_print_system_info():\n"
        f"    return b'CPU : {lacking.upper()} = 1 | SSE3 = 1 | LLAMAFILE = 1 | '\n"
        "def llama_supports_gpu_offload():\n"
        "    return True\n"
    )

    completed = doctor(tmp_path, "--json", PYTHONPATH=str(shadow))

    assert completed.returncode == 1
    assert by_name(completed)["gpu offload"]["detail"] == (
        "supported: ai.llm.gpu_layer_count layers go to the GPU"
    )
    llama = by_name(completed)["llama-cpp-python"]
    assert llama["status"] == "fail"
    assert llama["detail"] == f"9.9.9, built for {lacking}; this CPU lacks {lacking}"
    assert "GGML_NATIVE=ON" in llama["hint"]


def test_a_broken_llama_cpp_fails_the_first_model_load_with_a_typed_error(tmp_path: Path) -> None:
    # oro-ai imports llama_cpp only at the first load: the app starts, and the load answers
    # a ServiceUnavailableError (503) pointing at `oro doctor`, and everything else keeps serving.
    shadow = tmp_path / "shadow"
    (shadow / "llama_cpp").mkdir(parents=True)
    (shadow / "llama_cpp" / "__init__.py").write_text(
        "raise ImportError('libllama.so: cannot open shared object file')\n"
    )
    app = tmp_path / "app"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html><title>app</title>")
    environ = headless_environ({"PYTHONPATH": str(shadow)})
    with OroProcess("run", str(app), "--headless", environ=environ) as oro:
        launch = urlsplit(oro.launch_url())
        origin = f"{launch.scheme}://{launch.netloc}"
        with httpx.Client(follow_redirects=True) as client:
            client.get(launch.geturl())
            load = client.get(
                f"{origin}/ipc/ai.llm.model.load", params={"name": "SmolLM2-135M-Instruct.Q4_1"}
            )
            ping = client.get(f"{origin}/ipc/ping")
        oro.send_signal(signal.SIGINT)
        assert oro.wait() == 0
    error = load.json()["err"]
    assert (load.status_code, error["type"]) == (503, "ServiceUnavailableError")
    assert "libllama.so" in error["message"]
    assert "oro doctor" in error["message"]
    assert ping.json()["data"] == "pong"
