"""oro-desktop's fixtures: one Xvfb display and one private session bus for the module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _desktop_app import Desktop, desktop


@pytest.fixture(scope="module")
def screen() -> Iterator[Desktop]:
    """A real X display and a private D-Bus session bus, shared by a module's tests."""
    with desktop() as where:
        yield where
