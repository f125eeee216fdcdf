"""Fixtures: a running host with oro-zlib (and the test's ``oro_config``) and a client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import oro_zlib.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

ZLIB_PLUGINS = (oro_zlib.plugin,)


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return {}


@pytest.fixture
async def host(oro_config: Mapping[str, Any]) -> AsyncIterator[Host]:
    async with make_host(ZLIB_PLUGINS, config=dict(oro_config)) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)
