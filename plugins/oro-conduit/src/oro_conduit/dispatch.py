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

What is the Conduit's own stays here: the payload ``digest``, the stream ``credit`` and the
refusal of ``internal.*`` routes.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from typing import Final

from oro_conduit.codec import OptionValue
from oro_conduit.connection import Client, StreamCredit
from oro_framework import Host, InvalidArgumentError, IPCError, Reply, Request, SecurityError
from oro_framework.exchange import (
    FRAME_RESERVED,
    WireReply,
    check_body_size,
    error_reply,
    request_fields,
    wire_reply,
)

__all__ = ["answer_error", "check_digest", "dispatch", "request_of", "send_reply"]

# A credit is a byte count; a longer digit string is no credit (int() refuses strings past
# 4,300 digits with a ValueError a page could otherwise trigger at will).
_MAX_CREDIT_DIGITS: Final = 15


def request_of(host: Host, client: Client, options: Mapping[str, str], payload: bytes) -> Request:
    """The :class:`Request` a route frame stands for (``options`` are the raw strings)."""
    fields = request_fields(
        options["route"],
        options.items(),
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


def _credit(options: Mapping[str, str]) -> StreamCredit | None:
    window = options.get("credit", "")
    if len(window) <= _MAX_CREDIT_DIGITS and window.isascii() and window.isdigit():
        size = int(window)
        if size > 0:
            return StreamCredit(size)
    return None


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
    wire = error_reply(error, source=source, request_id=seq, token=token)
    await client.send(
        _frame_options(seq, token, status=wire.status, type=wire.media_type),
        wire.body,
        digest="digest" in options,
    )


async def dispatch(
    host: Host, client: Client, options: Mapping[str, str], payload: bytes, max_body: int
) -> None:
    """Run one route frame and send its reply frames (the caller owns cancellation)."""
    try:
        _check(options["route"], options, payload, max_body)
    except IPCError as error:
        await answer_error(client, options["route"], options, error)
        return
    request = request_of(host, client, options, payload)
    reply = await host.router.dispatch(request)
    await send_reply(client, request, reply, digest="digest" in options, credit=_credit(options))


async def send_reply(
    client: Client,
    request: Request,
    reply: Reply,
    *,
    digest: bool,
    credit: StreamCredit | None = None,
) -> None:
    """Send ``reply`` to ``request`` as frames (one, or start/data.../end for a stream)."""
    wire = wire_reply(reply)
    if wire.stream is None:
        options = _frame_options(
            request.id, request.token, status=wire.status, type=wire.media_type
        )
        await client.send(options, wire.body, digest=digest)
        return
    await _send_stream(client, request, wire, digest=digest, credit=credit)


async def _send_stream(
    client: Client,
    request: Request,
    wire: WireReply,
    *,
    digest: bool,
    credit: StreamCredit | None,
) -> None:
    if credit is not None:
        client.credits[request.id] = credit
    try:
        start = _frame_options(
            request.id, request.token, status=wire.status, type=wire.media_type, stream="start"
        )
        await client.send(start, digest=digest)
        async with contextlib.aclosing(wire.chunks()) as chunks:
            async for chunk in chunks:
                if credit is not None:
                    await credit.reserve(len(chunk))
                data = _frame_options(request.id, request.token, stream="data")
                await client.send(data, chunk, digest=digest)
        await client.send(_frame_options(request.id, request.token, stream="end"), digest=digest)
    finally:
        if client.credits.get(request.id) is credit:
            client.credits.pop(request.id, None)
