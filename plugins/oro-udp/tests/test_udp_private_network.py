"""UDP as browsers' Private Network Access: a page's ``udp.send``, ``udp.sendMany`` and
``udp.connect`` reach loopback, link-local, private ranges, multicast groups, broadcast and the
clouds' metadata services only when ``[udp] allow_private`` names them, and never the app's own
servers (issue 39, finding "raw sockets reach loopback services and 169.254.169.254")."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from oro_udp.listeners import holders

from conftest import UDP_PLUGINS, udp_peer
from oro_framework import IPCError
from oro_framework.testing import MemoryClient, live_server, make_host

pytestmark = pytest.mark.anyio


def allowing(*entries: str) -> Mapping[str, Any]:
    return {"udp.allow_private": list(entries)}


def refused(error: Any, space: str, syscall: str = "send") -> None:
    """The EACCES a page gets for an address it may not reach (an error or its dict)."""
    fields = error.to_dict() if isinstance(error, IPCError) else error
    assert (fields["code"], fields["syscall"], fields["addressSpace"]) == (
        "EACCES",
        syscall,
        space,
    ), fields
    assert "udp.allow_private" in fields["message"] or "own server" in fields["message"]


def nothing_arrived(peer: socket.socket) -> bool:
    # A datagram sent on loopback is in the receiver's queue when sendto returns, so a
    # non-blocking read right after the page's send tells whether one was sent.
    peer.setblocking(False)
    try:
        peer.recv(65536)
    except BlockingIOError:
        return True
    finally:
        peer.setblocking(True)
    return False


async def send(
    client: MemoryClient, body: bytes, port: int, address: str, socket_id: str = "s1", **params: Any
) -> Any:
    return await client.call("udp.send", body, id=socket_id, port=port, address=address, **params)


async def test_a_loopback_peer_is_denied_by_default_and_reached_once_allowed_by_name() -> None:
    """Finding "raw sockets": a page sent arbitrary datagrams to loopback services."""
    with udp_peer() as peer:
        port = peer.getsockname()[1]
        async with make_host(UDP_PLUGINS) as host:
            client = MemoryClient(host)
            reply = await send(client, b"secret", port, "127.0.0.1")
            assert reply.error is not None
            refused(reply.error, "loopback")
            refused((await send(client, b"x", port, "localhost")).error, "loopback")
            refused((await send(client, b"x", port, "127.0.0.1", ephemeral=True)).error, "loopback")
            connected = await client.call("udp.connect", id="s1", port=port, address="127.0.0.1")
            refused(connected.error, "loopback", "connect")
            assert nothing_arrived(peer)
        with udp_peer() as unnamed:
            config = allowing(f"127.0.0.1:{port}")
            async with make_host(UDP_PLUGINS, config=config) as host:
                client = MemoryClient(host)
                reply = await send(client, b"allowed", port, "127.0.0.1")
                assert reply.ok, reply.error
                assert peer.recv(100) == b"allowed"
                reply = await send(client, b"x", unnamed.getsockname()[1], "127.0.0.1")
                refused(reply.error, "loopback")
            assert nothing_arrived(unnamed)


async def test_each_datagram_of_a_batch_is_checked() -> None:
    with udp_peer() as allowed, udp_peer() as other:
        ports = [allowed.getsockname()[1], other.getsockname()[1]]
        async with make_host(UDP_PLUGINS, config=allowing(f"127.0.0.1:{ports[0]}")) as host:
            reply = await MemoryClient(host).call(
                "udp.sendMany",
                b"okno",
                id="s1",
                sizes=[2, 2],
                ports=ports,
                addresses=["127.0.0.1", "127.0.0.1"],
            )
            assert reply.ok, reply.error
            assert reply.data["results"][0] == 2
            refused(reply.data["results"][1], "loopback")
        assert allowed.recv(10) == b"ok"
        assert nothing_arrived(other)


async def test_metadata_link_local_private_multicast_and_broadcast_are_denied() -> None:
    config = {**allowing("169.254.0.0/16"), "udp.allow_any_address": True}
    async with make_host(UDP_PLUGINS, config=config) as host:
        client = MemoryClient(host)
        for address, space in [
            ("169.254.169.254", "metadata"),
            ("::ffff:169.254.169.254", "metadata"),
            ("10.1.2.3", "private"),
            ("100.64.0.1", "private"),
            ("239.255.255.250", "multicast"),
            ("224.0.0.251", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("0.0.0.0", "unspecified"),
        ]:
            kind = "udp6" if ":" in address else "udp4"
            reply = await send(client, b"x", 1900, address, ephemeral=True, type=kind)
            assert reply.error is not None, address
            refused(reply.error, space)
        # Allowed: what the system makes of it (sent, or no route) is no refusal of the policy.
        reply = await send(client, b"x", 9, "169.254.1.1", ephemeral=True)
        assert reply.ok or reply.error.code != "EACCES", reply.error


async def test_a_page_reaches_its_own_loopback_sockets_without_an_entry() -> None:
    """What a page that binds two sockets and sends from one to the other needs."""
    async with make_host(UDP_PLUGINS) as host:
        client = MemoryClient(host)
        bound = await client.call("udp.bind", id="b", port=0, address="127.0.0.1")
        assert bound.ok, bound.error
        port = bound.data["port"]
        assert (await send(client, b"to myself", port, "127.0.0.1")).ok
        assert (await client.call("udp.connect", id="c", port=port, address="127.0.0.1")).ok
        other = MemoryClient(host, window=1)
        refused((await send(other, b"x", port, "127.0.0.1", "w1")).error, "loopback")
        # A socket that shares its port (SO_REUSEADDR, as Oro's own dgram test binds its
        # server) is reached while it holds the port alone...
        shared = await client.call("udp.bind", id="r", port=0, address="127.0.0.1", reuseAddr=True)
        assert shared.ok, shared.error
        shared_port = shared.data["port"]
        assert (await send(client, b"still mine", shared_port, "127.0.0.1", "s2")).ok
        # ...and not once another program shares it.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as intruder:
            intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            intruder.bind(("127.0.0.1", shared_port))
            refused((await send(client, b"x", shared_port, "127.0.0.1", "s2")).error, "loopback")
            connected = await client.call("udp.connect", id="c2", port=shared_port)
            refused(connected.error, "loopback", "connect")
            assert nothing_arrived(intruder)


async def test_a_loopback_port_nobody_holds_takes_a_datagram_as_udp_does() -> None:
    """Oro's dgram test sends to a closed port and expects the send callback without error:
    nothing can receive it, so the policy lets it go (the system drops it)."""
    with udp_peer() as probe:
        closed = probe.getsockname()[1]
    async with make_host(UDP_PLUGINS) as host:
        client = MemoryClient(host)
        assert (await send(client, b"into the void", closed, "127.0.0.1")).ok
        # A service that binds the port later is refused again.
        with udp_peer() as service:
            port = service.getsockname()[1]
            refused((await send(client, b"x", port, "127.0.0.1")).error, "loopback")
            assert nothing_arrived(service)


def test_holders_read_the_systems_udp_tables(tmp_path: Path) -> None:
    """The tables' format (``/proc/net/udp``), and ``None`` when the system says nothing."""
    table = tmp_path / "udp"
    table.write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode ref pointer drops\n"
        "  1: 0100007F:A0F5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
        "        0 4242 2 0000000000000000 0\n"
        "  2: 00000000:A0F5 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000"
        "        0 4343 2 0000000000000000 0\n"
        "  3: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
        "        0 77 2 0000000000000000 0\n"
    )
    missing = str(tmp_path / "udp6")
    assert holders(0xA0F5, (str(table), missing)) == {4242, 4343}
    assert holders(53, (str(table), missing)) == {77}
    assert holders(9, (str(table), missing)) == frozenset()
    assert holders(53, (missing, str(table))) is None
    table.write_text("header\n  1: garbage\n")
    assert holders(53, (str(table),)) is None


def test_holders_see_a_real_socket() -> None:
    with udp_peer() as peer:
        port = peer.getsockname()[1]
        assert holders(port) == {os.fstat(peer.fileno()).st_ino}


async def test_the_apps_own_servers_are_denied_even_when_loopback_is_allowed() -> None:
    config = allowing("127.0.0.1", "::1", "localhost")
    async with make_host(UDP_PLUGINS, config=config) as host, live_server(host) as server:
        client = MemoryClient(host)
        reply = await send(client, b"GET / HTTP/1.1\r\n\r\n", server.port, "127.0.0.1")
        assert reply.error is not None
        refused(reply.error, "loopback")
        with udp_peer() as peer:
            assert (await send(client, b"fine", peer.getsockname()[1], "127.0.0.1")).ok
            assert peer.recv(10) == b"fine"


async def test_a_multicast_group_opens_to_its_entry() -> None:
    async with make_host(UDP_PLUGINS, config=allowing("239.255.0.0/16")) as host:
        client = MemoryClient(host)
        assert (await send(client, b"x", 5000, "239.255.1.2", ephemeral=True)).ok
        refused((await send(client, b"x", 5000, "239.1.1.1", ephemeral=True)).error, "multicast")
