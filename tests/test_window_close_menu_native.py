"""A page's own ``window.close()`` and the web view's context menu, in real windows under Xvfb
on each engine (WebKitGTK and QtWebEngine), one running app per engine:

* a right click (X's XTEST, as a user's) on a link or in a text field shows the engine's menu
  without the browser's navigation (Back, Forward, Reload, open a link in a new window...); a
  page that handles ``contextmenu`` with ``preventDefault()`` gets no menu from the engine;
* window 1's page calls ``window.close()``: window 1 closes (the others hear ``windowclose``), the
  app keeps running; window 0's page then does: the app ends with its last window, exit code 0.

Needs what ``tests/_window_app.py`` says, and ``xdotool``.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    window_environ,
)
from _x11 import x

from oro_framework.testing import OroProcess

NAME = "closemenu"

PAGE = """<!doctype html>
<html>
<head><title>closemenu</title></head>
<body style="margin:0">
<a href="/elsewhere.html" style="display:block;height:120px;font-size:80px">a link</a>
<textarea style="width:90vw;height:60vh">Right-click here</textarea>
<script type="module">
import { createWindow, getCurrentWindow } from 'oro:window'
globalThis.closes = []
globalThis.addEventListener('windowclose', (event) => closes.push(event.detail.index))
globalThis.prevented = 0
globalThis.prevent = (event) => { event.preventDefault(); globalThis.prevented += 1 }
globalThis.createWindow = createWindow
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = f"""[meta]
name = "{NAME}"
bundle_identifier = "dev.oro.test.close-menu"

[window]
width = 640
height = 480
remember_state = false
"""

LINK = (60, 50)
TEXT_FIELD = (180, 320)

NAVIGATION = re.compile(
    r"go-back|go-forward|reload|stop|open-link|download|"  # WebKit's action nicks
    r"\bBack\b|\bForward\b|Reload|Open link|Save|View (page )?source|Inspect",  # Qt's labels
    re.IGNORECASE,
)


def _menus(oro: OroProcess) -> list[str]:
    """The menus window 0 showed, by the items in each, in order; "(none)" is no menu shown
    (WebKit asks for one even where the page prevented it, with no items)."""
    found = re.findall(r"window 0: context menu: (.*)", oro.stderr())
    return [menu for menu in found if menu != "(none)"]


def _right_click(display: str, place: tuple[int, int]) -> None:
    """One right click in window 0 (the app's first visible window of that name), at a place
    of its own each time: two clicks at one place in quick succession are a double click."""
    windows = until(
        lambda: x(display, "xdotool", "search", "--onlyvisible", "--name", f"^{NAME}$").split(),
        "the window is visible",
    )
    position = (str(place[0]), str(place[1]))
    x(display, "xdotool", "mousemove", "--window", windows[0], *position, "click", "3")


def _menu(display: str, oro: OroProcess, count: int) -> str:
    """The menu ``count`` (1, 2...), once it showed; it is then closed as a user would."""
    menus: list[str] = until(lambda: _menus(oro)[count - 1 :], f"context menu {count} shows")
    x(display, "xdotool", "key", "Escape")
    return menus[0]


def test_context_menu_has_no_navigation_and_window_close_closes_the_own_window(
    display: str, engine: str, tmp_path: Path
) -> None:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    key = new_key()
    environ = window_environ(display, engine, key)
    with OroProcess("-v", "run", str(tmp_path), environ=environ, timeout=120) as oro:
        with bridge_of(oro, key, NAME) as bridge:
            _right_click(display, LINK)
            first = _menu(display, oro, 1)
            evaluate(bridge, "document.addEventListener('contextmenu', prevent); true")
            _right_click(display, (120, 300))
            until(lambda: evaluate(bridge, "globalThis.prevented"), "the page's handler ran")
            evaluate(bridge, "document.removeEventListener('contextmenu', prevent); true")
            _right_click(display, TEXT_FIELD)
            # The engine shows menus in the order of the clicks: had the prevented click
            # shown one, it would be menu 2, and this click's menu 3.
            second = _menu(display, oro, 2)
            menus = _menus(oro)
            prevented = evaluate(bridge, "globalThis.prevented")

            evaluate(bridge, "createWindow({ url: '/index.html', title: 'second' }); true")
            oro.wait_for_line(r"^oro: window 1 ready$")
            evaluate(bridge, "setTimeout(() => window.close(), 0); true", 1)
            closes = until(lambda: evaluate(bridge, "globalThis.closes"), "window 1 closes")
            windows = _statuses(bridge)
            still_running = oro.process.poll() is None

            evaluate(bridge, "setTimeout(() => window.close(), 0); true", 0)
            code = oro.wait()
        log = oro.stderr()

    # On a link: copying its address, not opening it; in a text field: the editing items.
    assert not NAVIGATION.search(first), first
    assert re.search(r"copy.link", first, re.IGNORECASE), first
    assert not NAVIGATION.search(second), second
    assert re.search(r"paste", second, re.IGNORECASE), second
    assert prevented == 1
    assert menus == [first, second]  # none for the prevented click
    assert closes == [1]
    assert windows == [(0, "shown"), (1, "closed")]
    assert still_running
    assert code == 0, log
    assert "window 0: its page let it close (window.close(), or the user's close)" in log


def _statuses(bridge: httpx.Client) -> list[tuple[int, str]]:
    windows = bridge.get("/ipc/application.getWindows").json()["data"]
    return [(window["index"], window["status"]) for window in windows]
