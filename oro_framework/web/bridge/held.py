"""Per-page caps on the connections the bridge holds open (``ipc.max_held_connections_per_page``).

A browser opens at most 6 connections to one host, and every window of the app shares them:
WebKitGTK and QtWebEngine keep one network stack per profile, Chromium one pool per profile.
A page that holds 6 open (event streams, streamed replies, calls whose handler has not
answered) leaves every other window of the app without HTTP: no module loads, no IPC. So each
page may hold at most ``limit`` of them at once, counted per window (its proven credential),
and the requests that prove no window (workers, a tab opened without its launch URL, a page
leaving its credential out) together at most ``session_limit``, in one count for them all (the
session, whose cookie every page of the browser shares). One page holds at most both, leaving
the other windows the rest: 3 and 1 of the 6 by default, which leaves them 2:

- ``/oro/events`` takes a place for as long as it is open. Beyond the limit it is answered at
  once with an empty event stream whose ``retry:`` makes the ``EventSource`` come back later
  instead of holding the connection now: in 5 s when the page's channels hold all of its
  places, in 1 s when calls do (a page's own quick calls as it loads).
- An IPC request takes a place while it is answered, when one is free. Beyond the limit it is
  answered as usual while something moves: a quick answer, a stream that keeps sending. Once
  nothing has gone out on it for ``grace`` (its handler has not answered, its stream waits, its
  client does not read) it takes a place that freed meanwhile, or is ended: the handler is
  cancelled and the page gets :class:`~oro_framework.host.errors.TooManyConnectionsError`
  (429 ``ERR_TOO_MANY_CONNECTIONS``), as the last event of a started event stream, or, for a
  byte stream already under way, by the connection being closed (a failed read, never a body
  cut short that looks whole). Each request of a page ended in a row halves the grace of its
  next one (down to 1/64): the browser sends queued requests first come, first served, so a
  page that queued many calls that never answer would otherwise delay the other windows by a
  whole grace per call.

Requests with the HTTP IPC bridge key and no window (other processes) are not pages of the
browser and are not counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final, TypeAlias, final

import trio

from oro_framework.host.envelope import ServerSentEvent, encode_sse
from oro_framework.host.errors import TooManyConnectionsError
from oro_framework.host.exchange import EVENTS_MEDIA_TYPE, error_reply
from oro_framework.web.asgi import HeaderList, Message, Send, send_response

__all__ = [
    "CALLS_RETRY_MS",
    "SSE_RETRY_MS",
    "HeldConnections",
    "PageKey",
    "answer_within_limit",
]

PageKey: TypeAlias = tuple[str, int]
"""``("window", index)``, or :data:`_WITHOUT_WINDOW`."""

_WITHOUT_WINDOW: Final[PageKey] = ("session", 0)
"""The place-holder of every request without a window: the session's, which all the pages of
the browser share (one cookie)."""

SSE_RETRY_MS: Final = 5000
"""The ``retry:`` of an event stream refused because the page's channels hold all of its
places: the browser reconnects after this many ms (its default is about 3 s, and a page over
its limit gains nothing by coming back sooner)."""

CALLS_RETRY_MS: Final = 1000
"""The ``retry:`` of an event stream refused while calls hold the page's places."""

_SHORTEST_GRACE: Final = 1 / 64
"""The least fraction of the grace a page's request beyond its limit gets, once the page's
earlier ones were ended one after another."""


@final
class HeldConnections:
    """The places each page holds; one per bridge, used on its event loop only.

    :param limit: places one window's page may hold at once
        (``ipc.max_held_connections_per_page``).
    :param session_limit: places the requests without a window hold together
        (``ipc.max_held_connections_without_window``).
    :param grace: seconds a request beyond the limit may run before it must take a place or be
        ended (``ipc.held_connection_grace_ms``).
    """

    def __init__(self, limit: int, *, session_limit: int, grace: float) -> None:
        self.limit = limit
        self.session_limit = session_limit
        self.grace = grace
        self._held: dict[PageKey, int] = {}
        self._freed: dict[PageKey, trio.Event] = {}
        self._channels: dict[PageKey, int] = {}
        self._strikes: dict[PageKey, int] = {}
        self.refused = 0
        """Requests ended or refused for their page's limit since the bridge started."""

    def page_of(self, window: int | None, *, by_bridge_key: bool = False) -> PageKey | None:
        """Whose place a request takes: its proven window, else the session's (one for every
        request without a window, whatever cookies it carries: a page can add cookies of the
        same name, which must not buy it more places); ``None`` for another process with the
        HTTP IPC bridge key and no window, which is not counted."""
        if window is not None:
            return ("window", window)
        return None if by_bridge_key else _WITHOUT_WINDOW

    def limit_of(self, page: PageKey | None) -> int:
        """The places ``page`` may hold: a window's, or those of the requests without one."""
        return self.session_limit if page == _WITHOUT_WINDOW else self.limit

    def held(self, page: PageKey) -> int:
        """The places ``page`` holds now."""
        return self._held.get(page, 0)

    def open_channel(self, page: PageKey | None) -> int | None:
        """Take a place for an event channel of ``page``, for as long as it stays open
        (:meth:`close_channel` it); ``None`` when it got one, else the milliseconds after which
        the ``EventSource`` should come back. Never waited for: a page opening EventSource after
        EventSource would park a connection with each. It comes back late
        (:data:`SSE_RETRY_MS`) when the page's channels hold every place, soon
        (:data:`CALLS_RETRY_MS`) when calls do, which are usually quick (a page's own calls as
        it loads)."""
        if self.take(page):
            if page is not None:
                self._channels[page] = self._channels.get(page, 0) + 1
            return None
        self.refused += 1
        channels = self._channels.get(page, 0) if page is not None else 0
        return SSE_RETRY_MS if channels >= self.limit_of(page) else CALLS_RETRY_MS

    def close_channel(self, page: PageKey | None) -> None:
        """Free the place of a channel :meth:`open_channel` opened."""
        if page is not None:
            channels = self._channels[page] - 1
            if channels:
                self._channels[page] = channels
            else:
                del self._channels[page]
        self.give_back(page)

    def take(self, page: PageKey | None) -> bool:
        """Take one of ``page``'s places if one is free (always for an uncounted request);
        :meth:`give_back` it afterwards."""
        if page is None:
            return True
        held = self._held.get(page, 0)
        if held >= self.limit_of(page):
            return False
        self._held[page] = held + 1
        return True

    def give_back(self, page: PageKey | None) -> None:
        """Free a place :meth:`take` or :meth:`wait_for_place` gave."""
        if page is None:
            return
        held = self._held[page] - 1
        if held:
            self._held[page] = held
        else:
            del self._held[page]
        # A place freed: whatever held the page's places is moving again, and its next request
        # beyond the limit gets the whole grace.
        self._strikes.pop(page, None)
        freed = self._freed.pop(page, None)
        if freed is not None:
            freed.set()

    async def wait_for_place(self, page: PageKey | None, deadline: float) -> bool:
        """Take one of ``page``'s places, waiting until ``deadline`` (trio's clock) for one to
        free; whether it got one. Nothing is awaited after the place is taken, so a caller
        cancelled while waiting never holds one."""
        if page is None:
            return True
        while not self.take(page):
            freed = self._freed.get(page)
            if freed is None:
                freed = self._freed[page] = trio.Event()
            with trio.move_on_at(deadline):
                await freed.wait()
            if trio.current_time() >= deadline:
                return self.take(page)
        return True

    def grace_of(self, page: PageKey | None) -> float:
        """The grace of ``page``'s next request beyond its limit: halved for each of its
        requests ended in a row, down to :data:`_SHORTEST_GRACE` of it. The browser sends
        queued requests first come, first served over the connections left free: a page that
        queued many calls that never answer would otherwise keep every other window waiting
        a whole grace per call. A call of the page answered in time, or a place of the page
        freed, gives it the whole grace back."""
        strikes = self._strikes.get(page, 0) if page is not None else 0
        return self.grace * max(_SHORTEST_GRACE, 0.5**strikes)

    def answered_in_time(self, page: PageKey | None) -> None:
        """A request of ``page`` beyond its limit was answered before it had to be ended."""
        if page is not None:
            self._strikes.pop(page, None)

    def refusal(self, page: PageKey | None) -> TooManyConnectionsError:
        """The error a page gets for a request ended for its limit."""
        self.refused += 1
        if page is not None:
            self._strikes[page] = self._strikes.get(page, 0) + 1
        return TooManyConnectionsError(
            f"This page already holds {self.limit_of(page)} open connections (event streams, "
            "streams or calls that have not answered): the browser shares 6 connections between "
            "all of the app's windows, so one page may not hold more "
            "(ipc.max_held_connections_per_page, ipc.max_held_connections_without_window)",
            limit=self.limit_of(page),
            retryAfter=SSE_RETRY_MS,
        )


@final
class _Answering:
    """What the answer of a request beyond its page's limit has sent so far."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False
        self.is_event_stream = False
        self.complete = False
        self.moved = trio.current_time()
        """When something last went out (or the request arrived): trio's clock."""

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.started = True
            self.is_event_stream = any(
                name.lower() == b"content-type" and value.startswith(EVENTS_MEDIA_TYPE.encode())
                for name, value in message.get("headers", ())
            )
        elif kind == "http.response.body" and not message.get("more_body", False):
            self.complete = True
        await self._send(message)
        # Once written: a client that does not read leaves a send waiting, and that connection
        # is parked as surely as one whose handler has not answered.
        self.moved = trio.current_time()


async def answer_within_limit(
    held: HeldConnections,
    page: PageKey | None,
    send: Send,
    answer: Callable[[Send], Awaitable[None]],
    *,
    base: HeaderList,
    source: str,
    request_id: str,
) -> None:
    """Run ``answer`` (given the ``send`` to answer with) holding one of ``page``'s places.

    With none free, it runs anyway: a quick answer needs no place, and neither does a response
    that keeps sending (a large file on its way is a transfer, not a parked connection). Once
    nothing has gone out on it for ``held.grace`` (the handler has not answered, a stream waits
    for its next item, the client does not read), it takes a place that freed meanwhile, or it
    is cancelled and the page gets :meth:`HeldConnections.refusal`: an error envelope if nothing
    was sent yet, the last event of an event stream under way, or a closed connection for any
    other response under way.

    :param source: the route, for the error envelope; ``request_id`` its ``seq``.
    """
    if held.take(page):
        try:
            await answer(send)
        finally:
            held.give_back(page)
        return
    answering = _Answering(send)
    has_place = is_refused = False

    async def claim(cancel_scope: trio.CancelScope) -> None:
        nonlocal has_place, is_refused
        while not await held.wait_for_place(page, answering.moved + held.grace_of(page)):
            if trio.current_time() >= answering.moved + held.grace_of(page):
                is_refused = True
                cancel_scope.cancel()
                return
        has_place = True

    failure: Exception | None = None
    try:
        # A trio nursery, as in cancelled_on_disconnect: only requests beyond their page's
        # limit pay for the second task.
        async with trio.open_nursery() as nursery:
            nursery.start_soon(claim, nursery.cancel_scope)
            try:
                await answer(answering.send)
            except Exception as error:
                # Re-raised below, outside the nursery: the caller sees the error itself.
                failure = error
            nursery.cancel_scope.cancel()
    finally:
        if has_place:
            held.give_back(page)
    if failure is not None:
        raise failure
    if is_refused and not answering.complete:
        await _refuse(answering, held.refusal(page), base, source, request_id)
    elif not is_refused:
        held.answered_in_time(page)


async def _refuse(
    answering: _Answering,
    error: TooManyConnectionsError,
    base: HeaderList,
    source: str,
    request_id: str,
) -> None:
    if not answering.started:
        wire = error_reply(error, source=source, request_id=request_id)
        headers = [*base, (b"retry-after", str(SSE_RETRY_MS // 1000).encode())]
        await send_response(
            answering.send, wire.status, wire.body, headers, media_type=wire.media_type
        )
    elif answering.is_event_stream:
        # The status went out with the stream: the error is its last event, as for an error a
        # handler raises mid-stream.
        event = encode_sse(ServerSentEvent(error.to_dict(), event="error"))
        await answering.send({"type": "http.response.body", "body": event, "more_body": True})
        await answering.send({"type": "http.response.body", "body": b""})
    # Any other response under way is left incomplete: the server closes the connection and
    # the page sees a failed read rather than a body cut short that looks whole.
