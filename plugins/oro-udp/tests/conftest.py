"""Fixtures: oro-conduit and oro-udp for the kit's `host` and `client`, and UDP peers on
loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import oro_conduit.plugin
import oro_udp.plugin
import pytest

UDP_PLUGINS = (oro_conduit.plugin, oro_udp.plugin)


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return UDP_PLUGINS


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
