"""Remembered window state in a real app under Xvfb: a window moved (by another X client) and
resized (by a route) comes back in the same place after the app stops and starts again; a place
off every screen, a corrupt file and ``remember_state = false`` are handled. Xvfb has no window
manager: a window is exactly where the app puts it."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import pytest
from _desktop_app import Desktop, DesktopApp, recorder_page, run_app, until, write_app

BUNDLE = "dev.oro.test.desktop"
"""write_app's bundle identifier, the name of the app's data directory."""
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 800

Rect = tuple[int, int, int, int]


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    return write_app(tmp_path / "app", recorder_page([]))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def state_file(data_dir: Path) -> Path:
    # The host's state folder (issue 71: the data folder is the pages').
    return data_dir / "state" / "oro-framework" / "apps" / BUNDLE / "window-state.json"


def geometry(app: DesktopApp, window: str) -> Rect:
    """What the X server says of ``window``: x, y, width, height."""
    output = app.desktop.run("xdotool", "getwindowgeometry", window).stdout
    position = re.search(r"Position: (-?\d+),(-?\d+)", output)
    size = re.search(r"Geometry: (\d+)x(\d+)", output)
    assert position is not None, output
    assert size is not None, output
    x, y = (int(number) for number in position.groups())
    width, height = (int(number) for number in size.groups())
    return x, y, width, height


def wait_for_geometry(app: DesktopApp, window: str, expected: Rect) -> None:
    until(lambda: geometry(app, window) == expected, f"window at {expected}", timeout=30)


def stop(app: DesktopApp) -> None:
    """SIGTERM, as a session ending or ``kill`` stops the app, and wait for it to exit."""
    app.process.process.send_signal(signal.SIGTERM)
    assert app.process.process.wait(timeout=60) == 0, app.process.stderr()


def saved(data_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(state_file(data_dir).read_text())
    return data


def write_state(data_dir: Path, windows: dict[str, Any], **options: Any) -> str:
    path = state_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 1, "windows": windows}, **options)
    path.write_text(text)
    path.chmod(0o600)  # as the host writes it: it reads back nothing others could have written
    return text


def test_moved_and_resized_window_comes_back_after_a_restart(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        window = app.window_id()
        screen.run("xdotool", "windowmove", window, "100", "120")
        app.call("window.setSize", width=640, height=480)
        wait_for_geometry(app, window, (100, 120, 640, 480))
        # ... and until the app has seen its new size (GTK learns it from the window system's
        # event, which a loaded machine may hand it after the X server already says so).
        until(
            lambda: app.call("window.getSize") == {"width": 640, "height": 480},
            "the app sees its new size",
            timeout=30,
        )
        stop(app)
    assert saved(data_dir) == {
        "version": 1,
        "windows": {"main": {"x": 100, "y": 120, "width": 640, "height": 480, "maximized": False}},
    }

    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        wait_for_geometry(app, app.window_id(), (100, 120, 640, 480))
        assert app.call("window.getSize") == {"width": 640, "height": 480}
        stop(app)


def test_each_window_is_remembered_under_its_index(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        app.call("window.create", targetWindowIndex=1, width=300, height=200)
        second = app.window_id(1)
        screen.run("xdotool", "windowmove", second, "700", "50")
        wait_for_geometry(app, second, (700, 50, 300, 200))
        main = app.window_id()
        screen.run("xdotool", "windowmove", main, "20", "30")
        wait_for_geometry(app, main, (20, 30, 800, 600))
        stop(app)
    windows = saved(data_dir)["windows"]
    assert windows["main"] == {"x": 20, "y": 30, "width": 800, "height": 600, "maximized": False}
    assert windows["1"] == {"x": 700, "y": 50, "width": 300, "height": 200, "maximized": False}

    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        wait_for_geometry(app, app.window_id(), (20, 30, 800, 600))
        app.call("window.create", targetWindowIndex=1, width=300, height=200)
        second = app.window_id(1)
        wait_for_geometry(app, second, (700, 50, 300, 200))
        stop(app)


def test_a_place_off_every_screen_keeps_the_size_but_not_the_place(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    write_state(
        data_dir,
        {"main": {"x": 10000, "y": 10000, "width": 500, "height": 400, "maximized": False}},
    )
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        window = app.window_id()

        def resized_on_screen() -> Rect | None:
            x, y, width, height = rect = geometry(app, window)
            fits = 0 <= x <= SCREEN_WIDTH - width and 0 <= y <= SCREEN_HEIGHT - height
            return rect if (width, height) == (500, 400) and fits else None

        until(resized_on_screen, "the window at its saved size, on the screen")
        stop(app)
    main = saved(data_dir)["windows"]["main"]
    assert (main["width"], main["height"]) == (500, 400)
    assert main["x"] < SCREEN_WIDTH
    assert main["y"] < SCREEN_HEIGHT


def test_a_maximized_window_stays_maximized_with_its_normal_size_remembered(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    normal = {"x": 50, "y": 60, "width": 640, "height": 400}
    write_state(data_dir, {"main": {**normal, "maximized": True}})
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        # Without a window manager nothing makes the window screen-sized; it keeps its place.
        wait_for_geometry(app, app.window_id(), (50, 60, 640, 400))
        stop(app)
    assert saved(data_dir)["windows"]["main"] == {**normal, "maximized": True}


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"version": 99, "windows": {}}),
        json.dumps(
            {"version": 1, "windows": {"main": {"x": "10", "y": 0, "width": 1, "height": 1}}}
        ),
        json.dumps({"version": 1, "windows": {"main": {"x": 0, "y": 0, "width": 0, "height": 9}}}),
    ],
)
def test_a_corrupt_state_file_is_ignored_and_replaced(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path, content: str
) -> None:
    path = state_file(data_dir)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    path.chmod(0o600)  # as the host writes it: what is tried here is its content
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        window = app.window_id()
        screen.run("xdotool", "windowmove", window, "10", "20")
        wait_for_geometry(app, window, (10, 20, 800, 600))
        stop(app)
    assert "ignoring" in app.process.stderr()
    assert saved(data_dir)["windows"]["main"] == {
        "x": 10,
        "y": 20,
        "width": 800,
        "height": 600,
        "maximized": False,
    }


def test_remember_state_false_restores_and_saves_nothing(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    # Compact JSON: any save by the app would rewrite it differently.
    text = write_state(
        data_dir,
        {"main": {"x": 100, "y": 120, "width": 640, "height": 480, "maximized": False}},
        separators=(",", ":"),
    )
    with run_app(
        screen, app_dir, data_dir=data_dir, ORO_WINDOW_REMEMBER_STATE="false", engine=engine
    ) as app:
        window = app.window_id()
        # Where pywebview puts a new window: centred (Qt 6's 16 px higher), at oro.toml's size.
        x, y, width, height = geometry(app, window)
        assert (width, height) == (800, 600)
        assert (x, y) != (100, 120)
        screen.run("xdotool", "windowmove", window, "300", "200")
        wait_for_geometry(app, window, (300, 200, 800, 600))
        stop(app)
    assert state_file(data_dir).read_text() == text


def test_a_closed_window_is_saved_at_once(
    screen: Desktop, engine: str, app_dir: Path, data_dir: Path
) -> None:
    with run_app(screen, app_dir, data_dir=data_dir, engine=engine) as app:
        app.call("window.create", targetWindowIndex=2, width=320, height=240)
        window = app.window_id(2)
        screen.run("xdotool", "windowmove", window, "400", "300")
        wait_for_geometry(app, window, (400, 300, 320, 240))
        app.call("window.close", targetWindowIndex=2)

        def saved_window() -> Any:
            path = state_file(data_dir)
            return path.exists() and saved(data_dir)["windows"].get("2")

        assert until(saved_window, "window 2 in the state file") == {
            "x": 400,
            "y": 300,
            "width": 320,
            "height": 240,
            "maximized": False,
        }
        assert app.call("ping") == "pong"
        stop(app)
