"""``oro dev`` of an app in a real window under Xvfb, on each web engine: a record the app's
backend logs reaches the page, whose ``oro:dev`` writes it to the console (where the engine's
developer tools show it; tests/test_dev_logs.py reads that console in Chromium), and the
terminal shows it once: the page's console is printed to the terminal too, but not what
``oro:dev`` wrote there (cli/page_debugging.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    window_environ,
)

_NAME = "Dev Logs Window"
_CONFIG = f"""[meta]
name = "{_NAME}"
bundle_identifier = "dev.oro.test-window-dev-logs"
"""
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>Dev Logs Window</title>
<script type="module">
import { request } from 'oro:ipc'
await request('window.ready')
</script></head><body></body></html>
"""
_BACKEND = """import logging

from oro_framework.backend import command


@command
def shout(text: str) -> None:
    logging.getLogger("app_shouts").warning("%s", text)
"""
# The records the page receives (oro:dev writes each to the console; wrapping console.warn here
# would make this script, not oro:dev, the caller each engine reports).
_WATCH = """globalThis.records = []
globalThis.addEventListener('devlog', (event) => {
  for (const record of event.detail.records) globalThis.records.push(record.message)
})
0"""
_SHOUT = """import('oro:backend').then((module) => module.default.shout({ text: 'native-marker' }))
0"""


def test_a_backend_record_reaches_the_console_and_the_terminal_once(
    display: str, engine: str, tmp_path: Path
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(_CONFIG, encoding="utf-8")
    (app / "index.html").write_text(_INDEX, encoding="utf-8")
    (app / "backend.py").write_text(_BACKEND, encoding="utf-8")
    key = new_key()
    environ = window_environ(display, engine, key)
    with (
        OroProcess("dev", str(app), environ=environ, timeout=120) as oro,
        bridge_of(oro, key, _NAME) as bridge,
    ):
        evaluate(bridge, _WATCH)
        evaluate(bridge, _SHOUT)
        received = until(
            lambda: evaluate(bridge, "globalThis.records.join('\\n')"), "the record in the page"
        )
        # The page's own warning, printed after anything the page wrote before it.
        evaluate(bridge, "console.warn('after-marker'); 0")
        until(lambda: "after-marker" in oro.stderr(), "the page's warning on the terminal")
        terminal = oro.stderr()

    assert "native-marker" in received.split("\n")
    assert re.findall(r"^.*native-marker.*$", terminal, re.MULTILINE) == [
        "WARNING app_shouts: native-marker"
    ]
