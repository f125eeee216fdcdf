"""Datagrams on their way to the page: binary Conduit frames (a real trio-websocket client),
the event-stream fallback, dropping for a slow page, receive errors, multicast, source-specific
multicast and broadcast on loopback, and rebinding after a pause."""

from __future__ import annotations

import base64
import fcntl
import socket
import struct
import termios
from typing import Any

import anyio
import pytest
import trio.testing
from oro_conduit.codec import decode_frame
from oro_conduit.testing import page_conduit
from oro_udp.sockets import UdpSocket
from oro_udp.state import STATE

from conftest import LOCAL_PEERS, UDP_PLUGINS, udp_peer
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

Datagram = tuple[bytes, str, int]


def datagrams_of(options: dict[str, Any], payload: bytes) -> list[Datagram]:
    """The datagrams of one frame, as dgram.js reads them (docs/udp.md)."""
    if "datagrams" not in options:
        return [(payload, str(options["address"]), int(options["port"]))]
    sizes = [int(n) for n in str(options["sizes"]).split(",")]
    ports = [int(n) for n in str(options["ports"]).split(",")]
    addresses = str(options["addresses"]).split(",")
    assert len(sizes) == len(ports) == len(addresses) == int(options["datagrams"])
    found, offset = [], 0
    for size, port, address in zip(sizes, ports, addresses, strict=True):
        found.append((payload[offset : offset + size], address, port))
        offset += size
    assert offset == len(payload)
    return found


async def receive_frames(conduit: Any, count: int) -> list[Datagram]:
    received: list[Datagram] = []
    with anyio.fail_after(10):
        while len(received) < count:
            frame = decode_frame(await conduit.get_message())
            received.extend(datagrams_of(dict(frame.options), frame.payload))
    return received


async def bind_reading(client: MemoryClient, socket_id: str = "s1", **params: Any) -> int:
    reply = await client.call("udp.bind", id=socket_id, **{"port": 0, **params})
    assert reply.ok, reply.error
    assert (await client.call("udp.readStart", id=socket_id)).ok
    return int(reply.data["port"])


async def test_datagrams_arrive_as_conduit_frames_in_order(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    async with page_conduit(host, "s1") as conduit:
        port = await bind_reading(client)
        sent = [bytes([n % 256]) * (n % 1500) for n in range(512)]
        received: list[Datagram] = []
        # In rounds the system's receive buffer holds whole: this test checks order, not loss.
        for start in range(0, len(sent), 64):
            for data in sent[start : start + 64]:
                peer.sendto(data, ("127.0.0.1", port))
            received += await receive_frames(conduit, 64)
    assert [data for data, _, _ in received] == sent
    assert {(address, port) for _, address, port in received} == {
        ("127.0.0.1", peer.getsockname()[1])
    }
    stats = host.stash[STATE].sockets["s1"].diagnostics()
    assert (stats["received"], stats["delivered"], stats["dropped"]) == (512, 512, 0)


async def test_without_a_conduit_datagrams_come_as_events_of_the_owning_page(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    async with (
        host.events.subscribe(window=0) as mine,
        host.events.subscribe(window=1) as other,
    ):
        port = await bind_reading(client)
        peer.sendto(b"via events", ("127.0.0.1", port))
        with anyio.fail_after(5):
            event = await mine.receive()
        assert event.name == "conduitmessage"
        assert event.window == 0
        assert event.data["id"] == "s1"
        assert base64.b64decode(event.data["payload"]) == b"via events"
        assert event.data["options"] == {"port": peer.getsockname()[1], "address": "127.0.0.1"}
        assert other.statistics().current_buffer_used == 0


async def test_a_page_that_does_not_read_loses_datagrams_not_memory() -> None:
    config = {**LOCAL_PEERS, "udp.max_queued_datagrams": 8, "conduit.max_queued_bytes": 65536}
    async with make_host(UDP_PLUGINS, config=config) as host:
        client = MemoryClient(host)
        with udp_peer() as peer:
            async with page_conduit(host, "s1"):  # connected, never reads
                port = await bind_reading(client)
                sock = host.stash[STATE].sockets["s1"]
                # 40 MB: more than the TCP buffers between host and page can hold.
                await anyio.to_thread.run_sync(flood, peer, port, 40_000, 1000)
                await settled(sock)
                assert sock.dropped > 0
                # What is not dropped was delivered, is in the bounded queue, or is the batch
                # waiting for the page.
                assert sock.received - sock.dropped - sock.delivered <= 8 + 64
                diagnostics = host.hooks.diagnostics(host)["udp"]
                assert diagnostics["dropped"] == sock.dropped


def flood(peer: socket.socket, port: int, count: int, size: int) -> None:
    """Send ``count`` datagrams as fast as Python can (in a worker thread: the host's loop
    keeps running meanwhile)."""
    data = b"x" * size
    for _ in range(count):
        peer.sendto(data, ("127.0.0.1", port))


async def settled(sock: UdpSocket) -> None:
    """Wait until the host has taken every datagram the system kept for ``sock`` and its pump
    has done what it can: trio's own signal of quiet, every task waiting and no I/O ready (a
    datagram still in the system's buffer would make the receiver runnable)."""
    with anyio.fail_after(20):
        await trio.testing.wait_all_tasks_blocked()
    assert _system_queue(sock) == 0


def _system_queue(sock: UdpSocket) -> int:
    """Bytes waiting in the socket's system receive queue (``FIONREAD``)."""
    assert sock.raw is not None
    waiting = fcntl.ioctl(sock.raw.fileno(), termios.FIONREAD, struct.pack("i", 0))
    return int(struct.unpack("i", waiting)[0])


async def test_a_half_full_event_stream_drops_datagrams_instead_of_cutting_the_page_off(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    half = host.events.buffer // 2
    async with host.events.subscribe(window=0) as events:  # a page that does not keep up
        port = await bind_reading(client)
        peer.sendto(b"goes", ("127.0.0.1", port))
        with anyio.fail_after(5):
            first = await events.receive()
        assert base64.b64decode(first.data["payload"]) == b"goes"
        for number in range(half):
            host.emit("backlog", number, window=0)
        sock = host.stash[STATE].sockets["s1"]
        await anyio.to_thread.run_sync(flood, peer, port, 200, 10)
        await settled(sock)
        assert (sock.received, sock.delivered, sock.dropped) == (201, 1, 200)
        host.emit("still.here", window=0)
        assert host.events.subscriber_count == 1  # still connected
        waiting = [events.receive_nowait() for _ in range(half + 1)]
        assert [event.name for event in waiting] == ["backlog"] * half + ["still.here"]


async def test_connection_refused_is_an_error_frame_and_the_socket_keeps_working(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    async with page_conduit(host, "s1") as conduit:
        port = await bind_reading(client)
        assert (await client.call("udp.connect", id="s1", port=closed_port)).ok
        assert (await client.call("udp.send", b"nobody", id="s1")).ok
        with anyio.fail_after(5):
            frame = decode_frame(await conduit.get_message())
        options = dict(frame.options)
        assert (options["error"], options["syscall"]) == ("ECONNREFUSED", "recvmsg")
        assert int(options["errno"]) == -111
        # Still reading: the peer comes up on that port and its datagram arrives.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as revived:
            revived.bind(("127.0.0.1", closed_port))
            revived.sendto(b"still reading", ("127.0.0.1", port))
            assert (await receive_frames(conduit, 1))[0][0] == b"still reading"


async def test_multicast_on_loopback(host: Host, client: MemoryClient) -> None:
    group = "239.255.42.99"
    async with page_conduit(host, "rx") as conduit:
        # Loopback-only apps receive a group by binding to the group address itself.
        port = await bind_reading(client, "rx", address=group, reuseAddr=True)
        assert (await client.call("udp.addMembership", id="rx", address=group)).ok
        await _multicast_sender(client, "tx")
        send = {"id": "tx", "port": port, "address": group}
        assert (await client.call("udp.send", b"one", **send)).ok
        assert (await receive_frames(conduit, 1))[0][0] == b"one"
        assert (await client.call("udp.dropMembership", id="rx", address=group)).ok
        assert (await client.call("udp.send", b"not a member", **send)).ok
        assert (await client.call("udp.addMembership", id="rx", address=group)).ok
        assert (await client.call("udp.send", b"member again", **send)).ok
        assert (await receive_frames(conduit, 1))[0][0] == b"member again"
        again = await client.call("udp.dropMembership", id="rx", address="239.255.42.98")
        assert (again.error.code, again.error.extra["syscall"]) == (
            "EADDRNOTAVAIL",
            "dropMembership",
        )


async def _multicast_sender(client: MemoryClient, socket_id: str, **params: Any) -> None:
    assert (await client.call("udp.bind", id=socket_id, port=0, **params)).ok
    for route, options in (
        ("udp.setMulticastInterface", {"interface": "127.0.0.1"}),
        ("udp.setMulticastTTL", {"ttl": 0}),
        ("udp.setMulticastLoopback", {"on": True}),
    ):
        assert (await client.call(route, id=socket_id, **options)).ok


async def test_source_specific_multicast_filters_other_sources(
    host: Host, client: MemoryClient
) -> None:
    group = "232.10.20.30"
    async with page_conduit(host, "rx") as conduit:
        port = await bind_reading(client, "rx", address=group)
        joined = await client.call(
            "udp.addSourceSpecificMembership", id="rx", source="127.0.0.1", address=group
        )
        assert joined.ok
        await _multicast_sender(client, "other", address="127.0.0.2")
        await _multicast_sender(client, "source", address="127.0.0.1")
        assert (await client.call("udp.send", b"filtered", id="other", port=port, address=group)).ok
        assert (await client.call("udp.send", b"wanted", id="source", port=port, address=group)).ok
        assert await receive_frames(conduit, 1) == [
            (
                b"wanted",
                "127.0.0.1",
                (await client.call("udp.getSockName", id="source")).data["port"],
            )
        ]


async def test_broadcast_needs_set_broadcast(host: Host, client: MemoryClient) -> None:
    async with page_conduit(host, "rx") as conduit:
        port = await bind_reading(client, "rx", address="127.255.255.255")
        assert (await client.call("udp.bind", id="tx", port=0)).ok
        target = {"id": "tx", "port": port, "address": "127.255.255.255"}
        refused = await client.call("udp.send", b"x", **target)
        assert (refused.error.code, refused.error.extra["syscall"]) == ("EACCES", "send")
        assert (await client.call("udp.setBroadcast", id="tx", on=True)).ok
        assert (await client.call("udp.send", b"to all", **target)).ok
        assert (await receive_frames(conduit, 1))[0][0] == b"to all"


async def test_pause_closes_sockets_and_resume_binds_them_again(
    host: Host, client: MemoryClient, peer: socket.socket
) -> None:
    group = "239.255.1.2"
    port = await bind_reading(client, address=group, reuseAddr=True)
    assert (await client.call("udp.addMembership", id="s1", address=group)).ok
    assert (await client.call("udp.setBroadcast", id="s1", on=True)).ok
    assert (await client.call("udp.connect", id="c1", port=peer.getsockname()[1])).ok
    await host.pause()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as meanwhile:
        meanwhile.bind((group, port))  # the port is really free while paused
    paused = await client.call("udp.setTTL", id="s1", ttl=3)
    assert (paused.status, paused.error.error_type) == (503, "ServiceUnavailableError")
    assert (await client.call("udp.getState", id="s1")).data["bound"] is False
    await host.resume()
    async with page_conduit(host, "s1") as conduit:  # the page reconnects, as dgram.js does
        state = (await client.call("udp.getState", id="s1")).data
        assert (state["bound"], state["active"]) == (True, True)
        assert (await client.call("udp.getSockName", id="s1")).data["port"] == port
        await _multicast_sender(client, "tx")
        sent = await client.call(
            "udp.send", b"member after resume", id="tx", port=port, address=group
        )
        assert sent.ok
        assert (await receive_frames(conduit, 1))[0][0] == b"member after resume"
        sock = host.stash[STATE].sockets["s1"]
        assert sock.raw is not None
        assert sock.raw.getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST) == 1
    assert (await client.call("udp.getState", id="c1")).data["connected"] is True
    assert (await client.call("udp.send", b"to the same peer", id="c1")).ok
    assert peer.recvfrom(100)[0] == b"to the same peer"


async def test_a_port_taken_while_paused_is_an_error_for_the_page(
    host: Host, client: MemoryClient
) -> None:
    port = await bind_reading(client)
    await host.pause()
    async with host.events.subscribe(window=0) as events:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as thief:
            thief.bind(("127.0.0.1", port))
            await host.resume()
            with anyio.fail_after(5):
                event = await events.receive()
                while event.name != "conduitmessage":
                    event = await events.receive()
    assert event.data["id"] == "s1"
    assert (event.data["options"]["error"], event.data["options"]["syscall"]) == (
        "EADDRINUSE",
        "bind",
    )
    assert (await client.call("udp.getState", id="s1")).error.code == (
        "ERR_SOCKET_DGRAM_NOT_RUNNING"
    )
