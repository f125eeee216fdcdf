"""How the streams a host has open end when it stops: with one error, whatever carries them.

A streamed reply (a watch's events, a log tail) may never end by itself. When the host stops,
each open event stream ends at once with :class:`~oro_framework.ShuttingDownError`, raised where
the stream would have given its next item: every transport then sends it as it sends any error that
ends a stream (an event stream's last ``event: error``), so that the page's ``for await`` throws
the same catchable error over fetch and over the Conduit, before the services and plugins that
feed the stream are stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar, final

import anyio

from oro_framework.host.errors import ShuttingDownError

__all__ = ["OpenStreams", "stream_ended"]

T = TypeVar("T")


def stream_ended(route: str) -> ShuttingDownError:
    """What a stream of ``route`` open when the host stops ends with."""
    return ShuttingDownError(
        f"The app is shutting down: the stream of '{route}' was ended", state="stopping"
    )


@final
class OpenStreams:
    """The router's streams waiting for their next item, which :meth:`end_all` interrupts."""

    def __init__(self) -> None:
        self._waiting: set[anyio.CancelScope] = set()
        self._is_ending = False

    def end_all(self) -> None:
        """The host stops: every stream ends with :func:`stream_ended`, those waiting for an
        item at once, the others when they ask for their next one."""
        self._is_ending = True
        for waiting in list(self._waiting):
            waiting.cancel()

    async def next(self, route: str, items: AsyncIterator[T], *, interruptible: bool) -> T:
        """The next item of ``items``, a stream of ``route``.

        :param interruptible: whether :meth:`end_all` interrupts the wait for the item (an
            event stream's); else the stream ends when it has its next item, or with its
            connection.
        :raises StopAsyncIteration: ``items`` ended.
        :raises ShuttingDownError: the host stops (:meth:`end_all`).
        """
        if self._is_ending:
            raise stream_ended(route)
        if not interruptible:
            return await anext(items)
        # A scope around this one wait, never around a `yield`: the stream's consumer runs
        # between two items, outside it, and may be another task (a stream handed over).
        with anyio.CancelScope() as waiting:
            self._waiting.add(waiting)
            try:
                return await anext(items)
            finally:
                self._waiting.discard(waiting)
        raise stream_ended(route)
