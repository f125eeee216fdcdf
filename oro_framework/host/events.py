"""Host → page events: plugins emit, each window's subscribers (the bridge's SSE) receive."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Final, NamedTuple, final

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from oro_framework.host.loop_thread import LoopThread
from oro_framework.host.page_events import PageEventTable
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.memory import MemoryReservation

__all__ = ["CHANNEL_EVENTS", "Event", "EventBus"]

logger = logging.getLogger("oro_framework.events")

CHANNEL_EVENTS: Final = ("open", "error", "message")
"""The names a page's event channel (an ``EventSource``, or oro:bootstrap's stand-in for one)
uses for itself: never a host event a page receives, nor one a page sends (``window.send`` of
``message`` travels as the host's ``windowmessage``)."""


@final
@record
class Event:
    """One event; ``window`` is ``None`` for a broadcast to every window. ``id`` counts up per
    host from 1: it travels as the SSE ``id`` (and with the event on a Conduit socket) so that a
    page receiving an event on two channels dispatches it once."""

    name: str
    data: Any
    window: int | None = None
    id: int = 0


class _Held(NamedTuple):
    """An event held for a window, and the budget its data is held in."""

    name: str
    data: Any
    memory: MemoryReservation | None

    def release(self) -> None:
        if self.memory is not None:
            self.memory.release()


@record(frozen=False)
class _Subscriber:
    window: int | None
    send: MemoryObjectSendStream[Event]
    sees_every_window: bool = True

    def receives(self, window: int | None) -> bool:
        if window is None or self.window == window:
            return True
        return self.window is None and self.sees_every_window


class EventBus:
    """Fan-out of :class:`Event` to subscribers, never blocking the emitter.

    A subscriber that falls ``buffer`` events behind is disconnected (its stream ends) rather than
    slowing everyone down or growing without bound; the page reconnects and resynchronises.

    :meth:`emit`, :meth:`emit_when_subscribed` and :meth:`forget` may be called from any thread
    (a plain ``def`` handler's, or one a plugin started): off the loop's thread they run on the
    loop (``loop``, bound as the host starts) and return once they ran.
    """

    def __init__(self, buffer: int = 1024, held: int = 64) -> None:
        self.loop = LoopThread()
        """The thread the subscribers' loop runs in (the host binds it as it starts)."""
        self._buffer = buffer
        self._subscribers: list[_Subscriber] = []
        self._last_id = 0
        self._held: dict[int, deque[_Held]] = {}
        self._held_limit = held
        self.declared = PageEventTable()
        """The page events the host and its plugins send (``oro_register_page_events``),
        which ``window.send`` refuses to send for a page."""

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    @property
    def buffer(self) -> int:
        """How many events a subscriber may fall behind before it is disconnected."""
        return self._buffer

    def backlog(self, window: int | None) -> int:
        """The most events any subscriber that receives ``window``'s events has waiting: a
        producer of high-rate, losable events (datagrams) drops them as this nears
        :attr:`buffer` instead of getting the page's event stream disconnected."""
        return max(
            (
                subscriber.send.statistics().current_buffer_used
                for subscriber in self._subscribers
                if window is None or subscriber.receives(window)
            ),
            default=0,
        )

    def emit(self, name: str, data: Any = None, *, window: int | None = None) -> None:
        """Deliver ``name`` to ``window``'s subscribers, or to all when ``window`` is ``None``;
        from any thread."""
        self.loop.call(self._emit, name, data, window)

    def _emit(self, name: str, data: Any, window: int | None) -> None:
        self._last_id += 1
        event = Event(name, data, window, self._last_id)
        for subscriber in list(self._subscribers):
            if not subscriber.receives(window):
                continue
            try:
                subscriber.send.send_nowait(event)
            except anyio.WouldBlock:
                logger.warning(
                    "event subscriber of window %s is too slow; disconnected", subscriber.window
                )
                self._drop(subscriber)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                self._drop(subscriber)

    def is_subscribed(self, window: int) -> bool:
        """Whether ``window``'s page has its event channel connected now."""
        return any(subscriber.window == window for subscriber in self._subscribers)

    def subscribed_windows(self) -> set[int]:
        """The windows whose page has its event channel connected now (what proves no window
        is not among them)."""
        return {sub.window for sub in self._subscribers if sub.window is not None}

    def emit_when_subscribed(
        self,
        name: str,
        data: Any = None,
        *,
        window: int,
        memory: MemoryReservation | None = None,
    ) -> None:
        """:meth:`emit` to ``window``, held until the window's page subscribes when it has not
        yet: a page runs its scripts (and adds its listeners) before its event channel is
        connected, and between two documents it has none, so an event emitted meanwhile would
        reach nobody. ``memory`` holds ``data``'s size in the host's budget while it is held; it
        is released when the event is delivered or dropped. A window holds its last ``held``
        events (a page that never connects cannot make the host keep more), and :meth:`forget`
        drops them when the window closes. From any thread."""
        self.loop.call(self._emit_when_subscribed, name, data, window, memory)

    def _emit_when_subscribed(
        self, name: str, data: Any, window: int, memory: MemoryReservation | None
    ) -> None:
        if self.is_subscribed(window):
            if memory is not None:
                memory.release()
            self.emit(name, data, window=window)
            return
        held = self._held.setdefault(window, deque())
        if len(held) == self._held_limit:
            logger.warning(
                "window %s has not connected its event channel: its oldest held event is dropped",
                window,
            )
            held.popleft().release()
        held.append(_Held(name, data, memory))

    def forget(self, window: int) -> None:
        """Drop the events held for ``window`` (closed: no page of it will subscribe); from any
        thread."""
        self.loop.call(self._forget, window)

    def _forget(self, window: int) -> None:
        for event in self._held.pop(window, ()):
            event.release()

    def _drop(self, subscriber: _Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)
        subscriber.send.close()

    @asynccontextmanager
    async def subscribe(
        self, window: int | None = None, *, page: bool = False
    ) -> AsyncIterator[MemoryObjectReceiveStream[Event]]:
        """Receive the events for ``window`` (and broadcasts) while the block runs; with
        ``window=None``, every window's events, unless ``page`` says the subscriber is a page
        that proved no window: it gets broadcasts only, never another window's events."""
        send, receive = anyio.create_memory_object_stream[Event](self._buffer)
        subscriber = _Subscriber(window, send, sees_every_window=not page)
        self._subscribers.append(subscriber)
        for held in self._held.pop(window, ()) if window is not None else ():
            held.release()
            self.emit(held.name, held.data, window=window)
        try:
            with receive:
                yield receive
        finally:
            self._drop(subscriber)
