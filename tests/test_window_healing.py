"""The self-healing window of the system engine (WebKitGTK, ``oro_framework.gui.gtk.healing``)
under Xvfb, with real processes:

* a window's ``WebKitWebProcess`` killed with SIGKILL (as the kernel's OOM killer or a crash
  would end it): the window reloads its page, which answers again and still proves its own
  window; the app's other window keeps serving throughout and its page hears ``windowcrash``;
* the first paint not coming in time on the GPU path: the window retries once on the software
  path, says so in the log, remembers it for the next runs and ``oro doctor`` reports it.

QtWebEngine has no such healing (its renderer dying leaves the page as it is): these tests are
the system engine's only.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import httpx
import psutil
from _oro_process import run_oro, until
from _window_app import (  # noqa: F401 (a fixture, found by its name)
    WEB_PROCESSES,
    bridge_of,
    display_fixture,
    evaluate,
    new_key,
    start,
)

ENGINE = "system"
TIMEOUT = 60.0

PAGE = """<!doctype html>
<html>
<head><title>healing</title></head>
<body>
<script type="module">
import { request } from 'oro:ipc'
import { getCurrentWindow } from 'oro:window'
globalThis.crashes = []
globalThis.addEventListener('windowcrash', (event) => crashes.push(event.detail))
// Asked without an index: the host answers for the window the page's credential proves.
globalThis.ownTitle = await request('window.getTitle')
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "healing"
bundle_identifier = "dev.oro.test.window-healing"

[window]
width = 480
height = 360
title = "first"
"""


def _app(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oro.toml").write_text(CONFIG)
    (directory / "index.html").write_text(PAGE)
    return directory


def _web_processes(pid: int) -> list[psutil.Process]:
    """``oro run``'s web processes, the oldest first."""
    children = psutil.Process(pid).children(recursive=True)
    found = [child for child in children if child.name() == WEB_PROCESSES[ENGINE]]
    return sorted(found, key=lambda child: child.create_time())


def _crashes(bridge: httpx.Client, index: int) -> list[Any]:
    heard: list[Any] = evaluate(bridge, "globalThis.crashes", index)
    return heard


def test_a_killed_web_process_reloads_its_window_and_the_app_keeps_serving(display, tmp_path):
    key = new_key()
    app = _app(tmp_path / "app")
    with start(display, ENGINE, key, app, XDG_DATA_HOME=str(tmp_path / "data")) as oro:
        with bridge_of(oro, key, "healing") as bridge:
            before = _web_processes(oro.process.pid)
            bridge.get("/ipc/window.create", params={"url": "/index.html", "title": "second"})
            oro.wait_for_line(r"^oro: window 1 ready$")
            # Window 1's own web process: the one that came with it.
            (second,) = [
                process for process in _web_processes(oro.process.pid) if process not in before
            ]
            evaluate(bridge, "globalThis.marker = 'before the crash'; true", 1)

            second.send_signal(signal.SIGKILL)
            second.wait(TIMEOUT)
            # Window 0 serves while window 1 is down: its page answers, the host answers it.
            meanwhile = evaluate(bridge, "globalThis.ownTitle + ' ' + typeof globalThis.marker", 0)
            crashes = until(lambda: _crashes(bridge, 0), "window 0 hears windowcrash", TIMEOUT)
            # The page loaded again and reported ready through its own window's credential.
            oro.wait_for_line(r"^oro: window 1 ready$")
            after = evaluate(bridge, "[typeof globalThis.marker, globalThis.ownTitle]", 1)
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            replaced = [
                process.pid
                for process in _web_processes(oro.process.pid)
                if process.pid not in {old.pid for old in before} | {second.pid}
            ]
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()

    assert meanwhile == "first undefined"
    assert crashes == [{"index": 1, "reason": "crashed", "reloaded": True}]
    assert after == ["undefined", "second"]
    assert [(w["index"], w["status"], w["isReady"]) for w in windows] == [
        (0, "shown", True),
        (1, "shown", True),
    ]
    assert len(replaced) == 1, "window 1 runs in a new web process"
    assert "window 1: its web process ended (crashed); reloading its page" in oro.stderr()


def test_a_first_paint_that_does_not_come_is_retried_on_the_software_path(display, tmp_path):
    """A GPU path that paints nothing cannot be made to happen on a machine whose GPU path
    works (Xvfb's software GL always paints), so the wait for the first paint is made shorter
    than any load (``ORO_WEBKIT_FIRST_PAINT_SECONDS``): what the window does then is what it
    does on a broken driver."""
    key = new_key()
    app = _app(tmp_path / "app")
    state = tmp_path / "state"
    mark = state / "oro-framework" / "webkit-software"
    environ = {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(state),
        "ORO_WEBKIT_FIRST_PAINT_SECONDS": "0.001",
    }
    with start(display, ENGINE, key, app, **environ) as oro:
        with bridge_of(oro, key, "healing") as bridge:
            title = evaluate(bridge, "globalThis.ownTitle")
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()
    first_log = oro.stderr()

    # The next run starts on the software path and does not time its first paint again.
    with start(display, ENGINE, key, app, **environ) as again:
        with bridge_of(again, key, "healing") as bridge:
            bridge.get("/ipc/application.exit")
        assert again.wait() == 0, again.stderr()
    doctor = run_oro("doctor", cwd=app, env={"XDG_STATE_HOME": str(state)})

    assert title == "first"
    assert "first page did not load in 0.001 s on the GPU path" in first_log
    assert "WebKit runs on the software path" in first_log
    assert "retrying once" in first_log
    assert "first page did not load" in mark.read_text()
    assert "did not load" not in again.stderr()
    system_line = next(line for line in doctor.stdout.splitlines() if "engine system" in line)
    assert "on the software path: window 0's first page did not load" in system_line, json.dumps(
        doctor.stdout
    )
