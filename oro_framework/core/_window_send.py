"""The ``window.send`` route, registered by the ``application`` plugin: a page sends a page
event to another window's pages.

Messages between windows are how Oro's apps talk, and the page that gets one decides what it
means; but no page may send an event the host or a plugin sends (``dropin``, ``applicationurl``,
``online``, ``backend:*``...: the names they declare through ``oro_register_page_events``,
``host.events.declared``), or it would make another window's page believe the host said it
(``ERR_RESERVED_EVENT``). Socket's ``message`` travels as the host's own
:data:`WINDOW_MESSAGE_EVENT`, with the sender's window as the host proved it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from oro_framework import PAGE_EVENT_NAME, InvalidArgumentError

if TYPE_CHECKING:
    from oro_framework import PageEvent, Request

WINDOW_MESSAGE_EVENT: Final = "windowmessage"
"""The page event a ``window.send`` of ``message`` travels as (declared by the ``application``
plugin: pages cannot send it themselves); oro:bootstrap dispatches it as a
``MessageEvent('message')``."""

MESSAGE: Final = "message"
"""Socket's window message (``ApplicationWindow.postMessage``), which a page may send."""


def reserved_event(event: str, declared: PageEvent) -> InvalidArgumentError:
    """The error of a ``window.send`` of ``event``, which ``declared`` reserves."""
    return InvalidArgumentError(
        f"'{event}' is a page event only the host and its plugins send ('{declared.label}', "
        f"declared by '{declared.plugin}'): window.send cannot send it",
        code="ERR_RESERVED_EVENT",
        event=event,
    )


async def send(request: Request) -> dict[str, Any]:
    """Deliver page event `event` with detail `value` to the pages of window
    `targetWindowIndex` only."""
    manager = request.host.windows
    event = request.params.require_str("event")
    if PAGE_EVENT_NAME.fullmatch(event) is None:
        raise InvalidArgumentError.invalid(
            "event",
            "a name of at most 128 characters without control characters, not starting "
            "with a space",
        )
    declared = None if event == MESSAGE else request.host.events.declared.reserving(event)
    if declared is not None:
        raise reserved_event(event, declared)
    if not request.by_bridge_key:
        # A message says which window sent it by coming from one: a worker sends none.
        request.require_window()
    window = manager.target(request)
    value = request.params.get("value")
    if event == MESSAGE:
        # Socket dispatches it as MessageEvent('message', {data}) in the target page
        # (src/runtime/javascript/factory.cc). 'message' is the event channel's own name, so
        # it travels as WINDOW_MESSAGE_EVENT with the sender's window as its credential proved
        # it (None: the backend or another process), which no parameter of the page sets.
        await manager.send(window, WINDOW_MESSAGE_EVENT, {"data": value, "from": request.window})
    else:
        await manager.send(window, event, value)
    return {"index": window.index, "event": event}
