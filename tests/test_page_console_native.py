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

import re
import signal
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
from _x11 import x

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
            for url in ("/index.html", "/index.html", "/noisy.html"):
                evaluate(bridge, f"windows.createWindow({{ url: '{url}' }}); true")
            oro.wait_for_line(r"^oro: window 2 ready$")
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
    # The escape is gone; what it would have drawn stays plain text.
    assert "\x1b" not in stderr
    assert "\x07" not in stderr
    assert "page says [31mred]0;owned text" in page_says
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
