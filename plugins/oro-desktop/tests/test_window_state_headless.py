"""Window state without native windows (in memory) and the state file's parsing: headless there
is nothing to remember; a file that does not parse is ignored, entry by entry, with a warning."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import oro_desktop.plugin
import pytest
from oro_desktop.state import STATE
from oro_desktop.window_state.part import Geometry, parse_state

from oro_framework import WindowOptions
from oro_framework.testing import make_host

SOURCE = Path("window-state.json")


@pytest.mark.anyio
async def test_headless_nothing_is_read_or_written(tmp_path: Path) -> None:
    (tmp_path / "window-state.json").write_text("{not json")
    async with make_host([oro_desktop.plugin], data_dir=tmp_path) as host:
        # oro_window_created reaches the part for this virtual window.
        await host.windows.create(WindowOptions(index=0, width=640, height=480))
        states = host.stash[STATE].window_states
        assert states.diagnostics()["enabled"] is False
        await states.stop()
    assert (tmp_path / "window-state.json").read_text() == "{not json"
    assert not list(tmp_path.glob(".window-state.json.*"))  # noqa: ASYNC240 (a test's check)


def test_a_valid_file_gives_every_window() -> None:
    text = json.dumps(
        {
            "version": 1,
            "windows": {
                "main": {"x": -20, "y": 5, "width": 800, "height": 600, "maximized": True},
                "3": {"x": 1, "y": 2, "width": 3, "height": 4},
            },
        }
    )
    assert parse_state(text, SOURCE) == {
        "main": Geometry(-20, 5, 800, 600, maximized=True),
        "3": Geometry(1, 2, 3, 4),
    }


@pytest.mark.parametrize(
    "text",
    ["", "{not json", "null", "[]", '"text"', '{"version": 1}', '{"version": 2, "windows": {}}'],
)
def test_a_file_of_another_shape_is_ignored_with_a_warning(
    text: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="oro_desktop.window_state"):
        assert parse_state(text, SOURCE) == {}
    assert "ignoring window-state.json" in caplog.text


@pytest.mark.parametrize(
    "entry",
    [
        None,
        [],
        {"x": 0, "y": 0, "width": 10},
        {"x": "1", "y": 0, "width": 10, "height": 10},
        {"x": 1.5, "y": 0, "width": 10, "height": 10},
        {"x": True, "y": 0, "width": 10, "height": 10},
        {"x": 0, "y": 0, "width": 0, "height": 10},
        {"x": 0, "y": 0, "width": 10, "height": -3},
        {"x": 10**9, "y": 0, "width": 10, "height": 10},
        {"x": 0, "y": 0, "width": 10, "height": 40000},
        {"x": 0, "y": 0, "width": 10, "height": 10, "maximized": "yes"},
    ],
)
def test_a_bad_window_is_left_out_and_the_others_kept(
    entry: Any, caplog: pytest.LogCaptureFixture
) -> None:
    good = {"x": 1, "y": 2, "width": 30, "height": 40, "maximized": False}
    text = json.dumps({"version": 1, "windows": {"main": entry, "1": good}})
    with caplog.at_level(logging.WARNING, logger="oro_desktop.window_state"):
        assert parse_state(text, SOURCE) == {"1": Geometry(1, 2, 30, 40)}
    assert "ignoring window 'main'" in caplog.text
