"""URL schemes that plugins serve (``clip:hello``, ``clip://board/1``): the table
``oro_register_schemes`` fills, the request a handler receives and the response it returns.

A plugin registers a scheme name and an async handler; every transport a page has reaches the
same handler with the same :class:`SchemeRequest`: the bridge at ``/oro/scheme/<name>/...``
(what the preload maps a page's ``fetch``/``import`` of ``clip:`` URLs to, in any engine and
headless), and each window engine's own scheme handler (WebKitGTK's
``register_uri_scheme``, QtWebEngine's ``QWebEngineUrlSchemeHandler``). They all call
:func:`answer`, which applies the rules every request meets (the scheme's permission, a time
limit for the answer, a typed error naming the plugin for a handler that fails) so that no
transport can differ.

A URL is read as :mod:`oro_framework.host.protocols` reads a protocol handler's: the opaque
``clip:hello`` is an empty host and the path ``/hello``, dot segments are resolved as the
browser resolves them, and what an ``http:`` URL would change (spaces, backslashes,
non-ASCII) is refused. The handler sees one canonical spelling whatever the transport
(:attr:`SchemeRequest.url`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Final, Protocol, final

import anyio

from oro_framework.host.builtin_settings import IpcSettings
from oro_framework.host.errors import (
    InternalError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    OutOfRangeError,
    RouteTimeoutError,
)
from oro_framework.host.protocols import PROTOCOL_PREFIX, reserved_reason, to_app_path
from oro_framework.host.registry import Registry
from oro_framework.host.request import Request
from oro_framework.records import record

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "SCHEME_PREFIX",
    "Scheme",
    "SchemeHandler",
    "SchemeReply",
    "SchemeRequest",
    "SchemeResponse",
    "SchemeTable",
    "answer",
    "canonical_url",
    "response_headers",
    "scheme_path",
    "serve_reply",
    "url_of_path",
]

SCHEME_PREFIX: Final = "/oro/scheme/"
"""Where the bridge serves plugin schemes: ``clip:hello`` at ``/oro/scheme/clip//hello``."""

DEFAULT_TIMEOUT: Final = 30.0
"""Seconds a handler has to return its response (a streamed body then takes as long as it
takes)."""

# RFC 3986's scheme, lowercase only: a browser lowercases the scheme of every URL it parses,
# so an uppercase name could never be requested.
_NAME: Final = re.compile(r"[a-z][a-z0-9+.\-]{0,63}\Z")

logger = logging.getLogger("oro_framework.schemes")


@final
@record
class SchemeRequest:
    """One request of a plugin's scheme, the same on every transport.

    :ivar url: the URL in its canonical spelling: ``clip:hello?x=1`` (no host) or
        ``clip://board/1?x=1``; the fragment never reaches a handler.
    :ivar method: ``GET``, ``POST``...
    :ivar headers: the request headers by lower-case name, without the page's credentials
        (cookies, the window credential).
    :ivar body: the request body (``b""`` for ``GET``), at most ``ipc.max_body_bytes``.
    :ivar window: the window the request proves it comes from (its credential over HTTP, the
        engine's own view in a native window); ``None`` when it proves none.
    :ivar origin: the origin of the page that made it (``http://127.0.0.1:<port>``), ``None``
        when the engine does not say.
    :ivar transport: ``"http"`` (the bridge), ``"webkitgtk"`` or ``"qtwebengine"``.
    """

    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    window: int | None = None
    origin: str | None = None
    transport: str = "http"

    @property
    def scheme(self) -> str:
        return self.url.partition(":")[0]

    @property
    def host(self) -> str:
        """``board`` for ``clip://board/1``, ``""`` for ``clip:hello``."""
        rest = self.url.partition(":")[2]
        if not rest.startswith("//"):
            return ""
        return re.split(r"[/?]", rest[2:], maxsplit=1)[0]

    @property
    def path(self) -> str:
        """``/hello`` for ``clip:hello``, ``/1`` for ``clip://board/1``."""
        rest = self.url.partition(":")[2].partition("?")[0]
        if rest.startswith("//"):
            after = rest[2:]
            slash = after.find("/")
            return after[slash:] if slash != -1 else "/"
        return "/" + rest

    @property
    def query(self) -> str:
        """What follows ``?``, without it (``x=1``); ``""`` without a query."""
        return self.url.partition("?")[2]


@final
@record(frozen=False)
class SchemeResponse:
    """What a handler returns.

    :ivar status: the HTTP status the page sees (``response.status``).
    :ivar body: the whole body, or an async iterable of chunks for a streamed reply; the
        iteration is cancelled when the page aborts the request (its ``finally`` blocks run).
    :ivar content_type: the body's media type.
    :ivar headers: further response headers (``cache-control``...).
    """

    body: bytes | AsyncIterable[bytes] = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: Mapping[str, str] = field(default_factory=dict)


SchemeHandler = Callable[[SchemeRequest], Awaitable[SchemeResponse]]
"""``async def handler(request: SchemeRequest) -> SchemeResponse``."""


@final
@record
class Scheme:
    """A scheme a plugin serves."""

    name: str
    handler: SchemeHandler
    doc: str
    permission: str | None
    plugin: str
    timeout: float = DEFAULT_TIMEOUT


@final
class SchemeTable(Registry[Scheme]):
    """Passed to ``oro_register_schemes``."""

    kind = "scheme"

    def add(
        self,
        name: str,
        handler: SchemeHandler,
        *,
        doc: str,
        permission: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Scheme:
        """Serve ``name:`` and ``name://`` URLs with ``handler``.

        :param permission: a permission the plugin declared; when the app turns it off, every
            request of the scheme answers 403 ``NotAllowedError``, as a route would.
        :param timeout: seconds ``handler`` has to return its response; past them the page
            gets 408 ``TimeoutError`` naming the plugin.
        :raises RegistrationError: ``name`` is no lowercase URL scheme (RFC 3986), or one the
            engine, the web or oro already gives a meaning (``http``, ``file``, ``blob``,
            ``oro``, ``socket``, ``npm``...); ``handler`` is not callable; ``timeout`` is not
            positive.
        :raises RegistrationConflict: another plugin serves ``name``.
        """
        if not isinstance(name, str) or not _NAME.match(name):
            raise self._refuse(
                f"scheme {name!r} is no URL scheme: a lowercase ASCII letter followed by "
                "lowercase letters, digits, '+', '-' or '.', at most 64 (clip, x-notes)"
            )
        reason = reserved_reason(name)
        if reason is not None:
            raise self._refuse(f"scheme {name!r} is reserved ({reason})")
        if not callable(handler):
            raise self._refuse(f"the handler of scheme {name!r} is not callable")
        if not timeout > 0:
            raise self._refuse(f"the timeout of scheme {name!r} must be positive")
        scheme = Scheme(name, handler, doc, permission, self.current_plugin, float(timeout))
        self._claim(name, scheme)
        return scheme

    async def serve_reply(self, host: Host, request: SchemeRequest, reply: SchemeReply) -> None:
        """:func:`serve_reply`, for the window manager's inbox, which reaches this module
        through the host only (the host's subsystems import none of each other)."""
        await serve_reply(host, request, reply)


def scheme_path(url: str) -> str:
    """The bridge path (with the query) serving ``url``: ``clip:a/../b?q#f`` →
    ``/oro/scheme/clip//b?q``, ``clip://board/1`` → ``/oro/scheme/clip/board/1``.

    :raises IPCError: ``url`` has no scheme, a reserved one, or characters an ``http:`` URL
        would change (:func:`~oro_framework.host.protocols.to_app_path`).
    """
    mapped = to_app_path(url).partition("#")[0]
    return SCHEME_PREFIX + mapped[len(PROTOCOL_PREFIX) :]


def url_of_path(rest: str) -> str:
    """The canonical URL a bridge path below :data:`SCHEME_PREFIX` stands for:
    ``clip//b?q`` → ``clip:b?q``, ``clip/board/1`` → ``clip://board/1``.

    :raises NotFoundError: ``rest`` names no URL (no ``/`` after the scheme).
    """
    name, separator, after = rest.partition("/")
    if not separator or not name:
        raise NotFoundError(f"{SCHEME_PREFIX}{rest!r} names no URL of a scheme", value=rest)
    if after.startswith("/"):
        return f"{name}:{after[1:]}"
    return f"{name}://{after}"


def canonical_url(url: str) -> str:
    """``url`` as every transport hands it to a handler (:func:`scheme_path`'s reading).

    :raises IPCError: as :func:`scheme_path`.
    """
    return url_of_path(scheme_path(url)[len(SCHEME_PREFIX) :])


def _refusal(host: Host, scheme: Scheme, request: SchemeRequest) -> IPCError | None:
    """Why ``request`` may not reach ``scheme``'s handler: its permission turned off in the
    config, or refused by ``oro_permission_check`` (given a request whose ``route`` is the URL),
    as for a route; ``None`` when it may."""
    permission = scheme.permission
    if permission is None:
        return None
    if not host.is_permission_allowed(permission):
        return NotAllowedError(
            f"Runtime permission is disabled for '{permission}'", permission=permission
        )
    check = Request(
        request.url,
        host=host,
        headers=request.headers,
        transport=request.transport,
        window=request.window,
    )
    try:
        decision = host.hooks.permission_check(request=check, permission=permission)
    except IPCError as error:
        return error
    if decision is False:
        return NotAllowedError(
            f"Permission '{permission}' was refused for '{request.url}'", permission=permission
        )
    return None


async def answer(host: Host, request: SchemeRequest) -> SchemeResponse:
    """What ``request``'s scheme answers, checked as every transport must: the scheme exists
    and its permission allows the request; the handler returns a :class:`SchemeResponse`
    within the scheme's time limit. Cancelling the caller cancels the handler.

    :raises NotFoundError: no plugin serves the scheme.
    :raises NotAllowedError: its permission is off, or a plugin's check refused.
    :raises OutOfRangeError: the body is longer than ``ipc.max_body_bytes``.
    :raises RouteTimeoutError: the handler did not answer in time (names the plugin).
    :raises InternalError: the handler raised, or returned no ``SchemeResponse`` (names the
        plugin; the traceback goes to the log). An :class:`IPCError` it raises is answered as
        it is.
    """
    scheme = host.schemes.get(request.scheme)
    if scheme is None:
        raise NotFoundError(f"No plugin serves the scheme '{request.scheme}:'", url=request.url)
    limit = host.settings(IpcSettings).max_body_bytes
    if len(request.body) > limit:
        # The bridge refuses it before reading it; an engine hands over what the page sent.
        raise OutOfRangeError(f"Request body exceeds {limit} bytes", limit=limit)
    refusal = _refusal(host, scheme, request)
    if refusal is not None:
        raise refusal
    where = f"the scheme '{scheme.name}:' of plugin '{scheme.plugin}'"
    response: object = None
    try:
        # move_on_after, not fail_after: a TimeoutError of the handler's own is its failure.
        with anyio.move_on_after(scheme.timeout) as deadline:
            response = await scheme.handler(request)
    except IPCError:
        raise
    except Exception as error:
        logger.exception("%s failed on %s", where, request.url)
        raise InternalError(
            f"{where} failed on {request.url!r}: {type(error).__name__}",
            plugin=scheme.plugin,
        ) from error
    if deadline.cancelled_caught:
        raise RouteTimeoutError(
            f"{where} did not answer {request.url!r} within {scheme.timeout:g} s",
            plugin=scheme.plugin,
        )
    if not isinstance(response, SchemeResponse):
        raise InternalError(
            f"{where} returned {type(response).__name__}, not a SchemeResponse",
            plugin=scheme.plugin,
        )
    return response


# The transport frames the body itself; a plugin's cookie would land on the app's origin, which
# a native window's scheme could never set: no transport lets a handler set one.
_DROPPED_RESPONSE_HEADERS: Final = frozenset(
    {"content-length", "transfer-encoding", "connection", "set-cookie", "content-type"}
)


def response_headers(response: SchemeResponse) -> list[tuple[str, str]]:
    """The headers every transport sends with ``response``: the handler's own (less framing
    and cookies), ``content-type``, and ``cache-control: no-store`` unless it set one."""
    headers = [
        (name.lower(), value)
        for name, value in response.headers.items()
        if name.lower() not in _DROPPED_RESPONSE_HEADERS
    ]
    headers.append(("content-type", response.content_type))
    if not any(name == "cache-control" for name, _ in headers):
        headers.append(("cache-control", "no-store"))
    return headers


def error_body(error: IPCError) -> bytes:
    """What a page reads for ``error`` on every transport: the envelope's ``err`` object."""
    return json.dumps({"err": error.to_dict()}, separators=(",", ":")).encode()


class SchemeReply(Protocol):
    """How a window's engine answers a request of a plugin's scheme (``gui/gtk``, ``gui/qt``).
    Its methods are called on the loop's thread, never the GUI's: each hands its part on."""

    def start(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        """The status and headers; the body follows."""
        ...

    async def write(self, chunk: bytes) -> None:
        """One piece of the body, returning once the engine can take more.

        :raises AbortError: the page is gone (it aborted the request, or closed).
        """
        ...

    def end(self) -> None:
        """The body is complete (or cut short: the page is gone)."""
        ...

    async def gone(self) -> None:
        """Return once the page has given up the request (it never returns otherwise)."""
        ...


async def serve_reply(host: Host, request: SchemeRequest, reply: SchemeReply) -> None:
    """Answer ``request`` from a window's engine through ``reply``: :func:`answer`, then the
    body, the handler cancelled as soon as the page gives up the request. An error is a
    response of its status whose body is the envelope's ``err``, as over HTTP."""
    async with anyio.create_task_group() as task_group:

        async def watch() -> None:
            await reply.gone()
            task_group.cancel_scope.cancel()

        task_group.start_soon(watch)
        try:
            await _reply(host, request, reply)
        finally:
            # The page is done with it either way; the watcher goes before the reply ends.
            task_group.cancel_scope.cancel()
    reply.end()


async def _reply(host: Host, request: SchemeRequest, reply: SchemeReply) -> None:
    try:
        response = await answer(host, request)
    except IPCError as error:
        reply.start(error.status, [("content-type", "application/json")])
        await reply.write(error_body(error))
        return
    reply.start(response.status, response_headers(response))
    body = response.body
    if isinstance(body, bytes | bytearray | memoryview):
        if body:
            await reply.write(bytes(body))
        return
    iterator = aiter(body)
    async with contextlib.AsyncExitStack() as stack:
        closing = getattr(iterator, "aclose", None)
        if closing is not None:
            # Run the body's ``finally`` blocks however it ends, the page giving up included.
            stack.push_async_callback(closing)
        async for chunk in iterator:
            if chunk:
                await reply.write(bytes(chunk))
