"""The window controls of the Oro Runtime's api/window.d.ts and api/application.d.ts
(``setTitle``, ``setSize``, ``setPosition``, ``maximize``, ``minimize``, ``restore``,
``setAlwaysOnTop``, ``setBackgroundColor``, ``getScreenSize``) on a real window of each web
engine (WebKitGTK and QtWebEngine) under Xvfb with a real window manager (openbox), checked from
outside the app as X sees the window: its name, its geometry and its frame's place
(``xwininfo``), its ``_NET_WM_STATE`` and ``WM_STATE`` (``xprop``, which the window manager
keeps) and its pixels (``xwd``).

Needs what ``tests/_window_app.py`` says plus the Debian packages ``openbox``
(maximising and minimising are the window manager's job), ``xdotool`` and ``x11-utils``.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _oro_process import until
from _window_app import bridge_of, engine_fixture, new_key, start  # noqa: F401 (a fixture)
from _x11 import SCREEN, managed_display, x, xwd_to_rgb

TIMEOUT = 60.0
WHITE, RED, BLUE = (255, 255, 255), (255, 0, 0), (0, 0, 255)
GEOMETRY_LINE = re.compile(
    r"^\s*(Absolute upper-left [XY]|Relative upper-left [XY]|Width|Height):\s*(-?\d+)", re.M
)

# The page draws no background of its own: what shows is the web view's, which
# setBackgroundColor paints. The square in the corner proves the page itself is drawn.
PAGE = """<!doctype html>
<html>
<head><title>controls</title>
<style>html, body { background: transparent; margin: 0 }
#mark { width: 40px; height: 40px; background: rgb(0, 0, 255) }</style></head>
<body>
<div id="mark"></div>
<script type="module">
import * as application from 'oro:application'
globalThis.application = application
globalThis.results = {}
/** Keep what `promise` settles with in results[name], for a test to poll. */
globalThis.keep = (name, promise) => {
  promise.then(
    (value) => { results[name] = { value } },
    (error) => { results[name] = { error: { name: error.name, code: error.code } } })
  return null
}
const { getCurrentWindow } = await import('oro:window')
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "controls"
bundle_identifier = "dev.oro.test.window-controls"

[window]
width = 640
height = 480
remember_state = false
"""


@pytest.fixture(scope="module", name="display")
def managed_display_fixture() -> Iterator[str]:
    """One display, managed by openbox, for the module's tests on both engines."""
    with managed_display(TIMEOUT) as number:
        yield number


class App:
    """The running app: its routes over the HTTP IPC bridge, and its window as X sees it."""

    def __init__(self, bridge: httpx.Client, display: str) -> None:
        self.bridge = bridge
        self.display = display

    def call(self, route: str, **params: Any) -> Any:
        """The route's data; a failed route gives its error envelope under ``"err"``."""
        reply = self.bridge.get(f"/ipc/{route}", params=params).json()
        return reply if reply.get("err") is not None else reply.get("data")

    def js(self, name: str, expression: str) -> Any:
        """What the page's promise ``expression`` settles with, once it did."""
        self.call("window.eval", value=f"keep({json.dumps(name)}, {expression})")
        return until(
            lambda: self.call("window.eval", value=f"results[{json.dumps(name)}] ?? null"),
            f"the page's {name}",
            TIMEOUT,
        )

    def window_id(self) -> str:
        """The X id of the app's window (its title is set to a unique mark to find it)."""
        mark = f"oro-controls-{secrets.token_hex(4)}"
        self.call("window.setTitle", value=mark)
        found = until(
            lambda: x(self.display, "xdotool", "search", "--name", mark).split(),
            f"an X window named {mark}",
            TIMEOUT,
        )
        return str(found[0])

    def geometry(self) -> dict[str, int]:
        """The client window's size and its frame's top-left corner (where the engines' window
        positions and ``setPosition`` are), from ``xwininfo``."""
        info = x(self.display, "xwininfo", "-id", self.window_id())
        values = {key: int(value) for key, value in GEOMETRY_LINE.findall(info)}
        return {
            "x": values["Absolute upper-left X"] - values["Relative upper-left X"],
            "y": values["Absolute upper-left Y"] - values["Relative upper-left Y"],
            "width": values["Width"],
            "height": values["Height"],
        }

    def net_wm_state(self) -> set[str]:
        output = x(self.display, "xprop", "-id", self.window_id(), "_NET_WM_STATE")
        return set(re.findall(r"_NET_WM_STATE_\w+", output))

    def wm_state(self) -> str:
        output = x(self.display, "xprop", "-id", self.window_id(), "WM_STATE")
        match = re.search(r"window state: (\w+)", output)
        return match.group(1) if match else ""

    def pixels(self, *points: tuple[int, int]) -> list[tuple[int, int, int]]:
        """The colours X shows at ``points`` (left, top) inside the app's window, from one
        capture."""
        dump = subprocess.run(
            ["xwd", "-id", self.window_id(), "-silent", "-display", self.display],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        width, _height, rgb = xwd_to_rgb(dump)
        found = []
        for left, top in points:
            offset = (top * width + left) * 3
            found.append((rgb[offset], rgb[offset + 1], rgb[offset + 2]))
        return found


@contextlib.contextmanager
def running(display: str, engine: str, tmp_path: Path, config: str = CONFIG) -> Iterator[App]:
    (tmp_path / "oro.toml").write_text(config)
    (tmp_path / "index.html").write_text(PAGE)
    key = new_key()
    with start(display, engine, key, tmp_path) as oro:
        with bridge_of(oro, key, "controls") as bridge:
            yield App(bridge, display)
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()


def test_title_size_position_and_screen_reach_the_real_window(display, engine, tmp_path):
    """api/window.d.ts ``setTitle``/``setSize``/``setPosition`` and api/application.d.ts
    ``getScreenSize``: X reports what was set, and the routes read the same back from the engine."""
    with running(display, engine, tmp_path) as app:
        screen = app.call("application.getScreenSize")
        app.call("window.setTitle", value="Controls under test")
        named = until(
            lambda: x(display, "xdotool", "search", "--name", "Controls under test").split(),
            "the titled window",
            TIMEOUT,
        )
        title = app.call("window.getTitle")
        app.call("window.setSize", width=500, height=400)
        sized = until(
            lambda: (g := app.geometry())["width"] == 500 and g["height"] == 400 and g,
            "X sees the new size",
            TIMEOUT,
        )
        app.call("window.setPosition", x=120, y=90)
        placed = until(
            lambda: (g := app.geometry())["x"] == 120 and g["y"] == 90 and g,
            "X sees the frame at the new place",
            TIMEOUT,
        )
        reported = app.call("window.getPosition")
        size = app.call("window.getSize")
        # Half the screen, Oro's percentage form.
        app.call("window.setSize", width="50%", height="50%")
        halved = until(
            lambda: (g := app.geometry())["width"] == SCREEN[0] // 2 and g,
            "X sees half the screen's width",
            TIMEOUT,
        )
        # api/application.d.ts createWindow: sizes may be percentages too.
        created = app.call("window.create", url="/index.html", width="25%", height="25%")
        second = app.call("window.getSize", targetWindowIndex=created["index"])

    assert screen == {"width": SCREEN[0], "height": SCREEN[1]}
    assert named
    assert title == "Controls under test"
    assert (sized["width"], sized["height"]) == (500, 400)
    assert (placed["x"], placed["y"]) == (120, 90)
    assert reported == {"x": 120, "y": 90}
    assert size == {"width": 500, "height": 400}
    assert (halved["width"], halved["height"]) == (SCREEN[0] // 2, SCREEN[1] // 2)
    assert second == {"width": SCREEN[0] // 4, "height": SCREEN[1] // 4}


def test_a_first_window_sized_as_a_share_of_the_screen_opens_at_that_size(
    display, engine, tmp_path: Path
):
    """Oro's ``[window] width = 50%``: the first window opens before the GUI can see the
    screen, and still comes up at that share of it (socket.ini's ``height = 50%``)."""
    config = CONFIG.replace("width = 640", 'width = "50%"').replace(
        "height = 480", 'height = "25%"'
    )
    with running(display, engine, tmp_path, config) as app:
        size = app.call("window.getSize")
        placed = app.geometry()

    assert size == {"width": SCREEN[0] // 2, "height": SCREEN[1] // 4}
    assert (placed["width"], placed["height"]) == (SCREEN[0] // 2, SCREEN[1] // 4)


def test_maximize_minimize_and_restore_as_the_window_manager_sees_them(
    display, engine, tmp_path: Path
):
    """api/window.d.ts ``maximize``/``minimize``/``restore``, driven from the page through
    ``oro:application``'s ApplicationWindow: openbox maximises the window (its
    ``_NET_WM_STATE`` and its size), iconifies it (``WM_STATE`` Iconic) and gives it back."""
    with running(display, engine, tmp_path) as app:
        app.call("window.setSize", width=500, height=400)
        until(lambda: app.geometry()["width"] == 500, "the normal size", TIMEOUT)
        maximized = app.js(
            "maximized",
            "application.getCurrentWindow().then((w) => w.maximize().then(() => w.state))",
        )
        maximized_x = until(
            lambda: (
                {"_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ"}
                <= app.net_wm_state()
                and app.geometry()["width"] > 500
                and app.geometry()
            ),
            "openbox maximises the window",
            TIMEOUT,
        )
        restored = app.js(
            "restored",
            "application.getCurrentWindow().then((w) => w.restore().then(() => w.state))",
        )
        until(
            lambda: (
                not app.net_wm_state() & {"_NET_WM_STATE_MAXIMIZED_VERT"}
                and app.geometry()["width"] == 500
            ),
            "openbox gives the window its normal size back",
            TIMEOUT,
        )
        minimized = app.call("window.minimize")
        until(lambda: app.wm_state() == "Iconic", "openbox iconifies the window", TIMEOUT)
        after_minimize = app.call("window.restore")
        until(lambda: app.wm_state() == "Normal", "the window is back", TIMEOUT)

    assert (maximized["value"]["maximized"], maximized["value"]["statusName"]) == (True, "shown")
    assert maximized_x["width"] > 500
    assert (restored["value"]["maximized"], restored["value"]["minimized"]) == (False, False)
    assert (minimized["minimized"], minimized["status"]) == (True, "hidden")
    assert (after_minimize["minimized"], after_minimize["status"]) == (False, "shown")


def test_always_on_top_and_the_background_colour_reach_the_real_window(
    display, engine, tmp_path: Path
):
    """api/window.d.ts ``setAlwaysOnTop``/``isAlwaysOnTop`` (X: ``_NET_WM_STATE_ABOVE``) and
    ``setBackgroundColor``/``getBackgroundColor`` (the pixels where the page draws nothing)."""
    with running(display, engine, tmp_path) as app:
        # The page's blue square over the web engine's default white.
        before = until(
            lambda: (found := app.pixels((200, 200), (10, 10))) == [WHITE, BLUE] and found,
            "the page drawn",
            TIMEOUT,
        )
        on_top = app.call("window.setAlwaysOnTop", value="true")
        above = until(
            lambda: "_NET_WM_STATE_ABOVE" in app.net_wm_state(), "X sees it above", TIMEOUT
        )
        read_back = app.call("window.getAlwaysOnTop")
        from_page = app.js("onTop", "application.getCurrentWindow().then((w) => w.isAlwaysOnTop())")
        app.call("window.setAlwaysOnTop", value="false")
        until(
            lambda: "_NET_WM_STATE_ABOVE" not in app.net_wm_state(),
            "X sees it no longer above",
            TIMEOUT,
        )
        painted = app.js(
            "painted",
            "application.getCurrentWindow().then((w) => w.setBackgroundColor("
            "{ red: 255, green: 0, blue: 0, alpha: 1 }).then(() => w.getBackgroundColor()))",
        )
        # Red where the page draws nothing, the page still drawn over it.
        after = until(
            lambda: (found := app.pixels((200, 200), (10, 10))) == [RED, BLUE] and found,
            "red around the page's square",
            TIMEOUT,
        )
        refused = app.call("window.setSize", width=-5, height=10)
        still = app.call("window.getTitle")

    assert before == [WHITE, BLUE]
    assert on_top["alwaysOnTop"] is True
    assert above
    assert read_back is True
    assert from_page == {"value": True}
    assert painted == {"value": "rgba(255, 0, 0, 1)"}
    assert after == [RED, BLUE]
    assert refused["err"]["type"] == "RangeError"
    assert isinstance(still, str)


def _x_id(app: App, index: int) -> int:
    """The X id of window ``index``, found by a unique title."""
    mark = f"oro-window-{index}-{secrets.token_hex(4)}"
    app.call("window.setTitle", value=mark, targetWindowIndex=index)
    found = until(
        lambda: x(app.display, "xdotool", "search", "--name", mark).split(),
        f"an X window named {mark}",
        TIMEOUT,
    )
    return int(found[0])


def _root_windows(display: str, atom: str) -> list[int]:
    """The window ids a root window property of the window manager lists."""
    return [
        int(found, 16) for found in re.findall(r"0x[0-9a-f]+", x(display, "xprop", "-root", atom))
    ]


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[str]:
    """A page on another origin: a plain HTTP server on its own loopback port."""
    root = tmp_path / "other"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>other</title><p>not the app</p>")
    server = subprocess.Popen(
        ["python3", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        announced = re.search(r"port (\d+)", server.stdout.readline())
        assert announced is not None
        yield f"http://127.0.0.1:{announced.group(1)}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_focus_blur_navigation_and_the_page_url_of_the_real_window(
    display, engine, tmp_path, other_origin
):
    """api/window.d.ts ``focus``/``blur`` as openbox records them (``_NET_ACTIVE_WINDOW``, the
    stacking order ``_NET_CLIENT_LIST_STACKING``), ``navigate`` (the page loads where it was
    sent) and ``window.eval``'s check of the page the engine really shows: a page of another
    origin (allowed by ``window.allow_navigation``) is not the app's to read."""
    config = CONFIG + f'allow_navigation = ["{other_origin}"]\n'
    with running(display, engine, tmp_path, config) as app:
        app.call("window.create", url="/index.html", width=300, height=200)
        first, second = _x_id(app, 0), _x_id(app, 1)
        app.call("window.focus")
        until(
            lambda: _root_windows(display, "_NET_ACTIVE_WINDOW") == [first],
            "openbox makes window 0 the active one",
            TIMEOUT,
        )
        app.call("window.focus", targetWindowIndex=1)
        until(
            lambda: _root_windows(display, "_NET_ACTIVE_WINDOW") == [second],
            "openbox makes window 1 the active one",
            TIMEOUT,
        )
        app.call("window.blur", targetWindowIndex=1)
        until(
            lambda: (
                (order := _root_windows(display, "_NET_CLIENT_LIST_STACKING")).index(second)
                < order.index(first)
            ),
            "window 1 below window 0",
            TIMEOUT,
        )
        moved = app.call("window.navigate", url="/index.html?moved=1")
        until(
            lambda: app.call("window.eval", value="location.search") == "?moved=1",
            "the page loads where it was sent",
            TIMEOUT,
        )
        app.call("window.navigate", url=f"{other_origin}/index.html")
        refused = until(
            lambda: (
                (reply := app.call("window.eval", value="document.title"))
                and isinstance(reply, dict)
                and reply.get("err")
                and reply
            ),
            "window.eval refused on the other origin's page",
            TIMEOUT,
        )
        outside = app.call("window.navigate", url="https://example.com/")

    assert moved["url"].endswith("/index.html?moved=1")
    assert refused["err"]["code"] == "ERR_EVAL_ORIGIN", refused
    assert outside["err"]["type"] == "SecurityError", outside
