"""``/ipc/<route>`` and ``/ipc``: IPC requests through the host's router, and their replies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from oro_framework.host.envelope import encode_result
from oro_framework.host.errors import (
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.host.exchange import (
    IPC_URI_HEADER,
    QUERY_RESERVED,
    WireReply,
    check_body_size,
    check_declared_size,
    error_reply,
    http_target,
    last_value,
    request_fields,
    request_id_of,
    window_index,
    wire_reply,
)
from oro_framework.host.launch import WINDOW_CREDENTIAL_HEADER, WINDOW_CREDENTIAL_PARAMETER
from oro_framework.host.memory import MemoryReservation
from oro_framework.host.request import Request
from oro_framework.web.asgi import (
    ClientGoneError,
    HeaderList,
    Receive,
    Send,
    answer_cancelled_on_disconnect,
    receive_body,
    send_response,
    start_response,
)
from oro_framework.web.bridge.answers import send_wire
from oro_framework.web.bridge.call import Call
from oro_framework.web.bridge.files import can_send_file
from oro_framework.web.bridge.flow import ACK_ROUTE, CREDIT_HEADER, parse_ack, send_paced
from oro_framework.web.bridge.held import answer_within_limit
from oro_framework.web.security import BRIDGE_KEY_HEADER

__all__ = ["IPC_METHODS", "WINDOW_INDEX_HEADER", "serve"]

IPC_METHODS: Final = frozenset({"GET", "POST", "PUT", "DELETE"})
# A client that sends a too-large body usually reads the answer only once it has sent it all;
# the 413 is therefore followed by discarding up to this much, so that it arrives, rather than
# a connection reset. Beyond it the connection is dropped.
_DISCARD_LIMIT: Final = 1024 * 1024
_HANDLER_HIDDEN_HEADERS: Final = frozenset({"cookie", BRIDGE_KEY_HEADER, WINDOW_CREDENTIAL_HEADER})
WINDOW_INDEX_HEADER: Final = "x-ipc-window-index"
"""The window a bridge-key request acts for (Oro's ``X-IPC-Window-Index``); a page's request
proves its window by its credential instead, and this header names none for it."""


async def serve(call: Call) -> None:
    send, headers, query = call.send, call.headers, call.query
    base = [*call.base, (b"cache-control", b"no-store")]
    try:
        route, pairs = http_target(call.path, query, headers.get(IPC_URI_HEADER))
    except IPCError as error:
        request_id = request_id_of(query)
        await send_wire(send, base, error_reply(error, source="ipc", request_id=request_id))
        return
    if call.method not in IPC_METHODS:
        unsupported = NotSupportedError(
            f"Method {call.method} is not supported for IPC: use GET, POST, PUT or DELETE"
        )
        wire = error_reply(unsupported, source=route, request_id=request_id_of(pairs))
        allow = (b"allow", b"GET, POST, PUT, DELETE")
        await send_response(send, 405, wire.body, [*base, allow], media_type=wire.media_type)
        return
    if route == ACK_ROUTE:
        await _acknowledge(call, base, pairs)
        return
    by_bridge_key = call.bridge.gatekeeper.is_bridge_key(headers)
    try:
        window = _window(call, by_bridge_key=by_bridge_key)
    except IPCError as error:
        await send_wire(
            send, base, error_reply(error, source=route, request_id=request_id_of(pairs))
        )
        return
    host = call.bridge.host
    # Bodies are capped one by one (ipc.max_body_bytes); their sum is held in the host's
    # budget, so that many concurrent uploads cannot take the host's memory either.
    with host.memory.reserve(0, purpose="IPC request bodies") as held:
        try:
            body = await _read_body(call.receive, headers, call.bridge.max_body_bytes, held)
        except ClientGoneError:
            return
        except OutOfRangeError as error:
            request_id = request_id_of(pairs)
            await _answer_too_large(
                call.receive, send, base, error_reply(error, source=route, request_id=request_id)
            )
            return
        await _dispatch(call, base, route, pairs, body, held, window, by_bridge_key)


def _window(call: Call, *, by_bridge_key: bool) -> int | None:
    """The window a request acts for: the one its credential proves, or for the bridge key's
    outside process the open window ``X-IPC-Window-Index`` names (none named: none).

    :raises InvalidArgumentError: the header is no window index.
    :raises NotFoundError: ``ERR_NO_WINDOW``, no open window has that index.
    """
    named = call.headers.get(WINDOW_INDEX_HEADER)
    if not by_bridge_key or named is None:
        query_credential = last_value(call.query, WINDOW_CREDENTIAL_PARAMETER)
        return call.bridge.gatekeeper.window_of(call.headers, query_credential)
    index = window_index(named)
    if index is None:
        raise InvalidArgumentError.invalid("X-IPC-Window-Index", "a window index (0 to 999999999)")
    try:
        is_open = call.bridge.host.windows.get(index).is_open
    except NotFoundError:
        is_open = False
    if not is_open:
        raise NotFoundError(
            f"X-IPC-Window-Index: no open window has index {index}",
            code="ERR_NO_WINDOW",
            targetWindowIndex=index,
        )
    return index


async def _dispatch(
    call: Call,
    base: HeaderList,
    route: str,
    pairs: list[tuple[str, str]],
    body: bytes,
    memory: MemoryReservation,
    window: int | None,
    by_bridge_key: bool,
) -> None:
    host, headers, send = call.bridge.host, call.headers, call.send
    request = Request(
        host=host,
        headers={
            name: value for name, value in headers.items() if name not in _HANDLER_HIDDEN_HEADERS
        },
        **request_fields(
            route,
            pairs,
            reserved=QUERY_RESERVED,
            transport="http",
            body=body,
            window=window,
        ),
        # Admitted with the header means admitted by it: a wrong key is refused outright.
        by_bridge_key=by_bridge_key,
        # The body's reservation: its parse and the encoded answer are held in it too, and
        # given back when the answer is out.
        memory=memory,
    )

    async def reply(send: Send) -> None:
        if request.wants_parse_ahead():
            await request.parse_ahead()
        wire = wire_reply(await host.router.dispatch(request))
        from_file = can_send_file(call.scope, wire)
        if wire.stream is None or headers.get(CREDIT_HEADER) != "1":
            await send_wire(send, base, wire, from_file=from_file)
            return
        with call.bridge.credits.opened(request.window) as (stream_id, credit):
            await send_paced(send, base, wire, stream_id, credit, from_file=from_file)

    async def answer(send: Send) -> None:
        await answer_cancelled_on_disconnect(call.receive, send, reply, request)

    # A call that has not answered holds one of the connections all windows share: one page
    # may hold only so many (ipc.max_held_connections_per_page, bridge/held.py).
    connections = call.bridge.held
    # The outside process is not counted, whichever window it names: it takes no page's places.
    window = None if request.by_bridge_key else request.window
    page = connections.page_of(window, by_bridge_key=request.by_bridge_key)
    await answer_within_limit(
        connections, page, send, answer, base=base, source=route, request_id=request.id
    )


async def _acknowledge(call: Call, base: HeaderList, pairs: list[tuple[str, str]]) -> None:
    """``ipc.stream.ack``: the page's app consumed ``consumed`` bytes of its stream ``id``
    (``bridge/flow.py``). Answered here, as the bridge's own, never held: it frees a stream."""
    request_id = request_id_of(pairs)
    try:
        stream_id, consumed = parse_ack(last_value(pairs, "id"), last_value(pairs, "consumed"))
        window = call.bridge.gatekeeper.window_of(
            call.headers, last_value(call.query, WINDOW_CREDENTIAL_PARAMETER)
        )
        acked = call.bridge.credits.ack(stream_id, window, consumed)
    except IPCError as error:
        await send_wire(
            call.send, base, error_reply(error, source=ACK_ROUTE, request_id=request_id)
        )
        return
    body = encode_result(ACK_ROUTE, request_id, {"acked": acked})
    await send_response(call.send, 200, body, base, media_type="application/json")


async def _read_body(
    receive: Receive, headers: Mapping[str, str], limit: int, held: MemoryReservation
) -> bytes:
    """The whole request body, refused as soon as it is known to exceed the cap: by its
    ``Content-Length`` before reading anything, or by counting a chunked body. ``held`` holds
    twice the body (the chunks, then their join), taken at once for a declared length (else
    concurrent uploads growing chunk by chunk could each hold part and none finish), and is
    left at the body's size.

    :raises OutOfRangeError: over the cap; :class:`OutOfMemoryError` past the host's budget.
    """
    declared = check_declared_size(headers.get("content-length"), limit)
    if declared is not None:
        held.resize(2 * declared)

    def check(total: int) -> None:
        check_body_size(total, limit)
        if 2 * total > held.size:
            held.resize(2 * total)

    body = await receive_body(receive, check)
    held.resize(len(body))
    return body


async def _answer_too_large(
    receive: Receive, send: Send, base: HeaderList, wire: WireReply
) -> None:
    await start_response(
        send,
        wire.status,
        [
            *base,
            (b"content-type", wire.media_type.encode()),
            (b"content-length", str(len(wire.body)).encode()),
        ],
    )
    await send({"type": "http.response.body", "body": wire.body, "more_body": True})
    discarded = 0
    while discarded <= _DISCARD_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            break
        discarded += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.body", "body": b""})
