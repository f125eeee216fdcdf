"""A hostile plugin run isolated by a real app in real windows, on each web engine (WebKitGTK
and QtWebEngine), while window 0's page keeps answering its own calls (issue 74). Window 1's
page makes oro-hostile segfault, exit or busy-loop: its call gets ``ERR_PLUGIN_CRASHED`` naming
the plugin, and the plugin answers again from a new process. It makes it allocate past its
memory limit: the allocation fails in the plugin's process, the call is an ``InternalError``
and the same process answers on. It has it read the host's memory and environment: refused.

oro-hostile is installed the way pip would (a ``.dist-info`` with its entry point in a folder on
``PYTHONPATH``, which the plugin's process inherits too) and the app isolates it in its
``oro.toml``. One app per engine serves every test of this module.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

PLUGINS: Final = Path(__file__).parent / "plugins"
PLUGIN: Final = "hostile"
"""oro-hostile's entry-point name: the plugin's name, which its errors give."""
UNRESPONSIVE_MS: Final = 2000
"""``plugins.isolated_unresponsive_ms``: the busy loop is killed soon, and window 0's page
answers calls while it runs."""

CONFIG = f"""[meta]
name = "isolated"
bundle_identifier = "dev.oro.test.isolation-windows"

[window]
width = 480
height = 360
remember_state = false

[plugins]
isolate = ["{PLUGIN}"]
isolated_memory_mb = 128
isolated_unresponsive_ms = {UNRESPONSIVE_MS}
"""

INDEX = """<!doctype html>
<html><head><title>isolated</title></head><body>
<script type="module">
import { createWindow, getCurrentWindow } from 'oro:window'
import { request, windowCredential } from 'oro:ipc'
globalThis.openWindow = () => { createWindow({ url: '/index.html' }); return true }
globalThis.credential = windowCredential()
globalThis.calls = {}
globalThis.call = (key, route, params) => {
  globalThis.calls[key] = null
  // No deadline of the page's own: what settles the call is the host's answer.
  request(route, params, { timeout: 0 }).then(
    (data) => { globalThis.calls[key] = JSON.stringify({ data }) },
    ({ name, code, plugin, message }) => {
      globalThis.calls[key] = JSON.stringify({ error: { name, code, plugin, message } })
    })
  return key
}
getCurrentWindow().ready()
</script>
</body></html>
"""


@dataclass
class App:
    """``oro run`` of the app and a client of its HTTP IPC bridge."""

    oro: OroProcess
    bridge: httpx.Client

    def begin(self, window: int, key: str, route: str, **params: Any) -> None:
        """Window ``window``'s page calls ``route`` with ``params`` (through ``oro:ipc``)."""
        script = f"call({json.dumps(key)}, {json.dumps(route)}, {json.dumps(params)})"
        assert evaluate(self.bridge, script, window) == key

    def outcome(self, window: int, key: str) -> Mapping[str, Any] | None:
        """What the page's call ``key`` settled to (``data`` or ``error``), or ``None``."""
        answer = evaluate(self.bridge, f"calls[{json.dumps(key)}]", window)
        return None if answer is None else dict(json.loads(answer))

    def call(self, window: int, route: str, **params: Any) -> Mapping[str, Any]:
        key = f"{route}-{os.urandom(4).hex()}"
        self.begin(window, key, route, **params)
        return until(lambda: self.outcome(window, key), f"window {window}'s {route}", 60)


def _install(site: Path) -> None:
    """oro-hostile's distribution metadata, as pip writes it, in ``site``."""
    info = site / "oro_hostile_test-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oro-hostile-test\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[oro]\n{PLUGIN} = oro_hostile.plugin\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def app(display: str, engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app on ``engine``, its windows 0 and 1 open."""
    root = tmp_path_factory.mktemp(f"isolated-{engine}")
    folder, site = root / "app", root / "site"
    folder.mkdir()
    (folder / "oro.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    _install(site)
    key = new_key()
    path = os.pathsep.join([str(site), str(PLUGINS)])
    with start(display, engine, key, folder, PYTHONPATH=path) as oro:
        with bridge_of(oro, key, "isolated") as bridge:
            assert evaluate(bridge, "openWindow()") is True
            oro.wait_for_line(r"^oro: window 1 ready$")
            yield App(oro, bridge)
            bridge.get("/ipc/application.exit")
        oro.wait()


def _pid(app: App) -> int:
    answer = app.call(1, "hostile.whoami")
    assert "error" not in answer, answer
    pid: int = answer["data"]["pid"]
    return pid


def _answers_again(app: App) -> int:
    """The pid of the plugin's new process, once it answers window 1 again: until then, each
    call is refused ``ERR_PLUGIN_CRASHED``."""

    def answered() -> int | None:
        answer = app.call(1, "hostile.whoami")
        if "error" in answer:
            assert answer["error"]["code"] == "ERR_PLUGIN_CRASHED", answer
            return None
        pid: int = answer["data"]["pid"]
        return pid

    return until(answered, "the plugin answers again", 120)


def _while_window_1_calls(
    app: App, route: str, **params: Any
) -> tuple[Mapping[str, Any], list[tuple[Mapping[str, Any], bool]]]:
    """What window 1's call of ``route`` settled to, and window 0's own calls (``ping``) made
    while it was in flight and once it settled, each with whether window 1's was still in
    flight once it was answered."""
    key = f"{route}-{os.urandom(4).hex()}"
    app.begin(1, key, route, **params)
    pings: list[tuple[Mapping[str, Any], bool]] = []

    def settled() -> Mapping[str, Any] | None:
        ping = app.call(0, "ping")
        outcome = app.outcome(1, key)
        pings.append((ping, outcome is None))
        return outcome

    outcome = until(settled, f"window 1's {route} settles", 120)
    pings.append((app.call(0, "ping"), False))
    return outcome, pings


CRASHES: Final = {
    "segfault": ("hostile.segfault", "was killed by signal SIGSEGV"),
    "exit": ("hostile.exit", "exited with status 3"),
    "busy-loop": ("hostile.spin", f"did not answer for {UNRESPONSIVE_MS / 1000:g} s"),
}


@pytest.mark.parametrize("case", CRASHES)
def test_a_crash_fails_window_1s_call_and_window_0_keeps_answering(app: App, case: str) -> None:
    route, cause = CRASHES[case]
    before = _pid(app)
    outcome, pings = _while_window_1_calls(app, route)
    after = _answers_again(app)

    error = outcome.get("error")
    assert error is not None, outcome
    assert error["name"] == "ServiceUnavailableError", error
    assert error["code"] == "ERR_PLUGIN_CRASHED", error
    assert error["plugin"] == PLUGIN, error
    assert f"Plugin '{PLUGIN}'" in error["message"], error
    assert cause in error["message"], error
    assert [ping for ping, _ in pings] == [{"data": "pong"}] * len(pings)
    # The spin holds the plugin's process until the watchdog kills it: window 0 answered
    # meanwhile, the host's loop free.
    assert case != "busy-loop" or pings[0][1], pings
    assert after != before
    logged = re.findall(rf"isolated plugin '{PLUGIN}' .*", app.oro.stderr())
    # Logged once: each case happens once in this app.
    assert len([line for line in logged if f"'{PLUGIN}' {cause}" in line]) == 1, logged
    assert all(line.endswith("ERR_PLUGIN_CRASHED and it starts again") for line in logged)


@pytest.mark.parametrize("route", ["hostile.allocate", "hostile.grow"])
def test_memory_past_the_limit_fails_there_and_window_0_keeps_answering(
    app: App, route: str
) -> None:
    """Past ``isolated_memory_mb`` the plugin's allocation fails in its own process (its data
    limit), whether asked at once or a MiB at a time: its call is an error, and the same
    process answers on, small allocations included."""
    before = _pid(app)
    outcome, pings = _while_window_1_calls(app, route, mib=512)

    assert outcome == {
        "error": {
            "name": "InternalError",
            "code": "INTERNAL_ERR",
            "message": f"Internal error in route '{route}' (details in the host log)",
        }
    }, outcome
    assert [ping for ping, _ in pings] == [{"data": "pong"}] * len(pings)
    assert app.call(1, "hostile.allocate", mib=16) == {"data": 16 << 20}
    assert _pid(app) == before


def test_a_hostile_plugin_reads_nothing_of_the_host_or_the_windows(app: App) -> None:
    """The host's memory and environment are refused to the plugin's process, and no
    window's credential reaches it with the calls of either window."""
    read = app.call(1, "hostile.readHost")
    seen = json.dumps([app.call(window, "hostile.whoami") for window in (0, 1)])
    credentials = [evaluate(app.bridge, "credential", window) for window in (0, 1)]

    assert read == {
        "data": {
            "mem": "PermissionError",
            "environ": "PermissionError",
            "cmdline": "read",
            "ptrace": "refused",
        }
    }, read
    assert len(set(credentials)) == 2, credentials
    for credential in credentials:
        assert isinstance(credential, str)
        assert credential not in seen
    assert '"window": 0' in seen
    assert '"window": 1' in seen
    assert "ORO_" not in seen  # none of the host's variables (the bridge key among them)
    assert app.call(0, "ping") == {"data": "pong"}
