"""``/oro/events?oro_window=<credential>``: the host's events as server-sent events, and
``oro_page_closed`` when a window's last channel drops."""

from __future__ import annotations

import logging

from oro_framework.host.envelope import ServerSentEvent, encode_sse
from oro_framework.host.errors import TooManyConnectionsError
from oro_framework.host.exchange import last_value
from oro_framework.host.launch import WINDOW_CREDENTIAL_PARAMETER
from oro_framework.web.asgi import HeaderList, cancelled_on_disconnect, start_response
from oro_framework.web.bridge.answers import not_allowed
from oro_framework.web.bridge.call import Call
from oro_framework.web.bridge.held import PageKey

__all__ = ["serve"]

logger = logging.getLogger("oro_framework.bridge")


async def serve(call: Call) -> None:
    if call.method != "GET":
        await not_allowed(call.send, call.base, "GET")
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


async def _stream(call: Call, window: int | None, headers: HeaderList) -> None:
    bridge = call.bridge
    if window is not None:
        bridge.channels[window] = bridge.channels.get(window, 0) + 1
    try:
        async with (
            bridge.host.events.subscribe(window=window, page=True) as events,
            cancelled_on_disconnect(call.receive, call.send) as send,
        ):
            await start_response(send, 200, headers)
            # Subscribed before this first line is sent: a client that has read it receives
            # every event emitted afterwards.
            await send(
                {"type": "http.response.body", "body": b": connected\n\n", "more_body": True}
            )
            async for event in events:
                try:
                    encoded = encode_sse(
                        ServerSentEvent(event.data, event=event.name, id=str(event.id))
                    )
                except (TypeError, ValueError):
                    logger.exception("event %r has data that is not JSON; not sent", event.name)
                    continue
                await send({"type": "http.response.body", "body": encoded, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
    finally:
        if window is not None:
            remaining = bridge.channels.pop(window) - 1
            if remaining:
                bridge.channels[window] = remaining
            elif not bridge.host.is_stopping:
                # While the host stops, every channel closes and the plugins are unconfigured
                # (which releases what pages held): telling them of each page would reach
                # plugins that are already gone.
                bridge.host.hooks.page_closed(bridge.host, window)
