"""Plugins' URL schemes (``oro_register_schemes``) in a WebKitGTK window: what the page loads
without ``fetch`` (``<img src="clip:a.png">``, a module script, a navigation, XHR) is answered
by WebKit's own scheme handler, which hands the request to the host's loop and streams the
answer back.

Registered on the shared ``WebKitWebContext`` before its first window loads, each scheme
CORS-enabled and secure (as Oro's engine registers ``socket:``), so that the app's
``http://127.0.0.1`` pages may load it. Every request is answered on the loop
(:func:`~oro_framework.host.schemes.serve_reply`); the GUI thread only collects the request
and finishes it with a response whose body is the read end of a pipe, which the loop writes
without blocking (a page that reads slowly holds the handler back, not the loop). When
the page gives the request up, WebKit drops that stream and the pipe's read end closes: the
write end then polls as failed, which cancels the handler, streamed body included.

The window is the view's, which the engine knows (a page cannot say otherwise); the origin is
the request's ``Origin``, and a request that names another origin than the app's (an iframe
of another site) is refused before the host sees it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_framework.gui.gtk.calls import post
from oro_framework.gui.gtk.toolkit import repository
from oro_framework.host.errors import AbortError, IPCError
from oro_framework.host.schemes import SchemeRequest, canonical_url

if TYPE_CHECKING:
    from oro_framework.host.windows.engine import GuiListener

__all__ = ["register_plugin_schemes"]

logger = logging.getLogger("oro_framework.schemes")

MAX_BODY_READ: Final = 1 << 31
"""What is read of a request's body at most: WebKit holds it in memory already; the host
refuses one over ``ipc.max_body_bytes``."""

_HIDDEN_HEADERS: Final = frozenset({"cookie", "authorization", "x-oro-window", "x-oro-auth"})


def register_plugin_schemes(
    context: Any,
    schemes: Sequence[str],
    origin: str,
    listener: Callable[[], GuiListener | None],
    window_of: Callable[[Any], int | None],
) -> None:
    """Serve ``schemes`` in every view of ``context`` through the host ``listener()`` reports
    to; ``window_of(view)`` is the index of the window a view belongs to. On the GUI thread,
    before a page of the context loads anything."""
    security = context.get_security_manager()
    for scheme in schemes:
        security.register_uri_scheme_as_cors_enabled(scheme)
        security.register_uri_scheme_as_secure(scheme)
        context.register_uri_scheme(scheme, _handler(origin, listener, window_of))


def _handler(
    origin: str,
    listener: Callable[[], GuiListener | None],
    window_of: Callable[[Any], int | None],
) -> Callable[[Any], None]:
    def answer(request: Any) -> None:
        headers = _headers(request)
        if headers.get("origin", origin) != origin:
            _fail(request, 403, "another origin may not load the app's schemes")
            return
        try:
            url = canonical_url(request.get_uri())
        except IPCError as error:
            _fail(request, 400, error.message)
            return
        host = listener()
        if host is None:
            _fail(request, 503, "the app is not running")
            return
        body = request.get_http_body()
        scheme_request = SchemeRequest(
            url,
            method=request.get_http_method() or "GET",
            headers={name: value for name, value in headers.items() if name not in _HIDDEN_HEADERS},
            body=b"" if body is None else body.read_bytes(MAX_BODY_READ, None).get_data(),
            window=window_of(request.get_web_view()),
            origin=headers.get("origin"),
            transport="webkitgtk",
        )
        host.gui_scheme_request(scheme_request, _PipeReply(request, origin))

    return answer


def _headers(request: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    headers = request.get_http_headers()
    if headers is not None:
        headers.foreach(lambda name, value: found.__setitem__(name.lower(), value))
    return found


def _fail(request: Any, status: int, reason: str) -> None:
    reply = _PipeReply(request, None)
    reply.start(status, [("content-type", "text/plain; charset=utf-8")])
    with contextlib.suppress(OSError):
        os.write(reply.writer, f"{status} {reason}\n".encode())
    reply.end()


@final
class _PipeReply:
    """A :class:`~oro_framework.host.schemes.SchemeReply` over a pipe whose read end is the
    response's body; :meth:`start` and :meth:`end` may run on any thread."""

    def __init__(self, request: Any, origin: str | None) -> None:
        self._request = request
        self._origin = origin
        self._reader, self.writer = os.pipe()
        # Written from the loop without a thread: a full pipe is waited for, not blocked on.
        os.set_blocking(self.writer, False)
        self._started = self._ended = False

    def start(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        self._started = True
        gio, webkit, soup = repository("Gio"), repository("WebKit2"), repository("Soup")
        stream = gio.UnixInputStream.new(self._reader, True)  # closes the read end when dropped
        request, origin = self._request, self._origin

        def finish() -> None:
            response = webkit.URISchemeResponse.new(stream, -1)
            response.set_status(status, None)
            extra = soup.MessageHeaders.new(soup.MessageHeadersType.RESPONSE)
            for name, value in headers:
                if name == "content-type":
                    response.set_content_type(value)
                else:
                    extra.append(name, value)
            if origin is not None:
                # A page of the app's origin may read the answer (the scheme is another origin).
                extra.append("access-control-allow-origin", origin)
                extra.append("access-control-expose-headers", "*")
            response.set_http_headers(extra)
            request.finish_with_response(response)

        post(finish)

    async def write(self, chunk: bytes) -> None:
        view = memoryview(chunk)
        while view:
            try:
                view = view[os.write(self.writer, view) :]
            except BlockingIOError:
                # The page reads slower than the handler writes: the handler waits for it.
                await anyio.wait_writable(self.writer)
            except OSError:  # BrokenPipeError: WebKit dropped the stream, the page is gone
                raise AbortError("The page gave the request up") from None

    def end(self) -> None:
        if self._ended:
            return
        if not self._started:
            # Given up before an answer (the host stopping): WebKit must still be told.
            self.start(503, [("content-type", "text/plain; charset=utf-8")])
        self._ended = True
        os.close(self.writer)

    async def gone(self) -> None:
        # A pipe's write end never polls readable; it polls failed once the read end closes.
        await anyio.wait_readable(self.writer)
