"""The project leaves the standard library's functions as they are (issue 72): a process that
imports the command line, asks ``oro --version`` and ``oro config get`` and starts what ``oro
run`` starts, up to serving, has the very functions ``re``, ``dataclasses`` and the built-ins had
before it imported any of it: a user's own test run that imports the CLI compiles its patterns
and classes as Python does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

PROBE: Final = """
import builtins, dataclasses, json, os, re, re._compiler, re._parser, sys

WATCHED = {
    "builtins": builtins, "dataclasses": dataclasses, "re": re, "re._compiler": re._compiler,
    "re._parser": re._parser,
}
def snapshot():
    return {name: dict(vars(module)) for name, module in WATCHED.items()}
before = snapshot()

def changed():
    after = snapshot()
    found = []
    for name, was in before.items():
        now = after[name]
        for key in sorted(was.keys() | now.keys()):
            if name == "builtins" and key == "_":
                continue  # the interactive interpreter's last value, not a function
            if key not in now or key not in was or now[key] is not was[key]:
                found.append(f"{name}.{key}")
    attrs_make = sys.modules.get("attr._make")
    if attrs_make is not None and "compile" in vars(attrs_make):
        found.append("attr._make.compile")
    return found

report = {}
def check(stage):
    report[stage] = changed()
    with open(sys.argv[1], "w") as file:
        json.dump(report, file)

from oro_framework.cli import main
COMMANDS = [("version", ["--version"]), ("config get", ["config", "get", "meta.name"])]
for stage, arguments in COMMANDS:
    try:
        main(arguments)
    except SystemExit:
        pass
    check(stage)

class Serving:
    # oro run's start-up trace goes to stderr: its "serving" line is when the app serves.
    def __init__(self, stream):
        self._stream = stream
    def write(self, text):
        if "start-up serving" in text:
            check("run")
            os._exit(0)
        return self._stream.write(text)
    def __getattr__(self, name):
        return getattr(self._stream, name)

sys.stderr = Serving(sys.stderr)
main(["run", ".", "--headless"])
"""
"""Snapshots the watched modules' namespaces before importing anything of oro, then after each
command, into the JSON file ``argv[1]``: the names whose value is no longer the same object."""


def test_re_dataclasses_and_the_builtins_keep_their_own_functions(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "Untouched"\n', encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><title>untouched</title>")
    report = tmp_path / "report.json"
    environ = {**os.environ, "ORO_TRACE_STARTUP": "1", "ORO_APPLICATION_SINGLE_INSTANCE": "false"}
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(report)],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(report.read_text()) == {"version": [], "config get": [], "run": []}


def test_the_probe_sees_a_replaced_function(tmp_path: Path) -> None:
    """What the test above would report of a process that replaced one, as the cache of
    generated code did (``dataclasses.exec``, ``re._compiler.compile``)."""
    probe = PROBE.replace(
        "from oro_framework.cli import main",
        "dataclasses.exec = exec\n"
        "re._compiler.compile = (lambda compile_: lambda *a: compile_(*a))(re._compiler.compile)\n"
        "from oro_framework.cli import main",
    ).replace('main(["run", ".", "--headless"])', "")
    report = tmp_path / "report.json"
    (tmp_path / "oro.toml").write_text('[meta]\nname = "Untouched"\n', encoding="utf-8")
    subprocess.run(
        [sys.executable, "-c", probe, str(report)], cwd=tmp_path, check=True, timeout=120
    )

    assert json.loads(report.read_text())["version"] == [
        "dataclasses.exec",
        "re._compiler.compile",
    ]
