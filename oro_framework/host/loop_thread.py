"""The host's event-loop thread, and the way back onto it from any other thread.

A plain ``def`` route handler runs in a worker thread, and a plugin may start threads of its own
(a file watcher, a device reader). What they call on the host must not touch the loop's objects
from there: waking a task that waits on a memory stream (a page listening for events) or setting
an :class:`anyio.Event` is only allowed on the loop's own thread, and trio says so with a
``RuntimeError`` raised deep inside the call, only when someone is waiting. The host's
synchronous calls that touch such objects (``host.emit``, ``host.stop``) go through
:meth:`LoopThread.call` instead, which runs them on the loop through the loop's token, from
anyio's worker threads and from threads the plugin started alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, final

import anyio
import anyio.from_thread
import anyio.lowlevel

if TYPE_CHECKING:
    from anyio.lowlevel import EventLoopToken

__all__ = ["LoopThread"]


@final
class LoopThread:
    """Which thread runs the host's loop (once :meth:`bind` was called on it) and its token."""

    __slots__ = ("_ident", "token")

    def __init__(self) -> None:
        self._ident: int | None = None
        self.token: EventLoopToken | None = None
        """The running loop's token (``None`` until the host runs): a thread of your own passes
        it to ``anyio.from_thread.run(host.call, ..., token=...)``."""

    def bind(self) -> None:
        """Remember the running loop and its thread; call on the loop as the host starts."""
        self.token = anyio.lowlevel.current_token()
        self._ident = threading.get_ident()

    def is_elsewhere(self) -> bool:
        """Whether the caller runs outside the loop's thread while a loop is bound."""
        return self._ident is not None and self._ident != threading.get_ident()

    def call(self, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` on the loop's thread and return once it ran: at once on the
        loop's own thread (or before the host runs, when no loop holds anything to wake),
        else through the loop's token, waiting for the loop to run it. Once the loop has
        ended, nothing waits on its objects any more, so ``function`` runs in the caller."""
        if not self.is_elsewhere():
            function(*args)
            return
        try:
            anyio.from_thread.run_sync(function, *args, token=self.token)
        except anyio.RunFinishedError:
            function(*args)
