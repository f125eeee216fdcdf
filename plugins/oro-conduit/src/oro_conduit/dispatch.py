"""``route=<name>`` frames: one IPC request through the host's router, answered in frames.

The request is built as the HTTP bridge builds one (parameters decoded by
:func:`oro_framework.decode_query`, ``seq`` as the envelope id), dispatched by the same router
(same permission checks, timeouts and errors) and its :class:`~oro_framework.Reply` sent as:

* one frame ``{seq, token?, status, type}`` whose payload is the JSON envelope (data or error)
  or the raw bytes of a binary reply;
* for a streamed reply, ``{seq, token?, status, type, stream: "start"}``, then one
  ``{seq, token?, stream: "data"}`` frame per chunk (the same SSE text or byte chunks the bridge
  writes, :func:`oro_framework.envelope.stream_chunks`), then ``{seq, token?, stream: "end"}``.
  A request with ``credit=<bytes>`` gets flow control: data frames wait for the page's
  ``{ack: <seq>, bytes: n}`` frames (:class:`~oro_conduit.connection.StreamCredit`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from typing import Final

from oro_conduit.codec import OptionValue
from oro_conduit.connection import Client, StreamCredit
from oro_framework import (
    Host,
    InvalidArgumentError,
    IPCError,
    OutOfRangeError,
    Reply,
    Request,
    SecurityError,
    decode_query,
)
from oro_framework.envelope import ByteStream, EventStream, encode_error, stream_chunks

__all__ = ["RESERVED_OPTIONS", "answer_error", "dispatch", "request_of"]

RESERVED_OPTIONS: Final = frozenset({"route", "seq", "token", "digest", "credit"})
"""Options of a route frame that are not parameters of the request."""

_JSON: Final = "application/json"


def request_of(host: Host, client: Client, options: Mapping[str, str], payload: bytes) -> Request:
    """The :class:`Request` a route frame stands for (``options`` are the raw strings)."""
    pairs = [(key, value) for key, value in options.items() if key not in RESERVED_OPTIONS]
    index = options.get("index", "")
    window = client.info.window
    if window is None and index.isascii() and index.isdigit():
        window = int(index)
    return Request(
        options["route"],
        host=host,
        params=decode_query(pairs),
        body=payload,
        window=window,
        client_id=client.id,
        transport="conduit",
        id=options.get("seq", "0"),
        token=options.get("token"),
    )


def _check(request: Request, options: Mapping[str, str], payload: bytes, limit: int) -> None:
    if request.route.lower().startswith("internal."):
        raise SecurityError(
            f"Route '{request.route}' is not reachable over Conduit: internal routes are "
            "served over HTTP IPC only"
        )
    if len(payload) > limit:
        raise OutOfRangeError(
            f"Request body exceeds ipc.max_body_bytes ({limit} bytes)", limit=limit
        )
    digest = options.get("digest")
    if digest is not None and digest.lower() != hashlib.sha256(payload).hexdigest():
        raise InvalidArgumentError(
            "Conduit frame digest does not match its payload (expected the SHA-256 hex of the "
            "payload)",
            code="ERR_INVALID_ARG_VALUE",
        )


def _reply_options(request: Request, **extra: OptionValue) -> dict[str, OptionValue]:
    options: dict[str, OptionValue] = {"seq": request.id}
    if request.token is not None:
        options["token"] = request.token
    options.update(extra)
    return options


async def answer_error(
    client: Client, source: str, options: Mapping[str, str], error: IPCError
) -> None:
    """Answer a frame that could not be dispatched with an error envelope frame."""
    reply: dict[str, OptionValue] = {"seq": options.get("seq", "0")}
    if "token" in options:
        reply["token"] = options["token"]
    reply.update(status=error.status, type=_JSON)
    payload = encode_error(source, options.get("seq", "0"), error, token=options.get("token"))
    await client.send(reply, payload, digest="digest" in options)


async def dispatch(
    host: Host, client: Client, options: Mapping[str, str], payload: bytes, max_body: int
) -> None:
    """Run one route frame and send its reply frames (the caller owns cancellation)."""
    request = request_of(host, client, options, payload)
    digest = "digest" in options
    try:
        _check(request, options, payload, max_body)
    except IPCError as error:
        await answer_error(client, request.route, options, error)
        return
    reply = await host.router.dispatch(request)
    window = options.get("credit", "")
    credit = StreamCredit(int(window)) if window.isdigit() and int(window) > 0 else None
    await send_reply(client, request, reply, digest=digest, credit=credit)


async def send_reply(
    client: Client,
    request: Request,
    reply: Reply,
    *,
    digest: bool,
    credit: StreamCredit | None = None,
) -> None:
    if reply.stream is None:
        if reply.body is not None:
            media_type = "application/octet-stream"
            body = reply.body
        else:
            media_type, body = _JSON, reply.payload
        await client.send(
            _reply_options(request, status=reply.status, type=media_type), body, digest=digest
        )
        return
    await _send_stream(client, request, reply.stream, digest=digest, credit=credit)


async def _send_stream(
    client: Client,
    request: Request,
    stream: EventStream | ByteStream,
    *,
    digest: bool,
    credit: StreamCredit | None,
) -> None:
    media_type = "text/event-stream" if isinstance(stream, EventStream) else stream.media_type
    if credit is not None:
        client.credits[request.id] = credit
    try:
        await client.send(
            _reply_options(request, status=200, type=media_type, stream="start"), digest=digest
        )
        async with contextlib.aclosing(stream_chunks(stream)) as chunks:
            async for chunk in chunks:
                if credit is not None:
                    await credit.reserve(len(chunk))
                await client.send(_reply_options(request, stream="data"), chunk, digest=digest)
        await client.send(_reply_options(request, stream="end"), digest=digest)
    finally:
        if client.credits.get(request.id) is credit:
            client.credits.pop(request.id, None)
