"""Shipping: what ``oro build`` makes, how big it is and how fast it starts, against a bare
pywebview + PyInstaller hello world built in the same run (the floor a Python/Qt WebEngine app
reaches) and against ``oro run``; then the Qt bundle's ``.deb`` against the system packages
(``--webview system``) built, installed and started in the same run.

Per app (the minimal app and the showcase; ``--quick``: the minimal app only):

* onedir, ``.tar.gz`` and ``.deb`` sizes, against the hello world's onedir and ``.tar.gz``
  (made the same way: PyInstaller defaults, gzip level 6). Goal (issue 26): the minimal app's
  folder no larger than the hello world's (ratio <= 1); the showcase carries a language model
  and llama.cpp on top, so it has no goal.
* cold start of the built app, headless from a clean environment, to its first answered
  ``/ipc/ping``, against ``oro run --headless`` of the same app. Goal: <= 1.2.
* start in a real window (Xvfb) until the page reported ready, against the hello world until
  its page's ``loaded`` event. No goal: ours loads and boots the runtime's JS too.

Then what the minimal app's folder is made of.

Then the engines and runtime modes (issue 42), each a ``.deb`` of the same app: the Qt bundle
(``oro build APP --target deb``), the system package carrying the host (``--webview system``,
*system bundled*) and the one depending on ``oro-runtime`` (``--runtime shared``, *system
shared*; ``oro build-runtime --target deb`` is built once and reported on its own). For each: the
``.deb``'s size, its ``Installed-Size``, the wall clock of the ``oro`` command that built it (the
Qt bundle's without its ``.tar.gz`` step, which this bench asks for as well) and the start to the
first answered ping of the installed app: ``apt-get install``, ``/usr/bin/<command> --headless``
from a clean environment, ``apt-get purge``. The system packages are against the Qt bundle's;
goals: the installed start at most the Qt bundle's, the minimal app's self-contained ``.deb`` at
most 5 MiB (stretch: 2.5 MiB) and its shared-mode ``.deb`` at most 100 KiB. An app that cannot
ship as a system package gets a ``cannot ship`` line with the build's error instead; one that
uses oro-ai (the showcase) is installed with oro's shared engine and model packages, which the
build writes beside it and its row leaves out (docs/ai.md, "System packages"). Installing needs
root (or ``sudo -n``); without it the installed starts are left
out.

Each start time is the median of its rounds; the built folder's are interleaved with the
baseline's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _shared import goal, parse_arguments, seconds_to_first_pong, spawn_until

from oro_framework.build.builder import folder_size
from oro_framework.build.freeze import SYSTEM_ENGINE_MODULES
from oro_framework.build.system.shared_ai import SHARED_PACKAGES
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
KIB = 2**10
CASE_WIDTH = 42
BASELINE_WIDTH = 28
TAR_STEP = re.compile(r"^\[\d+/\d+\] packaging tar\.\.\.\n\s+done in ([\d.]+) s", re.MULTILINE)
"""``oro build``'s own timing of its ``.tar.gz`` step."""
PLUGIN_LINE = re.compile(r"^\s+plugin (\S+):", re.MULTILINE)
"""``oro build``'s line for each plugin the app ships with."""
DIST_INFO = re.compile(r"/vendor/([^/]+?)-[^/-]+\.dist-info/$", re.MULTILINE)
APT = ("apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q")
SHARED_DEBS = tuple(f"{shared.package}_" for shared in SHARED_PACKAGES.values())
"""How the ``.deb`` files of oro's shared packages an app's ``.deb`` may depend on begin."""
SYSTEM_MODES = {"system bundled": (), "system shared": ("--runtime", "shared")}
"""The system packages' ``oro build --webview system`` options, by the name of their mode."""
SELF_CONTAINED_GOAL, SELF_CONTAINED_STRETCH, SHARED_APP_GOAL = 5 * MIB, MIB * 5 // 2, 100 * KIB


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


def _field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


@dataclass
class Deb:
    """A ``.deb`` this bench built, the wall clock of the ``oro`` command that built it and the
    plugins the build said it ships."""

    path: Path
    seconds: float
    plugins: list[str] = field(default_factory=list)
    shared: list[Path] = field(default_factory=list)
    """oro's shared packages the build wrote beside it (an app that uses oro-ai: its engine
    and model), installed with it."""

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def package(self) -> str:
        return _field(self.path, "Package")

    @property
    def installed_size(self) -> int:
        """Bytes, from the control file's ``Installed-Size`` (KiB)."""
        return int(_field(self.path, "Installed-Size")) * KIB

    def carried(self) -> set[str]:
        """The distributions the package carries (its ``vendor/*.dist-info``), normalized."""
        contents = subprocess.run(
            ["dpkg-deb", "--contents", str(self.path)], capture_output=True, text=True, check=True
        ).stdout
        return {name.lower().replace("_", "-") for name in DIST_INFO.findall(contents)}


def _timed_oro(arguments: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """``oro arguments``, its output captured, and its wall clock in seconds."""
    started = time.perf_counter()
    completed = subprocess.run(
        [ORO, *arguments], capture_output=True, text=True, check=False, timeout=1800
    )
    return completed, time.perf_counter() - started


def _built(completed: subprocess.CompletedProcess[str]) -> None:
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(completed.args)} failed:\n{completed.stdout}\n{completed.stderr}"
        )


def _build_oro(app: Path, out: Path) -> tuple[Path, Deb]:
    """The Qt bundle: its folder, and its ``.deb`` with the build's seconds less its ``.tar.gz``
    step (what ``oro build APP --target deb`` alone takes)."""
    completed, seconds = _timed_oro(
        ["build", str(app), "--out", str(out), "--target", "tar", "--target", "deb"]
    )
    _built(completed)
    tar_step = TAR_STEP.search(completed.stdout)
    if tar_step is not None:
        seconds -= float(tar_step.group(1))
    folder = next(path for path in out.iterdir() if path.is_dir() and not path.name.startswith("."))
    deb = Deb(next(out.glob("*.deb")), seconds, PLUGIN_LINE.findall(completed.stdout))
    return folder, deb


def _build_system(app: Path, out: Path, options: tuple[str, ...]) -> Deb | str:
    """``oro build APP --webview system [options] --target deb``, or where the app cannot ship
    as a system package, ``"cannot ship: <the error's first line>"``."""
    completed, seconds = _timed_oro(
        ["build", str(app), "--webview", "system", *options, "--target", "deb", "--out", str(out)]
    )
    if completed.returncode != 0 and "CannotShipError" in completed.stderr:
        first = next(line for line in completed.stderr.splitlines() if line.strip())
        return f"cannot ship: {first.removeprefix('Error: ')}"
    _built(completed)
    debs = sorted(out.glob("*.deb"))
    shared = [deb for deb in debs if deb.name.startswith(SHARED_DEBS)]
    app_deb = next(deb for deb in debs if deb not in shared)
    return Deb(app_deb, seconds, PLUGIN_LINE.findall(completed.stdout), shared)


def _build_runtime(out: Path) -> Deb:
    completed, seconds = _timed_oro(["build-runtime", "--target", "deb", "--out", str(out)])
    _built(completed)
    return Deb(next(out.glob("oro-runtime_*.deb")), seconds)


def _as_root(*command: str) -> list[str]:
    return list(command) if os.geteuid() == 0 else ["sudo", "-n", *command]


def _can_install() -> bool:
    """Whether this bench can install packages: root or password-less sudo, and apt-get."""
    if shutil.which("apt-get") is None:
        return False
    if os.geteuid() == 0:
        return True
    return subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0


def _apt(*arguments: str) -> None:
    completed = subprocess.run(
        _as_root(*APT, *arguments),
        capture_output=True,
        text=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=False,
        timeout=900,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"apt-get {' '.join(arguments)} failed:\n{completed.stdout}")


def _purge(package: str) -> None:
    """``package`` purged if dpkg knows it (apt-get knows no package only a local .deb gave)."""
    known = subprocess.run(
        ["dpkg-query", "--show", package], capture_output=True, check=False
    ).returncode
    if known == 0:
        _apt("purge", package)


@contextmanager
def _installed(deb: Deb) -> Iterator[str]:
    """``deb`` installed with apt-get for the with-block, purged after; its ``/usr/bin``
    launcher. A package of the same name installed before is purged first: apt-get would keep
    it when its version is the same."""
    package = deb.package
    others = [_field(shared, "Package") for shared in deb.shared]
    for name in (package, *others):
        _purge(name)
    try:
        _apt("install", str(deb.path), *map(str, deb.shared))
        yield f"/usr/bin/{package}"
    finally:
        for name in (package, *others):
            _purge(name)


def _installed_start(deb: Deb, rounds: int, home: Path) -> float:
    """Median seconds from starting the installed ``deb``'s launcher, headless from a clean
    environment (a new home each round), to its first answered ping."""
    with _installed(deb) as launcher:
        return statistics.median(
            seconds_to_first_pong(
                [launcher, "--headless", "--port", "0"],
                LAUNCH_URL,
                env=_clean_environ(home / str(index)),
            )
            for index in range(rounds)
        )


def _median(rounds: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(rounds))


def _line(case: str, ours: str, baseline: str, base: str, ratio: float, bound: str | None) -> None:
    print(f"{case:<{CASE_WIDTH}}{ours}{baseline:<{BASELINE_WIDTH}}{base}{ratio:>8.3g}{goal(bound)}")


def _amount(value: float, unit: str) -> str:
    return f"{value:>10.2f} {unit:<4}"


def _size(size: int) -> str:
    return _amount(size / MIB, "MiB") if size >= MIB else _amount(size / KIB, "KiB")


def _row(case: str, ours: float, baseline: str, base: float, unit: str, bound: str | None) -> None:
    _line(case, _amount(ours, unit), baseline, _amount(base, unit), ours / base, bound)


def _size_row(case: str, ours: int, baseline: str, base: int, bound: str | None) -> None:
    _line(case, _size(ours), baseline, _size(base), ours / base, bound)


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


@dataclass
class Engines:
    """One app's ``.deb`` per engine and runtime mode, and the installed starts measured."""

    qt: Deb
    system: dict[str, Deb | str]
    starts: dict[str, float] = field(default_factory=dict)
    """Median installed start by mode (``"Qt bundle"`` or a key of :data:`SYSTEM_MODES`)."""


def _build_system_modes(app: Path, work: Path) -> dict[str, Deb | str]:
    modes: dict[str, Deb | str] = {}
    for mode, options in SYSTEM_MODES.items():
        bundled = modes.get("system bundled")
        # The shared package builds, but oro-runtime cannot carry what the bundle could not.
        modes[mode] = (
            bundled
            if isinstance(bundled, str)
            else _build_system(app, work / f"{mode.replace(' ', '-')}-{app.name}", options)
        )
    return modes


def _measure_installed_starts(
    engines: dict[str, Engines], runtime: Deb, rounds: int, work: Path
) -> None:
    for name, app in engines.items():
        app.starts["Qt bundle"] = _installed_start(app.qt, rounds, work / f"home-qt-{name}")
        bundled = app.system["system bundled"]
        if isinstance(bundled, Deb):
            app.starts["system bundled"] = _installed_start(
                bundled, rounds, work / f"home-bundled-{name}"
            )
    with _installed(runtime):
        for name, app in engines.items():
            shared = app.system["system shared"]
            if isinstance(shared, Deb):
                app.starts["system shared"] = _installed_start(
                    shared, rounds, work / f"home-shared-{name}"
                )


def _print_engines(
    engines: dict[str, Engines],
    runtime: Deb,
    hello_seconds: float,
    onedirs: dict[str, tuple[Path, float]],
) -> None:
    carried = runtime.carried()
    for name, app in engines.items():
        qt = app.qt
        folder, onedir_start = onedirs[name]
        _row(f"{name}: Qt bundle build", qt.seconds, "hello: PyInstaller", hello_seconds, "s", None)
        _size_row(
            f"{name}: Qt bundle installed",
            qt.installed_size,
            "Qt onedir",
            folder_size(folder),
            None,
        )
        if "Qt bundle" in app.starts:
            _row(
                f"{name}: Qt bundle installed start",
                app.starts["Qt bundle"],
                "Qt onedir start",
                onedir_start,
                "s",
                None,
            )
        for mode, deb in app.system.items():
            if isinstance(deb, str):
                print(f"{f'{name}: {mode}':<{CASE_WIDTH}}{deb}")
                continue
            _size_row(f"{name}: {mode} .deb", deb.size, "Qt bundle .deb", qt.size, None)
            _size_row(
                f"{name}: {mode} installed",
                deb.installed_size,
                "Qt bundle installed",
                qt.installed_size,
                None,
            )
            _row(f"{name}: {mode} build", deb.seconds, "Qt bundle build", qt.seconds, "s", None)
            if mode in app.starts:
                missing = sorted(set(deb.plugins) - carried) if mode == "system shared" else []
                if missing:
                    print(
                        f"note: oro-runtime carries none of {', '.join(missing)}, which {name} "
                        "uses: its shared start ran without them",
                        file=sys.stderr,
                    )
                _row(
                    f"{name}: {mode} installed start"
                    + (f" (runtime lacks {len(missing)} plugins)" if missing else ""),
                    app.starts[mode],
                    "Qt bundle installed start",
                    app.starts["Qt bundle"],
                    "s",
                    "<=1",
                )
        bundled, shared = app.system["system bundled"], app.system["system shared"]
        if name == "minimal" and isinstance(bundled, Deb):
            _size_row(
                f"{name}: self-contained .deb", bundled.size, "goal", SELF_CONTAINED_GOAL, "<=1"
            )
            _size_row(
                f"{name}: self-contained .deb",
                bundled.size,
                "stretch goal",
                SELF_CONTAINED_STRETCH,
                "<=1",
            )
        if name == "minimal" and isinstance(shared, Deb):
            _size_row(f"{name}: shared-mode app .deb", shared.size, "goal", SHARED_APP_GOAL, "<=1")
    first = next(iter(engines.values())).qt
    _size_row(
        "oro-runtime .deb (built once)", runtime.size, "minimal: Qt bundle .deb", first.size, None
    )
    _size_row(
        "oro-runtime installed",
        runtime.installed_size,
        "minimal: Qt bundle installed",
        first.installed_size,
        None,
    )
    _row("oro-runtime build", runtime.seconds, "minimal: Qt bundle build", first.seconds, "s", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the minimal app, two rounds")
    quick = parse_arguments(parser).quick
    rounds = 2 if quick else 5
    apps = [REPOSITORY / "examples" / "minimal"]
    if not quick:
        apps.append(REPOSITORY / "examples" / "showcase")
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        started = time.perf_counter()
        hello = _build_hello(work / "hello")
        hello_seconds = time.perf_counter() - started
        hello_size = folder_size(hello)
        hello_tar = _tar_size(hello, work)
        built = {app.name: _build_oro(app, work / f"dist-{app.name}") for app in apps}
        engines = {
            app.name: Engines(built[app.name][1], _build_system_modes(app, work)) for app in apps
        }
        runtime = _build_runtime(work / "oro-runtime")
        print(
            f"{'case':<{CASE_WIDTH}}{'ours':>10} {'':<4}{'baseline':<{BASELINE_WIDTH}}"
            f"{'base':>10} {'':<4}{'ratio':>8}{'goal':>8}"
        )
        onedirs: dict[str, tuple[Path, float]] = {}
        for app in apps:
            folder, qt_deb = built[app.name]
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
            _row(f"{name}: .deb", qt_deb.size / MIB, "hello: .tar.gz", hello_tar / MIB, "MiB", None)
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
            onedirs[name] = (folder, statistics.median(built_times))
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
            folder = built["minimal"][0]
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
        _breakdown(built["minimal"][0], hello_size)
        if _can_install():
            _measure_installed_starts(engines, runtime, rounds, work)
        else:
            print("note: not root, no sudo -n: installed starts left out", file=sys.stderr)
        _print_engines(engines, runtime, hello_seconds, onedirs)


if __name__ == "__main__":
    main()
