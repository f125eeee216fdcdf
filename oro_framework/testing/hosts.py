"""Hosts for tests: built with exactly the plugins a test names, run, and called in memory."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import types
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host
from oro_framework.host.envelope import ByteStream, EventStream, Reply
from oro_framework.host.installed import plugin_entries
from oro_framework.testing.transports import CONDUIT_DISTRIBUTION

if TYPE_CHECKING:
    import click

    from oro_framework.host.config import ConfigRegistry
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.mounts import MountTable
    from oro_framework.host.page_events import PageEventTable
    from oro_framework.host.permission_broker import PermissionRequest
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.request import Request
    from oro_framework.host.router import Route, RouteCallWrapper, RouteTable
    from oro_framework.host.schemes import SchemeTable
    from oro_framework.host.services import ServiceRegistry
    from oro_framework.host.windows.model import Window

__all__ = [
    "ISOLATE_ENV",
    "HookRecorder",
    "MemoryClient",
    "RoutePlugin",
    "isolating",
    "isolation_requested",
    "make_host",
    "raise_for_error",
]

ISOLATE_ENV: Final = "ORO_TEST_ISOLATE"
"""Set (to anything but empty or ``0``), every host the kit builds runs the plugin modules a
test gives it in processes of their own (:func:`isolating`): a plugin's unchanged suite then
proves it works isolated."""

_HOST_PACKAGE: Final = "oro_framework."

DEFAULT_PAGE: bytes = (
    b'<!doctype html>\n<html><head><meta charset="utf-8"><title>oro test app</title></head>'
    b"<body></body></html>\n"
)
"""The ``index.html`` of the app a test gets when it names no ``app_dir``: an empty page that
still receives the preload, so that a browser test needs no files of its own."""


def isolation_requested() -> bool:
    """Whether :data:`ISOLATE_ENV` asks for plugins in processes of their own."""
    return os.environ.get(ISOLATE_ENV, "") not in ("", "0")


def isolating(plugins: Sequence[object], config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config``, with ``plugins.isolate`` also naming each plugin module of ``plugins`` when
    :data:`ISOLATE_ENV` is set: by the name the host gives an explicit module (its installed
    entry point's, else the module's). The host's own modules (``oro_framework.*``), a
    transport's (oro-conduit serves pages from the host's server) and plugin objects that are
    not modules stay in process: only a module can be imported in another."""
    values = dict(config or {})
    if not isolation_requested():
        return values
    entries = {entry.value: entry for entry in plugin_entries()}
    names: list[str] = []
    for plugin in plugins:
        if not isinstance(plugin, types.ModuleType) or plugin.__name__.startswith(_HOST_PACKAGE):
            continue
        entry = entries.get(plugin.__name__)
        if entry is None:
            names.append(plugin.__name__)
        elif entry.distribution != CONDUIT_DISTRIBUTION:
            names.append(entry.name)
    values["plugins.isolate"] = [*values.get("plugins.isolate", ()), *names]
    return values


@asynccontextmanager
async def make_host(
    plugins: Sequence[object] = (),
    *,
    config: Mapping[str, Any] | None = None,
    app_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
) -> AsyncIterator[Host]:
    """Build a host with exactly ``plugins`` (no entry-point discovery), run it, yield it, and
    stop it (services cancelled, plugins unconfigured) when the block ends.

    Data, cache and temp directories live in a fresh temporary directory removed afterwards; the
    environment is empty unless ``environ`` is given, so the caller's ``ORO_*`` variables never
    leak into a test.

    :param config: config overrides by dotted or flattened key (highest precedence).
    :param app_dir: a directory holding an ``oro.toml``; default: a temporary one whose only
        file is an empty ``index.html`` (:data:`DEFAULT_PAGE`).
    :param data_dir: a data directory that outlives the host (a test of what survives a
        restart); default: one in the temporary directory.

    With :data:`ISOLATE_ENV` set, the plugin modules of ``plugins`` run isolated
    (:func:`isolating`).
    """
    base = Path(tempfile.mkdtemp(prefix="oro-test-"))
    try:
        app = app_dir
        if app is None:
            app = base / "app"
            app.mkdir()
            (app / "index.html").write_bytes(DEFAULT_PAGE)
        host = Host(
            app,
            plugins=plugins,
            autoload=False,
            config=isolating(plugins, config),
            environ=environ or {},
            data_dir=data_dir or base / "data",
            cache_dir=base / "cache",
            temp_dir=base / "temp",
        )
        async with anyio.create_task_group() as task_group:
            await task_group.start(host.run)
            try:
                yield host
            finally:
                host.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@final
class MemoryClient:
    """Calls routes of a running host through its real router, without a network.

    :param window: the window index requests claim to come from.
    """

    def __init__(self, host: Host, *, window: int | None = 0) -> None:
        self.host = host
        self.window = window
        self._sequence = 0

    async def call(self, route: str, /, body: bytes = b"", **params: Any) -> Reply:
        """Dispatch ``route`` with ``params``; the reply has ``.data`` or ``.error`` (an
        :class:`~oro_framework.IPCError`), ``.body`` for bytes, ``.stream`` for streams."""
        self._sequence += 1
        return await self.host.call(
            route,
            params,
            body=body,
            window=self.window,
            transport="memory",
            request_id=f"R{self._sequence}",
        )

    async def stream(
        self, route: str, /, body: bytes = b"", **params: Any
    ) -> AsyncGenerator[Any, None]:
        """Iterate the items of a streamed reply.

        :raises ~oro_framework.IPCError: the route answered an error instead of a stream, or
            failed mid-stream.
        :raises AssertionError: the route answered something that is not a stream.
        """
        reply = await self.call(route, body, **params)
        if reply.error is not None:
            raise reply.error
        stream = reply.stream
        if isinstance(stream, EventStream):
            items: AsyncIterator[Any] = stream.events
        elif isinstance(stream, ByteStream):
            items = stream.chunks
        else:
            # A test helper: answering something else fails the test, like an ``assert``.
            raise AssertionError(f"route {route!r} answered {reply.kind}, not a stream")  # noqa: TRY004
        try:
            async for item in items:
                yield item
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()


@final
class RoutePlugin:
    """A plugin registering ``handlers`` (route name → ``async def`` handler) under
    ``permission``, for tests that need a few routes::

        async with make_host(plugins=[RoutePlugin({"test.echo": echo})]) as host: ...

    :param declare: also declare ``permission`` (its config key defaults to allowed).
    :param timeout: every route's timeout in seconds (default ``ipc.timeout_ms``).
    """

    def __init__(
        self,
        handlers: Mapping[str, Any],
        *,
        name: str = "test-routes",
        permission: str = "runtime",
        declare: bool = False,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self.handlers = dict(handlers)
        self.permission = permission
        self.declare = declare
        self.timeout = timeout

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry) -> None:
        if self.declare:
            permissions.add(self.permission, f"Test permission {self.permission}.")

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        for name, handler in self.handlers.items():
            routes.add(name, handler, permission=self.permission, timeout=self.timeout)


@final
class PageClosedProbe:
    """Test plugin: :attr:`closed` is set once the host has run every ``oro_page_closed`` hook
    (``trylast``: after the plugins under test closed what the page owned). A threading event,
    so that a browser test can wait for it outside the host's loop::

        probe = PageClosedProbe()
        with served_app([*plugins, probe]) as app:
            ...  # navigate the page away
            assert probe.closed.wait(10)
    """

    name = "test-page-closed"

    def __init__(self) -> None:
        self.closed = threading.Event()

    @hookimpl(trylast=True)
    def oro_page_closed(self, host: Host, window: int) -> None:
        self.closed.set()


@final
class HookRecorder:
    """A plugin that records every hook call it sees, for assertions on what the host called.

    Register it like any plugin: ``make_host(plugins=[recorder, ...])``. Registration hooks reach
    it in its own turn, so it sees each hook once; ``oro_permission_check``,
    ``oro_permission_request`` and ``oro_resolve_secret`` are recorded and left undecided
    (``None``): the latter reaches it only if it is registered before the plugin that answers.
    Its ``oro_route_call`` wrapper records each route call and changes nothing.
    """

    name = "hook-recorder"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def names(self) -> list[str]:
        """Hook names in call order."""
        return [name for name, _ in self.calls]

    def arguments(self, hook: str) -> list[dict[str, Any]]:
        """The keyword arguments of every call of ``hook``."""
        return [arguments for name, arguments in self.calls if name == hook]

    def _record(self, name: str, /, **arguments: Any) -> None:
        self.calls.append((name, arguments))

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry, host: Host) -> None:
        self._record("oro_register_permissions", permissions=permissions, host=host)

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry, host: Host) -> None:
        self._record("oro_register_config", config=config, host=host)

    @hookimpl
    def oro_resolve_secret(self, host: Host, scheme: str, name: str) -> None:
        self._record("oro_resolve_secret", host=host, scheme=scheme, name=name)

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self._record("oro_configure", host=host)

    @hookimpl
    def oro_register_routes(self, routes: RouteTable, host: Host) -> None:
        self._record("oro_register_routes", routes=routes, host=host)

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable, host: Host) -> None:
        self._record("oro_register_mounts", mounts=mounts, host=host)

    @hookimpl
    def oro_register_schemes(self, schemes: SchemeTable, host: Host) -> None:
        self._record("oro_register_schemes", schemes=schemes, host=host)

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable, host: Host) -> None:
        self._record("oro_register_js_modules", modules=modules, host=host)

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry, host: Host) -> None:
        self._record("oro_register_services", services=services, host=host)

    @hookimpl
    def oro_register_page_events(self, events: PageEventTable, host: Host) -> None:
        self._record("oro_register_page_events", events=events, host=host)

    @hookimpl(tryfirst=True)
    def oro_permission_check(self, request: Request, permission: str) -> None:
        self._record("oro_permission_check", request=request, permission=permission)

    @hookimpl(tryfirst=True)
    def oro_permission_request(self, host: Host, request: PermissionRequest) -> None:
        self._record("oro_permission_request", host=host, request=request)

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        self._record("oro_route_call", request=request, route=route)
        return (yield)

    @hookimpl
    def oro_lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        self._record("oro_lifecycle_event", host=host, event=event)

    @hookimpl
    def oro_page_closed(self, host: Host, window: int) -> None:
        self._record("oro_page_closed", host=host, window=window)

    @hookimpl
    def oro_window_created(self, host: Host, window: Window) -> None:
        self._record("oro_window_created", host=host, window=window)

    @hookimpl
    def oro_diagnostics(self, host: Host) -> None:
        self._record("oro_diagnostics", host=host)

    @hookimpl
    def oro_page_args(self, host: Host, window: int, origin: str) -> None:
        self._record("oro_page_args", host=host, window=window, origin=origin)

    @hookimpl
    def oro_service_worker_modules(self, host: Host) -> None:
        self._record("oro_service_worker_modules", host=host)

    @hookimpl
    def oro_unconfigure(self, host: Host) -> None:
        self._record("oro_unconfigure", host=host)

    @hookimpl
    def oro_register_commands(self, cli: click.Group) -> None:
        self._record("oro_register_commands", cli=cli)

    @hookimpl
    def oro_doctor_checks(self) -> None:
        self._record("oro_doctor_checks")


def raise_for_error(reply: Reply) -> Any:
    """``reply.data``, or raise its :class:`~oro_framework.IPCError` (for tests that expect
    success)."""
    if reply.error is not None:
        raise reply.error
    return reply.data


# -------------------------------------------------------------------------------------------------
# Over real HTTP
# -------------------------------------------------------------------------------------------------
