"""``route=<name>`` frames: one IPC request through the host's router, answered in frames.

The request is built, capped and answered by :mod:`oro_framework.exchange`, as the HTTP bridge's
are (options except :data:`~oro_framework.exchange.FRAME_RESERVED` are the parameters, ``seq``
the envelope id), dispatched by the same router (same permission checks, timeouts and errors)
and its :class:`~oro_framework.Reply` sent as:

* one frame ``{seq, token?, status, type}`` whose payload is the JSON envelope (data or error)
  or the raw bytes of a binary reply;
* for a streamed reply, ``{seq, token?, status, type, stream: "start"}``, then one
  ``{seq, token?, stream: "data"}`` frame per chunk (the same SSE text or byte chunks the bridge
  writes), then ``{seq, token?, stream: "end"}``.
  A request with ``credit=<bytes>`` gets flow control: data frames wait for the page's
  ``{ack: <seq>, bytes: n}`` frames (:class:`~oro_conduit.connection.StreamCredit`).
* A request with ``bulk=<bytes>`` gets a bytes body larger than that as
  ``{seq, token?, status, type, fetch: <ticket>}``, and a byte stream that would pass that many
  bytes continues as ``{seq, token?, stream: "fetch", fetch: <ticket>}``: the page fetches the
  body with the ticket (:mod:`oro_conduit.bulk`).

What is the Conduit's own stays here: the payload ``digest``, the stream ``credit``, the
``bulk`` hand-over and the refusal of ``internal.*`` routes.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

import anyio

from oro_conduit.bulk import BulkReplies, HandedOver, Parked
from oro_conduit.codec import OptionValue
from oro_conduit.connection import Client, StreamCredit
from oro_conduit.outside import SOCKET_TOKEN, with_socket_token
from oro_framework import (
    ByteStream,
    Host,
    InvalidArgumentError,
    IPCError,
    Reply,
    Request,
    SecurityError,
    WebSocketClosed,
)
from oro_framework.exchange import (
    EVENTS_MEDIA_TYPE,
    FRAME_RESERVED,
    WireReply,
    check_body_size,
    error_reply,
    request_fields,
    stream_ended,
    stream_error_event,
    wire_reply,
)

__all__ = ["answer_error", "check_digest", "dispatch", "request_of", "send_reply"]

# A credit is a byte count; a longer digit string is no credit (int() refuses strings past
# 4,300 digits with a ValueError a page could otherwise trigger at will).
_MAX_CREDIT_DIGITS: Final = 15


def request_of(host: Host, client: Client, options: Mapping[str, str], payload: bytes) -> Request:
    """The :class:`Request` a route frame stands for (``options`` are the raw strings)."""
    pairs = options.items()
    fields = request_fields(
        options["route"],
        with_socket_token(pairs) if client.info.outside else pairs,
        reserved=FRAME_RESERVED,
        transport="conduit",
        body=payload,
        window=client.info.window,
    )
    return Request(host=host, client_id=client.id, **fields)


def _check(route: str, options: Mapping[str, str], payload: bytes, limit: int) -> None:
    if route.lower().startswith("internal."):
        raise SecurityError(
            f"Route '{route}' is not reachable over Conduit: internal routes are "
            "served over HTTP IPC only"
        )
    check_body_size(len(payload), limit)
    check_digest(options, payload)


def check_digest(options: Mapping[str, str], payload: bytes) -> None:
    """A frame's ``digest`` option, when present, must be the SHA-256 hex of its payload.

    :raises InvalidArgumentError: it is not.
    """
    digest = options.get("digest")
    if digest is not None and digest.lower() != hashlib.sha256(payload).hexdigest():
        raise InvalidArgumentError(
            "Conduit frame digest does not match its payload (expected the SHA-256 hex of the "
            "payload)",
            code="ERR_INVALID_ARG_VALUE",
        )


def _byte_count(options: Mapping[str, str], key: str) -> int | None:
    text = options.get(key, "")
    if len(text) <= _MAX_CREDIT_DIGITS and text.isascii() and text.isdigit():
        size = int(text)
        if size > 0:
            return size
    return None


class Handover(NamedTuple):
    """Where bodies past ``limit`` bytes go instead of the socket (``bulk=<limit>``)."""

    replies: BulkReplies
    limit: int


def _frame_options(seq: str, token: str | None, **extra: OptionValue) -> dict[str, OptionValue]:
    options: dict[str, OptionValue] = {"seq": seq}
    if token is not None:
        options["token"] = token
    options.update(extra)
    return options


async def answer_error(
    client: Client, source: str, options: Mapping[str, str], error: IPCError
) -> None:
    """Answer a frame that could not be dispatched with an error envelope frame."""
    seq, token = options.get("seq", "0"), options.get("token")
    if token is None and client.info.outside:
        token = options.get(SOCKET_TOKEN)
    wire = error_reply(error, source=source, request_id=seq, token=token)
    await client.send(
        _frame_options(seq, token, status=wire.status, type=wire.media_type),
        wire.body,
        digest="digest" in options,
    )


async def dispatch(
    host: Host,
    client: Client,
    options: Mapping[str, str],
    payload: bytes,
    max_body: int,
    bulk: BulkReplies | None = None,
) -> None:
    """Run one route frame and send its reply frames (the caller owns cancellation).

    :param bulk: where bodies are handed over to fetch when the frame asks (``bulk=<bytes>``);
        ``None``: every body goes over the socket.
    """
    try:
        _check(options["route"], options, payload, max_body)
    except IPCError as error:
        await answer_error(client, options["route"], options, error)
        return
    request = request_of(host, client, options, payload)
    reply = await host.router.dispatch(request)
    limit = _byte_count(options, "bulk")
    handover = None if bulk is None or limit is None else Handover(bulk, limit)
    await send_reply(
        client,
        request,
        reply,
        digest="digest" in options,
        credit=_byte_count(options, "credit"),
        handover=handover,
    )


async def send_reply(
    client: Client,
    request: Request,
    reply: Reply,
    *,
    digest: bool,
    credit: int | None = None,
    handover: Handover | None = None,
) -> None:
    """Send ``reply`` to ``request`` as frames (one, or start/data.../end for a stream); with
    ``handover``, a bytes body past its limit goes as a ticket for fetch."""
    wire = wire_reply(reply)
    if wire.stream is None:
        options = _frame_options(
            request.id, request.token, status=wire.status, type=wire.media_type
        )
        # Only raw bytes: a JSON envelope fetched with the ticket would name the take route.
        if handover is not None and reply.body is not None and len(wire.body) > handover.limit:
            parked = Parked(wire.body, wire.media_type)
            await _hand_over(client, handover.replies, parked, options, digest=digest)
            return
        await client.send(options, wire.body, digest=digest)
        return
    if wire.media_type == EVENTS_MEDIA_TYPE:
        # Events are small and their latency is the point: they stay on the socket.
        handover = None
    # Built only for a stream: most replies are one frame.
    window = None if credit is None else StreamCredit(credit)
    sending = _StreamSend(client, request, reply.source, wire, digest)
    await sending.run(credit=window, handover=handover)


async def _hand_over(
    client: Client,
    replies: BulkReplies,
    parked: Parked,
    options: dict[str, OptionValue],
    *,
    digest: bool,
) -> None:
    ticket = replies.park(parked)
    options["fetch"] = ticket
    try:
        await client.send(options, digest=digest)
    except BaseException:
        await replies.drop(ticket, parked)
        raise
    await replies.hold(ticket, parked)


@dataclass
class _StreamSend:
    """One streamed reply being sent: to whom, for which request and route, and how far."""

    client: Client
    request: Request
    route: str
    wire: WireReply
    digest: bool
    started: bool = False
    """Whether its ``start`` frame went out (the page has the status)."""

    async def run(self, *, credit: StreamCredit | None, handover: Handover | None) -> None:
        """Send the stream to its end, or to the error that ends it."""
        try:
            await _send_stream(self, credit=credit, handover=handover)
        except IPCError as error:
            # A byte stream that fails (an event stream's error is its last event): the error
            # is its answer, or its end once started, and the connection serves on.
            await self.end_with(error)
        except anyio.get_cancelled_exc_class():
            # The host stops and takes the Conduit down before the stream's own end went out:
            # the page reads the same end as over fetch.
            if self.started and self.request.host.is_stopping:
                await self.end_with(stream_ended(self.route))
            raise

    async def end_with(self, error: IPCError) -> None:
        """End the stream with ``error`` as the page reads an error that ends a stream: the
        last event of an event stream, else an error frame (its status, when not started).
        Shielded and bounded: the connection may be stopping, or gone."""
        request, digest = self.request, self.digest
        with (
            anyio.CancelScope(shield=True),
            anyio.move_on_after(_END_TIMEOUT),
            contextlib.suppress(WebSocketClosed),
        ):
            if self.started and self.wire.media_type == EVENTS_MEDIA_TYPE:
                last = _frame_options(request.id, request.token, stream="data")
                await self.client.send(last, stream_error_event(error), digest=digest)
                end = _frame_options(request.id, request.token, stream="end")
                await self.client.send(end, digest=digest)
                return
            options = {"seq": request.id}
            if request.token is not None:
                options["token"] = request.token
            await answer_error(self.client, self.route, options, error)


_END_TIMEOUT: Final = 2.0
"""How long ending a stream may wait on a page that does not read."""


async def _send_stream(
    sending: _StreamSend, *, credit: StreamCredit | None, handover: Handover | None
) -> None:
    client, request, wire, digest = sending.client, sending.request, sending.wire, sending.digest
    if credit is not None:
        client.credits[request.id] = credit
    chunks = wire.chunks()
    handed_over = False
    try:
        start = _frame_options(
            request.id, request.token, status=wire.status, type=wire.media_type, stream="start"
        )
        first: bytes | None = None
        if handover is not None:
            # A file's stream past the limit (ByteStream.file: known length) is handed over
            # unread, before `start`: the take is then answered as fetch answers the call
            # itself (Content-Length, sent from the file by sendfile), not chunk by chunk
            # through Python; dropped, its file is closed. One whose first chunk is already
            # past the limit is handed over whole too: the page then reads fetch's own body,
            # where a stream begun on the socket and continued over fetch is piped through
            # JavaScript (64 MiB: ~60 ms more).
            stream, known = wire.stream, wire.length or 0
            if isinstance(stream, ByteStream) and wire.file is not None and known > handover.limit:
                handed_over = True
                await _hand_over_whole(sending, credit, handover, stream)
                return
            first = await anext(chunks, None)
            if first is not None and len(first) > handover.limit:
                handed_over = True
                await _hand_over_whole(sending, credit, handover, HandedOver(first, chunks))
                return
        await client.send(start, digest=digest)
        sending.started = True
        sent = 0
        while True:
            if first is not None:
                chunk, first = first, None
            else:
                next_chunk = await anext(chunks, None)
                if next_chunk is None:
                    break
                chunk = next_chunk
            if handover is not None and sent + len(chunk) > handover.limit:
                handed_over = True
                if client.credits.get(request.id) is credit:
                    client.credits.pop(request.id, None)
                rest = Parked(HandedOver(chunk, chunks), wire.media_type)
                switch = _frame_options(request.id, request.token, stream="fetch")
                await _hand_over(client, handover.replies, rest, switch, digest=digest)
                return
            if credit is not None:
                await credit.reserve(len(chunk))
            data = _frame_options(request.id, request.token, stream="data")
            await client.send(data, chunk, digest=digest)
            sent += len(chunk)
        await client.send(_frame_options(request.id, request.token, stream="end"), digest=digest)
    finally:
        if client.credits.get(request.id) is credit:
            client.credits.pop(request.id, None)
        if not handed_over:
            await _close(chunks)


async def _hand_over_whole(
    sending: _StreamSend,
    credit: StreamCredit | None,
    handover: Handover,
    body: ByteStream | HandedOver,
) -> None:
    """Hand a stream over to fetch before its ``start`` frame: one frame with its ticket."""
    client, request, wire = sending.client, sending.request, sending.wire
    if client.credits.get(request.id) is credit:
        client.credits.pop(request.id, None)
    options = _frame_options(request.id, request.token, status=wire.status, type=wire.media_type)
    parked = Parked(body, wire.media_type)
    await _hand_over(client, handover.replies, parked, options, digest=sending.digest)


async def _close(chunks: AsyncGenerator[bytes, None]) -> None:
    with anyio.CancelScope(shield=True):
        await chunks.aclose()
