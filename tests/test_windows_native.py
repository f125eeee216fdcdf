"""Two real pywebview windows (Qt) under Xvfb: window 0's page creates window 1, which opens
its own session through its own launch URL; the two pages exchange a message with
``win.send``; closing window 1 keeps the app and closing window 0, then the last, stops it.

Needs what ``tests/test_window_smoke.py`` needs (Xvfb, Qt's xcb libraries, the ``gui`` extra);
its ``display`` fixture and helpers are reused.
"""

from __future__ import annotations

import json
import secrets
import signal
from pathlib import Path
from typing import Any

import httpx
from _oro_process import until
from test_window_smoke import _bridge, _start, display  # noqa: F401 (display: a fixture)

PAGE = """<!doctype html>
<html>
<head><title>windows</title></head>
<body>
<script type="module">
import { createWindow, getCurrentWindow, getWindow } from 'oro:window'
globalThis.heard = []
for (const name of ['greeting', 'reply', 'windowclose']) {
  globalThis.addEventListener(name, (event) => heard.push({ name, detail: event.detail }))
}
globalThis.addEventListener('greeting', (event) => {
  getWindow(0).send('reply', { got: event.detail, from: globalThis.__args.index })
})
globalThis.windows = { createWindow, getWindow }
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "windows"
bundle_identifier = "dev.oro.test.windows-qt"

[window]
width = 640
height = 480
"""

TIMEOUT = 60.0


def evaluate(bridge: httpx.Client, index: int, script: str) -> Any:
    reply = bridge.get(
        "/ipc/window.eval", params={"value": script, "targetWindowIndex": index}
    ).json()
    assert reply.get("err") is None, reply
    return reply["data"]


def heard(bridge: httpx.Client, index: int, name: str) -> list[Any]:
    script = f"heard.filter((item) => item.name === {json.dumps(name)}).map((i) => i.detail)"
    details: list[Any] = evaluate(bridge, index, script)
    return details


def wait_until_heard(bridge: httpx.Client, index: int, name: str) -> list[Any]:
    """What window ``index``'s page heard as ``name``, once it heard anything. Each check is a
    round trip to the page; the deadline only bounds a failure."""
    return until(lambda: heard(bridge, index, name), f"window {index} hears {name}", TIMEOUT)


def test_two_real_windows_talk_and_the_app_stops_with_the_last(display, tmp_path: Path):  # noqa: F811
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    key = secrets.token_urlsafe(24)
    with _start(display, key, tmp_path) as oro:
        with _bridge(oro, key, "windows") as bridge:
            evaluate(
                bridge,
                0,
                "windows.createWindow({ url: '/index.html', title: 'second' })"
                ".then((w) => { globalThis.created = w.toJSON() }); true",
            )
            # Window 1's page reports ready over IPC: it has a session of its own.
            oro.wait_for_line(r"^oro: window 1 ready$")
            created = evaluate(bridge, 0, "globalThis.created")
            second_index = evaluate(bridge, 1, "globalThis.__args.index")

            evaluate(bridge, 0, "windows.getWindow(1).send('greeting', { text: 'hi' }); true")
            replies = wait_until_heard(bridge, 0, "reply")
            greetings = heard(bridge, 1, "greeting")
            greetings_to_0 = heard(bridge, 0, "greeting")

            closed = bridge.get("/ipc/window.close", params={"targetWindowIndex": 1}).json()
            closes = wait_until_heard(bridge, 0, "windowclose")
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            still_running = oro.process.poll() is None

            bridge.get("/ipc/window.close", params={"targetWindowIndex": 0})
        assert oro.wait() == 0, oro.stderr()

    assert (created["index"], created["title"], created["launchUrl"]) == (1, "second", None)
    assert second_index == 1
    assert replies == [{"got": {"text": "hi"}, "from": 1}]
    assert greetings == [{"text": "hi"}]
    assert greetings_to_0 == []
    assert closed["data"]["status"] == "closed", closed
    assert [detail["index"] for detail in closes] == [1]
    assert [(w["index"], w["status"], w["isReady"]) for w in windows] == [
        (0, "shown", True),
        (1, "closed", True),
    ]
    assert still_running


def test_ctrl_c_with_two_real_windows_open_stops_the_app_cleanly(display, tmp_path: Path):  # noqa: F811
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    key = secrets.token_urlsafe(24)
    with _start(display, key, tmp_path) as oro:
        with _bridge(oro, key, "windows") as bridge:
            evaluate(bridge, 0, "windows.createWindow({ url: '/index.html' }); true")
            oro.wait_for_line(r"^oro: window 1 ready$")
            oro.send_signal(signal.SIGINT)

        # Both windows close (the GUI loop ends only with the last) and the host stops.
        assert oro.wait() == 0, oro.stderr()


def test_the_showcase_panel_opens_a_second_real_window_that_answers(display):  # noqa: F811
    key = secrets.token_urlsafe(24)
    with _start(display, key) as oro:
        with _bridge(oro, key) as bridge:
            evaluate(
                bridge,
                0,
                "document.getElementById('windows-text').value = 'from Qt';"
                "document.getElementById('windows-open').click(); true",
            )

            def answered() -> str:
                shown: str = evaluate(
                    bridge, 0, "document.getElementById('windows-result').textContent"
                )
                return shown if "answered" in shown else ""

            text = until(answered, "the panel shows the second window's answer", TIMEOUT)
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            bridge.get("/ipc/application.exit")
        assert oro.wait() == 0, oro.stderr()

    assert json.loads(text) == {
        "window": 1,
        "answered": {"from": 1, "text": "hello back to “from Qt”"},
    }
    assert [(w["index"], w["status"]) for w in windows] == [(0, "shown"), (1, "shown")]
