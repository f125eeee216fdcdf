"""Fixtures of the route tests: a running host with oro-fs only, its client and data dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import oro_fs.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    async with make_host([oro_fs.plugin]) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)


@pytest.fixture
def data(host: Host) -> Path:
    return host.paths.data
