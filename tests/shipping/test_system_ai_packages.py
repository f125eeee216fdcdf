"""An app that uses oro-ai as a system package on WebKitGTK (``oro build --webview system``):
a ``.deb`` of a few MB that depends on oro's two shared packages, ``oro-ai-engine`` (llama.cpp
built for every x86-64 CPU, with runtime dispatch) and ``oro-ai-model-smollm2``; installed with
apt next to them, started from /usr/bin with an empty environment, it opens a WebKitGTK window
whose page streams an answer from the model. The same app on the shared ``oro-runtime``. The
engine's always-loaded code needs nothing beyond the x86-64 baseline Debian supports.

(The other Debian release: ``test_system_other_debian.py``.)
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path

import psutil
import pytest

from conftest import apt, clean_environ, deb_field, one
from tests._ai_app import ANSWERED, COMMAND, streamed, write_ai_app
from tests._oro_process import ORO, REPOSITORY, OroProcess, until

# The first build on a machine compiles llama.cpp for distribution (~10 min on 2 idle cores,
# more beside the other tests): the hang guard (pyproject's timeout) leaves it room.
pytestmark = pytest.mark.timeout(3600)

MB = 10**6
ENGINE = "oro-ai-engine"
MODEL = "oro-ai-model-smollm2"
ENGINE_LIB = Path("/usr/lib/oro-ai-engine/llama_cpp/lib")
BASELINE_LIBRARIES = ("libllama.so", "libggml.so", "libggml-base.so", "libggml-cpu-x64.so")
"""What every machine loads: the binding's libraries and the CPU variant of the baseline."""
BEYOND_BASELINE = re.compile(
    # Registers and mnemonics (AT&T, as objdump prints them) of the instruction sets after
    # x86-64's SSE2: AVX and AVX-512 (VEX/EVEX: every mnemonic starting with v, the ymm, zmm
    # and k registers), SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, LZCNT, BMI1/2, MOVBE, ADX. Not
    # tzcnt: GCC emits `rep bsf` for a count of trailing zeros, which objdump shows as tzcnt
    # and a CPU without BMI1 runs as bsf (the same answer for the non-zero input it gets).
    r"%[yz]mm\d|%k[0-7]\b|^\s*v[a-z]|"
    r"^\s*(addsubp[sd]|haddp[sd]|hsubp[sd]|lddqu|movddup|movs[hl]dup|pshufb|palignr|phadd\w*"
    r"|phsub\w*|pmaddubsw|pmulhrsw|psign[bwd]|pabs[bwd]|pblend\w*|blendv?p[sd]|dpp[sd]"
    r"|extractps|insertps|pextr[bdq]|pinsr[bdq]|pmaxs[bd]|pmaxu[wd]|pmins[bd]|pminu[wd]"
    r"|pmov[sz]x\w*|pmuldq|pmulld|ptest|round[sp][sd]|packusdw|pcmpeqq|pcmpgtq|mpsadbw"
    r"|phminposuw|movntdqa|pcmp[ei]str[im]|crc32\w*|popcnt|lzcnt|andn|bextr|blsi|blsmsk"
    r"|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|movbe|adcx|adox)[bwlq]?\b",
    re.MULTILINE,
)


def _oro(*arguments: str) -> str:
    completed = subprocess.run(
        [str(ORO), *arguments],
        capture_output=True,
        text=True,
        timeout=3000,  # the first build on a machine compiles llama.cpp (pytestmark)
        cwd=REPOSITORY,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def ai_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app built bundled and on the shared runtime, the runtime, and the shared AI
    packages, all in one folder (as a user publishes them in one apt repository). In this
    folder's worker: its other tests install and remove an oro-runtime too."""
    app = write_ai_app(tmp_path_factory.mktemp("ask-app"))
    out = tmp_path_factory.mktemp("ask-dist")
    bundled = out / "bundled"
    shared = out / "shared"
    _oro("build", str(app), "--webview", "system", "--target", "deb", "--out", str(bundled))
    _oro("build-runtime", "--target", "deb", "--out", str(shared))
    _oro(
        "build", str(app), "--webview", "system", "--runtime", "shared", "--target", "deb",
        "--out", str(shared),
    )  # fmt: skip
    return out


def _answers_in_a_window(home: Path, display: str) -> str:
    """Starts /usr/bin/ask in a window; the CPU variant of the engine it loaded once its page
    streamed an answer."""
    with OroProcess(
        "--port", "0",
        executable=Path(f"/usr/bin/{COMMAND}"),
        environ=clean_environ(home, {"DISPLAY": display}),
        timeout=300,
    ) as app:  # fmt: skip
        app.wait_for_line(r"^oro: opened Ask in a window")
        chunks, text = streamed(app.wait_for_line(ANSWERED))
        assert chunks >= 2, (chunks, text)  # streamed, not one answer at the end
        assert text.strip("'\" "), text
        host = psutil.Process(app.process.pid)
        assert host.exe().startswith("/usr/bin/python3"), host.exe()

        def web_process() -> bool:
            names = []
            for child in host.children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    names.append(child.name())
            return "WebKitWebProcess" in names

        until(web_process, "the window's WebKitWebProcess")
        mapped = {
            line.split()[-1]
            for line in Path(f"/proc/{app.process.pid}/maps").read_text().splitlines()
            if line.split()[-1].endswith(".so")
        }
    variants = [path for path in mapped if path.startswith(f"{ENGINE_LIB}/libggml-cpu-")]
    assert len(variants) == 1, mapped  # the engine's own, the best of one for this CPU
    assert not [path for path in mapped if "/.venv/" in path or "PyQt6" in path], mapped
    return variants[0]


def test_an_ai_app_ships_small_on_webkitgtk_and_answers_in_a_window(
    ai_dist: Path, tmp_path: Path, display: str
) -> None:
    bundled = ai_dist / "bundled"
    app = one(bundled, f"{COMMAND}_0.3.0_*.deb")
    engine = one(bundled, f"{ENGINE}_*.deb")
    model = one(bundled, f"{MODEL}_*.deb")
    assert app.stat().st_size <= 5 * MB, app.stat().st_size
    depends = [item.strip() for item in deb_field(app, "Depends").split(",")]
    assert any(item.startswith(f"{ENGINE} (>= ") for item in depends), depends
    assert any(item.startswith(f"{MODEL} (>= ") for item in depends), depends
    assert any(item.startswith("python3-numpy") for item in depends), depends
    assert "gir1.2-webkit2-4.1" in depends, depends
    # Nothing of llama.cpp or the model inside the app's own package.
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(app)], capture_output=True, text=True, check=True
    ).stdout
    assert "llama_cpp" not in contents
    assert ".gguf" not in contents
    assert deb_field(model, "Architecture") == "all"
    apt("install", str(app), str(engine), str(model))
    try:
        variant = _answers_in_a_window(tmp_path / "home", display)
    finally:
        apt("purge", COMMAND, ENGINE, MODEL)
    assert variant.rsplit("-", 1)[-1] != "x64.so" or not _has_avx2(), variant
    for gone in (
        f"/usr/lib/{COMMAND}",
        "/usr/lib/oro-ai-engine",
        "/usr/share/oro-ai-model-smollm2",
    ):
        assert not Path(gone).exists(), gone


def _has_avx2() -> bool:
    return " avx2 " in Path("/proc/cpuinfo").read_text().replace("\n", " ")


def test_the_same_app_on_the_shared_runtime_is_kilobytes_and_answers(
    ai_dist: Path, tmp_path: Path, display: str
) -> None:
    shared = ai_dist / "shared"
    app = one(shared, f"{COMMAND}_0.3.0_*.deb")
    runtime = one(shared, "oro-runtime_*.deb")
    assert app.stat().st_size <= 100 * 1024, app.stat().st_size
    depends = [item.strip() for item in deb_field(app, "Depends").split(",")]
    assert "oro-runtime-oro-ai" in depends, depends
    assert any(item.startswith(f"{ENGINE} (>= ") for item in depends), depends
    # The runtime carries the plugin, not its engine: only the apps that use it pull that in.
    assert "oro-runtime-oro-ai" in deb_field(runtime, "Provides")
    assert ENGINE not in deb_field(runtime, "Depends")
    apt(
        "install", str(app), str(runtime),
        str(one(shared, f"{ENGINE}_*.deb")), str(one(shared, f"{MODEL}_*.deb")),
    )  # fmt: skip
    try:
        _answers_in_a_window(tmp_path / "home", display)
    finally:
        apt("purge", COMMAND, "oro-runtime", ENGINE, MODEL)


def test_the_engine_runs_on_every_x86_64_cpu_debian_supports(ai_dist: Path, tmp_path: Path) -> None:
    if os.uname().machine != "x86_64":
        pytest.fail(f"the engine's CPU variants are x86-64's; this machine is {os.uname().machine}")
    engine = one(ai_dist / "bundled", f"{ENGINE}_*.deb")
    subprocess.run(["dpkg-deb", "-x", str(engine), str(tmp_path)], check=True)
    lib = tmp_path / str(ENGINE_LIB).lstrip("/")
    variants = sorted(path.name for path in lib.glob("libggml-cpu-*.so"))
    assert {"libggml-cpu-x64.so", "libggml-cpu-haswell.so"} <= set(variants), variants
    assert "libggml-cpu-sapphirerapids.so" not in variants  # AMX: see shared_ai.py
    for name in variants:
        symbols = subprocess.run(
            ["objdump", "-T", str(lib / name)], capture_output=True, text=True, check=True
        ).stdout
        assert "ggml_backend_score" in symbols, name  # what ggml's dispatch asks each variant
    for name in BASELINE_LIBRARIES:
        code = subprocess.run(
            ["objdump", "-d", "--no-show-raw-insn", "--no-addresses", str(lib / name)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        instructions = [line.split("\t", 1)[-1] for line in code.splitlines() if "\t" in line]
        beyond = [line for line in instructions if BEYOND_BASELINE.search(line)]
        assert len(instructions) > 1000, name  # disassembled for real
        assert beyond == [], f"{name}: {beyond[:20]}"
