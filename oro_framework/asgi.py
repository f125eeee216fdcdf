"""Helpers for plugins that mount an ASGI app with ``oro_register_mounts``.

A mounted app (``mounts.mount("/ai/llama", app, ...)``) is plain ASGI 3: the host hands it
``scope``, ``receive`` and ``send`` once the request passed the bridge's checks. A handful of JSON
endpoints and an event stream do not need a web framework; these helpers are the parts every such
app would otherwise copy::

    from oro_framework.asgi import (
        Receive, Scope, Send, end_event_stream, read_body, run_until_disconnect, send_event,
        send_json, start_event_stream,
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/echo":
            body = await read_body(scope, receive, limit=64 * 1024)  # OutOfRangeError past it
            await send_json(send, 200, {"bytes": len(body)})
            return

        async def count(send: Send) -> None:  # cancelled if the client goes away
            await start_event_stream(send)
            for number in range(3):
                await send_event(send, {"n": number})
            await end_event_stream(send, "[DONE]")

        await run_until_disconnect(receive, send, count)

Answers are ``Cache-Control: no-store`` unless told otherwise: they are dynamic, and the webview
must not keep them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final, TypeVar

from oro_framework.host.envelope import ServerSentEvent, encode_json, encode_sse
from oro_framework.host.errors import AbortError, OutOfRangeError
from oro_framework.web.asgi import (
    ClientGoneError,
    HeaderList,
    Message,
    Receive,
    Scope,
    Send,
    cancelled_on_disconnect,
    read_headers,
    receive_body,
    start_response,
)
from oro_framework.web.asgi import send_response as _send_complete

__all__ = [
    "HeaderList",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "cancelled_on_disconnect",
    "end_event_stream",
    "read_body",
    "read_headers",
    "run_until_disconnect",
    "send_event",
    "send_json",
    "send_response",
    "send_text",
    "start_event_stream",
]

T = TypeVar("T")

_JSON_MEDIA_TYPE: Final = "application/json"
_EVENT_STREAM_MEDIA_TYPE: Final = "text/event-stream; charset=utf-8"


def _with_cache_control(
    headers: Iterable[tuple[bytes, bytes]], cache_control: str | None
) -> HeaderList:
    full: HeaderList = []
    if cache_control is not None:
        full.append((b"cache-control", cache_control.encode("latin-1")))
    full.extend(headers)
    return full


# ----------------------------------------------------------------------------------------------
# Complete responses
# ----------------------------------------------------------------------------------------------


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    *,
    media_type: str | None = None,
    headers: Iterable[tuple[bytes, bytes]] = (),
    cache_control: str | None = "no-store",
    include_body: bool = True,
) -> None:
    """Send a whole response at once, with ``Content-Length``.

    :param status: the HTTP status.
    :param body: the response body.
    :param media_type: the ``Content-Type``; ``None`` sends none.
    :param headers: further headers, lower-case names (``(b"retry-after", b"1")``).
    :param cache_control: the ``Cache-Control`` value; ``None`` sends none.
    :param include_body: ``False`` answers a ``HEAD`` request: the headers (``Content-Length``
        included) without the body.
    """
    await _send_complete(
        send,
        status,
        body,
        _with_cache_control(headers, cache_control),
        media_type=media_type,
        include_body=include_body,
    )


async def send_json(
    send: Send,
    status: int,
    data: Any,
    *,
    headers: Iterable[tuple[bytes, bytes]] = (),
    cache_control: str | None = "no-store",
) -> None:
    """Send ``data`` as an ``application/json`` response (compact UTF-8 JSON).

    A string holding a lone surrogate (JSON text may carry ``"\\ud800"``, and an app may echo it)
    has no UTF-8 form; such a body is written with ``\\u`` escapes instead, which decode to the
    same value.

    :param status: the HTTP status.
    :param data: JSON data: dicts, lists, strings, finite numbers, booleans, ``None``.
    :param headers: further headers, lower-case names.
    :param cache_control: the ``Cache-Control`` value; ``None`` sends none.
    :raises ValueError: ``data`` holds NaN or an infinity, which JSON cannot carry.
    :raises TypeError: ``data`` holds something that is not JSON (bytes, objects...).
    """
    await send_response(
        send,
        status,
        encode_json(data),
        media_type=_JSON_MEDIA_TYPE,
        headers=headers,
        cache_control=cache_control,
    )


async def send_text(
    send: Send,
    status: int,
    text: str,
    *,
    media_type: str = "text/plain; charset=utf-8",
    headers: Iterable[tuple[bytes, bytes]] = (),
    cache_control: str | None = "no-store",
) -> None:
    """Send ``text`` encoded as UTF-8 (a lone surrogate becomes ``?``).

    :param status: the HTTP status.
    :param text: the body.
    :param media_type: the ``Content-Type``; its ``charset`` should stay ``utf-8``
        (``text/plain; version=0.0.4; charset=utf-8`` for Prometheus metrics).
    :param headers: further headers, lower-case names.
    :param cache_control: the ``Cache-Control`` value; ``None`` sends none.
    """
    await send_response(
        send,
        status,
        text.encode("utf-8", errors="replace"),
        media_type=media_type,
        headers=headers,
        cache_control=cache_control,
    )


# ----------------------------------------------------------------------------------------------
# Server-sent events
# ----------------------------------------------------------------------------------------------


async def start_event_stream(
    send: Send,
    *,
    status: int = 200,
    headers: Iterable[tuple[bytes, bytes]] = (),
    cache_control: str | None = "no-store",
) -> None:
    """Start a ``text/event-stream`` response; follow with :func:`send_event` and end with
    :func:`end_event_stream`. ``X-Accel-Buffering: no`` asks a proxy in front not to hold
    events back.

    :param status: the HTTP status.
    :param headers: further headers, lower-case names.
    :param cache_control: the ``Cache-Control`` value; ``None`` sends none.
    """
    await start_response(
        send,
        status,
        [
            (b"content-type", _EVENT_STREAM_MEDIA_TYPE.encode()),
            *_with_cache_control(headers, cache_control),
            (b"x-accel-buffering", b"no"),
        ],
    )


async def send_event(send: Send, item: Any) -> None:
    """Send one event of a stream started with :func:`start_event_stream`.

    :param item: a :class:`~oro_framework.ServerSentEvent` (``data``, ``event``, ``id``), or
        its data alone: a string is sent as it is (``data: [DONE]``), anything else as JSON
        (``data: {"n":1}``). Multi-line data is split as the SSE spec says.
    :raises ValueError: JSON data holds NaN or an infinity.
    :raises TypeError: the data is not JSON.
    """
    await send({"type": "http.response.body", "body": _encode_event(item), "more_body": True})


async def end_event_stream(send: Send, last: Any = None) -> None:
    """End a stream started with :func:`start_event_stream`, the response complete.

    :param last: a final event sent in the same message, as for :func:`send_event`: ``"[DONE]"``
        gives the ``data: [DONE]`` terminator OpenAI's streams end with. ``None`` sends nothing
        more.
    """
    body = b"" if last is None else _encode_event(last)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _encode_event(item: Any) -> bytes:
    return encode_sse(item if isinstance(item, ServerSentEvent) else ServerSentEvent(item))


# ----------------------------------------------------------------------------------------------
# Requests
# ----------------------------------------------------------------------------------------------


async def read_body(scope: Scope, receive: Receive, *, limit: int) -> bytes:
    """The whole request body, refused as soon as it is known to be longer than ``limit``: by
    its ``Content-Length`` before anything is read, or while a chunked body is counted.

    :param limit: the largest body accepted, in bytes.
    :raises OutOfRangeError: the body is longer than ``limit`` (413, extra ``limit``).
    :raises AbortError: the client went away before the body was complete.
    """
    too_large = OutOfRangeError(f"Request body exceeds {limit} bytes", limit=limit)

    def check_size(size: int) -> None:
        if size > limit:
            raise too_large

    declared = read_headers(scope).get("content-length", "").strip()
    if declared.isascii() and declared.isdigit():
        check_size(int(declared))
    try:
        return await receive_body(receive, check_size)
    except ClientGoneError:
        raise AbortError("The client closed the connection before sending the whole body") from None


# ----------------------------------------------------------------------------------------------
# Disconnects
# ----------------------------------------------------------------------------------------------


async def run_until_disconnect(
    receive: Receive, send: Send, answer: Callable[[Send], Awaitable[T]]
) -> T | None:
    """Run ``await answer(send)`` and cancel it if the client goes away before the response is
    complete: a generation, a query or a stream behind it stops at once, its ``finally`` blocks
    run. Built on :func:`cancelled_on_disconnect`, which says how the end of a response and a
    disconnect are told apart.

    Read the request body first: from here on, ``receive`` belongs to the task that waits for the
    disconnect.

    :param answer: sends the response with the ``send`` it is given (not the outer one, which
        would not tell the watcher that the response is complete).
    :returns: what ``answer`` returned, or ``None`` when the client went away first.
    :raises Exception: what ``answer`` raised, as it is.
    """
    finished: list[T] = []
    async with cancelled_on_disconnect(receive, send) as tracked_send:
        finished.append(await answer(tracked_send))
    return finished[0] if finished else None
