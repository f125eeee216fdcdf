"""Oro's File System Access globals in real windows, on each web engine: in a WebKitGTK window
(whose File System Access is off) and a QtWebEngine window (which has the classes), every page
with ``webview.oro_globals`` has what ``tests/_fs_web_page.py`` says: ``oro:fs/web``'s classes
as its globals from its first script on, the pickers, handles that are instances of them,
writables that reach the disk and ``File``s whose ``stream()`` a ``for await`` reads.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from _fs_web_page import CONFIG, INDEX, SCRIPT, check
from _oro_process import until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

BUNDLE = "dev.oro.test.fs-web-globals"


def settle(bridge: httpx.Client, body: str) -> dict[str, Any]:
    """What the async function ``body`` returns in the page (``window.eval`` gives only a
    script's completion value), polled until it settles."""
    evaluate(
        bridge,
        "window.__answer = null; "
        f"(async () => {{ {body} }})().then("
        "(value) => { window.__answer = JSON.stringify({ value }) },"
        " (error) => { window.__answer = JSON.stringify({ error: String(error?.stack ?? error) })"
        " }); 0",
    )
    answer = until(lambda: evaluate(bridge, "window.__answer"), "the page's answer", 120)
    settled: dict[str, Any] = json.loads(answer)
    assert "error" not in settled, settled["error"]
    value: dict[str, Any] = settled["value"]
    return value


def test_the_pages_file_system_access_classes_are_oro_fs_webs(
    tmp_path: Path, display: str, engine: str
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(CONFIG.format(bundle=BUNDLE))
    (app / "index.html").write_text(INDEX)
    key = new_key()
    with start(display, engine, key, app, XDG_DATA_HOME=str(tmp_path / "data")) as oro:
        bridge = bridge_of(oro, key, "fs web")
        answer = settle(bridge, SCRIPT)
    check(answer, tmp_path / "data" / BUNDLE)
