"""IPC routes: the table plugins fill (:class:`RouteTable`), and what a route wrapper is given
and returns (:data:`RouteCall`, :func:`wrap_result`, :func:`answered`).

The :class:`~oro_framework.host.dispatch.Router` dispatches requests to these routes.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Final, TypeAlias, TypeVar, final

from oro_framework.host.errors import RegistrationError
from oro_framework.host.permissions import RouteGroup
from oro_framework.host.registry import Registry
from oro_framework.host.request import Request
from oro_framework.records import record

__all__ = [
    "DEFAULT_TIMEOUT",
    "Handler",
    "Route",
    "RouteCall",
    "RouteCallWrapper",
    "RouteTable",
    "answered",
    "wrap_result",
]

Handler: TypeAlias = Callable[[Request], Any]
"""A function taking a :class:`Request` and returning JSON data, ``bytes``, an
:class:`EventStream`/:class:`ByteStream`, or any async iterator (sent as an event stream).
An ``async def`` runs on the event loop; a plain ``def`` runs in a worker thread."""

HandlerT = TypeVar("HandlerT", bound=Handler)

RouteCall: TypeAlias = Awaitable[Any]
"""The call of a route as an ``oro_route_call`` wrapper sees it: awaiting it runs the inner
wrappers and the handler and gives the handler's result (or raises the caller's IPCError)."""

RouteCallWrapper: TypeAlias = Generator[None, RouteCall, RouteCall]
"""The return annotation of an ``@hookimpl(wrapper=True) def oro_route_call``: it yields once,
receives the inner :data:`RouteCall` and returns the one the caller awaits."""

DEFAULT_TIMEOUT: Final = 32.0
"""Seconds a handler may take to produce its reply (Oro's ``TIMEOUT``); ``ipc.timeout_ms``
changes it for every route, ``timeout=`` for one."""

DOTTED_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*$")
"""Route and service names: ``ping``, ``fs.stat``, ``ai.llm.model.load``."""


@final
@record
class Route:
    """A registered route. ``doc`` is the first line of the handler's docstring unless given;
    ``runs_in_thread`` is true for a plain ``def`` handler.

    ``per_window`` says that the route's answers may differ from one window's page to another's
    (what a page picked, opened or started is that window's alone), and to a request that proves
    no window (``request.window is None``): the route's own checks decide per request. A route
    wrapper that keeps answers (a cache) keeps them per ``request.window`` and keeps none for a
    request without a window; only a route registered with ``per_window=False`` (the same answer
    to every caller) may share them. True unless the route says otherwise: a route that forgets
    to say is treated as the safe kind."""

    name: str
    handler: Handler
    permission: str
    doc: str
    plugin: str
    timeout: float | None = None
    runs_in_thread: bool = False
    per_window: bool = True

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def label(self) -> str:
        """How logs name it: ``route 'fs.stat' of plugin 'fs'``."""
        return f"route {self.name!r} of plugin {self.plugin!r}"


@final
class RouteTable(Registry[Route]):
    """Passed to ``oro_register_routes``. Names are ``<namespace>.<action>`` (``fs.stat``) and
    match case-insensitively, as in the Oro Runtime."""

    kind = "route"

    def _key(self, name: str) -> str:
        return name.lower()

    def add(
        self,
        name: str,
        handler: Handler,
        *,
        permission: str | None = None,
        doc: str | None = None,
        timeout: float | None = None,
        per_window: bool = True,
    ) -> Route:
        """Register ``handler`` as route ``name``, guarded by ``permission``.

        :param handler: an ``async def handler(request)`` (run on the event loop; an async
            generator function is streamed as server-sent events) or a plain ``def`` (run in a
            worker thread, so it may block).
        :param permission: required: the permission (declared by some plugin) that guards it.
        :param doc: one line for ``oro routes``; default: the first line of the docstring.
        :param timeout: seconds before the caller gets a TimeoutError; default ``ipc.timeout_ms``.
        :param per_window: ``False`` when every caller gets the same answer, whatever window it
            proves or none (:attr:`Route.per_window`): route wrappers may then share what they
            keep of it between windows.
        :raises RegistrationError: a bad name, no ``permission``, a handler that is not a
            function of the request (or is a plain generator function), or a timeout that is not
            a positive number.
        :raises RegistrationConflict: another plugin registered the same name.
        """
        plugin = self.current_plugin
        if not isinstance(name, str) or not DOTTED_NAME.match(name):
            raise RegistrationError(
                f"route name {name!r} must look like 'namespace.action'", plugin=plugin
            )
        if not isinstance(permission, str) or not permission:
            raise RegistrationError(
                f"route {name!r} needs permission=<name of a declared permission>, "
                f"got {permission!r}",
                plugin=plugin,
            )
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not math.isfinite(timeout)
            or timeout <= 0
        ):
            raise RegistrationError(
                f"timeout of route {name!r} must be a positive number of seconds, got {timeout!r}",
                plugin=plugin,
            )
        if doc is not None and not isinstance(doc, str):
            raise RegistrationError(f"doc of route {name!r} must be a string", plugin=plugin)
        if not isinstance(per_window, bool):
            raise RegistrationError(
                f"per_window of route {name!r} must be True or False, got {per_window!r}",
                plugin=plugin,
            )
        runs_in_thread = False
        if inspect.isasyncgenfunction(handler):
            handler = _streaming(handler)
        elif inspect.isgeneratorfunction(handler):
            raise RegistrationError(
                f"handler of route {name!r} is a generator function; stream with an "
                "'async def' that yields, or return an EventStream",
                plugin=plugin,
            )
        elif not _is_async(handler):
            if not callable(handler):
                raise RegistrationError(
                    f"handler of route {name!r} must be a function taking the Request, "
                    f"got {handler!r}",
                    plugin=plugin,
                )
            runs_in_thread = True
        summary = doc if doc is not None else _first_line(inspect.getdoc(handler))
        route = Route(
            name, handler, permission, summary, plugin, timeout, runs_in_thread, per_window
        )
        self._claim(name, route, key=self._key(name))
        return route

    def add_group(self, group: RouteGroup) -> list[Route]:
        """Register every route of ``group``, guarded by its permission: how a plugin's
        ``oro_register_routes`` adds its routes (its ``oro_register_permissions`` declares the
        permission with ``permissions.add_group(group)``).

        :raises RegistrationError: as :meth:`add`, for the first route refused.
        :raises RegistrationConflict: another plugin registered one of the names.
        """
        return [
            self.add(
                name,
                handler,
                permission=group.permission,
                timeout=group.timeouts.get(name),
                per_window=name not in group.shared,
            )
            for name, handler in group.handlers.items()
        ]

    def sorted(self) -> list[Route]:
        return sorted(self, key=lambda route: route.name.lower())


def _is_async(handler: object) -> bool:
    """``async def`` functions, partials and methods of them, and objects whose ``__call__`` is
    one: calling them gives a coroutine to await on the loop."""
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - the method, not whether it is callable
    )


def _streaming(generator: Callable[[Request], AsyncIterator[Any]]) -> Handler:
    """Wrap an ``async def ... yield`` handler: calling it returns the stream to send."""

    @functools.wraps(generator)
    async def handler(request: Request) -> AsyncIterator[Any]:
        return generator(request)

    return handler


async def wrap_result(call: RouteCall, function: Callable[[Any], Any]) -> Any:
    """The result of ``call`` passed through ``function``: what a route wrapper returns to
    rewrite a result (``return wrap_result(call, redact)``) or to wrap a stream
    (``return wrap_result(call, counted)`` where ``counted`` makes a new async iterator)."""
    return function(await call)


async def answered(result: Any) -> Any:
    """``result`` as a :data:`RouteCall`: what a route wrapper returns to answer without running
    the inner call (a cache hit). The inner call, never awaited, never starts."""
    return result


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n", 1)[0]
