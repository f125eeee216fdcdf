"""A page that asks before it is left (``beforeunload``) gets its question asked when the user
closes its window, in a real window of each engine (WebKitGTK, QtWebEngine) on an Xvfb display
that openbox manages; the user's answer, given with real X input, decides:

- Escape ("stay"): the window and its page stay, the same page, still answering;
- Return ("leave"): the window closes, and the app ends with its last window.

A page never keeps its window forever: a second close while it has not answered (its
``beforeunload`` never returns) closes the window, and the app's own close (the ``window.close``
route) and the host stopping close it without asking, even while its question is showing.

As in every browser, a page gets to ask only once the user has interacted with it: the tests
click in it first (real X input too).
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest
from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    engine_fixture,
    evaluate,
    new_key,
    start,
)
from _x11 import managed_display, press, x

NAME: Final = "Oro Unload"
TITLE: Final = "unload-test"

PAGE: Final = f"""<!doctype html><title>{TITLE}</title>
<body style="margin:0;height:100vh">
<script>
globalThis.clicks = 0;
globalThis.asks = 0;
globalThis.marker = Math.random().toString(36).slice(2);
document.addEventListener('mousedown', () => {{ clicks += 1 }});
globalThis.hang = false;
addEventListener('beforeunload', (event) => {{
  asks += 1;
  // A page that never answers: busy for ten minutes (its app ends long before).
  const end = Date.now() + 600000;
  while (hang && Date.now() < end) {{}}
  event.preventDefault();
  event.returnValue = 'There are unsaved changes';
  return 'There are unsaved changes';
}});
</script>
<script type=module>
const {{ request }} = await import('oro:ipc');
await request('window.ready');
</script>
</body>"""

CONFIG: Final = f"""[meta]
name = "{NAME}"
bundle_identifier = "dev.oro.test.leave"

[window]
width = 480
height = 360
remember_state = false
"""

QUESTION: Final = re.compile(r"leave|Confirm", re.IGNORECASE)
"""The leave question's window title: ``Are you sure you want to leave this page?`` (GTK,
titled as QtWebEngine titles it) or QtWebEngine's own."""


@pytest.fixture(scope="module", name="display")
def display_fixture() -> Iterator[str]:
    with managed_display() as display:
        yield display


@pytest.fixture(name="app")
def app_fixture(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(CONFIG, encoding="utf-8")
    (app / "index.html").write_text(PAGE, encoding="utf-8")
    return app


def _windows(display: str, pattern: str) -> list[str]:
    return x(display, "xdotool", "search", "--onlyvisible", "--name", pattern).split()


def _window(display: str) -> str:
    found = until(lambda: _windows(display, f"^{NAME}$"), "the app's window")
    return found[0]


def _question(display: str) -> str:
    """The leave question's window, once it shows."""

    def showing() -> list[str]:
        return [
            window
            for window in _windows(display, ".")
            if QUESTION.search(x(display, "xdotool", "getwindowname", window))
        ]

    return until(showing, "the leave question")[0]


def _interact(display: str, bridge: httpx.Client, window: str) -> None:
    """A real click in the page: it may ask before it is left from now on."""

    def click() -> bool:
        x(display, "xdotool", "windowactivate", "--sync", window)
        x(display, "xdotool", "mousemove", "--window", window, "120", "120", "click", "1")
        return bool(evaluate(bridge, "clicks > 0"))

    # Repeated until the page has it: a window that has just been mapped may not take input.
    until(click, "the page's click")


def _ended(oro: OroProcess) -> int:
    return oro.wait()


def test_the_users_answer_decides(display: str, engine: str, app: Path) -> None:
    key = new_key()
    with start(display, engine, key, app) as oro:
        bridge = bridge_of(oro, key, NAME)
        window = _window(display)
        marker = evaluate(bridge, "marker")
        _interact(display, bridge, window)

        # The window manager's close (openbox's Alt+F4): the page is asked; Escape stays.
        press(display, window, "alt+F4")
        question = _question(display)
        press(display, question, "Escape")
        until(lambda: not _windows(display, QUESTION.pattern), "the question gone")
        assert _windows(display, f"^{NAME}$") == [window]
        assert evaluate(bridge, "[marker, asks]") == [marker, 1]

        # Asked again at the next close; Return leaves: the window closes and the app ends.
        press(display, window, "alt+F4")
        question = _question(display)
        press(display, question, "Return")
        assert _ended(oro) == 0
        assert not _windows(display, f"^{NAME}$")


def test_the_app_closes_a_page_that_asks_without_asking(
    display: str, engine: str, app: Path
) -> None:
    key = new_key()
    with start(display, engine, key, app) as oro:
        bridge = bridge_of(oro, key, NAME)
        window = _window(display)
        _interact(display, bridge, window)
        reply = bridge.get("/ipc/window.close", params={"targetWindowIndex": 0}).json()
        assert reply.get("err") is None, reply
        assert _ended(oro) == 0
        assert not _windows(display, QUESTION.pattern)


def test_stopping_closes_a_page_whose_question_shows(display: str, engine: str, app: Path) -> None:
    key = new_key()
    with start(display, engine, key, app) as oro:
        bridge = bridge_of(oro, key, NAME)
        window = _window(display)
        _interact(display, bridge, window)
        press(display, window, "alt+F4")
        _question(display)
        oro.process.send_signal(signal.SIGTERM)
        oro.wait()
        assert not _windows(display, f"^{NAME}$")
        assert not _windows(display, QUESTION.pattern)


def test_a_second_close_closes_a_page_that_never_answers(
    display: str, engine: str, app: Path
) -> None:
    key = new_key()
    with start(display, engine, key, app) as oro:
        bridge = bridge_of(oro, key, NAME)
        window = _window(display)
        _interact(display, bridge, window)
        assert evaluate(bridge, "hang = true") is True
        # The first close asks the page, whose beforeunload never returns; the user closes the
        # window again: it closes, unanswered, and the app ends.
        press(display, window, "alt+F4")
        press(display, window, "alt+F4")
        assert _ended(oro) == 0
        assert not _windows(display, f"^{NAME}$")
