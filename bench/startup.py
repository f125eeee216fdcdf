"""Start-up: ``oro run --headless`` to its first answered ping, and the commands that only read
(``oro --version``, ``oro --help``, ``oro config get``), then where a launch's time goes.

Each is measured in the same run against a floor started the same way:

* ``oro run --headless`` of a one-page app in a temporary directory, from spawn until the launch
  URL it prints has been opened (the session cookie) and ``/ipc/ping`` answered ``pong``; against
  a bare hypercorn hello ASGI app on trio, from spawn until its first answer.
* the same ``oro run`` with none of the installed plugins loaded (only oro-framework's core
  ones), no goal: what the host itself costs, beside what the plugins add.
* ``oro --version``, ``oro --help`` and ``oro config get meta.name`` (in the app's folder) wall
  time against ``python -c pass``.
* what ``oro config get`` cannot skip, no goal: a Python process that only imports the modules
  declaring and validating the app's keys (click, tomlkit, pluggy, the entry points, the host's
  config code and built-in settings, every installed plugin's ``settings`` module; the list of
  installed plugins kept from the last command, as ``oro`` reads it) and parses ``oro.toml``,
  against ``python -c pass``: the floor under the command's row.

``--quick`` does few rounds. Each row is the median of its rounds, the rounds interleaved. Goals
(issue 55): ``oro run`` within 2 times the hypercorn hello app; the reading commands within 10
times ``python -c pass``.

The profile, on stderr after the table (stdout is the table alone): one more ``oro run
--headless`` with ``ORO_TRACE_STARTUP=1`` and ``ORO_TRACE_PLUGINS=1``, each phase it reports
(``oro_framework.host.tracing.startup``) in ms from spawn, as this process read the line, and
the slowest plugin hooks of that run; then the
same for ``oro run --webview system`` and ``--webview qt`` on a virtual display (Xvfb), up to the
main window's page calling ``window.ready``, for each engine installed (and Xvfb).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

from _shared import (
    BARE_HYPERCORN_APP,
    BARE_HYPERCORN_URL,
    parse_arguments,
    print_ratio_header,
    print_ratio_row,
    seconds_to_first_pong,
)

ORO = str(Path(sys.executable).with_name("oro"))
LAUNCH_URL = re.compile(r"http://127\.0\.0\.1:\d+/\?oro_launch=\S+")
ORO_TOML = """[meta]
name = "Startup Bench"
bundle_identifier = "dev.oro.startup-bench"
"""


def _oro_run(app: Path, env: dict[str, str] | None = None) -> float:
    return seconds_to_first_pong([ORO, "run", str(app), "--headless"], LAUNCH_URL, env=env)


def _without_plugins() -> dict[str, str]:
    """The environment of an ``oro run`` that loads none of the installed plugins, only
    oro-framework's core ones: what the host itself costs, for the profile."""
    from importlib.metadata import entry_points

    names = {ep.dist.name for ep in entry_points(group="oro") if ep.dist is not None}
    disabled = sorted(name for name in names if name != "oro-framework")
    return {**os.environ, "ORO_DISABLE_PLUGINS": ",".join(disabled)}


def _baseline() -> float:
    return seconds_to_first_pong(
        [sys.executable, "-c", BARE_HYPERCORN_APP], BARE_HYPERCORN_URL, stream="stderr"
    )


READING: Final = {
    "oro --version": ["--version"],
    "oro --help": ["--help"],
    "oro config get": ["config", "get", "meta.name"],
}
"""The commands that only read, by row name: their arguments (run in the app's folder)."""
PAGE: Final = """<!doctype html><title>startup</title><h1>startup</h1>
<script type="module">
import { getCurrentWindow } from 'oro:window'
getCurrentWindow().ready()
</script>
"""
TRACE: Final = re.compile(
    r"^oro-trace: (?:start-up (?P<phase>.+) at (?P<at>[\d.]+)"
    r"|(?P<hook>oro_\w+) (?P<plugin>.+) (?P<ms>[\d.]+) ms)$"
)
PROFILE_TIMEOUT: Final = 120.0


DECLARING: Final = """
import importlib, importlib.util, sys
from oro_framework.host.installed import plugin_entries, remember
remember()
import click, pluggy, tomlkit
import oro_framework.host.builtin_settings, oro_framework.host.config
import oro_framework.host.windows.settings
for entry in plugin_entries():
    package = entry.module.split(".")[0]
    if package != "oro_framework" and importlib.util.find_spec(package + ".settings"):
        importlib.import_module(package + ".settings")
tomlkit.parse(open("oro.toml").read())
"""
"""What ``oro config get`` must import in any case: the modules that declare the app's keys
and validate their values, and the parser of ``oro.toml`` (run in the app's folder). The list of
installed plugins is the one kept from the last command, as in every ``oro`` command."""


def _wall(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - started


def _profile(
    command: list[str], app: Path, until: tuple[str, str], environ: dict[str, str]
) -> None:
    """Run ``command`` traced until phase ``until[0]`` (or, from a host that traces no
    phases, its line ``until[1]``); print its phases and slowest hooks."""
    started = time.time()
    process = subprocess.Popen(
        command,
        cwd=app,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**environ, "ORO_TRACE_STARTUP": "1", "ORO_TRACE_PLUGINS": "1"},
    )
    phases: list[tuple[str, float, float]] = []
    hooks: dict[tuple[str, str], float] = {}
    deadline = time.monotonic() + PROFILE_TIMEOUT
    try:
        assert process.stdout is not None
        for line in process.stdout:
            read = time.time() - started
            found = TRACE.match(line.strip())
            if found is None:
                if line.startswith(until[1]):
                    break
                continue
            if found["phase"]:
                phases.append((found["phase"], float(found["at"]) - started, read))
                if found["phase"] == until[0]:
                    break
            elif found["hook"]:
                key = (found["hook"], found["plugin"])
                hooks[key] = hooks.get(key, 0.0) + float(found["ms"])
            if time.monotonic() > deadline:
                raise SystemExit(f"bench/startup.py: no '{until[0]}' in {PROFILE_TIMEOUT:.0f} s")
    finally:
        process.terminate()
        process.wait()
    print(f"\nprofile of {' '.join(command[1:])}: ms from spawn", file=sys.stderr)
    previous = 0.0
    for phase, at, _ in phases:
        print(f"  {phase:<28}{at * 1000:>8.0f}   (+{(at - previous) * 1000:.0f})", file=sys.stderr)
        previous = at
    slowest = sorted(hooks.items(), key=lambda item: -item[1])[:8]
    print(f"  slowest hooks (of {sum(hooks.values()):.0f} ms in all hooks):", file=sys.stderr)
    for (hook, plugin), ms in slowest:
        print(f"    {hook} {plugin}: {ms:.1f} ms", file=sys.stderr)


def _window_profile(app: Path) -> None:
    from oro_framework.gui.engines import probe_engine
    from oro_framework.testing import virtual_display

    engines = [name for name in ("system", "qt") if probe_engine(name).available]
    if not engines:
        print("\n(no window profile: no web engine is installed)", file=sys.stderr)
        return
    try:
        with virtual_display() as display:
            environ = {
                **os.environ,
                "DISPLAY": display,
                "XDG_DATA_HOME": str(app / "data"),
                "ORO_APPLICATION_SINGLE_INSTANCE": "false",
            }
            ready = ("window ready", "oro: window 0 ready")
            for engine in engines:
                _profile([ORO, "run", ".", "--webview", engine], app, ready, environ)
    except RuntimeError as error:  # no Xvfb
        print(f"\n(no window profile: {error})", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two rounds (smoke run)")
    rounds = 2 if parse_arguments(parser).quick else 7
    with tempfile.TemporaryDirectory() as directory:
        app = Path(directory)
        (app / "oro.toml").write_text(ORO_TOML)
        (app / "index.html").write_text(PAGE)
        run, bare, python, bare_host, declaring = [], [], [], [], []
        without_plugins = _without_plugins()
        reading: dict[str, list[float]] = {name: [] for name in READING}
        for _ in range(rounds):  # interleaved, so every row sees the same machine
            run.append(_oro_run(app))
            bare.append(_baseline())
            bare_host.append(_oro_run(app, without_plugins))
            for name, arguments in READING.items():
                reading[name].append(_wall([ORO, *arguments], cwd=app))
            declaring.append(_wall([sys.executable, "-c", DECLARING], cwd=app))
            python.append(_wall([sys.executable, "-c", "pass"]))
        print_ratio_header()
        print_ratio_row(
            "oro run to first ping",
            statistics.median(run),
            "hypercorn hello",
            statistics.median(bare),
            "<=2",
        )
        print_ratio_row(
            "oro run, no plugins",
            statistics.median(bare_host),
            "hypercorn hello",
            statistics.median(bare),
            None,
        )
        for name, times in reading.items():
            print_ratio_row(
                name, statistics.median(times), "python -c pass", statistics.median(python), "<=10"
            )
        print_ratio_row(
            "config get's floor",
            statistics.median(declaring),
            "python -c pass",
            statistics.median(python),
            None,
        )
        headless = {**os.environ, "ORO_APPLICATION_SINGLE_INSTANCE": "false"}
        _profile([ORO, "run", ".", "--headless"], app, ("serving", "oro: serving"), headless)
        _window_profile(app)


if __name__ == "__main__":
    main()
