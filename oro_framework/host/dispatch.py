"""The :class:`Router`: every transport (HTTP bridge, Conduit, in-memory test client) calls
:meth:`Router.dispatch`, so lookup, permission checks, timeouts and error translation happen
once, here, for the routes of the :class:`~oro_framework.host.router.RouteTable`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import (
    AsyncIterator,
    Callable,
    Collection,
    Coroutine,
    Generator,
    Mapping,
)
from typing import TYPE_CHECKING, Any, Final, final
from urllib.parse import quote_plus

import anyio

from oro_framework.host.builtin_settings import DEFAULT_THREADS
from oro_framework.host.envelope import (
    ByteStream,
    EventStream,
    Reply,
    encode_error,
    encode_result,
)
from oro_framework.host.errors import (
    AbortError,
    ErrnoError,
    InternalError,
    IPCError,
    NotAllowedError,
    NotFoundError,
    RouteTimeoutError,
    ServiceUnavailableError,
    ShuttingDownError,
)
from oro_framework.host.open_streams import OpenStreams
from oro_framework.host.router import DEFAULT_TIMEOUT
from oro_framework.host.watchdog import working_on

if TYPE_CHECKING:
    from oro_framework.host.hooks import HookCaller
    from oro_framework.host.request import Request
    from oro_framework.host.router import Route, RouteTable

__all__ = ["HANDLER_EXITS", "Router"]

logger = logging.getLogger("oro_framework.router")


@final
class _HandlerCall:
    """The innermost :data:`RouteCall`: starts the handler only when awaited, so that a wrapper
    that answers without it leaves no coroutine behind (and no "never awaited" warning)."""

    __slots__ = ("_request", "_route", "_start")

    def __init__(
        self,
        start: Callable[[Route, Request], Coroutine[Any, Any, Any]],
        route: Route,
        request: Request,
    ) -> None:
        self._start = start
        self._route = route
        self._request = request

    def __await__(self) -> Generator[Any, None, Any]:
        return self._start(self._route, self._request).__await__()


def _shutting_down(route: str) -> ShuttingDownError:
    return ShuttingDownError(f"The app is shutting down: '{route}' was not run", state="stopping")


@final
class Router:
    """Dispatches :class:`Request` objects to routes and turns every outcome into a
    :class:`Reply`; it never raises for anything a caller sends."""

    def __init__(
        self,
        routes: RouteTable,
        hooks: HookCaller,
        *,
        is_permission_allowed: Callable[[str], bool],
        default_timeout: float = DEFAULT_TIMEOUT,
        unavailable: Mapping[str, Callable[[], IPCError]] | None = None,
        threads: int = DEFAULT_THREADS,
        missing: Callable[[str], IPCError | None] | None = None,
    ) -> None:
        """:param unavailable: plugin name → the error its routes answer instead of running,
            for the plugins whose service is down (the service runner keeps it up to date).
        :param threads: worker threads that run plain ``def`` handlers at once.
        :param missing: asked with the requested name when no route has it: an error to answer
            instead of :class:`~oro_framework.NotFoundError` (a route whose provider failed to
            load answers why), or ``None`` for the ``NotFoundError``."""
        self.routes = routes
        self._hooks = hooks
        self._wrappers = hooks.wrapper_chain
        self._is_permission_allowed = is_permission_allowed
        self.default_timeout = default_timeout
        self._unavailable: Mapping[str, Callable[[], IPCError]] = (
            {} if unavailable is None else unavailable
        )
        self._threads = threads
        self._missing = missing
        self._limiter: anyio.CapacityLimiter | None = None
        self.calls: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.open_streams: Counter[str] = Counter()
        self._streams = OpenStreams()
        self._is_closing = False
        self._in_flight: set[Request] = set()
        self._drained: anyio.Event | None = None
        self._left: anyio.Event | None = None
        """Set when a request leaves, for :meth:`withdraw` waiting on some of them."""
        self._withdrawn: set[str] = set()

    def close(self) -> None:
        """The host is stopping: from now on every request is answered
        :class:`~oro_framework.ShuttingDownError` without running its handler, so that no
        handler meets a plugin that is being unconfigured; every open stream ends with it."""
        self._is_closing = True
        self._streams.end_all()

    async def drain(self, grace: float) -> None:
        """:meth:`close`, let the requests already running finish for up to ``grace`` seconds,
        then cancel the rest (their callers get :class:`~oro_framework.ShuttingDownError`) and
        wait until every handler has left: after this, nothing of a plugin runs on a request's
        behalf."""
        self.close()
        if not self._in_flight:
            return
        self._drained = anyio.Event()
        with anyio.move_on_after(grace):
            await self._drained.wait()
        for request in list(self._in_flight):
            request.cancel_scope.cancel()
        if self._in_flight:
            await self._drained.wait()

    async def withdraw(self, names: Collection[str], grace: float) -> None:
        """Routes ``names`` are out of the table (their plugin was unloaded while the host
        runs): let the requests still running them finish for up to ``grace`` seconds, then
        cancel the rest (their callers get :class:`~oro_framework.ServiceUnavailableError`) and
        wait until every one has left, so that the plugin can be unconfigured under none."""
        keys = {name.lower() for name in names}

        def running() -> list[Request]:
            return [request for request in self._in_flight if request.route.lower() in keys]

        if not running():
            return
        self._withdrawn |= keys
        try:
            with anyio.move_on_after(grace):
                while running():
                    await self._one_left()
            for request in running():
                request.cancel_scope.cancel()
            while running():
                await self._one_left()
        finally:
            self._withdrawn -= keys

    async def _one_left(self) -> None:
        if self._left is None:
            self._left = anyio.Event()
        await self._left.wait()

    async def dispatch(self, request: Request) -> Reply:
        """Run the route ``request.route`` names and answer with a :class:`Reply`.

        Streams are wrapped so that their cancellation, errors and closing are accounted for;
        the caller must iterate or ``aclose()`` them.
        """
        route = self.routes.get(request.route)
        source = route.name if route else request.route
        if self._is_closing:
            return self._error_reply(source, request, _shutting_down(source))
        if route is None:
            return self._error_reply(source, request, self._not_found(request))
        self.calls[route.name] += 1
        self.active[route.name] += 1
        self._in_flight.add(request)
        try:
            result = await self._run(route, request)
        except IPCError as error:
            return self._error_reply(source, request, error)
        finally:
            self.active[route.name] -= 1
            self._in_flight.discard(request)
            if not self._in_flight and self._drained is not None:
                self._drained.set()
            if self._left is not None:
                self._left.set()
                self._left = None
        return self._result_reply(route, request, result)

    def _not_found(self, request: Request) -> IPCError:
        name = request.route
        if self._missing is not None:
            try:
                error = self._missing(name)
            except Exception:
                logger.exception("answering the missing route %r raised", name)
                return InternalError(f"Internal error looking up route '{name}'")
            if error is not None:
                return error
        # Oro's words and fields: "Not found", with the request's URL naming the route.
        return NotFoundError("Not found", url=_request_url(request))

    async def _run(self, route: Route, request: Request) -> Any:
        self._check_permission(route, request)
        # Empty unless a service is down: one falsy check on the hot path.
        if self._unavailable and route.plugin in self._unavailable:
            raise self._unavailable[route.plugin]()
        timeout = route.timeout if route.timeout is not None else self.default_timeout
        # One scope serves both the deadline and client cancellation: scopes dominate the cost
        # of a dispatch, and Request.cancel() records which of the two fired.
        scope = request.scope_until(anyio.current_time() + timeout)
        with scope, working_on(route.label):
            # Without route wrappers (the usual case) one check of an empty list, then the
            # handler as before: wrappers cost nothing until a plugin brings one, and nothing
            # once the only one failed and left the chain.
            if self._wrappers.chain():
                call = _HandlerCall(self._handle, route, request)
                return await self._wrappers.run(request, route, call)
            return await self._handle(route, request)
        if request.is_aborted:
            raise AbortError(f"Request to '{route.name}' was cancelled by the client")
        if self._is_closing:
            raise _shutting_down(route.name)
        if route.name.lower() in self._withdrawn:
            raise ServiceUnavailableError(
                f"Route '{route.name}' was stopped: plugin '{route.plugin}' was unloaded",
                state="unloaded",
            )
        raise RouteTimeoutError(
            f"Route '{route.name}' did not answer within {timeout:g} s", timeout=timeout
        )

    async def _handle(self, route: Route, request: Request) -> Any:
        """The handler's call, its exceptions typed: what wrappers wrap, or the whole call. A
        wrapper's own failure is its :class:`~oro_framework.host.errors.RouteWrapperError`
        (:mod:`~oro_framework.host.route_wrappers`)."""
        try:
            if route.runs_in_thread:
                return await self._run_in_thread(route, request)
            return await route.handler(request)
        except IPCError:
            raise
        except Exception as error:
            raise _translated(route, error) from error
        except HANDLER_EXITS as error:
            # A handler that calls sys.exit (argparse on the page's input) or raises
            # KeyboardInterrupt ends its call, not the host that serves every window.
            raise _internal(route, error) from error

    async def _run_in_thread(self, route: Route, request: Request) -> Any:
        """Run a plain ``def`` handler in a worker thread. On timeout or cancellation the caller
        is answered at once and the thread is abandoned: Python cannot interrupt it, so it runs
        to its end and holds its limiter slot until then."""
        if self._limiter is None:
            # Created on first use: a limiter belongs to the running event loop.
            self._limiter = anyio.CapacityLimiter(self._threads)
        return await anyio.to_thread.run_sync(
            route.handler, request, limiter=self._limiter, abandon_on_cancel=True
        )

    def thread_usage(self) -> dict[str, int]:
        """Worker threads of plain ``def`` handlers: ``limit``, ``busy`` (abandoned threads
        still running included) and ``waiting`` (calls queued for a free thread)."""
        if self._limiter is None:
            return {"limit": self._threads, "busy": 0, "waiting": 0}
        statistics = self._limiter.statistics()
        return {
            "limit": self._threads,
            "busy": statistics.borrowed_tokens,
            "waiting": statistics.tasks_waiting,
        }

    def _check_permission(self, route: Route, request: Request) -> None:
        if not self._is_permission_allowed(route.permission):
            raise NotAllowedError(
                f"Runtime permission is disabled for '{route.permission}'",
                permission=route.permission,
            )
        try:
            decision = self._hooks.permission_check(request=request, permission=route.permission)
        except IPCError:
            raise
        except Exception as error:
            raise _internal(route, error) from error
        if decision is False:
            raise NotAllowedError(
                f"Permission '{route.permission}' was refused for route '{route.name}'",
                permission=route.permission,
            )

    def _result_reply(self, route: Route, request: Request, result: Any) -> Reply:
        source = route.name
        if isinstance(result, bytes | bytearray | memoryview):
            return Reply(source, request.id, body=bytes(result))
        if isinstance(result, EventStream | ByteStream):
            return Reply(source, request.id, stream=self._track(route, request, result))
        if isinstance(result, AsyncIterator):
            stream = EventStream(result)
            return Reply(source, request.id, stream=self._track(route, request, stream))
        try:
            payload = encode_result(
                source, request.id, result, token=request.token, held=request.transport_memory
            )
        except IPCError as error:
            # OutOfMemoryError: the budget cannot hold the answer (507).
            return self._error_reply(source, request, error)
        except (TypeError, ValueError, RecursionError) as error:
            return self._error_reply(source, request, _not_json(route, error))
        return Reply(source, request.id, data=result, payload=payload)

    def _error_reply(self, source: str, request: Request, error: IPCError) -> Reply:
        payload = encode_error(source, request.id, error, token=request.token)
        return Reply(source, request.id, error=error, payload=payload)

    def _track(
        self, route: Route, request: Request, stream: EventStream | ByteStream
    ) -> EventStream | ByteStream:
        if isinstance(stream, EventStream):
            return EventStream(self._guarded(route, request, stream.events, interruptible=True))
        # A byte stream cannot carry an error once started, and a cancel scope around each
        # wait costs ~6 µs an item (10,000 in bench/ipc.py's stream row): one open when the
        # host stops ends at its next chunk, or with its connection.
        guarded = self._guarded(route, request, stream.chunks, interruptible=False)
        return ByteStream(guarded, stream.media_type, stream.length, stream.file)

    async def _guarded(
        self, route: Route, request: Request, items: AsyncIterator[Any], *, interruptible: bool
    ) -> AsyncIterator[Any]:
        """Count the open stream and close the handler's iterator whatever ends the stream;
        an unexpected error mid-stream is logged and ends it (the status line is long gone)."""
        self.open_streams[route.name] += 1
        try:
            while True:
                try:
                    item = await self._streams.next(route.name, items, interruptible=interruptible)
                except StopAsyncIteration:
                    break
                yield item
        except IPCError:
            raise
        except (Exception, *HANDLER_EXITS) as error:
            raise _internal(route, error) from error
        finally:
            self.open_streams[route.name] -= 1
            close = getattr(items, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()


HANDLER_EXITS: Final = (SystemExit, KeyboardInterrupt)
"""What a handler may raise that would end the process: its call's InternalError instead."""


def _translated(route: Route, error: Exception) -> IPCError:
    """What the caller gets for an exception a handler raised: an OSError with an errno as the
    matching ErrnoError, anything else as InternalError (logged)."""
    if isinstance(error, OSError) and error.errno is not None:
        return ErrnoError.from_os_error(error)
    return _internal(route, error)


def _internal(route: Route, error: BaseException) -> InternalError:
    if isinstance(error, RecursionError):
        # Its traceback repeats one frame a thousand times (160 KB a request): one line says it.
        logger.error(
            "route %r of plugin %r went past the recursion limit: %s",
            route.name,
            route.plugin,
            _bounded_reason(error),
        )
    else:
        logger.error(
            "route %r of plugin %r raised an unexpected exception",
            route.name,
            route.plugin,
            exc_info=error,
        )
    return InternalError(f"Internal error in route '{route.name}' (details in the host log)")


_REASON_CHARACTERS: Final = 200


def _bounded_reason(error: BaseException) -> str:
    """``error`` in one line of at most :data:`_REASON_CHARACTERS` characters."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= _REASON_CHARACTERS else text[: _REASON_CHARACTERS - 1] + "…"


def _not_json(route: Route, error: BaseException) -> InternalError:
    """A result JSON cannot carry (NaN, an object, nested too deeply): one bounded line in the
    log, no traceback (the reason is all there is to it, and the result may be the page's own
    input), and a typed error for the page."""
    logger.error(
        "route %r of plugin %r returned a result that is not JSON: %s",
        route.name,
        route.plugin,
        _bounded_reason(error),
    )
    return InternalError(
        f"Route '{route.name}' returned a result that cannot be sent as JSON (details in the "
        "host log)",
        code="ERR_RESULT_NOT_JSON",
    )


def _request_url(request: Request) -> str:
    """``request`` as the ``ipc://`` URL Oro's pages send (``ipc://x/?path=a&index=0&seq=R1``):
    its parameters, then the window index and the sequence id."""
    pairs = [(key, _query_value(value)) for key, value in request.params.items() if key != "index"]
    index = request.params.get("index", request.window)
    if index is not None:
        pairs.append(("index", _query_value(index)))
    pairs.append(("seq", request.id))
    # By hand: urlencode's generality costs as much as the rest of a 404 (bench/router.py).
    query = "&".join(f"{_quoted(key)}={_quoted(value)}" for key, value in pairs)
    return f"ipc://{request.route}/?{query}"


def _query_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    # A window index is an int: json.dumps would say the same, slower.
    return str(value) if type(value) is int else json.dumps(value)


def _quoted(text: str) -> str:
    return text if text.isascii() and text.isalnum() else quote_plus(text)
