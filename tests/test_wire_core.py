"""The wire core's protocol code without sockets (``oro_framework.web.wire.http`` and
``.websocket``): whatever bytes arrive and however they are cut, the HTTP side yields requests or
answers a 4xx (never a 500, never another exception), and the WebSocket side hands over whole
messages or closes, never one over ``max_message_bytes`` (1009 instead)."""

from __future__ import annotations

from typing import Any

import h11
from hypothesis import example, given, settings
from hypothesis import strategies as st
from wsproto.connection import Connection, ConnectionType
from wsproto.events import (
    BytesMessage,
    CloseConnection,
    Event,
    Ping,
    Pong,
    TextMessage,
)

from oro_framework.web.wire import ClientGoneError, WireLimits
from oro_framework.web.wire.http import (
    HTTPProtocol,
    is_websocket_upgrade,
    subprotocols,
    websocket_refusal,
)
from oro_framework.web.wire.websocket import WebSocketProtocol
from tests._hostile_bytes import damaged, in_pieces

LIMITS = WireLimits(max_header_bytes=2048, max_message_bytes=1000)
HANDSHAKE = (
    b"GET /chat?x=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
    b"Connection: keep-alive, Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Protocol: a, b\r\n\r\n"
)
REQUESTS = (
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    b"GET / HTTP/1.0\r\n\r\n"
)
REFUSAL_STATUSES = {400, 426, 431, 501}


def cut(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """``data`` in arbitrary pieces."""
    return in_pieces(draw, data, max_cuts=5)


@st.composite
def mangled(draw: st.DrawFn, valid: bytes) -> list[bytes]:
    """``valid`` with bytes replaced, inserted or cut, in arbitrary pieces."""
    data = damaged(draw, valid)
    if draw(st.booleans()):
        data[0:0] = b"GET / HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 3000 + b"\r\n\r\n"
    return cut(draw, bytes(data))


def status_of(pieces: list[Any]) -> int:
    return int(b"".join(pieces).split(b" ", 2)[1])


def drive_http(pieces: list[bytes]) -> list[str | int]:
    """Feed ``pieces`` to the core as the driver does, answering each request 200 (or 101 for
    a valid WebSocket handshake); what happened, in order: ``"request"``, ``101``, or the
    status a malformed request was refused with."""
    protocol = HTTPProtocol(LIMITS)
    seen: list[str | int] = []
    for piece in [*pieces, b""]:
        protocol.receive_data(piece)
        while True:
            try:
                event = protocol.next_event()
            except ClientGoneError:
                return seen
            except h11.RemoteProtocolError as error:
                refusal = protocol.refusal_of(error)
                if refusal:
                    seen.append(status_of(refusal))
                return seen
            if event is h11.NEED_DATA or event is h11.PAUSED:
                break
            if isinstance(event, h11.Request):
                seen.append("request")
                request = event
            elif isinstance(event, h11.EndOfMessage):
                if is_websocket_upgrade(request):
                    subprotocols(request)
                    refusal_reason = websocket_refusal(request)
                    if refusal_reason is None:
                        pieces_out, _ = protocol.accept_websocket(request)
                        seen.append(status_of(pieces_out))
                        return seen
                    response = protocol.complete_response(refusal_reason.status)
                    seen.append(status_of(response))
                    return seen
                protocol.complete_response(200, b"ok", close=False)
                if not protocol.is_reusable:
                    return seen
                protocol.start_next_cycle()
    return seen


@settings(max_examples=300, deadline=None)
@example([REQUESTS])
@example([HANDSHAKE])
@given(st.one_of(mangled(REQUESTS), mangled(HANDSHAKE)))
def test_any_bytes_get_requests_or_a_4xx_never_a_500(pieces: list[bytes]) -> None:
    outcome = drive_http(pieces)
    statuses = {item for item in outcome if isinstance(item, int)}
    assert statuses <= {101, *REFUSAL_STATUSES}, outcome
    # A refusal or an upgrade ends what the connection does.
    assert all(not isinstance(item, int) for item in outcome[:-1]), outcome


def test_valid_requests_are_all_seen_however_cut() -> None:
    assert drive_http([REQUESTS]) == ["request"] * 3
    assert drive_http([HANDSHAKE]) == ["request", 101]
    assert drive_http([bytes([byte]) for byte in HANDSHAKE]) == ["request", 101]


def test_a_head_growing_past_the_limit_is_refused_with_431() -> None:
    big = b"GET / HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 3000 + b"\r\n\r\n"
    assert drive_http([big[:2500], big[2500:]]) == [431]


@given(st.lists(st.binary(max_size=700), max_size=8))
def test_bytes_read_ahead_are_bounded_by_the_head_limit(reads: list[bytes]) -> None:
    protocol = HTTPProtocol(LIMITS)
    taken = 0
    for data in reads:
        if not protocol.receive_early(data):
            assert not data or taken + len(data) > LIMITS.max_header_bytes
            return
        taken += len(data)
        assert taken <= LIMITS.max_header_bytes


def websocket_request(
    protocol: HTTPProtocol, headers: list[tuple[bytes, bytes]], method: bytes = b"GET"
) -> h11.Request:
    return h11.Request(method=method, target=b"/", headers=[(b"host", b"x"), *headers])


def test_handshakes_are_checked_as_rfc_6455_says() -> None:
    good = [
        (b"upgrade", b"websocket"),
        (b"connection", b"Upgrade"),
        (b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
        (b"sec-websocket-version", b"13"),
    ]
    protocol = HTTPProtocol(LIMITS)

    def refusal(headers: list[tuple[bytes, bytes]], method: bytes = b"GET") -> int | None:
        found = websocket_refusal(websocket_request(protocol, headers, method))
        return None if found is None else found.status

    assert refusal(good) is None
    assert refusal(good, b"POST") == 400
    assert refusal(good[1:]) == 400
    assert refusal([*good[:3], (b"sec-websocket-version", b"8")]) == 426
    assert refusal(good[:3]) == 400
    assert refusal([*good[:2], good[3]]) == 400
    assert refusal([*good, (b"content-length", b"3")]) == 400


# --- WebSocket -------------------------------------------------------------------------------


def client_frames(events: list[Event]) -> bytes:
    """What a well-behaved (masking) client sends for ``events``."""
    client = Connection(ConnectionType.CLIENT)
    return b"".join(client.send(event) for event in events)


def server_answers(data: bytes) -> list[Event]:
    """The frames the server sent, as a client parses them."""
    client = Connection(ConnectionType.CLIENT)
    client.receive_data(data)
    return list(client.events())


def drive_websocket(
    pieces: list[bytes], *, end: bool = False
) -> tuple[list[bytes | str], WebSocketProtocol, bytes]:
    """Feed ``pieces`` as reads (then the socket's end, with ``end``); the messages handed
    over, the protocol, and everything it answered."""
    protocol = WebSocketProtocol(LIMITS)
    received: list[bytes | str] = []
    answered = b""
    for piece in [*(piece for piece in pieces if piece), *([b""] if end else [])]:
        protocol.receive_data(piece)
        answered += protocol.data_to_send()
        received += protocol.messages
        protocol.messages.clear()
    return received, protocol, answered


def size_of(message: bytes | str) -> int:
    return len(message.encode() if isinstance(message, str) else message)


message_strategy = st.one_of(
    st.binary(max_size=1200),
    st.text(max_size=400),  # up to 1,600 bytes of UTF-8
)


@st.composite
def conversations(draw: st.DrawFn) -> tuple[list[bytes | str], list[bytes]]:
    """Messages a client sends (each in fragments, pings between them), in arbitrary pieces."""
    messages = draw(st.lists(message_strategy, max_size=6))
    events: list[Event] = []
    for message in messages:
        if draw(st.booleans()):
            events.append(Ping(payload=b"p"))
        if len(message) > 1 and draw(st.booleans()):
            middle = draw(st.integers(1, len(message) - 1))
            kind = TextMessage if isinstance(message, str) else BytesMessage
            events.append(kind(data=message[:middle], message_finished=False))  # type: ignore[arg-type]
            events.append(kind(data=message[middle:]))  # type: ignore[arg-type]
        elif isinstance(message, str):
            events.append(TextMessage(data=message))
        else:
            events.append(BytesMessage(data=message))
    return messages, cut(draw, client_frames(events))


@settings(max_examples=300, deadline=None)
@given(conversations())
def test_messages_arrive_whole_up_to_the_first_one_over_the_limit(
    conversation: tuple[list[bytes | str], list[bytes]],
) -> None:
    messages, pieces = conversation
    received, protocol, answered = drive_websocket(pieces)
    too_big = [index for index, message in enumerate(messages) if size_of(message) > 1000]
    if too_big:
        assert received == messages[: too_big[0]]
        assert protocol.closed is not None
        assert protocol.closed.code == 1009
        closing = server_answers(answered)[-1]
        assert isinstance(closing, CloseConnection)
        assert closing.code == 1009
    else:
        assert received == messages
        assert protocol.closed is None
        assert all(isinstance(event, Pong) for event in server_answers(answered))


VALID_FRAMES = client_frames(
    [
        BytesMessage(data=b"one"),
        Ping(payload=b"p"),
        TextMessage(data="tw", message_finished=False),
        TextMessage(data="o ☃"),
        CloseConnection(code=1000, reason="bye"),
    ]
)


@settings(max_examples=300, deadline=None)
@example([VALID_FRAMES])
@example([b"\x82\x03abc"])  # unmasked: protocol error
@given(st.one_of(mangled(VALID_FRAMES), st.lists(st.binary(max_size=64), max_size=4)))
def test_any_bytes_are_messages_or_a_close_and_the_answers_are_valid_frames(
    pieces: list[bytes],
) -> None:
    received, protocol, answered = drive_websocket(pieces, end=True)
    assert all(size_of(message) <= 1000 for message in received)
    # The socket ended (b""), so the WebSocket is over, one way or another.
    assert protocol.closed is not None
    answers = server_answers(answered)
    closes = [event for event in answers if isinstance(event, CloseConnection)]
    assert len(closes) <= 1
    assert all(isinstance(event, (Pong, CloseConnection)) for event in answers)
    if closes:
        assert answers[-1] is closes[0]
    # Nothing more is parsed or answered once closed.
    protocol.receive_data(VALID_FRAMES)
    assert protocol.data_to_send() == b""
    assert not protocol.messages


def test_the_close_handshake_is_answered_and_nothing_may_follow() -> None:
    received, protocol, answered = drive_websocket([VALID_FRAMES])
    assert received == [b"one", "two ☃"]
    assert protocol.closed is not None
    assert (protocol.closed.code, protocol.closed.reason) == (1000, "bye")
    # The ping came before the close, but a peer that is closing waits for the close only.
    (answer,) = server_answers(answered)
    assert isinstance(answer, CloseConnection)
    assert answer.code == 1000


@st.composite
def read_ahead(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """Some of :data:`REQUESTS`, and the reads (none empty: that is the end) that brought them."""
    following = REQUESTS[: draw(st.integers(0, len(REQUESTS)))]
    return following, [piece for piece in cut(draw, following) if piece]


@settings(max_examples=200, deadline=None)
@given(read_ahead())
def test_a_taken_body_leaves_what_was_read_after_it_to_the_next_request(
    ahead: tuple[bytes, list[bytes]],
) -> None:
    """A body the driver reads from the socket itself (``take_body``) is never seen by h11;
    what the driver read ahead of the next requests meanwhile, however it was cut, is parsed
    after the answer, in order."""
    protocol = HTTPProtocol(LIMITS)
    protocol.receive_data(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhead")
    assert isinstance(protocol.next_event(), h11.Request)
    assert protocol.next_event() == h11.Data(data=b"head")
    assert protocol.next_event() is h11.NEED_DATA
    protocol.take_body(96)
    assert not protocol.is_receiving_body
    protocol.took(96)  # the driver read the rest of the body
    following, reads = ahead
    for piece in reads:
        assert protocol.receive_early(piece)
    protocol.complete_response(200, b"ok", close=False)
    assert protocol.is_reusable
    protocol.start_next_cycle()
    seen: list[Any] = []
    while (event := protocol.next_event()) is not h11.NEED_DATA:
        seen.append(event)
        if isinstance(event, h11.EndOfMessage):
            protocol.complete_response(200, b"ok", close=False)
            if not protocol.is_reusable:
                break
            protocol.start_next_cycle()
    parser = h11.Connection(h11.SERVER)
    if following:  # b"" would tell h11 the client closed
        parser.receive_data(following)
    expected: list[Any] = []
    while (event := parser.next_event()) is not h11.NEED_DATA:
        expected.append(event)
        if isinstance(event, h11.EndOfMessage):
            parser.send(h11.Response(status_code=200, headers=[("content-length", "2")]))
            parser.send(h11.Data(data=b"ok"))
            parser.send(h11.EndOfMessage())
            if parser.our_state is not h11.DONE or parser.their_state is not h11.DONE:
                break
            parser.start_next_cycle()
    assert seen == expected
