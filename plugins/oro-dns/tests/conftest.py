"""Fixtures: the stub DNS server (one per session) and a host with oro-dns only that asks it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import oro_dns.plugin
import pytest
from _oro_dns_stub import stub_dns_server

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host


@pytest.fixture(scope="session")
def dns_server() -> Iterator[str]:
    with stub_dns_server() as address:
        yield address


@pytest.fixture
async def host(dns_server: str) -> AsyncIterator[Host]:
    config = {"dns.servers": [dns_server], "dns.timeout_ms": 2000, "dns.tries": 1}
    async with make_host([oro_dns.plugin], config=config) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)
