"""Raw TCP and TLS as browsers' Private Network Access: a page's ``tcp.connect``/``tls.connect``
reach loopback, link-local, private ranges and the clouds' metadata services only when
``[tcp] allow_private`` names them, and never the app's own servers (issue 39, finding
"raw TCP reaches loopback services and 169.254.169.254 with the permission on by default")."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import oro_conduit
import pytest

from conftest import TLS_PLUGINS
from oro_framework import ConfigError, IPCError
from oro_framework.testing import MemoryClient, live_server, make_host

pytestmark = pytest.mark.anyio


@contextmanager
def listener(address: str = "127.0.0.1", family: int = socket.AF_INET) -> Iterator[socket.socket]:
    """A real listening socket nobody accepts on: what a local service (a database, an admin
    port) looks like to a page."""
    with socket.socket(family, socket.SOCK_STREAM) as server:
        server.bind((address, 0))
        server.listen()
        server.setblocking(False)
        yield server


def was_reached(server: socket.socket) -> bool:
    """Whether a connection arrived at ``server`` (accepted and closed here)."""
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


async def connect(client: MemoryClient, address: str, port: int, socket_id: str = "s1") -> Any:
    return await client.call("tcp.connect", id=socket_id, address=address, port=port, timeout=5000)


def refused(reply: Any, space: str) -> IPCError:
    """The EACCES a page gets for an address it may not reach."""
    assert reply.error is not None, reply.data
    fields = reply.error.to_dict()
    assert (fields["code"], fields["syscall"], fields["addressSpace"]) == (
        "EACCES",
        "connect",
        space,
    ), fields
    assert fields["errno"] == -13
    error: IPCError = reply.error
    return error


def allowing(*entries: str) -> Mapping[str, Any]:
    return {"tcp.allow_private": list(entries)}


async def test_a_loopback_service_is_denied_by_default_and_reached_once_allowed_by_name() -> None:
    """Finding "raw TCP": a page reached loopback services with arbitrary bytes."""
    with listener() as service, listener() as other:
        port = service.getsockname()[1]
        async with make_host(TLS_PLUGINS) as host:
            client = MemoryClient(host)
            error = refused(await connect(client, "127.0.0.1", port), "loopback")
            assert f"127.0.0.1:{port}" in error.message
            assert "tcp.allow_private" in error.message
            refused(await connect(client, "::ffff:127.0.0.1", port, "s2"), "loopback")
            refused(await connect(client, "0.0.0.0", port, "s3"), "unspecified")
            assert not was_reached(service)
            assert (await client.call("tcp.connect", id="s1", port=port)).error is not None
        async with make_host(TLS_PLUGINS, config=allowing(f"127.0.0.1:{port}")) as host:
            client = MemoryClient(host)
            reply = await connect(client, "127.0.0.1", port)
            assert reply.ok, reply.error
            assert reply.data["remotePort"] == port
            other_port = other.getsockname()[1]
            refused(await connect(client, "127.0.0.1", other_port, "s2"), "loopback")
            assert not was_reached(other)
        assert was_reached(service)


async def test_metadata_addresses_are_denied_before_any_connection_is_tried() -> None:
    """Finding "raw TCP": a page reached 169.254.169.254. Refused by the policy, not by the
    network (no route is needed to pass): even a link-local range in the allow-list does not
    open a metadata address, only the address itself does."""
    async with make_host(TLS_PLUGINS, config=allowing("169.254.0.0/16", "fd00::/8")) as host:
        client = MemoryClient(host)
        for number, address in enumerate(
            ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "100.100.100.200"]
        ):
            refused(await connect(client, address, 80, f"m{number}"), "metadata")
        assert host.stash[oro_conduit.STATE] is not None
    async with make_host(TLS_PLUGINS) as host:
        client = MemoryClient(host)
        refused(await connect(client, "169.254.1.1", 80), "link-local")
        refused(await connect(client, "10.1.2.3", 80, "s2"), "private")
        refused(await connect(client, "100.64.0.1", 80, "s3"), "private")
        refused(await connect(client, "fe80::1", 80, "s4"), "link-local")


async def test_a_name_resolving_to_loopback_is_denied_and_its_allowed_address_is_used() -> None:
    """The check is on the address connected to, resolved once: "localhost" is loopback."""
    with listener() as service:
        port = service.getsockname()[1]
        async with make_host(TLS_PLUGINS) as host:
            refused(await connect(MemoryClient(host), "localhost", port), "loopback")
        assert not was_reached(service)
        # Only 127.0.0.1 is allowed: of localhost's addresses (::1 too, on most systems) the
        # one allowed is the one connected to.
        async with make_host(TLS_PLUGINS, config=allowing("127.0.0.1")) as host:
            reply = await connect(MemoryClient(host), "localhost", port)
            assert reply.ok, reply.error
            assert reply.data["remoteAddress"] == "127.0.0.1"
        async with make_host(TLS_PLUGINS, config=allowing(f"LocalHost.:{port}")) as host:
            reply = await connect(MemoryClient(host), "localhost", port)
            assert reply.ok, reply.error


async def test_the_apps_own_servers_are_denied_even_when_loopback_is_allowed() -> None:
    """The bridge (and the Conduit) serve this app's pages: a raw socket to them is denied
    whatever the allow-list says."""
    config = allowing("127.0.0.1", "::1", "0.0.0.0", "localhost")
    async with make_host(TLS_PLUGINS, config=config) as host, live_server(host) as server:
        client = MemoryClient(host)
        for number, (address, space) in enumerate(
            [
                ("127.0.0.1", "loopback"),
                ("localhost", "loopback"),
                ("0.0.0.0", "unspecified"),
                ("::ffff:7f00:1", "loopback"),
            ]
        ):
            error = refused(await connect(client, address, server.port, f"b{number}"), space)
            assert "the app's own server" in error.message
        conduit_port = host.stash[oro_conduit.STATE].port
        assert conduit_port is not None
        refused(await connect(client, "127.0.0.1", conduit_port, "c1"), "loopback")
        with listener() as service:
            reply = await connect(client, "127.0.0.1", service.getsockname()[1], "ok")
            assert reply.ok, reply.error


async def test_a_page_reaches_its_own_loopback_server_without_an_entry() -> None:
    """What `net.createServer().listen(0)` then `net.connect` needs, with nothing allowed."""
    async with make_host(TLS_PLUGINS) as host:
        client = MemoryClient(host)
        listening = await client.call("tcp.listen", id="srv", port=0)
        assert listening.ok, listening.error
        port = listening.data["port"]
        reply = await connect(client, "127.0.0.1", port)
        assert reply.ok, reply.error
        # Another page's server is no page's own.
        refused(await connect(MemoryClient(host, window=1), "127.0.0.1", port, "s2"), "loopback")
        assert (await client.call("tcp.close", id="srv")).ok
        refused(await connect(client, "127.0.0.1", port, "s3"), "loopback")


async def test_tls_connect_follows_the_same_policy() -> None:
    with listener() as service:
        async with make_host(TLS_PLUGINS) as host:
            reply = await MemoryClient(host).call(
                "tls.connect", id="t1", host="127.0.0.1", port=service.getsockname()[1]
            )
            refused(reply, "loopback")
        assert not was_reached(service)


@pytest.mark.parametrize("entry", ["10.0.0.1/8", "db lan", "[::1", "127.0.0.1:0", "h:70000"])
async def test_an_allow_list_entry_that_does_not_parse_is_refused_at_load(entry: str) -> None:
    with pytest.raises(ConfigError, match="allow_private"):
        async with make_host(TLS_PLUGINS, config=allowing(entry)):
            pass
