"""The OS activating a window, as a user's click or Alt+Tab does (``xdotool windowactivate``
through a real window manager, openbox, under Xvfb), reaches the page as the DOM's ``focus``
and ``blur``, on each web engine (WebKitGTK and QtWebEngine): what the Oro Runtime calls DOM
focus parity (desktop windows mirror the host's activation). Moving between the app's own
windows never pauses the app: its pages get no ``applicationpause``.

Needs what ``tests/_window_app.py`` says plus the Debian packages ``openbox``, ``xdotool``,
``x11-utils`` and ``x11-apps`` (``xlogo``: a window of another program).
"""

from __future__ import annotations

import contextlib
import json
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
from _x11 import managed_display, x

TIMEOUT = 60.0

PAGE = """<!doctype html>
<html>
<head><title>focus</title></head>
<body>
<script type="module">
globalThis.seen = []
for (const name of ['focus', 'blur', 'applicationpause', 'applicationresume']) {
  globalThis.addEventListener(name, (event) => {
    if (event.target === globalThis) seen.push(name)
  })
}
const { getCurrentWindow } = await import('oro:window')
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "focus"
bundle_identifier = "dev.oro.test.window-focus"

[window]
width = 400
height = 300
remember_state = false
"""


@pytest.fixture(scope="module", name="display")
def managed_display_fixture() -> Iterator[str]:
    """One display, managed by openbox, for the module's tests on both engines."""
    with managed_display(TIMEOUT) as number:
        yield number


class App:
    """The running app's windows, reached over the HTTP IPC bridge and as X sees them."""

    def __init__(self, bridge: httpx.Client, display: str) -> None:
        self.bridge = bridge
        self.display = display

    def call(self, route: str, **params: Any) -> Any:
        reply = self.bridge.get(f"/ipc/{route}", params=params).json()
        assert reply.get("err") is None, reply
        return reply.get("data")

    def page(self, index: int, expression: str) -> Any:
        return self.call("window.eval", value=expression, targetWindowIndex=index)

    def seen(self, index: int) -> list[str]:
        seen: list[str] = json.loads(self.page(index, "JSON.stringify(seen)"))
        return seen

    def x_id(self, index: int) -> str:
        """The X id of window ``index``, found by a unique title."""
        mark = f"oro-focus-{index}-{secrets.token_hex(4)}"
        self.call("window.setTitle", value=mark, targetWindowIndex=index)
        found = until(
            lambda: x(self.display, "xdotool", "search", "--name", mark).split(),
            f"an X window named {mark}",
            TIMEOUT,
        )
        return str(found[0])


def transitions(seen: list[str]) -> list[str]:
    """The focus and blur events in ``seen``, a repeat of the one before dropped: WebKitGTK
    fires ``focus`` twice as its window becomes active (the toplevel's, then the view's)."""
    events = [name for name in seen if name in ("focus", "blur")]
    return [name for index, name in enumerate(events) if index == 0 or events[index - 1] != name]


def activate(display: str, window: str) -> None:
    """``window`` made the active one by the window manager, as a user's click makes it."""

    def active() -> bool:
        x(display, "xdotool", "windowactivate", "--sync", window)
        return x(display, "xdotool", "getactivewindow").strip() == window

    until(active, f"window {window} active", TIMEOUT)


@contextlib.contextmanager
def running(display: str, engine: str, tmp_path: Path) -> Iterator[App]:
    (tmp_path / "oro.toml").write_text(CONFIG)
    (tmp_path / "index.html").write_text(PAGE)
    key = new_key()
    with start(display, engine, key, tmp_path) as oro:
        with bridge_of(oro, key, "focus") as bridge:
            yield App(bridge, display)
        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()


@contextlib.contextmanager
def other_program(display: str) -> Iterator[str]:
    """A window of another program (``xlogo``), by its X id."""
    logo = subprocess.Popen(
        ["xlogo", "-display", display, "-name", f"other-{secrets.token_hex(4)}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        found = until(
            lambda: (
                x(display, "xdotool", "search", "--pid", str(logo.pid)).split()
                or x(display, "xdotool", "search", "--class", "xlogo").split()
            ),
            "the xlogo window",
            TIMEOUT,
        )
        yield str(found[-1])
    finally:
        logo.terminate()
        logo.wait(timeout=30)


def test_activating_another_program_blurs_the_page_and_coming_back_focuses_it(
    display: str, engine: str, tmp_path: Path
) -> None:
    with running(display, engine, tmp_path) as app, other_program(display) as other:
        own = app.x_id(0)
        activate(display, own)
        until(lambda: app.page(0, "document.hasFocus()") is True, "the page has focus", TIMEOUT)
        before = len(app.seen(0))

        activate(display, other)
        until(lambda: "blur" in app.seen(0)[before:], "the page's blur", TIMEOUT)
        away = app.page(0, "document.hasFocus()")
        activate(display, own)
        until(lambda: "focus" in app.seen(0)[before:], "the page's focus", TIMEOUT)
        back = app.page(0, "document.hasFocus()")
        events = transitions(app.seen(0)[before:])

    assert away is False
    assert back is True
    assert events == ["blur", "focus"]


def test_moving_between_the_apps_windows_focuses_and_blurs_their_pages_without_pausing(
    display: str, engine: str, tmp_path: Path
) -> None:
    with running(display, engine, tmp_path) as app:
        app.call("window.create", url="/index.html", width=300, height=200)
        until(lambda: app.page(1, "Array.isArray(globalThis.seen)"), "window 1's page", TIMEOUT)
        first, second = app.x_id(0), app.x_id(1)
        activate(display, first)
        until(lambda: app.page(0, "document.hasFocus()") is True, "window 0 has focus", TIMEOUT)
        before = [len(app.seen(0)), len(app.seen(1))]

        activate(display, second)
        until(lambda: "blur" in app.seen(0)[before[0] :], "window 0's blur", TIMEOUT)
        until(lambda: "focus" in app.seen(1)[before[1] :], "window 1's focus", TIMEOUT)
        activate(display, first)
        until(lambda: "focus" in app.seen(0)[before[0] :], "window 0's focus again", TIMEOUT)
        seen = [app.seen(0), app.seen(1)]

    assert transitions(seen[0][before[0] :]) == ["blur", "focus"]
    assert transitions(seen[1][before[1] :])[:1] == ["focus"]
    assert "applicationpause" not in seen[0] + seen[1]
