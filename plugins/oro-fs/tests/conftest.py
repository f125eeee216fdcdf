"""Fixtures of the route tests: oro-fs alone for the kit's `host` and `client`, and its data dir."""

from __future__ import annotations

from pathlib import Path

import oro_fs.plugin
import pytest

from oro_framework import Host


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return (oro_fs.plugin,)


@pytest.fixture
def data(host: Host) -> Path:
    return host.paths.data
