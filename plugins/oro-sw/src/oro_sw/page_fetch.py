"""Socket's ``serviceWorker.fetch`` for a caller that acts as a window without being its page
(a Conduit client outside the app that ``conduit.allow_origins`` names acts as the main window).

Socket answers it from the worker serving the URL (src/runtime/ipc/routes.cc:3088-3175), a
worker its runtime runs. Here the engine of a page runs the workers, so the host asks the page
of the caller's window: it sends that page :data:`PAGE_FETCH_EVENT` with a single-use ticket,
the page fetches the URL exactly as its own ``serviceWorker.fetch`` would (oro-sw's preload)
and hands the response back with ``serviceWorker.fetch.answer``, which only that window may
call. The caller then gets the response's body as Socket sends it to a Conduit client: the bytes,
in one reply (conduit.cc:509-510).
The route's timeout bounds the wait for a page that never answers. A caller with no window (a
worker, a program the Conduit let in by its key alone) is told to fetch the URL itself.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Final, final

import anyio

from oro_framework import (
    InvalidArgumentError,
    IPCError,
    NotFoundError,
    NotSupportedError,
    Request,
    SecurityError,
)

__all__ = ["ANSWER_ROUTE", "PAGE_FETCH_EVENT", "PageFetches"]

PAGE_FETCH_EVENT: Final = "oro-sw:fetch"
"""The page event asking a window's page to fetch for a caller outside it (declared: no page
sends it with ``window.send``)."""
ANSWER_ROUTE: Final = "serviceWorker.fetch.answer"
_ERROR_NAMES: Final = {"NotFoundError": NotFoundError, "NetworkError": NotFoundError}


@dataclass
class _Waiting:
    window: int
    done: anyio.Event = field(default_factory=anyio.Event)
    answer: bytes | IPCError | None = None


@final
class PageFetches:
    """The ``serviceWorker.fetch`` calls waiting for a page's answer, by ticket."""

    def __init__(self) -> None:
        self._waiting: dict[str, _Waiting] = {}

    async def ask(self, request: Request) -> bytes:
        """Have the page of ``request``'s window fetch what it asks; its answer.

        :raises NotSupportedError: ``ERR_NOT_IN_PAGE``, the caller acts as no window.
        :raises IPCError: the page's fetch failed (its error), or a parameter is invalid.
        """
        window = request.window
        if window is None:
            raise NotSupportedError(
                "serviceWorker.fetch is answered by a page of the app (its engine runs the "
                "Service Workers); a caller that acts as no window (a worker, another process) "
                "fetches the URL itself",
                code="ERR_NOT_IN_PAGE",
            )
        ticket = secrets.token_urlsafe(18)
        waiting = self._waiting[ticket] = _Waiting(window)
        try:
            detail: dict[str, Any] = {"ticket": ticket, "params": dict(request.params)}
            if request.body:
                detail["body"] = base64.b64encode(request.body).decode()
            request.host.emit(PAGE_FETCH_EVENT, detail, window=window)
            await waiting.done.wait()
        finally:
            self._waiting.pop(ticket, None)
        if isinstance(waiting.answer, IPCError):
            raise waiting.answer
        assert waiting.answer is not None
        return waiting.answer

    def answer(self, request: Request) -> None:
        """Take a page's answer to ticket ``ticket``: the response body, or ``error`` (a
        message) and its ``name``.

        :raises NotFoundError: no call waits for that ticket.
        :raises SecurityError: the caller is not the page of the window that was asked.
        """
        ticket = request.params.require_str("ticket")
        waiting = self._waiting.get(ticket)
        if waiting is None:
            raise NotFoundError("No serviceWorker.fetch waits for this ticket")
        if request.window != waiting.window:
            raise SecurityError(
                f"{ANSWER_ROUTE}: only the page of window {waiting.window} answers this fetch",
                code="ERR_WINDOW_CONTROL",
            )
        del self._waiting[ticket]
        error = request.params.get_str("error")
        if error is not None:
            kind = _ERROR_NAMES.get(request.params.get_str("name") or "", InvalidArgumentError)
            waiting.answer = kind(error[:500])
        else:
            waiting.answer = request.body
        waiting.done.set()
