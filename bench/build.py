"""Shipping: what ``oro build`` makes, how big it is and how fast it starts, against a bare
pywebview + PyInstaller hello world built in the same run (the floor a Python/Qt WebEngine app
reaches) and against ``oro run``.

Per app (the minimal app and the showcase; ``--quick``: the minimal app only):

* onedir, ``.tar.gz`` and ``.deb`` sizes, against the hello world's onedir and ``.tar.gz``
  (made the same way: PyInstaller defaults, gzip level 6). Goal (issue 26): the minimal app's
  folder no larger than the hello world's (ratio <= 1); the showcase carries a language model
  and llama.cpp on top, so it has no goal.
* cold start of the built app, headless from a clean environment, to its first answered
  ``/ipc/ping``, against ``oro run --headless`` of the same app. Goal: <= 1.2.
* start in a real window (Xvfb) until the page reported ready, against the hello world until
  its page's ``loaded`` event. No goal: ours loads and boots the runtime's JS too.

Then what the minimal app's folder is made of. Each start time is the median of its rounds,
interleaved with the baseline's.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _shared import goal, seconds_to_first_pong, spawn_until

from oro_framework.build.builder import folder_size
from oro_framework.build.freeze import SYSTEM_ENGINE_MODULES
from oro_framework.testing import virtual_display

REPOSITORY = Path(__file__).resolve().parents[1]
ORO = str(Path(sys.executable).with_name("oro"))
LAUNCH_URL = re.compile(r"http://127\.0\.0\.1:\d+/\?oro_launch=\S+")
WINDOW_READY = re.compile(r"^oro: window 0 ready$")
HELLO_LOADED = re.compile(r"^loaded$")
HELLO = """import webview

window = webview.create_window("hello", html="<!doctype html><p>hello")
window.events.loaded += lambda: print("loaded", flush=True)
webview.start()
"""
MIB = 2**20


def _clean_environ(home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def _until_line(command: list[str], pattern: re.Pattern[str], environ: dict[str, str]) -> float:
    started = time.perf_counter()
    process, _ = spawn_until(command, pattern, env=environ)
    elapsed = time.perf_counter() - started
    process.terminate()
    process.wait()
    return elapsed


def _tar_size(folder: Path, out: Path) -> int:
    target = out / f"{folder.name}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=folder.name)
    return target.stat().st_size


def _build_hello(work: Path) -> Path:
    work.mkdir(parents=True)
    script = work / "hello.py"
    script.write_text(HELLO)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--onedir",
            "--log-level=ERROR",
            f"--distpath={work / 'dist'}",
            f"--workpath={work / 'build'}",
            f"--specpath={work}",
            # The hello is pywebview's Qt app, as ours is frozen: the system engine's gi (a
            # distro package, linked into the venv) stays out, as oro build leaves it out.
            *(f"--exclude-module={module}" for module in SYSTEM_ENGINE_MODULES),
            str(script),
        ],
        check=True,
    )
    return work / "dist" / "hello"


def _build_oro(app: Path, out: Path) -> Path:
    subprocess.run(
        [ORO, "build", str(app), "--out", str(out), "--target", "tar", "--target", "deb"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return next(path for path in out.iterdir() if path.is_dir() and not path.name.startswith("."))


def _median(rounds: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(rounds))


def _row(case: str, ours: float, baseline: str, base: float, unit: str, bound: str | None) -> None:
    print(
        f"{case:<34}{ours:>10.2f} {unit:<4}{baseline:<26}{base:>10.2f} {unit:<4}"
        f"{ours / base:>8.3g}{goal(bound)}"
    )


def _breakdown(folder: Path, hello_size: int) -> None:
    """What the folder is made of, each part as a row against the hello world's whole folder."""
    internal = folder / "_internal"
    qt = internal / "PyQt6" / "Qt6"

    def size(pattern: str) -> int:
        return sum(path.stat().st_size for path in internal.glob(pattern) if path.is_file())

    webengine = size("PyQt6/Qt6/lib/libQt6WebEngine*") + folder_size(qt / "resources")
    icu = size("PyQt6/Qt6/lib/libicu*")
    qt_rest = folder_size(internal / "PyQt6") - webengine - icu
    python = size("libpython*") + folder_size(internal / "python3.11") + size("base_library.zip")
    rest = folder_size(folder) - webengine - icu - qt_rest - python
    for part, part_size in (
        ("QtWebEngine (Chromium)", webengine),
        ("ICU data", icu),
        ("other Qt", qt_rest),
        ("Python runtime", python),
        ("host, plugins, system libs", rest),
    ):
        _row(
            f"{folder.name}: {part}",
            part_size / MIB,
            "hello: onedir",
            hello_size / MIB,
            "MiB",
            None,
        )


def main() -> None:
    quick = "--quick" in sys.argv
    rounds = 2 if quick else 5
    apps = [REPOSITORY / "examples" / "minimal"]
    if not quick:
        apps.append(REPOSITORY / "examples" / "showcase")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        hello = _build_hello(work / "hello")
        hello_size = folder_size(hello)
        hello_tar = _tar_size(hello, work)
        built = {app.name: _build_oro(app, work / f"dist-{app.name}") for app in apps}
        print(
            f"{'case':<34}{'ours':>10} {'':<4}{'baseline':<26}{'base':>10} {'':<4}"
            f"{'ratio':>8}{'goal':>8}"
        )
        for app in apps:
            folder = built[app.name]
            name = app.name
            bound = "<=1" if name == "minimal" else None
            _row(
                f"{name}: onedir",
                folder_size(folder) / MIB,
                "hello: onedir",
                hello_size / MIB,
                "MiB",
                bound,
            )
            tar = next(folder.parent.glob("*.tar.gz")).stat().st_size
            _row(f"{name}: .tar.gz", tar / MIB, "hello: .tar.gz", hello_tar / MIB, "MiB", bound)
            deb = next(folder.parent.glob("*.deb")).stat().st_size
            _row(f"{name}: .deb", deb / MIB, "hello: .tar.gz", hello_tar / MIB, "MiB", None)
            executable = str(folder / folder.name)
            built_times, run_times = [], []
            for index in range(rounds):
                built_times.append(
                    seconds_to_first_pong(
                        [executable, "--headless", "--port", "0"],
                        LAUNCH_URL,
                        env=_clean_environ(work / f"home-{name}-{index}"),
                    )
                )
                run_times.append(
                    seconds_to_first_pong(
                        [ORO, "run", str(app), "--headless", "--port", "0"], LAUNCH_URL
                    )
                )
            _row(
                f"{name}: start to first ping",
                statistics.median(built_times),
                "oro run --headless",
                statistics.median(run_times),
                "s",
                "<=1.2",
            )
        with virtual_display() as display:
            window = {"DISPLAY": display, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
            folder = built["minimal"]
            ours = _median(
                rounds,
                lambda: _until_line(
                    [str(folder / folder.name), "--port", "0"],
                    WINDOW_READY,
                    _clean_environ(work / "home-window", **window),
                ),
            )
            base = _median(
                rounds,
                lambda: _until_line(
                    [str(hello / "hello")],
                    HELLO_LOADED,
                    _clean_environ(work / "home-hello", **window),
                ),
            )
            _row("minimal: window start", ours, "hello: window loaded", base, "s", None)
        _breakdown(built["minimal"], hello_size)


if __name__ == "__main__":
    main()
