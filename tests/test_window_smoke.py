"""A real window under Xvfb, on each web engine (WebKitGTK and QtWebEngine): ``oro run`` opens
the showcase, the page reports ready through IPC, the window answers routes, a screenshot shows
it, and SIGTERM closes it cleanly.

Needs what ``tests/_window_app.py`` says (Xvfb, both engines) and x11-apps for ``xwd``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess

import psutil
import pytest
from _oro_process import until
from _showcase import LOADED, PANELS, errors_shown
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    WEB_PROCESSES,
    bridge_of,
    display_fixture,
    engine_fixture,
    new_key,
    start,
)
from _x11 import SCREEN, distinct_colours, rgb_to_png, xwd_to_rgb
from click.testing import CliRunner

from oro_framework.cli import cli


def test_showcase_opens_in_a_real_window_and_closes_cleanly(display, engine, tmp_path):
    key = new_key()
    with start(display, engine, key) as oro:
        with bridge_of(oro, key) as bridge:
            windows = bridge.get("/ipc/application.getWindows").json()["data"]
            evaluated = bridge.get(
                "/ipc/window.eval", params={"value": "document.body.dataset.ready"}
            ).json()
            # The first panel and the line that says uncaught errors (README's first screen).
            first_screen = bridge.get(
                "/ipc/window.eval",
                params={
                    "value": "document.getElementById('memory').textContent + '|' + "
                    "document.getElementById('uncaught').textContent"
                },
            ).json()
            # Every panel as the user sees it in the window, once those that fill on load did.
            until(
                lambda: (
                    bridge.get("/ipc/window.eval", params={"value": f"({LOADED})()"})
                    .json()
                    .get("data")
                ),
                "the showcase's panels fill",
                60,
            )
            panels = json.loads(
                bridge.get(
                    "/ipc/window.eval", params={"value": f"JSON.stringify(({PANELS})())"}
                ).json()["data"]
            )
            bridge.get("/ipc/window.setTitle", params={"value": "Smoke test"})
            title = bridge.get("/ipc/window.getTitle").json()["data"]
            size = bridge.get("/ipc/window.getSize").json()["data"]
            web_processes = {
                child.name() for child in psutil.Process(oro.process.pid).children(recursive=True)
            }

        screenshot = subprocess.run(
            ["xwd", "-root", "-silent", "-display", display],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        width, height, rgb = xwd_to_rgb(screenshot)
        png = tmp_path / "showcase.png"
        png.write_bytes(rgb_to_png(width, height, rgb))

        oro.send_signal(signal.SIGTERM)
        assert oro.wait() == 0, oro.stderr()

    assert [(w["index"], w["status"], w["isReady"]) for w in windows] == [(0, "shown", True)]
    # The engine asked for is the one that renders, and only it.
    assert WEB_PROCESSES[engine] in web_processes
    assert not set(WEB_PROCESSES.values()) - {WEB_PROCESSES[engine]} & web_processes
    assert evaluated["data"] == "true", evaluated
    assert re.fullmatch(r"\d+\.\d\d GiB\|", first_screen["data"]), first_screen
    assert errors_shown(panels) == {}
    assert title == "Smoke test"
    assert size == {"width": 1200, "height": 800}  # the showcase's [window] size
    assert (width, height) == SCREEN
    assert png.stat().st_size > 1000
    # A blank screen has one colour; the rendered page has text, panels and a coloured header.
    assert distinct_colours(rgb) > 20


@pytest.mark.parametrize(
    ("how", "expected_code"),
    [("SIGINT", 0), ("application.exit", 7), ("window.close", 0)],
)
def test_the_window_closes_cleanly_however_it_is_asked(display, engine, how, expected_code):
    key = new_key()
    with start(display, engine, key) as oro:
        with bridge_of(oro, key) as bridge:
            if how == "SIGINT":
                oro.send_signal(signal.SIGINT)
            elif how == "application.exit":
                assert bridge.get("/ipc/application.exit", params={"value": 7}).status_code == 200
            else:
                closed = bridge.get("/ipc/window.close").json()
                assert closed["data"]["status"] == "closed", closed

        assert oro.wait() == expected_code, oro.stderr()


def test_hiding_the_real_window_pauses_the_app_and_showing_resumes_it(display, engine):
    key = new_key()
    with start(display, engine, key, lifecycle_desktop_always_running="false") as oro:
        with bridge_of(oro, key) as bridge:
            hidden = bridge.get("/ipc/window.hide").json()["data"]
            paused = bridge.get("/ipc/diagnostics.query").json()["data"]["lifecycle"]
            shown = bridge.get("/ipc/window.show").json()["data"]
            running = bridge.get("/ipc/diagnostics.query").json()["data"]["lifecycle"]
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0, oro.stderr()
    assert (hidden["status"], paused) == ("hidden", "paused")
    assert (shown["status"], running) == ("shown", "running")


def test_a_scaffolded_app_renders_its_live_data_in_a_real_window(display, engine, tmp_path):
    app = tmp_path / "hello"
    assert CliRunner().invoke(cli, ["init", str(app)]).exit_code == 0
    key = new_key()
    with start(display, engine, key, app) as oro:
        with bridge_of(oro, key, "hello") as bridge:
            script = (
                "['ping', 'cpus', 'windows'].map(id => document.getElementById(id).textContent)"
            )
            shown = bridge.get("/ipc/window.eval", params={"value": script}).json()
        oro.send_signal(signal.SIGTERM)

        assert oro.wait() == 0, oro.stderr()
    assert shown["data"] == ["pong", str(os.cpu_count()), "#0 hello (shown)"], shown
