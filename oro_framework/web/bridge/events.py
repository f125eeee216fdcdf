"""``/oro/events?oro_window=<credential>``: the host's events, over a WebSocket (what pages use)
or as server-sent events; and ``oro_page_closed`` when a window's last channel drops.

Pages take the WebSocket: a browser opens at most 6 HTTP/1.1 connections to one host, shared by
every window of the app, and an event stream holds one of them for as long as the page lives,
so a 7th window's modules and calls waited forever. A WebSocket leaves that pool once open
(Chromium's and libsoup's), and 64 windows each hold one. The event stream stays for clients
without WebSockets (and ``EventSource`` users)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream

from oro_framework.host.envelope import (
    ServerSentEvent,
    encode_event_frame,
    encode_sse,
)
from oro_framework.host.errors import TooManyConnectionsError
from oro_framework.host.events import Event
from oro_framework.host.exchange import last_value, parse_query
from oro_framework.host.launch import WINDOW_CREDENTIAL_PARAMETER
from oro_framework.web.asgi import (
    HeaderList,
    Receive,
    Scope,
    Send,
    cancelled_on_disconnect,
    read_headers,
    send_not_allowed,
    start_response,
)
from oro_framework.web.bridge.call import Call
from oro_framework.web.bridge.held import PageKey
from oro_framework.web.security import Access, Admitted

if TYPE_CHECKING:
    from oro_framework.web.bridge.app import Bridge

__all__ = ["serve", "serve_socket"]

logger = logging.getLogger("oro_framework.bridge")

_TRY_AGAIN_LATER = 1013
"""The close code of a channel refused for now; its reason is ``retry=<ms>``."""
_POLICY_VIOLATION = 1008
_GOING_AWAY = 1001
_UNSUPPORTED_DATA = 1003
"""The channel carries events to the page only: a message from the page ends it."""


async def serve(call: Call) -> None:
    if call.method != "GET":
        await send_not_allowed(call.send, call.base, "GET")
        return
    bridge = call.bridge
    # The window's events only to the page that proves it is that window; `?window=N` alone
    # would let any page read another window's events.
    window = bridge.gatekeeper.window_of(
        call.headers, last_value(call.query, WINDOW_CREDENTIAL_PARAMETER)
    )
    headers = [
        *call.base,
        (b"content-type", b"text/event-stream"),
        (b"cache-control", b"no-store"),
    ]
    # The channel holds one of the connections every window shares for as long as it is open:
    # one page may hold only so many (ipc.max_held_connections_per_page, bridge/held.py).
    # Admitted by the session alone: the bridge key is valid for /ipc only.
    held, page = bridge.held, bridge.held.page_of(window)
    retry = held.open_channel(page)
    if retry is not None:
        await _come_back_later(call, headers, retry, page)
        return
    try:
        await _stream(call, window, headers)
    finally:
        held.close_channel(page)


async def serve_socket(bridge: Bridge, scope: Scope, receive: Receive, send: Send) -> None:
    """``/oro/events`` as a WebSocket: admitted as the event stream is (Host, Origin, the
    session cookie the handshake carries; never the bridge key), each event one text message
    (:func:`~oro_framework.host.envelope.encode_event_frame`)."""
    headers = read_headers(scope)
    query = parse_query(scope.get("query_string", b""))
    server = scope.get("server")
    admission = bridge.gatekeeper.admit(headers, port=int(server[1]) if server else None)
    if not isinstance(admission, Admitted) or admission.access is not Access.SESSION:
        await receive()
        # Closing before accepting makes the server answer the handshake with 403.
        await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
        return
    window = bridge.gatekeeper.window_of(headers, last_value(query, WINDOW_CREDENTIAL_PARAMETER))
    if (await receive())["type"] != "websocket.connect":
        return
    held, page = bridge.held, bridge.held.page_of(window)
    retry = held.open_channel(page)
    if retry is not None:
        # Accepted, then closed with the delay: a refused handshake tells the page nothing.
        await send({"type": "websocket.accept"})
        reason = f"retry={retry} {TooManyConnectionsError.default_code}"
        await send({"type": "websocket.close", "code": _TRY_AGAIN_LATER, "reason": reason})
        return
    try:
        async with _subscribed(bridge, window) as events, anyio.create_task_group() as group:
            # Subscribed before the handshake is answered: a page whose channel is open
            # receives every event emitted afterwards.
            await send({"type": "websocket.accept"})
            group.start_soon(_until_closed, receive, send, group.cancel_scope.cancel)
            async for event in events:
                frame = _frame(event)
                if frame is not None:
                    await send({"type": "websocket.send", "text": frame})
            await send({"type": "websocket.close", "code": _GOING_AWAY})
            group.cancel_scope.cancel()
    finally:
        held.close_channel(page)


async def _until_closed(receive: Receive, send: Send, stop: Callable[[], None]) -> None:
    """Wait for the page to close the channel; a message from it ends the channel too."""
    message = await receive()
    if message["type"] == "websocket.receive":
        with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
            await send({"type": "websocket.close", "code": _UNSUPPORTED_DATA})
    stop()


def _sse_event(event: Event) -> ServerSentEvent:
    return ServerSentEvent(event.data, event=event.name, id=str(event.id))


def _frame(event: Event) -> str | None:
    try:
        return encode_event_frame(_sse_event(event))
    except (TypeError, ValueError):
        logger.exception("event %r has data that is not JSON; not sent", event.name)
        return None


async def _come_back_later(
    call: Call, headers: HeaderList, retry: int, page: PageKey | None
) -> None:
    """An event stream that ends at once, its ``retry:`` telling the ``EventSource`` when to
    reconnect: a 429 would close it for good (an ``EventSource`` gives up on any status but
    200), and the page would never get its events back once its other connections close."""
    error = TooManyConnectionsError(
        f"This page already holds {call.bridge.held.limit_of(page)} open connections: come "
        "back later (ipc.max_held_connections_per_page)"
    )
    body = f": {error.code} {error.message}\nretry: {retry}\n\n".encode()
    retry_after = (b"retry-after", str(max(1, retry // 1000)).encode())
    await start_response(call.send, 200, [*headers, retry_after])
    await call.send({"type": "http.response.body", "body": body})


@contextlib.asynccontextmanager
async def _subscribed(
    bridge: Bridge, window: int | None
) -> AsyncIterator[MemoryObjectReceiveStream[Event]]:
    """The host's events for ``window``'s page, counted as one of its open channels: when its
    last one closes, the page is gone (``oro_page_closed``)."""
    if window is not None:
        bridge.channels[window] = bridge.channels.get(window, 0) + 1
    try:
        async with bridge.host.events.subscribe(window=window, page=True) as events:
            yield events
    finally:
        if window is not None:
            remaining = bridge.channels.pop(window) - 1
            if remaining:
                bridge.channels[window] = remaining
            elif not bridge.host.is_stopping:
                # While the host stops, every channel closes and the plugins are unconfigured
                # (which releases what pages held): telling them of each page would reach
                # plugins that are already gone.
                # What was dropped on the page was granted by the host: it ends with the page.
                bridge.host.file_grants.revoke(window)
                bridge.host.hooks.page_closed(bridge.host, window)


async def _stream(call: Call, window: int | None, headers: HeaderList) -> None:
    async with (
        _subscribed(call.bridge, window) as events,
        cancelled_on_disconnect(call.receive, call.send) as send,
    ):
        await start_response(send, 200, headers)
        # Subscribed before this first line is sent: a client that has read it receives
        # every event emitted afterwards.
        await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
        async for event in events:
            try:
                encoded = encode_sse(_sse_event(event))
            except (TypeError, ValueError):
                logger.exception("event %r has data that is not JSON; not sent", event.name)
                continue
            await send({"type": "http.response.body", "body": encoded, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
