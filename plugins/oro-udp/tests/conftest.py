"""Fixtures: oro-conduit and oro-udp for the kit's `host` and `client` (allowed to reach the
tests' peers on loopback and multicast groups), and UDP peers on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from typing import Any, Final

import oro_conduit.plugin
import oro_udp.plugin
import pytest

UDP_PLUGINS = (oro_conduit.plugin, oro_udp.plugin)
LOCAL_PEERS: Final = {
    "udp.allow_private": ["127.0.0.1", "::1", "localhost", "224.0.0.0/4", "ff00::/8"]
}
"""Config letting pages send to the tests' peers on loopback and to multicast groups (denied by
default)."""


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return UDP_PLUGINS


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return LOCAL_PEERS


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
