"""``oro dev`` of an app in a real window under Xvfb, on each web engine (issue 52): saving
backend.py keeps the window and its page. A broken save shows its error over the page (the
page's backend calls answer it); the fix removes it, and the text typed in the page is still
there while its next backend call reaches the new code.

Before, every save of backend.py restarted the host: the window closed (a broken one left
none) and a new one opened on a fresh page.
"""

from __future__ import annotations

import json
import re
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
    window_environ,
)
from _x11 import x

_NAME = "Dev Window"
_CONFIG = f"""[meta]
name = "{_NAME}"
bundle_identifier = "dev.oro.test-window-dev"
"""
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>Dev Window</title>
<script type="module">
import { request } from 'oro:ipc'
await request('window.ready')
</script></head>
<body><input id="text"></body></html>
"""
_BACKEND = """from oro_framework.backend import command


@command
def answer() -> str:
    return "{answer}"
"""
# The page's own backend call, its outcome kept in a global for the next evaluation to read.
_CALL = """globalThis.outcome = null
import('oro:backend').then((module) => module.default.answer()).then(
  (value) => { globalThis.outcome = 'answer ' + value },
  (error) => { globalThis.outcome = error.code },
)
0"""
_STATE = """JSON.stringify({
  text: document.getElementById('text').value,
  marker: globalThis.marker ?? null,
  overlay: document.getElementById('oro-dev-overlay')?.textContent ?? null,
})"""


def _state(bridge: httpx.Client) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(evaluate(bridge, _STATE))
    return state


def _outcome(bridge: httpx.Client) -> str:
    evaluate(bridge, _CALL)
    return str(until(lambda: evaluate(bridge, "globalThis.outcome"), "the page's backend call"))


def _window_ids(display: str) -> str:
    return x(display, "xdotool", "search", "--name", f"^{_NAME}$")


def test_saving_backend_py_keeps_the_window_its_page_and_shows_errors_over_it(
    display: str, engine: str, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(_CONFIG, encoding="utf-8")
    (app / "index.html").write_text(_INDEX, encoding="utf-8")
    (app / "backend.py").write_text(_BACKEND.replace("{answer}", "one"), encoding="utf-8")
    key = new_key()
    environ = window_environ(display, engine, key)
    with (
        OroProcess("dev", str(app), environ=environ, timeout=120) as oro,
        bridge_of(oro, key, _NAME) as bridge,
    ):
        # Printed once the host watches backend.py itself: before or after the window opened.
        swaps = r"^oro dev: the host reloads backend\.py itself"
        if not any(re.match(swaps, line) for line in oro.lines):
            oro.wait_for_line(swaps)
        windows = until(lambda: _window_ids(display), "the app's X window")
        evaluate(bridge, "document.getElementById('text').value = 'typed'; globalThis.marker = 7")
        first = _outcome(bridge)

        (app / "backend.py").write_text("def broken(:\n", encoding="utf-8")
        broken = until(lambda: _state(bridge)["overlay"], "the error over the page")
        broken_call = _outcome(bridge)

        (app / "backend.py").write_text(_BACKEND.replace("{answer}", "two"), encoding="utf-8")
        fixed = until(
            lambda: (state := _state(bridge))["overlay"] is None and state,
            "the overlay gone",
        )
        second = _outcome(bridge)
        windows_after = _window_ids(display)

    assert first == "answer one"
    assert "SyntaxError" in broken
    assert "backend.py:1" in broken
    assert broken_call == "ERR_BACKEND_IMPORT"
    # The same page (its text and globals) in the same X window, answering with the new code.
    assert fixed == {"text": "typed", "marker": 7, "overlay": None}
    assert second == "answer two"
    assert windows_after == windows
