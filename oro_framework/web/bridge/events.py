"""``/oro/events?oro_window=<credential>``: the host's events as server-sent events, and
``oro_page_closed`` when a window's last channel drops."""

from __future__ import annotations

import logging

from oro_framework.kernel.envelope import ServerSentEvent, encode_sse
from oro_framework.kernel.exchange import last_value
from oro_framework.kernel.launch import WINDOW_CREDENTIAL_PARAMETER
from oro_framework.web.asgi import cancelled_on_disconnect, start_response
from oro_framework.web.bridge.answers import not_allowed
from oro_framework.web.bridge.call import Call

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
