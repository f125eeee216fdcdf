"""A page's errors in real windows reach the terminal of ``oro run``, on each web engine
(WebKitGTK and QtWebEngine), and its developer tools open only when they are on
(docs/debugging.md).

One app of four windows: window 3's page writes ``console.error`` (with an ANSI escape in it),
throws, leaves a promise rejected and loads a ``main.js`` with a syntax error. Its lines reach
``oro run``'s standard error with ``window 3``, cleaned of the escape; console.log does not
(only with ``-v``). With ``--devtools`` the page's ``showInspector()`` opens the inspector, a
window of its own on the display; without, it rejects with ``ERR_DEVTOOLS_OFF``, and ``--quiet``
prints none of the page's lines. ``oro dev`` prints them and opens the devtools too.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import math
import re
import signal
import time
from pathlib import Path
from typing import Any

import httpx
from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
    window_environ,
)
from _x11 import managed_display, press, x

from oro_framework.gui.console import LINES_PER_SECOND

INDEX = """<!doctype html>
<html><head><title>console</title></head><body>
<script type="module">
import { createWindow, getCurrentWindow } from 'oro:window'
globalThis.windows = { createWindow }
globalThis.inspect = () => {
  globalThis.inspected = null
  getCurrentWindow().showInspector().then(
    (value) => { globalThis.inspected = { value } },
    ({ name, code, message }) => { globalThis.inspected = { name, code, message } }
  )
  return true
}
console.error('window zero is here')
getCurrentWindow().ready()
</script>
</body></html>
"""

NOISY = """<!doctype html>
<html><head><title>noisy</title></head><body>
<script type="module">
console.log('a plain log line')
console.error('page says \\u001b[31mred\\u001b]0;owned\\u0007 text')
Promise.reject(new Error('nobody caught me'))
setTimeout(() => { notDefinedAnywhere() }, 0)
</script>
<script type="module" src="/main.js"></script>
</body></html>
"""

BROKEN = "export const answer = ;\n"

FLOOD = """<!doctype html>
<html><head><title>flood</title></head><body>
<script type="module">
import { getCurrentWindow } from 'oro:window'
const { request } = await import('oro:ipc')
// The engine's message handler, were it in the page's reach (WebKitGTK's is oro's world's).
globalThis.handler = Boolean(globalThis.webkit?.messageHandlers?.oroConsole)
globalThis.flooded = null
globalThis.flood = (times) => {
  setTimeout(() => {
    for (let i = 0; i < times; i++) {
      console.error('flood \\u001b[2J\\u001b]0;owned\\u0007 \\u202e ' + i)
    }
    // What the hooks send, sent by the page itself, past console.
    for (let i = 0; i < times / 10; i++) {
      const detail = JSON.stringify({ level: 'error', text: 'forged ' + i, source: '', line: 0 })
      document.dispatchEvent(new CustomEvent('oro-console', { detail }))
    }
    globalThis.flooded = times
  }, 0)
  return 'flooding'
}
globalThis.keys = []
addEventListener('keydown', (event) => { globalThis.keys.push(event.key) })
globalThis.pong = null
globalThis.ping = () => {
  globalThis.pong = null
  request('window.getTitle').then(
    () => { globalThis.pong = 'pong' }, (e) => { globalThis.pong = e.name })
  return 'pinged'
}
getCurrentWindow().ready()
</script>
</body></html>
"""

CONFIG = """[meta]
name = "console"
bundle_identifier = "dev.oro.test.page-console"

[window]
width = 480
height = 360
remember_state = false
"""

TIMEOUT = 60.0


def _app(tmp_path: Path) -> Path:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "noisy.html").write_text(NOISY)
    (tmp_path / "main.js").write_text(BROKEN)
    (tmp_path / "flood.html").write_text(FLOOD)
    return tmp_path


def _stderr_line(oro: OroProcess, pattern: str) -> str:
    """The first line of ``oro``'s standard error matching ``pattern``, once it is there."""
    compiled = re.compile(pattern, re.MULTILINE)

    def found() -> str:
        match = compiled.search(oro.stderr())
        return "" if match is None else match.group(0)

    line: str = until(found, f"stderr shows {pattern}", TIMEOUT)
    return line


def _inspect(bridge: httpx.Client) -> dict[str, Any]:
    evaluate(bridge, "inspect()")
    answer: dict[str, Any] = until(
        lambda: evaluate(bridge, "globalThis.inspected"), "showInspector() settles", TIMEOUT
    )
    return answer


def _top_level_names(display: str) -> list[str]:
    """The names of the root window's children that are shown (``xwininfo -root -children``)."""
    listing = x(display, "xwininfo", "-root", "-children")
    return re.findall(r'^\s+0x[0-9a-f]+ "([^"]*)"', listing, re.MULTILINE)


def _more_windows(display: str, before: list[str]) -> list[str]:
    now = _top_level_names(display)
    return now if len(now) > len(before) else []


def test_the_errors_of_window_3_reach_the_terminal_and_devtools_open(
    display: str, engine: str, tmp_path: Path
) -> None:
    app = _app(tmp_path)
    key = new_key()
    with start(display, engine, key, app, "--devtools") as oro:
        with bridge_of(oro, key, "console") as bridge:
            # One after another: three calls at once may reach the host in any order (a loaded
            # machine gave the noisy page index 1), and the indexes follow their arrival.
            for index in (1, 2):
                evaluate(bridge, "windows.createWindow({ url: '/index.html' }); true")
                oro.wait_for_line(rf"^oro: window {index} ready$")
            evaluate(bridge, "windows.createWindow({ url: '/noisy.html' }); true")
            page_says = _stderr_line(oro, r"^oro: window 3: error: .*page says.*$")
            uncaught = _stderr_line(oro, r"^oro: window 3: error: .*notDefinedAnywhere.*$")
            rejected = _stderr_line(oro, r"^oro: window 3: error: .*nobody caught me.*$")
            syntax = _stderr_line(oro, r"^oro: window 3: error: .*SyntaxError.*$")
            zero = _stderr_line(oro, r"^oro: window 0: error: window zero is here.*$")

            before = _top_level_names(display)
            inspected = _inspect(bridge)
            # The inspector is a window of its own on the display, beside the app's four.
            after = until(
                lambda: _more_windows(display, before), "the inspector's window shows", TIMEOUT
            )
            bridge.get("/ipc/application.exit")
        oro.wait()
    stderr = oro.stderr()

    assert re.search(r"/noisy\.html\S*:5\)$", page_says), page_says
    # No escape reaches the terminal raw.
    assert "\x1b" not in stderr
    assert "\x07" not in stderr
    # Shown, never obeyed: the escapes are written out (host/terminal.py).
    assert "page says \\x1b[31mred\\x1b]0;owned\\x07 text" in page_says
    assert "Uncaught" in uncaught, uncaught
    assert "noisy.html" in uncaught, uncaught
    assert "Uncaught" in rejected, rejected
    assert "main.js" in syntax, syntax
    assert re.search(r"\(http://127\.0\.0\.1:\d+/\S*:\d+\)$", zero), zero
    assert "a plain log line" not in stderr  # console.log only with -v
    assert inspected == {"value": True}
    assert len(after) > len(before)


def test_quiet_prints_no_page_line_and_devtools_off_rejects(
    display: str, engine: str, tmp_path: Path
) -> None:
    app = _app(tmp_path)
    key = new_key()
    with start(display, engine, key, app, "--quiet") as oro:
        with bridge_of(oro, key, "console") as bridge:
            inspected = _inspect(bridge)
            bridge.get("/ipc/application.exit")
        oro.wait()

    assert inspected["name"] == "NotSupportedError", inspected
    assert inspected["code"] == "ERR_DEVTOOLS_OFF", inspected
    assert "--devtools" in inspected["message"]
    assert "window zero is here" not in oro.stderr()


def test_oro_dev_opens_the_devtools_and_prints_the_pages_errors(
    display: str, engine: str, tmp_path: Path
) -> None:
    app = _app(tmp_path)
    key = new_key()
    environ = window_environ(display, engine, key)
    with OroProcess("dev", str(app), environ=environ, timeout=120) as oro:
        with bridge_of(oro, key, "console") as bridge:
            zero = _stderr_line(oro, r"^oro: window 0: error: window zero is here.*$")
            inspected = _inspect(bridge)
        oro.send_signal(signal.SIGTERM)
        oro.wait()

    assert zero
    assert inspected == {"value": True}


def _rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmRSS for {pid}")


FLOOD_LINES = 1_000_000


def test_a_console_flood_of_one_window_is_bounded_and_the_other_window_keeps_working(
    display: str, engine: str, tmp_path: Path
) -> None:
    """A million ``console.error`` calls with terminal escapes in window 1 (and events forged
    as the hooks' own): the terminal gets at most 50 lines a second of it, cleaned; the app's
    memory stays put, and window 0's page and native window answer throughout."""
    app = _app(tmp_path)
    key = new_key()
    with start(display, engine, key, app) as oro:
        with bridge_of(oro, key, "console") as bridge:
            evaluate(bridge, "windows.createWindow({ url: '/flood.html' }); true")
            oro.wait_for_line(r"^oro: window 1 ready$")
            before = _rss_mib(oro.process.pid)
            peak = [before]
            started = time.monotonic()
            assert evaluate(bridge, f"flood({FLOOD_LINES})", 1) == "flooding"

            def window_0_answers() -> bool:
                peak.append(_rss_mib(oro.process.pid))
                # window.eval needs the GUI thread; the page's call, the host's loop.
                assert evaluate(bridge, "globalThis.zero = (globalThis.zero || 0) + 1") >= 1
                return bool(evaluate(bridge, "globalThis.flooded", 1) == FLOOD_LINES)

            until(window_0_answers, "the flood ran, window 0 answering", 300)
            flooded = time.monotonic() - started
            assert evaluate(bridge, "ping()", 1) == "pinged"
            assert until(lambda: evaluate(bridge, "globalThis.pong", 1), "pong") == "pong"
            # The one line a page gets past its budget says how many it dropped.
            _stderr_line(oro, r"^oro: window 1: .*console messages dropped.*$")
            reachable = evaluate(bridge, "globalThis.handler", 1)
            bridge.get("/ipc/application.exit")
        oro.wait()
    stderr = oro.stderr()

    assert reachable is False  # the page cannot post to the engine's handler itself
    assert max(peak) - before < 100, (before, peak)  # MiB: nothing piled up in the app
    flood = [line for line in stderr.splitlines() if line.startswith("oro: window 1: error:")]
    # 50 lines a second at most, and an extra second at each end.
    assert 0 < len(flood) <= LINES_PER_SECOND * (math.ceil(flooded) + 2), len(flood)
    for character in ("\x1b", "\x07", "\u202e"):
        assert character not in stderr


DEVTOOLS_KEYS = ("F12", "ctrl+shift+i", "ctrl+shift+j", "ctrl+shift+c", "ctrl+shift+k")
"""The keys that open the developer tools in browsers and in WebKit's and Chromium's shells."""


def test_without_devtools_no_key_or_call_opens_them(engine: str, tmp_path: Path) -> None:
    """A built app (no ``--devtools``): window 1's page asks for the inspector, and the user
    (X's XTEST) presses every key that opens one elsewhere, with window 0 open beside it. A
    window manager makes window 1 the active window first, as a user's click would: Qt hands
    keys only to the window the manager activated."""
    app = _app(tmp_path)
    key = new_key()
    with managed_display() as display, start(display, engine, key, app) as oro:
        with bridge_of(oro, key, "console") as bridge:
            evaluate(bridge, "windows.createWindow({ url: '/flood.html', title: 'keyed' }); true")
            oro.wait_for_line(r"^oro: window 1 ready$")
            before = _top_level_names(display)
            window = x(display, "xdotool", "search", "--onlyvisible", "--name", "^keyed$").split()
            assert len(window) == 1, window
            for keys in DEVTOOLS_KEYS:
                press(display, window[0], keys)
            # A key the page hears after them: the engine has handled every key before it.
            press(display, window[0], "z")
            until(lambda: "z" in evaluate(bridge, "globalThis.keys", 1), "the page saw z", TIMEOUT)
            evaluate(bridge, "globalThis.inspected = null; 1", 1)
            evaluate(
                bridge,
                "import('oro:window').then(({ getCurrentWindow }) => getCurrentWindow()"
                ".showInspector()).then((value) => { globalThis.inspected = { value } },"
                " ({ name, code }) => { globalThis.inspected = { name, code } }); 1",
                1,
            )
            inspected = until(
                lambda: evaluate(bridge, "globalThis.inspected", 1), "showInspector()", TIMEOUT
            )
            after = _top_level_names(display)
            bridge.get("/ipc/application.exit")
        oro.wait()

    assert inspected == {"name": "NotSupportedError", "code": "ERR_DEVTOOLS_OFF"}, inspected
    assert sorted(after) == sorted(before), (before, after)  # no inspector window
