"""The system engine's web process starts while the host is built (``oro_framework.gui.warm``),
under Xvfb with real processes: the window's page runs in the process started first, and an app
that ends up with a hidden window after all leaves no warmed web process behind. The guess itself
never opens a window where the host would not (no display, headless, another engine)."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from _oro_process import until
from _window_app import (  # noqa: F401 (a fixture, found by its name)
    WEB_PROCESSES,
    display_fixture,
    evaluate,
    new_key,
    start,
)

from oro_framework.gui.warm import warm_engine
from oro_framework.testing import bridge_client

TIMEOUT = 60.0
PAGE = """<!doctype html>
<html><head><title>warm</title></head>
<body><h1>warm</h1>
<script type="module">
import { getCurrentWindow } from 'oro:window'
getCurrentWindow().ready()
</script>
</body></html>
"""
CONFIG = """[meta]
name = "warm"
bundle_identifier = "dev.oro.test.window-warm"
"""
SOCKET_INI = """[meta]
title = "warm ini"
bundle_identifier = dev.oro.test.window-warm-ini

[build]
headless = true
"""


def _app(directory: Path, config: str = CONFIG, name: str = "oro.toml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(config)
    (directory / "index.html").write_text(PAGE)
    return directory


def _web_processes(pid: int) -> list[psutil.Process]:
    children = psutil.Process(pid).children(recursive=True)
    return [child for child in children if child.name() == WEB_PROCESSES["system"]]


@pytest.mark.parametrize(
    ("overrides", "environ"),
    [
        ({}, {}),  # no display
        ({"window.headless": "true"}, None),
        ({"window_headless": "true"}, None),
        ({"webview.engine": "qt"}, None),
    ],
)
def test_no_engine_is_warmed_where_the_host_would_open_no_system_window(
    display: str, tmp_path: Path, overrides: dict[str, str], environ: dict[str, str] | None
) -> None:
    app = _app(tmp_path / "app")

    warmed = warm_engine(app, overrides, {"DISPLAY": display} if environ is None else environ)

    assert warmed is None


def test_the_window_page_runs_in_the_web_process_started_before_the_host_served(
    display: str, tmp_path: Path
) -> None:
    key = new_key()
    app = _app(tmp_path / "app")
    with start(display, "system", key, app, XDG_DATA_HOME=str(tmp_path / "data")) as oro:
        # Read as soon as it is printed: the host serves and asks for the window now.
        opened = oro.wait_for_line(r"^oro: opened warm in a window")
        serving_at = time.time()
        oro.wait_for_line(r"^oro: window 0 ready$")
        origin = opened.split("(", 1)[1].rstrip(")")
        with bridge_client(origin, key) as bridge:
            assert evaluate(bridge, "document.querySelector('h1').textContent") == "warm"
            (process,) = _web_processes(oro.process.pid)
            # Launched while the host was built: before the app served its first window.
            assert process.create_time() < serving_at, opened
        assert "web process ended" not in oro.stderr()


def test_an_app_the_host_runs_hidden_after_all_leaves_no_warmed_web_process(
    display: str, tmp_path: Path
) -> None:
    # socket.ini's [build] headless is the host's window.headless under another name: an engine
    # the early guess warmed would show its windows; the host runs the page in a hidden window
    # of an engine of its own, and no other web process stays.
    app = _app(tmp_path / "app", SOCKET_INI, "socket.ini")
    with start(display, "system", new_key(), app, XDG_DATA_HOME=str(tmp_path / "data")) as oro:
        oro.wait_for_line(r"^oro: opened warm ini in a hidden window")
        oro.wait_for_line(r"^oro: window 0 ready$")
        # The hidden window's web process alone: the warmed one ended.
        until(lambda: len(_web_processes(oro.process.pid)) == 1, "one web process", TIMEOUT)
