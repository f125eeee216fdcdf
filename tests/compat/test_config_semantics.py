"""A Socket app's ``socket.ini`` values mean here what they mean to Socket (issue 53): the
``sized`` app (written in the image of Socket's template, not copied from an app) says
``height = 932px``, booleans as words (``yes``, ``0``), and a width in a CSS unit no runtime
reads; run with the real ``oro`` command, headless, it starts, its page sees 932 pixels, and
``-c window_width=640`` gives the width the file could not."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

APP = Path(__file__).with_name("apps") / "sized"


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


def _run(app: Path, *options: str) -> OroProcess:
    environ = headless_environ({"XDG_DATA_HOME": str(app.parent / "data")})
    return OroProcess("run", "--headless", "--port", "0", *options, str(app), environ=environ)


def _sized(page: Page, url: str) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_function("globalThis.sized !== undefined", timeout=60_000)
    state: dict[str, Any] = page.evaluate("globalThis.sized")
    return state


def test_socket_spellings_load_as_socket_reads_them_and_c_fixes_what_no_spelling_covers(
    tmp_path: Path, page: Page
) -> None:
    app = tmp_path / "sized"
    shutil.copytree(APP, app)

    with _run(app, "-c", "window_width=640") as oro:
        state = _sized(page, oro.launch_url())
    output = "\n".join(oro.lines) + oro.stderr()
    assert state["size"] == {"width": 640, "height": 932}, state
    assert state["config"] == {
        "window_width": 640,
        "window_height": 932,
        "permissions_allow_notifications": True,  # yes, as Socket allows it
        "permissions_allow_clipboard": False,  # 0 denies here (Socket: only 'false'), said once
    }, state
    assert "socket.ini:16: [window] height = '932px' is read as 932 pixels" in output, output
    assert "socket.ini:23: [permissions] allow_clipboard = '0' is read as false" in output, output
    # The first window takes its bounds from the config, as Socket's does.
    assert "socket.ini:18: [window] min_width = '320px' is read as 320 pixels" in output, output
    assert "100vw" not in output, "a value -c replaces is not mentioned"
    assert "Traceback" not in output, output

    # Without -c the app still starts: the width no spelling covers is one warning naming the
    # file, line and key, and the key keeps oro's default.
    with _run(app) as oro:
        state = _sized(page, oro.launch_url())
    output = "\n".join(oro.lines) + oro.stderr()
    assert state["size"] == {"width": 1024, "height": 932}, state
    said = [line for line in output.splitlines() if "100vw" in line]
    assert len(said) == 1, output
    assert "socket.ini:17: [window] width = '100vw' is not used" in said[0], said
    assert "-c window.width=" in said[0], said
    assert "ORO_WINDOW_WIDTH" in said[0], said
