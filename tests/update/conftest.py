"""The update server of tests/_update_server.py as a fixture, and an installed fake app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._update_server import NAME, UpdateServer, make_folder, serve_updates

__all__ = ["installed", "update_server"]


@pytest.fixture
def update_server(tmp_path: Path) -> Iterator[UpdateServer]:
    with serve_updates(tmp_path / "updates") as server:
        yield server


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """The fake app at version 1.0.0 in ``opt/fakeapp``, as an install would have put it."""
    folder = make_folder(tmp_path / "opt", "1.0.0")
    assert folder.name == NAME
    return folder
