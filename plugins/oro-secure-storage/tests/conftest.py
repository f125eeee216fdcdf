"""Fixtures: a real gnome-keyring-daemon on a private session bus for every test that needs one
(it starts in well under a second, so no test shares a keyring with another)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _keyring import Keyring, gnome_keyring


@pytest.fixture
def keyring(tmp_path: Path) -> Iterator[Keyring]:
    with gnome_keyring(tmp_path / "keyring") as running:
        yield running
