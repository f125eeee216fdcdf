"""Fixtures: a host with oro-conduit and oro-udp, a page client, and UDP peers on loopback."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import oro_conduit.plugin
import oro_udp.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

UDP_PLUGINS = (oro_conduit.plugin, oro_udp.plugin)


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    async with make_host(UDP_PLUGINS) as running:
        yield running


@pytest.fixture
def client(host: Host) -> MemoryClient:
    """Requests as the page of window 0 makes them."""
    return MemoryClient(host, window=0)


def udp_peer(address: str = "127.0.0.1", family: int = socket.AF_INET) -> socket.socket:
    """A blocking UDP socket with a timeout: the other end of the page's socket."""
    peer = socket.socket(family, socket.SOCK_DGRAM)
    peer.bind((address, 0))
    peer.settimeout(5)
    return peer


@pytest.fixture
def peer() -> Iterator[socket.socket]:
    with udp_peer() as sock:
        yield sock
