"""Fixtures of the route tests: oro-fs alone for the kit's `host` and `client`, and its data dir.

The tests of routes and of the JS API write files at relative paths: their hosts resolve those
against the data directory (``filesystem.relative_root = "data"``, :data:`DATA_HOME`), where
the default is Oro's, the app's read-only resources (``test_fs_relative_root.py`` tests that)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import oro_fs.plugin
import pytest

from oro_framework import Host

DATA_HOME: Final[Mapping[str, Any]] = {"filesystem.relative_root": "data"}
"""Config of the hosts whose tests name files relative to the data directory."""


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (oro_fs.plugin,)


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return DATA_HOME


@pytest.fixture
def data(host: Host) -> Path:
    return host.paths.data
