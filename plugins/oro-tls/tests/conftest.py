"""Fixtures: oro-conduit and oro-tls for the kit's `host` and `client` (allowed to reach the
test's peers on loopback), reading a socket's data frames as net.js does, and TCP peers on
loopback."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Final

import anyio
import oro_conduit.plugin
import oro_tls.plugin
import pytest
from _certs import (  # noqa: F401 - fixtures
    ca,
    certs,
    client_pair,
    encrypted_pkcs8_key,
    encrypted_traditional_key,
    expired_pair,
    not_yet_valid_pair,
    other_ca,
    rsa_server_pair,
    self_signed_pair,
    server_pair,
    untrusted_client_pair,
    untrusted_server_pair,
    wrong_host_pair,
)
from anyio.abc import SocketAttribute, SocketStream
from oro_conduit.testing import next_frame

from oro_framework.testing import MemoryClient

TLS_PLUGINS = (oro_conduit.plugin, oro_tls.plugin)
LOOPBACK: Final = {"tcp.allow_private": ["127.0.0.1", "::1", "localhost"]}
"""Config letting pages reach the tests' peers on loopback (denied by default)."""


@pytest.fixture
def oro_plugins() -> tuple[object, ...]:
    return TLS_PLUGINS


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return LOOPBACK


async def read_bytes(
    client: MemoryClient, conduit: Any, socket_id: str, count: int, *, route: str = "tcp"
) -> bytes:
    """``count`` bytes of socket ``socket_id``'s data frames, acknowledged as net.js does."""
    received = bytearray()
    start: int | None = None
    while len(received) < count:
        options, payload = await next_frame(conduit)
        assert options["event"] == "data", options
        start = int(options["offset"]) if start is None else start
        assert int(options["offset"]) == start + len(received), options  # contiguous
        received += payload
        assert (await client.call(f"{route}.ack", id=socket_id, bytes=len(payload))).ok
    return bytes(received)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@asynccontextmanager
async def echo_peer() -> AsyncIterator[int]:
    """A TCP echo server on 127.0.0.1 (each connection echoes until EOF, then ends)."""

    async def echo(stream: SocketStream) -> None:
        async with stream:
            try:
                async for chunk in stream:
                    await stream.send(chunk)
                await stream.send_eof()
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                return  # the page's end reset the connection

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    async with listener, anyio.create_task_group() as tasks:
        tasks.start_soon(listener.serve, echo)
        yield int(listener.extra(SocketAttribute.local_port))
        tasks.cancel_scope.cancel()
