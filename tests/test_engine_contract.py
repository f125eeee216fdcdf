"""The engine contract: every method of the host's ``Engine`` protocol, run against each engine
with the same calls (``tests/_engine_contract.py``): ``headless`` in this process, ``system``
(WebKitGTK) and ``qt`` (QtWebEngine) in real windows under Xvfb managed by openbox (maximising
and minimising are the window manager's job), each engine's GUI loop on the main thread of a
process of its own and the calls on its dispatcher thread, as ``oro run`` makes them.

What every engine answers alike is asserted for all three; what the headless engine cannot do
(a page, a screen, a toolkit) it answers with ``NotSupportedError`` ``ERR_HEADLESS``, where the
native engines answer for real.

Needs what ``tests/_window_app.py`` says plus openbox (``tests/_x11.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _engine_contract import COLOR, POSITION, SIZE, Recorder, exercise, serving
from _oro_process import headless_environ
from _window_app import ENGINES
from _x11 import SCREEN, managed_display

from oro_framework import NotSupportedError
from oro_framework.host.windows.headless import HeadlessEngine
from oro_framework.host.windows.model import Window, WindowOptions

DRIVER = Path(__file__).with_name("_engine_contract.py")
TOOLKITS = {"system": "gtk", "qt": "qt"}
HEADLESS = {"error": "NotSupportedError", "code": "ERR_HEADLESS"}
NO_GUI = {"error": "NotSupportedError", "code": "NOT_SUPPORTED_ERR"}
NOT_FOUND = {"error": "NotFoundError", "code": "NOT_FOUND_ERR"}


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with managed_display() as number:
        yield number


def _headless_answers() -> dict[str, Any]:
    engine, listener = HeadlessEngine(), Recorder()
    with serving() as origin:
        window = Window(index=1, title="contract", width=640, height=480)
        engine.open(window, f"{origin}/first", listener, WindowOptions())
        return exercise(engine, listener, origin)


def _native_answers(display: str, engine: str) -> dict[str, Any]:
    environ = headless_environ({"DISPLAY": display, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"})
    done = subprocess.run(
        [sys.executable, str(DRIVER), engine],
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, (done.stdout, done.stderr)
    answers: dict[str, Any] = json.loads(lines[-1])
    assert "failed" not in answers, answers["failed"]
    answers["log"] = done.stderr  # what the engine logged (a fallback, a crash), for a failure
    return answers


@pytest.fixture(scope="module", params=["headless", *ENGINES], name="engine")
def engine_fixture(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def answers(request: pytest.FixtureRequest, engine: str) -> dict[str, Any]:
    """What ``engine`` answered to every call of the contract."""
    if engine == "headless":
        return _headless_answers()
    return _native_answers(request.getfixturevalue("display"), engine)


def test_every_operation_on_an_open_window_is_done_without_error(answers):
    operations = [
        "set_title",
        "show",
        "focus",
        "set_size",
        "set_position",
        "maximize",
        "restore",
        "minimize",
        "restore_minimized",
        "blur",
        "set_always_on_top",
        "set_background_color",
        "hide",
        "show_again",
        "navigate",
        "open_hidden",
        "close_hidden",
        "close",
    ]
    assert {name: answers[name] for name in operations} == dict.fromkeys(operations)


def test_the_size_and_position_set_are_read_back(answers):
    assert answers["get_size"] == list(SIZE)
    size = answers["state_size"]
    assert (size["width"], size["height"]) == SIZE
    position = answers["state_position"]
    assert (position["x"], position["y"]) == POSITION


def test_maximised_minimised_and_restored_are_read_back(answers):
    assert answers["state_maximized"]["maximized"] is True
    assert answers["state_restored"]["maximized"] is False
    assert answers["state_minimized"]["minimized"] is True
    assert answers["state_unminimized"]["minimized"] is False


def test_always_on_top_and_the_background_colour_are_read_back(answers):
    assert answers["state_on_top"]["always_on_top"] is True
    assert answers["state_color"]["background_color"] == COLOR.to_json()


def test_a_window_never_opened_or_closed_is_not_found(answers):
    assert answers["unknown_window"] == NOT_FOUND
    assert answers["closed_window"] == NOT_FOUND


def test_the_page_runs_script_only_in_a_native_window(answers, engine):
    if engine == "headless":
        expected = dict.fromkeys(("page_url", "loaded", "evaluate", "evaluate_throwing"), HEADLESS)
    else:
        expected = {
            "page_url": answers["page_url"],
            "loaded": "/second complete",
            "evaluate": 42,
            "evaluate_throwing": {"error": "IPCError", "code": "ERR_EVAL"},
        }
        assert answers["page_url"].endswith("/first")
        assert answers["page_url_navigated"].endswith("/second")
    reached = {name: answers[name] for name in expected}
    assert reached == expected, answers.get("log")


def test_a_page_cannot_open_the_developer_tools_while_they_are_off(answers, engine):
    off = {"error": "NotSupportedError", "code": "ERR_DEVTOOLS_OFF"}
    assert answers["show_inspector"] == (HEADLESS if engine == "headless" else off)


def test_the_screen_and_the_toolkit_only_with_a_native_window(answers, engine):
    reached = {
        name: answers[name]
        for name in ("has_native_windows", "toolkit", "screen_size", "native", "post", "posted_on")
    }
    if engine == "headless":
        assert reached == {
            "has_native_windows": False,
            "toolkit": None,
            "screen_size": HEADLESS,
            "native": NO_GUI,
            "post": NO_GUI,
            "posted_on": None,
        }
    else:
        assert reached == {
            "has_native_windows": True,
            "toolkit": TOOLKITS[engine],
            "screen_size": list(SCREEN),
            "native": True,
            "post": None,
            "posted_on": "MainThread",
        }


def test_a_native_engine_reports_its_windows_made_shown_and_closed(answers, engine):
    heard = answers["heard"]
    if engine == "headless":
        # Nothing happens on its own to a headless window: the window manager knows it all.
        assert heard == []
        return
    assert ["created", 1] in heard
    assert ["status", 1, "shown"] in heard
    assert heard.index(["status", 1, "closing"]) < heard.index(["status", 1, "closed"])
    assert ["created", 2] in heard
    assert ["status", 2, "closed"] in heard
    assert ["status", 2, "shown"] not in heard  # opened hidden


def test_the_headless_engine_has_no_gui_loop_to_start():
    with pytest.raises(NotSupportedError, match="runs headless"):
        HeadlessEngine().start(None)  # type: ignore[arg-type]


def test_a_permission_prompt_needs_an_open_native_window_and_its_closing_denies(answers, engine):
    if engine == "headless":
        assert answers["ask_permission"] == HEADLESS
        assert answers["ask_permission_closed"] == HEADLESS
        return
    assert answers["ask_permission"] is None  # shown over window 2, answered later
    assert answers["permission_answers"] == [{"allowed": False, "remember": False}]
    assert answers["ask_permission_closed"] == NOT_FOUND
    assert answers["permission_answers_closed"] == []
