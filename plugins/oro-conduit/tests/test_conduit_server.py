"""The Conduit server over real sockets, with the real trio-websocket client: admission, frames,
dispatch, relays, limits, push and lifecycle."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
import trio_websocket
from oro_conduit import STATE, ConduitServer, plugin, send
from oro_conduit.codec import Frame, decode_frame, encode_frame

from oro_framework import (
    ByteStream,
    ConfigWarning,
    EventStream,
    Host,
    InvalidArgumentError,
    Request,
)
from oro_framework.core import diagnostics, ping
from oro_framework.testing import RoutePlugin, make_host
from oro_framework.web.wire.connection import WebSocket, WebSocketHandshake

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024


async def _numbers(request: Request) -> EventStream:
    count = request.params.get_int("count", 3)

    async def produce() -> AsyncIterator[Any]:
        for number in range(count):
            yield {"n": number}

    return EventStream(produce())


async def _bytes_stream(request: Request) -> ByteStream:
    async def produce() -> AsyncIterator[bytes]:
        yield b"abc"
        yield b""
        yield b"def"

    return ByteStream(produce())


async def _echo_body(request: Request) -> bytes:
    return request.body


async def _echo(request: Request) -> dict[str, Any]:
    return {
        "params": dict(request.params),
        "window": request.window,
        "client": request.client_id,
        "transport": request.transport,
    }


async def _wait_forever(request: Request) -> None:
    try:
        await anyio.sleep_forever()
    finally:
        WAITERS.append("cancelled")


async def _fail(request: Request) -> None:
    raise InvalidArgumentError.missing("path")


WAITERS: list[str] = []

ROUTES = RoutePlugin(
    {
        "test.numbers": _numbers,
        "test.bytes": _bytes_stream,
        "test.body": _echo_body,
        "test.echo": _echo,
        "test.wait": _wait_forever,
        "test.fail": _fail,
    },
    permission="test",
    declare=True,
)


@asynccontextmanager
async def conduit_host(**config: Any) -> AsyncIterator[tuple[Host, ConduitServer]]:
    async with make_host([plugin, ROUTES, ping, diagnostics], config=config) as host:
        yield host, host.stash[STATE]


def url(server: ConduitServer, path: str = "/c1/0", key: str | None = None) -> str:
    """The socket URL of a page: a numeric clientId stands for the window whose credential
    the page holds (the JS Conduit sends it as ``oro_window``)."""
    address = f"ws://127.0.0.1:{server.port}{path}?key={server.key if key is None else key}"
    client = path.rstrip("/").rsplit("/", 1)[-1]
    if client.isdigit():
        address += f"&oro_window={server.host.windows.credentials.issue(int(client))}"
    return address


@asynccontextmanager
async def connect(
    server: ConduitServer, path: str = "/c1/0", **options: Any
) -> AsyncIterator[trio_websocket.WebSocketConnection]:
    async with trio_websocket.open_websocket_url(
        url(server, path), max_message_size=64 * MIB, **options
    ) as socket:
        yield socket


async def receive(socket: trio_websocket.WebSocketConnection) -> Frame:
    message = await socket.get_message()
    assert isinstance(message, bytes)
    return decode_frame(message)


async def call(
    socket: trio_websocket.WebSocketConnection,
    route: str,
    payload: bytes = b"",
    **options: Any,
) -> Frame:
    await socket.send_message(encode_frame({"route": route, **options}, payload))
    return await receive(socket)


def envelope(frame: Frame) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(frame.payload)
    return decoded


async def rejection(
    server: ConduitServer, path: str, key: str | None = None, **options: Any
) -> int:
    with pytest.raises(trio_websocket.ConnectionRejected) as rejected:
        async with trio_websocket.open_websocket_url(url(server, path, key), **options):
            pass
    return rejected.value.status_code


# -------------------------------------------------------------------------------------------------
# Admission
# -------------------------------------------------------------------------------------------------


async def test_wrong_or_missing_key_is_refused_with_403_before_the_upgrade() -> None:
    async with conduit_host() as (_, server):
        assert await rejection(server, "/c1/0", key="wrong-key-wrong-key") == 403
        assert await rejection(server, "/c1/0", key="") == 403
        assert server.clients == {}


async def test_a_foreign_origin_is_refused_with_403() -> None:
    async with conduit_host() as (_, server):
        server.origins.add("http://127.0.0.1:5555")
        foreign = [(b"Origin", b"https://evil.example")]
        assert await rejection(server, "/c1/0", extra_headers=foreign) == 403
        app_origin = [(b"Origin", b"http://127.0.0.1:5555")]
        async with connect(server, extra_headers=app_origin) as socket:
            assert envelope(await call(socket, "ping", seq="R1"))["data"] == "pong"


async def test_a_path_that_is_not_id_and_client_id_is_refused() -> None:
    async with conduit_host() as (_, server):
        assert await rejection(server, "/only-one") == 404
        assert await rejection(server, "/a/b/c") == 404
        assert await rejection(server, "/bad%20id/0") == 404


async def test_configured_key_is_used_and_one_under_8_characters_is_not() -> None:
    async with conduit_host(**{"conduit.shared_key": "k" * 16}) as (_, server):
        assert server.key == "k" * 16
    # As in Socket: a random key instead, and a warning (test_conduit_socket_settings.py).
    with pytest.warns(ConfigWarning, match="conduit.shared_key has 5 characters"):
        async with conduit_host(**{"conduit.shared_key": "short"}) as (_, server):
            assert server.key != "short"


async def test_the_listener_is_on_loopback_with_a_random_256_bit_key() -> None:
    async with conduit_host() as (_, server):
        assert server.port is not None
        assert len(server.key) >= 43
        async with connect(server) as socket:
            assert socket.local.address.compressed == "127.0.0.1"  # type: ignore[union-attr]


async def test_same_id_reconnecting_replaces_the_old_client() -> None:
    async with (
        conduit_host() as (_, server),
        connect(server, "/same/0") as first,
        connect(server, "/same/1") as second,
    ):
        with pytest.raises(trio_websocket.ConnectionClosed) as closed:
            await first.get_message()
        assert closed.value.reason.code == 4001
        assert server.clients["same"].info.client_id == "1"
        assert envelope(await call(second, "ping", seq="R1"))["data"] == "pong"


# -------------------------------------------------------------------------------------------------
# Frames and dispatch
# -------------------------------------------------------------------------------------------------


async def test_route_frame_is_answered_with_the_envelope_seq_and_token() -> None:
    async with conduit_host() as (_, server), connect(server, "/c1/2") as socket:
        frame = await call(socket, "test.echo", seq="R7", token="t-1", path="a b", n="12")
        assert frame.options == {
            "seq": "R7",
            "token": "t-1",
            "status": "200",
            "type": "application/json",
        }
        assert envelope(frame) == {
            "source": "test.echo",
            "id": "R7",
            "token": "t-1",
            "data": {
                "params": {"path": "a b", "n": 12},
                "window": 2,
                "client": "c1",
                "transport": "conduit",
            },
        }


async def test_errors_are_the_http_envelope_and_status() -> None:
    async with (
        conduit_host(**{"permissions.allow_test": False}) as (_, server),
        connect(server) as socket,
    ):
        missing = await call(socket, "no.such", seq="R1")
        assert missing.values["status"] == 404
        assert envelope(missing)["err"]["type"] == "NotFoundError"
        refused = await call(socket, "test.echo", seq="R2")
        assert refused.values["status"] == 403
        assert envelope(refused)["err"]["type"] == "NotAllowedError"


async def test_handler_errors_keep_their_type_and_code() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        frame = await call(socket, "test.fail", seq="R1")
        assert frame.values["status"] == 400
        assert envelope(frame)["err"]["code"] == "ERR_MISSING_ARGS"


async def test_internal_routes_are_refused_over_conduit() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        frame = await call(socket, "internal.conduit.stop", seq="R1")
        assert envelope(frame)["err"]["type"] == "SecurityError"
        assert server.is_active


async def test_event_stream_arrives_as_frames_with_an_end_marker() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        start = await call(socket, "test.numbers", seq="R3", count="3")
        assert start.values == {
            "seq": "R3",
            "status": 200,
            "type": "text/event-stream",
            "stream": "start",
        }
        chunks = []
        while (frame := await receive(socket)).options["stream"] == "data":
            chunks.append(frame.payload)
        assert frame.options == {"seq": "R3", "stream": "end"}
        assert b"".join(chunks) == b'data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\n'


async def test_byte_stream_arrives_as_its_non_empty_chunks() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        start = await call(socket, "test.bytes", seq="R1")
        assert start.options["type"] == "application/octet-stream"
        assert (await receive(socket)).payload == b"abc"
        assert (await receive(socket)).payload == b"def"
        assert (await receive(socket)).options["stream"] == "end"


async def test_stream_with_credit_waits_for_the_pages_acknowledgements() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        request = {"route": "test.numbers", "seq": "R1", "count": "50", "credit": "40"}
        await socket.send_message(encode_frame(request))
        assert (await receive(socket)).options["stream"] == "start"
        await anyio.wait_all_tasks_blocked()
        credit = server.clients["c1"].credits["R1"]
        assert 0 < credit.in_flight <= 40
        assert credit.sent < 50 * len(b'data: {"n":10}\n\n')
        received = b""
        while (frame := await receive(socket)).options["stream"] == "data":
            received += frame.payload
            ack = {"ack": "R1", "bytes": len(frame.payload)}
            await socket.send_message(encode_frame(ack))
        assert frame.options["stream"] == "end"
        assert received.count(b"data: ") == 50
        assert server.clients["c1"].credits == {}


async def test_cancel_frame_cancels_the_request_with_that_seq() -> None:
    WAITERS.clear()
    async with conduit_host() as (_, server), connect(server) as socket:
        await socket.send_message(encode_frame({"route": "test.wait", "seq": "R9"}))
        await anyio.wait_all_tasks_blocked()
        await socket.send_message(encode_frame({"cancel": "R9"}))
        assert envelope(await call(socket, "ping", seq="R10"))["data"] == "pong"
        await anyio.wait_all_tasks_blocked()
        assert WAITERS == ["cancelled"]


async def test_digest_is_checked_and_replies_carry_one() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        body = b"payload"
        good = hashlib.sha256(body).hexdigest()
        reply = await call(socket, "test.body", body, seq="R1", digest=good)
        assert reply.payload == body
        assert reply.options["digest"] == good
        bad = await call(socket, "test.body", body, seq="R2", digest="00" * 32)
        assert envelope(bad)["err"]["code"] == "ERR_INVALID_ARG_VALUE"


async def test_body_over_the_ipc_cap_is_a_range_error() -> None:
    async with (
        conduit_host(**{"ipc.max_body_bytes": 1024}) as (_, server),
        connect(server) as socket,
    ):
        frame = await call(socket, "test.body", b"x" * 2048, seq="R1")
        assert frame.values["status"] == 413
        assert envelope(frame)["err"]["type"] == "RangeError"


async def test_malformed_frame_closes_only_that_connection_with_1007() -> None:
    async with (
        conduit_host() as (_, server),
        connect(server, "/good/0") as good,
        connect(server, "/bad/0") as bad,
    ):
        await bad.send_message(bytes([1, 5]) + b"ab")
        with pytest.raises(trio_websocket.ConnectionClosed) as closed:
            await bad.get_message()
        assert closed.value.reason.code == 1007
        assert "truncated" in (closed.value.reason.reason or "")
        assert envelope(await call(good, "ping", seq="R1"))["data"] == "pong"
        assert list(server.clients) == ["good"]


async def test_text_message_closes_the_connection_with_1003() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        await socket.send_message("not a frame")
        with pytest.raises(trio_websocket.ConnectionClosed) as closed:
            await socket.get_message()
        assert closed.value.reason.code == 1003


async def test_message_over_the_size_limit_closes_with_1009() -> None:
    async with (
        conduit_host(**{"conduit.max_message_bytes": 1024}) as (_, server),
        connect(server) as socket,
    ):
        await socket.send_message(encode_frame({"route": "ping"}, b"x" * 4096))
        with pytest.raises(trio_websocket.ConnectionClosed) as closed:
            await socket.get_message()
        assert closed.value.reason.code == 1009


async def test_ten_mib_payload_both_ways() -> None:
    body = bytes(range(256)) * (10 * MIB // 256)
    async with (
        conduit_host(**{"ipc.max_body_bytes": 16 * MIB}) as (_, server),
        connect(server) as socket,
    ):
        frame = await call(socket, "test.body", body, seq="R1")
        assert frame.options["type"] == "application/octet-stream"
        assert frame.payload == body


# -------------------------------------------------------------------------------------------------
# Relay, push, events
# -------------------------------------------------------------------------------------------------


async def test_to_relays_to_the_client_with_that_id_adding_from() -> None:
    async with (
        conduit_host() as (_, server),
        connect(server, "/alice/0") as alice,
        connect(server, "/bob/1") as bob,
    ):
        await alice.send_message(encode_frame({"to": "bob", "kind": "hello"}, b"\x00\x01"))
        frame = await receive(bob)
        assert frame.options == {"from": "alice", "kind": "hello"}
        assert frame.payload == b"\x00\x01"
        await alice.send_message(encode_frame({"to": "nobody", "seq": "R4"}))
        missing = await receive(alice)
        assert envelope(missing)["err"]["type"] == "NotFoundError"


async def test_a_relay_and_a_push_to_a_client_whose_handshake_is_being_answered_wait_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page sees its socket open as the 101 leaves; another page may relay to it (and the
    host push to it) before the server's task for it has listed it. Held there on purpose:
    both frames reach bob once it is listed, none is answered NotFoundError or becomes the
    fallback event."""
    listed = anyio.Event()
    accept = WebSocketHandshake.accept

    async def held_accept(self: WebSocketHandshake, **options: Any) -> WebSocket:
        socket = await accept(self, **options)
        if "/bob/" in self.path:
            await listed.wait()  # the 101 has left: bob's client sees its socket open
        return socket

    monkeypatch.setattr(WebSocketHandshake, "accept", held_accept)
    async with conduit_host() as (host, server), connect(server, "/alice/0") as alice:
        async with connect(server, "/bob/1") as bob, anyio.create_task_group() as tasks:
            assert "bob" not in server.clients
            await alice.send_message(encode_frame({"to": "bob", "kind": "relayed"}, b"r"))
            pushed: list[bool] = []

            async def push() -> None:
                pushed.append(await send(host, "bob", {"kind": "pushed"}, b"p"))

            tasks.start_soon(push)
            await anyio.wait_all_tasks_blocked()  # both wait for bob, not fail at once
            listed.set()
            with anyio.fail_after(10):  # a frame lost for good would leave bob waiting
                frames = {(await receive(bob)).options["kind"] for _ in range(2)}
        assert frames == {"relayed", "pushed"}
        assert pushed == [True]


async def test_push_api_sends_to_a_connected_client_and_falls_back_to_the_event_stream() -> None:
    async with conduit_host() as (host, server), connect(server, "/page-1/3") as socket:
        assert await send(host, "page-1", {"kind": "datagram", "port": 53}, b"data") is True
        frame = await receive(socket)
        assert frame.values == {"kind": "datagram", "port": 53}
        assert frame.payload == b"data"
        await socket.aclose()
        await anyio.wait_all_tasks_blocked()
        async with host.events.subscribe(window=3) as events:
            assert await send(host, "page-1", {"kind": "late"}, b"\xff") is False
            event = events.receive_nowait()
        assert event.name == "conduitmessage"
        assert event.data == {"id": "page-1", "options": {"kind": "late"}, "payload": "/w=="}


async def test_an_event_emitted_as_the_socket_opens_travels_over_it() -> None:
    # The page emits (or asks the host to) as soon as its socket opens: the Conduit subscribed
    # before accepting, so nothing emitted after the handshake only reaches the other channel.
    async with conduit_host() as (host, server):
        for number in range(20):
            target = url(server, f"/early-{number}/4") + "&events=1"
            async with trio_websocket.open_websocket_url(target) as socket:
                host.emit("filedidchange", {"n": number}, window=4)
                with anyio.fail_after(10):
                    frame = await receive(socket)
                assert frame.options["event"] == "filedidchange"
                assert json.loads(frame.payload) == {"n": number}


async def test_host_events_travel_over_a_socket_that_asked_for_them() -> None:
    async with (
        conduit_host() as (host, server),
        trio_websocket.open_websocket_url(url(server, "/ev/4") + "&events=1") as socket,
    ):
        await anyio.wait_all_tasks_blocked()
        host.emit("filedidchange", {"path": "a.txt"}, window=4)
        host.emit("other-window", None, window=5)
        host.emit("broadcast", [1])
        first = await receive(socket)
        second = await receive(socket)
        assert first.options["event"] == "filedidchange"
        assert json.loads(first.payload) == {"path": "a.txt"}
        assert second.options["event"] == "broadcast"
        assert int(second.options["eventId"]) > int(first.options["eventId"])


# -------------------------------------------------------------------------------------------------
# Limits and load
# -------------------------------------------------------------------------------------------------


async def test_slow_consumer_holds_senders_back_at_the_queued_bytes_budget() -> None:
    budget = 256 * 1024
    async with (
        conduit_host(**{"conduit.max_queued_bytes": budget}) as (host, server),
        connect(server, "/slow/0", message_queue_size=1) as socket,
    ):
        sent: list[int] = []

        async def push_all() -> None:
            for index in range(256):
                await send(host, "slow", {"i": index}, b"x" * 64 * 1024)
                sent.append(index)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(push_all)
            await anyio.wait_all_tasks_blocked()
            # Nobody reads: the pushes wait once the kernel buffers and the budget are full.
            assert len(sent) < 256
            assert server.clients["slow"].queued_bytes <= budget
            received = [(await receive(socket)).values["i"] for _ in range(256)]
        assert received == list(range(256))
        assert sent == list(range(256))


async def test_frames_beyond_the_rate_are_read_later_not_dropped() -> None:
    async with (
        conduit_host(**{"conduit.max_frames_per_second": 20}) as (_, server),
        connect(server) as socket,
    ):
        for index in range(30):
            await socket.send_message(encode_frame({"route": "ping", "seq": f"R{index}"}))
        seqs = {(await receive(socket)).options["seq"] for _ in range(30)}
        assert seqs == {f"R{index}" for index in range(30)}


async def test_two_hundred_concurrent_clients_are_each_answered() -> None:
    answers: dict[str, Any] = {}
    async with conduit_host() as (_, server):

        async def one(index: int) -> None:
            async with connect(server, f"/client-{index}/0") as socket:
                frame = await call(socket, "test.echo", seq=f"R{index}", i=str(index))
                answers[frame.options["seq"]] = envelope(frame)["data"]["params"]["i"]

        async with anyio.create_task_group() as tasks:
            for index in range(200):
                tasks.start_soon(one, index)
    assert answers == {f"R{index}": index for index in range(200)}


# -------------------------------------------------------------------------------------------------
# Lifecycle, routes, diagnostics
# -------------------------------------------------------------------------------------------------


async def test_pause_stops_the_server_and_resume_restarts_it_with_the_same_key_and_port() -> None:
    async with conduit_host() as (host, server):
        key, port = server.key, server.port
        async with connect(server) as socket:
            await host.pause()
            assert not server.is_active
            with pytest.raises(trio_websocket.ConnectionClosed):
                await socket.get_message()
        await host.resume()
        assert server.is_active
        assert (server.key, server.port) == (key, port)
        async with connect(server) as again:
            assert envelope(await call(again, "ping", seq="R1"))["data"] == "pong"


async def test_stopping_answers_started_requests_with_abort_then_closes_with_1001() -> None:
    async with conduit_host() as (_, server), connect(server) as socket:
        await socket.send_message(encode_frame({"route": "test.wait", "seq": "R5"}))
        await anyio.wait_all_tasks_blocked()
        await server.disable()
        interrupted = await receive(socket)
        assert interrupted.options["seq"] == "R5"
        assert envelope(interrupted)["err"]["type"] == "AbortError"
        with pytest.raises(trio_websocket.ConnectionClosed) as closed:
            await socket.get_message()
        assert closed.value.reason.code == 1001
        assert not server.is_active


async def test_internal_routes_stop_start_and_change_the_key() -> None:
    async with conduit_host() as (host, server):
        stopped = await host.call("internal.conduit.stop")
        assert stopped.data["isActive"] is False
        started = await host.call("internal.conduit.start")
        assert started.data == {"port": server.port, "isActive": True, "sharedKey": server.key}
        short = await host.call("internal.conduit.setSharedKey", {"sharedKey": "short"})
        assert short.error is not None
        changed = await host.call("internal.conduit.setSharedKey", {"sharedKey": "n" * 20})
        assert changed.data == {"sharedKey": "n" * 20}
        assert (await host.call("internal.conduit.getSharedKey")).data == {"sharedKey": "n" * 20}
        async with connect(server) as socket:
            assert envelope(await call(socket, "ping", seq="R1"))["data"] == "pong"


async def test_diagnostics_query_shows_the_connected_handles() -> None:
    async with conduit_host() as (host, server), connect(server, "/diag/0"):
        await anyio.wait_all_tasks_blocked()
        report = await host.call("diagnostics.query")
    conduit: Mapping[str, Any] = report.data["plugins"]["conduit"]
    assert conduit["handles"] == {"count": 1, "ids": ["diag"]}
    assert conduit["isActive"] is True


async def test_stopping_twice_then_starting_listens_again() -> None:
    # Found by the reliability fuzz: the second stop left the service waiting on an event that
    # start() no longer set, so start hung until the route timeout.
    async with conduit_host(**{"ipc.timeout_ms": 5000}) as (host, server):
        await host.call("internal.conduit.stop")
        await host.call("internal.conduit.stop")
        started = await host.call("internal.conduit.start")
        assert started.error is None, started.payload
        assert started.data["isActive"] is True
        async with connect(server) as socket:
            assert envelope(await call(socket, "ping", seq="R1"))["data"] == "pong"
