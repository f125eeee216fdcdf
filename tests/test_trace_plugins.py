"""``ORO_TRACE_PLUGINS=1`` on the real ``oro`` command: one line per plugin registered and per
hook call, naming the hook, the plugin and the milliseconds it took."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from oro_framework.testing.process import until
from tests._oro_process import OroProcess, headless_environ, run_oro

HOOK_LINE = re.compile(r"^oro-trace: (oro_\w+) ([\w, ()-]+) (\d+\.\d\d) ms$")


def traced(tmp_path: Path, *arguments: str, trace: str | None) -> subprocess.CompletedProcess[str]:
    extra = {} if trace is None else {"ORO_TRACE_PLUGINS": trace}
    return run_oro(*arguments, cwd=tmp_path, env=extra, timeout=120)


def test_plugins_list_traces_each_registration_and_hook_call(tmp_path: Path) -> None:
    completed = traced(tmp_path, "plugins", "list", "--json", trace="1")
    assert completed.returncode == 0, completed.stderr

    lines = completed.stderr.splitlines()
    registered = [line for line in lines if line.startswith("oro-trace: registered ")]
    assert "oro-trace: registered oro (oro-framework 0.1.0) from oro_framework.host.builtin" in (
        registered
    )
    assert any(
        re.fullmatch(r"oro-trace: registered fs \(oro-fs [\w.]+\) from oro_fs\.plugin", line)
        for line in registered
    )
    calls = [match.groups() for line in lines if (match := HOOK_LINE.match(line))]
    other = [line for line in lines if line.startswith("oro-trace:") and "registered" not in line]
    # Every hook line has the one format.
    assert len(calls) == len(other), [line for line in other if not HOOK_LINE.match(line)]
    called = {(hook, plugin) for hook, plugin, _ in calls}
    assert ("oro_register_routes", "fs") in called
    assert ("oro_register_routes", "ping") in called
    assert ("oro_configure", "ai") in called
    assert ("oro_register_js_modules", "ai") in called
    # Every traced plugin was registered (a hook line never names anything else).
    names = {line.split()[2] for line in registered}
    assert {plugin for _, plugin, _ in calls} <= names
    assert all(float(ms) >= 0 for _, _, ms in calls)
    # pluggy's own tracing format is gone.
    assert "[hook]" not in completed.stderr


def test_without_the_variable_or_with_0_nothing_is_traced(tmp_path: Path) -> None:
    for trace in (None, "0"):
        completed = traced(tmp_path, "plugins", "list", trace=trace)
        assert completed.returncode == 0, completed.stderr
        assert "oro-trace:" not in completed.stderr


def test_trace_startup_names_each_phase_of_a_launch_in_order(tmp_path: Path) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "traced"\nbundle_identifier = "dev.t"\n')
    (tmp_path / "index.html").write_text("<!doctype html><title>traced</title>")
    environ = headless_environ({"ORO_TRACE_STARTUP": "1", "XDG_DATA_HOME": str(tmp_path)})
    with OroProcess("run", str(tmp_path), environ=environ, timeout=120) as oro:
        oro.launch_url()
        # The launch URL is on stdout, the trace on stderr: each pipe has its own reader.
        until(lambda: "start-up serving" in oro.stderr(), "the serving phase on stderr")
        phases = [
            (match.group(1), float(match.group(2)))
            for line in oro.stderr().splitlines()
            if (match := re.fullmatch(r"oro-trace: start-up (.+) at ([\d.]+)", line))
        ]

    assert [name for name, _ in phases] == [
        "command line imported",
        "command parsed",
        "host built",
        "serving",
    ]
    assert [at for _, at in phases] == sorted(at for _, at in phases)
