"""Fixtures: a host with oro-sw only, and a memory client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import oro_sw.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    async with make_host([oro_sw.plugin]) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)
