"""The ``tcp.*`` routes against real loopback peers: ordered writes, reading with credit,
end and errors, servers the page listens with, ownership, limits and loopback-only listening."""

from __future__ import annotations

import errno
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
import trio.testing
import trio_websocket
from oro_conduit.testing import next_frame, page_conduit
from oro_tls.state import STATE

from conftest import LOOPBACK, TLS_PLUGINS, echo_peer, open_descriptors, read_bytes
from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def quiet_peer() -> AsyncIterator[tuple[int, Callable[[], Awaitable[socket.socket]]]]:
    """A server that accepts and never reads, and how to wait for its next accepted socket
    (non-blocking, for the test to drive)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        accepted: list[socket.socket] = []

        async def next_accepted() -> socket.socket:
            with anyio.fail_after(5):
                await anyio.wait_readable(server)
            connection, _ = server.accept()
            connection.setblocking(False)
            accepted.append(connection)
            return connection

        try:
            yield server.getsockname()[1], next_accepted
        finally:
            for connection in accepted:
                connection.close()


async def connect(client: MemoryClient, port: int, socket_id: str = "s1", **params: Any) -> Any:
    reply = await client.call("tcp.connect", id=socket_id, port=port, address="127.0.0.1", **params)
    assert reply.ok, reply.error
    return reply.data


async def test_writes_run_in_seq_order_and_the_echo_comes_back_as_frames(
    host: Host, client: MemoryClient
) -> None:
    async with echo_peer() as port, page_conduit(host, "s1") as conduit:
        ends = await connect(client, port)
        assert (ends["remoteAddress"], ends["remotePort"], ends["remoteFamily"]) == (
            "127.0.0.1",
            port,
            "IPv4",
        )
        assert (await client.call("tcp.readStart", id="s1")).ok
        chunks = [bytes([65 + n]) * (1000 * (n + 1)) for n in range(6)]
        replies: dict[int, Any] = {}

        async def write(seq: int) -> None:
            replies[seq] = await client.call("tcp.write", chunks[seq], id="s1", order=seq)

        async with anyio.create_task_group() as writes:
            for seq in reversed(range(len(chunks))):  # sent last first: the host reorders
                writes.start_soon(write, seq)
                await trio.testing.wait_all_tasks_blocked()
        assert [replies[seq].data["bytes"] for seq in range(6)] == [len(c) for c in chunks]
        echoed = await read_bytes(client, conduit, "s1", sum(map(len, chunks)))
        assert echoed == b"".join(chunks)
        closed = await client.call("tcp.close", id="s1")
        assert closed.data == {"id": "s1", "bytesRead": len(echoed), "bytesWritten": len(echoed)}


async def test_a_seq_used_twice_or_far_ahead_is_refused(host: Host, client: MemoryClient) -> None:
    async with echo_peer() as port:
        await connect(client, port)
        assert (await client.call("tcp.write", b"a", id="s1", order=0)).ok
        again = await client.call("tcp.write", b"b", id="s1", order=0)
        ahead = await client.call("tcp.write", b"c", id="s1", order=1000)
        for reply in (again, ahead):
            assert reply.error is not None
            assert (reply.error.error_type, reply.error.code) == (
                "TypeError",
                "ERR_INVALID_ARG_VALUE",
            )
        assert (await client.call("tcp.write", b"d", id="s1", order=1)).ok


async def test_the_host_stops_reading_beyond_the_window_until_the_page_acknowledges() -> None:
    window = 64 * 1024
    async with make_host(TLS_PLUGINS, config={**LOOPBACK, "tcp.read_window_bytes": window}) as host:
        client = MemoryClient(host)
        async with quiet_peer() as (port, next_accepted), page_conduit(host, "s1") as conduit:
            await connect(client, port)
            peer = await next_accepted()
            sent = 0
            payload = b"x" * 65536
            # Fill everything between the peer and the page: the host's window, the system's
            # buffers. The peer then cannot send more while the page acknowledges nothing.
            assert (await client.call("tcp.readStart", id="s1")).ok
            while True:
                try:
                    sent += peer.send(payload)
                except BlockingIOError:
                    await trio.testing.wait_all_tasks_blocked()
                    try:
                        sent += peer.send(payload)
                    except BlockingIOError:
                        break
            connection = host.stash[STATE].connection(0, "s1", "tcp")
            assert window <= connection.bytes_read < window + 256 * 1024
            assert connection.bytes_read < sent
            received = await read_bytes(client, conduit, "s1", sent)
            assert received == b"x" * sent


async def test_a_write_answers_only_once_the_peer_takes_the_bytes(
    host: Host, client: MemoryClient
) -> None:
    async with quiet_peer() as (port, next_accepted):
        await connect(client, port)
        peer = await next_accepted()
        big = b"y" * (32 * 1024 * 1024)
        answered = anyio.Event()

        async def write() -> None:
            reply = await client.call("tcp.write", big, id="s1", order=0)
            assert reply.data["bytes"] == len(big)
            answered.set()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(write)
            await trio.testing.wait_all_tasks_blocked()
            assert not answered.is_set()  # the peer reads nothing: the write waits
            taken = 0
            while taken < len(big):
                await anyio.wait_readable(peer)
                taken += len(peer.recv(1 << 20))
        assert answered.is_set()


async def test_end_both_ways(host: Host, client: MemoryClient) -> None:
    async with echo_peer() as port, page_conduit(host, "s1") as conduit:
        await connect(client, port)
        assert (await client.call("tcp.readStart", id="s1")).ok
        assert (await client.call("tcp.write", b"last words", id="s1", order=0)).ok
        assert (await client.call("tcp.shutdown", id="s1", order=1)).ok
        assert await read_bytes(client, conduit, "s1", 10) == b"last words"
        options, _ = await next_frame(conduit)
        assert (options["event"], int(options["offset"])) == ("end", 10)
        after = await client.call("tcp.write", b"more", id="s1", order=2)
        assert after.error is not None
        assert (after.error.code, after.error.to_dict()["syscall"]) == ("EPIPE", "write")


async def test_connection_refused_has_node_fields(host: Host, client: MemoryClient) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    reply = await client.call("tcp.connect", id="s1", port=port, address="127.0.0.1")
    assert reply.error is not None
    fields = reply.error.to_dict()
    assert fields["code"] == "ECONNREFUSED"
    assert fields["errno"] == -errno.ECONNREFUSED
    assert fields["syscall"] == "connect"
    assert (fields["address"], fields["port"]) == ("127.0.0.1", port)
    assert fields["message"] == f"connect ECONNREFUSED 127.0.0.1:{port}"
    assert host.stash[STATE].items == {}


async def test_a_connect_nobody_answers_times_out(host: Host, client: MemoryClient) -> None:
    # A listener whose backlog is full: Linux drops further SYNs, so connect never completes.
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        fillers = [socket.socket() for _ in range(4)]
        for filler in fillers:
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        try:
            reply = await client.call(
                "tcp.connect", id="s1", port=port, address="127.0.0.1", timeout=200
            )
        finally:
            for filler in fillers:
                filler.close()
    assert reply.error is not None
    assert (reply.error.code, reply.error.to_dict()["syscall"]) == ("ETIMEDOUT", "connect")


async def test_an_unknown_name_is_enotfound(host: Host, client: MemoryClient) -> None:
    reply = await client.call("tcp.connect", id="s1", port=80, address="no-such-host.invalid")
    assert reply.error is not None
    assert (reply.error.code, reply.error.to_dict()["syscall"]) == ("ENOTFOUND", "getaddrinfo")


async def test_a_page_server_accepts_python_clients(host: Host, client: MemoryClient) -> None:
    async with page_conduit(host, "srv") as server_conduit:
        listening = await client.call("tcp.listen", id="srv", port=0)
        assert listening.ok, listening.error
        assert (listening.data["address"], listening.data["family"]) == ("127.0.0.1", "IPv4")
        port = listening.data["port"]
        stream = await anyio.connect_tcp("127.0.0.1", port)
        async with stream:
            options, _ = await next_frame(server_conduit)
            assert options["event"] == "connection"
            connection_id = str(options["id"])
            assert int(options["remotePort"]) == stream.extra(anyio.abc.SocketAttribute.local_port)
            assert int(options["localPort"]) == port
            async with page_conduit(host, connection_id) as conduit:
                assert (await client.call("tcp.readStart", id=connection_id)).ok
                await stream.send(b"hello page")
                assert await read_bytes(client, conduit, connection_id, 10) == b"hello page"
                assert (
                    await client.call("tcp.write", b"hello python", id=connection_id, order=0)
                ).ok
                with anyio.fail_after(5):
                    assert await stream.receive() == b"hello python"
                await stream.send_eof()
                options, _ = await next_frame(conduit)
                assert (options["event"], int(options["offset"])) == ("end", 10)
        names = await client.call("tcp.getSockName", id="srv")
        assert names.data["port"] == port
        assert (await client.call("tcp.close", id="srv")).ok
        with pytest.raises(OSError, match="connection attempts failed"):
            await anyio.connect_tcp("127.0.0.1", port)


async def test_listening_beyond_loopback_needs_the_config_key(
    host: Host, client: MemoryClient
) -> None:
    refused = await client.call("tcp.listen", id="srv", port=0, address="0.0.0.0")
    assert refused.error is not None
    assert (refused.error.code, refused.error.to_dict()["syscall"]) == ("EACCES", "listen")
    assert host.stash[STATE].items == {}
    async with make_host(
        TLS_PLUGINS, config={**LOOPBACK, "tcp.allow_any_address": True}
    ) as open_host:
        reply = await MemoryClient(open_host).call("tcp.listen", id="srv", port=0)
        assert reply.ok, reply.error
        assert reply.data["address"] == "::"


async def test_sockets_belong_to_their_page_and_close_with_it(
    host: Host, client: MemoryClient
) -> None:
    before = open_descriptors()
    async with echo_peer() as port:
        await connect(client, port)
        assert (await client.call("tcp.listen", id="srv", port=0)).ok
        other = MemoryClient(host, window=1)
        stranger = await other.call("tcp.write", b"x", id="s1", order=0)
        assert stranger.error is not None
        assert (stranger.error.error_type, stranger.error.code) == (
            "NotFoundError",
            "ERR_SOCKET_CLOSED",
        )
        host.hooks.page_closed(host, 0)
        assert host.stash[STATE].items == {}
        gone = await client.call("tcp.write", b"x", id="s1", order=0)
        assert gone.error is not None
        assert gone.error.code == "ERR_SOCKET_CLOSED"
    assert open_descriptors() == before


async def test_a_page_has_at_most_max_sockets() -> None:
    async with make_host(TLS_PLUGINS, config={**LOOPBACK, "tcp.max_sockets_per_page": 2}) as host:
        client = MemoryClient(host)
        async with echo_peer() as port:
            await connect(client, port, "a")
            assert (await client.call("tcp.listen", id="b", port=0)).ok
            third = await client.call("tcp.connect", id="c", port=port, address="127.0.0.1")
            assert third.error is not None
            assert third.error.code == "EMFILE"
            taken = await client.call("tcp.connect", id="a", port=port, address="127.0.0.1")
            assert taken.error is not None
            assert taken.error.code == "ERR_INVALID_ARG_VALUE"
            other = MemoryClient(host, window=1)
            assert (await other.call("tcp.listen", id="d", port=0)).ok


async def test_socket_options_and_names(host: Host, client: MemoryClient) -> None:
    async with echo_peer() as port:
        ends = await connect(client, port, noDelay=True, keepAlive=True, keepAliveInitialDelay=5000)
        raw = host.stash[STATE].connection(0, "s1", "tcp").raw
        assert raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert raw.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        assert raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 5
        # Longer than any system accepts (found by the fuzz test): capped, as Node goes on.
        assert (await client.call("tcp.setKeepAlive", id="s1", on=True, delay=2**31 * 1000)).ok
        assert raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 32767
        assert (await client.call("tcp.setNoDelay", id="s1", on=False)).ok
        assert not raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert (await client.call("tcp.setKeepAlive", id="s1", on=False)).ok
        assert not raw.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        local = await client.call("tcp.getSockName", id="s1")
        peer = await client.call("tcp.getPeerName", id="s1")
        assert local.data["port"] == ends["localPort"]
        assert (peer.data["address"], peer.data["port"]) == ("127.0.0.1", port)


async def test_accept_is_oros_route_but_not_needed(host: Host, client: MemoryClient) -> None:
    reply = await client.call("tcp.accept", serverId="srv", clientId="c1")
    assert reply.error is not None
    assert reply.error.error_type == "NotSupportedError"


async def _echoed_hundred(
    client: MemoryClient, conduit: trio_websocket.WebSocketConnection, port: int
) -> bytes:
    """Socket ``s1`` connected to the echo peer, reading, and the 100 bytes it wrote echoed
    back in frames whose offsets follow each other."""
    await connect(client, port)
    assert (await client.call("tcp.readStart", id="s1")).ok
    assert (await client.call("tcp.write", bytes(range(100)), id="s1", order=0)).ok
    received = b""
    while len(received) < 100:
        options, payload = await next_frame(conduit)
        assert int(options["offset"]) == len(received)
        received += payload
    return received


async def test_read_start_from_an_offset_sends_the_unacknowledged_bytes_again(
    host: Host, client: MemoryClient
) -> None:
    async with echo_peer() as port, page_conduit(host, "s1") as conduit:
        received = await _echoed_hundred(client, conduit, port)
        # The page lost what followed byte 60 (its Conduit went away) and acknowledged 40.
        assert (await client.call("tcp.ack", id="s1", bytes=40)).ok
        assert (await client.call("tcp.readStart", id="s1", offset=60)).ok
        options, payload = await next_frame(conduit)
        assert (options["event"], int(options["offset"]), payload) == ("data", 60, received[60:])
        refused = await client.call("tcp.readStart", id="s1", offset=101)  # never read
        assert refused.error is not None
        assert refused.error.code == "ERR_OUT_OF_RANGE"


async def test_read_start_overtaken_by_an_ack_sends_what_follows_the_acknowledged_bytes(
    host: Host, client: MemoryClient
) -> None:
    """The page asks for what follows byte 20 once its Conduit is back, goes on handling the
    frames the event stream brought meanwhile and acknowledges them: that ``ack`` may reach
    the host before the ``readStart`` (the two requests run concurrently). The page has the
    bytes it acknowledged, so the host sends what follows them, and does not refuse it."""
    async with echo_peer() as port, page_conduit(host, "s1") as conduit:
        received = await _echoed_hundred(client, conduit, port)
        assert (await client.call("tcp.ack", id="s1", bytes=70)).ok
        assert (await client.call("tcp.readStart", id="s1", offset=20)).ok
        resent = b""
        while len(resent) < 30:
            options, payload = await next_frame(conduit)
            assert (options["event"], int(options["offset"])) == ("data", 70 + len(resent))
            resent += payload
        assert resent == received[70:]


async def test_read_start_from_an_offset_sends_the_end_again_after_the_bytes(
    host: Host, client: MemoryClient
) -> None:
    """The ``end`` frame may be lost with the Conduit as the bytes before it are: a page that
    asks for what follows its last byte gets the end too."""
    async with echo_peer() as port, page_conduit(host, "s1") as conduit:
        await connect(client, port)
        assert (await client.call("tcp.readStart", id="s1")).ok
        assert (await client.call("tcp.write", b"last words", id="s1", order=0)).ok
        assert (await client.call("tcp.shutdown", id="s1", order=1)).ok
        received = b""
        while len(received) < 10:
            options, payload = await next_frame(conduit)
            received += payload
        options, _ = await next_frame(conduit)
        assert (options["event"], int(options["offset"])) == ("end", 10)
        # The Conduit went away with the last 4 bytes and the end.
        assert (await client.call("tcp.ack", id="s1", bytes=6)).ok
        assert (await client.call("tcp.readStart", id="s1", offset=6)).ok
        resent = b""
        while len(resent) < 4:
            options, payload = await next_frame(conduit)
            assert (options["event"], int(options["offset"])) == ("data", 6 + len(resent))
            resent += payload
        assert resent == b"ords"
        options, _ = await next_frame(conduit)
        assert (options["event"], int(options["offset"])) == ("end", 10)


async def test_ipv6_loopback_both_ways(host: Host, client: MemoryClient) -> None:
    listening = await client.call("tcp.listen", id="srv6", port=0, address="::1")
    assert listening.ok, listening.error
    assert (listening.data["address"], listening.data["family"]) == ("::1", "IPv6")
    port = listening.data["port"]
    connected = await client.call("tcp.connect", id="c6", port=port, address="::1")
    assert connected.ok, connected.error
    ends = connected.data
    assert (ends["remoteAddress"], ends["remoteFamily"], ends["localFamily"]) == (
        "::1",
        "IPv6",
        "IPv6",
    )
    # An address literal of the other family than `family` asks is refused before connecting.
    mismatch = await client.call("tcp.connect", id="m6", port=port, address="::1", family=4)
    assert mismatch.error is not None
    assert mismatch.error.code == "EINVAL"


async def test_a_local_port_is_bound_before_connecting(host: Host, client: MemoryClient) -> None:
    async with echo_peer() as port:
        # A port free right now, probed once the peer listens: probed before, it could be the
        # very port the peer is then given (seen in CI as EADDRINUSE).
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            local_port = probe.getsockname()[1]
        ends = await connect(client, port, localAddress="127.0.0.1", localPort=local_port)
        assert (ends["localAddress"], ends["localPort"]) == ("127.0.0.1", local_port)
        taken = await client.call(
            "tcp.connect", id="s2", port=port, address="127.0.0.1", localPort=local_port
        )
        # The same local and remote ends twice: the system refuses the second (libuv, too,
        # binds with SO_REUSEADDR, so Node gets the same error).
        assert taken.error is not None
        assert (taken.error.code, taken.error.to_dict()["syscall"]) == ("EADDRNOTAVAIL", "connect")


async def test_stopping_the_host_closes_every_connection() -> None:
    async with echo_peer() as port:
        async with make_host(TLS_PLUGINS, config=LOOPBACK) as host:
            await connect(MemoryClient(host), port)
            raw = host.stash[STATE].connection(0, "s1", "tcp").raw
        assert raw.fileno() == -1  # closed by the service on its way out
