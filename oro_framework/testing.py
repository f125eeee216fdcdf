"""Test kit for oro-framework and plugin authors; a pytest plugin (entry point ``pytest11``).

::

    import pytest
    import oro_framework.core.ping
    from oro_framework.testing import MemoryClient, make_host

    pytestmark = pytest.mark.anyio

    async def test_ping() -> None:
        async with make_host(plugins=[oro_framework.core.ping]) as host:
            reply = await MemoryClient(host).call("ping")
            assert reply.data == "pong"

Async tests run on anyio's pytest plugin with the **trio** backend, like the runtime (the
``anyio_backend`` fixture below; override it in a conftest to change that).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, final

import anyio
import pytest

from oro_framework.envelope import ByteStream, EventStream, Reply
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host

if TYPE_CHECKING:
    import click

    from oro_framework.config import ConfigRegistry
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.router import RouteTable
    from oro_framework.host.schemes import SchemeTable
    from oro_framework.host.services import ServiceRegistry
    from oro_framework.request import Request

__all__ = ["HookRecorder", "MemoryClient", "make_host", "raise_for_error"]


@asynccontextmanager
async def make_host(
    plugins: Sequence[object] = (),
    *,
    config: Mapping[str, Any] | None = None,
    app_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> AsyncIterator[Host]:
    """Build a host with exactly ``plugins`` (no entry-point discovery), run it, yield it, and
    stop it (services cancelled, plugins unconfigured) when the block ends.

    Data, cache and temp directories live in a fresh temporary directory removed afterwards; the
    environment is empty unless ``environ`` is given, so the caller's ``ORO_*`` variables never
    leak into a test.

    :param config: config overrides by dotted or flattened key (highest precedence).
    :param app_dir: a directory holding an ``oro.toml``; default: an empty temporary one.
    """
    base = Path(tempfile.mkdtemp(prefix="oro-test-"))
    try:
        app = app_dir or base / "app"
        app.mkdir(exist_ok=True)
        host = Host(
            app,
            plugins=plugins,
            autoload=False,
            config=config,
            environ=environ or {},
            data_dir=base / "data",
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
class HookRecorder:
    """A plugin that records every hook call it sees, for assertions on what the host called.

    Register it like any plugin: ``make_host(plugins=[recorder, ...])``. Registration hooks reach
    it in its own turn, so it sees each hook once; ``oro_permission_check`` is recorded and left
    undecided (``None``).
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

    def _record(self, name: str, **arguments: Any) -> None:
        self.calls.append((name, arguments))

    @hookimpl
    def oro_register_permissions(self, permissions: PermissionRegistry, host: Host) -> None:
        self._record("oro_register_permissions", permissions=permissions, host=host)

    @hookimpl
    def oro_register_config(self, config: ConfigRegistry, host: Host) -> None:
        self._record("oro_register_config", config=config, host=host)

    @hookimpl
    def oro_configure(self, host: Host) -> None:
        self._record("oro_configure", host=host)

    @hookimpl
    def oro_register_routes(self, routes: RouteTable, host: Host) -> None:
        self._record("oro_register_routes", routes=routes, host=host)

    @hookimpl
    def oro_register_schemes(self, schemes: SchemeTable, host: Host) -> None:
        self._record("oro_register_schemes", schemes=schemes, host=host)

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable, host: Host) -> None:
        self._record("oro_register_js_modules", modules=modules, host=host)

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry, host: Host) -> None:
        self._record("oro_register_services", services=services, host=host)

    @hookimpl(tryfirst=True)
    def oro_permission_check(self, request: Request, permission: str) -> None:
        self._record("oro_permission_check", request=request, permission=permission)

    @hookimpl
    def oro_lifecycle_event(self, host: Host, event: LifecycleEvent) -> None:
        self._record("oro_lifecycle_event", host=host, event=event)

    @hookimpl
    def oro_diagnostics(self, host: Host) -> None:
        self._record("oro_diagnostics", host=host)

    @hookimpl
    def oro_unconfigure(self, host: Host) -> None:
        self._record("oro_unconfigure", host=host)

    @hookimpl
    def oro_register_commands(self, cli: click.Group) -> None:
        self._record("oro_register_commands", cli=cli)


class _TrioBackend:
    """Holds the ``anyio_backend`` override; registered in :func:`pytest_configure` so that it is
    parsed after anyio's own plugin and wins over its asyncio+trio parametrisation."""

    @pytest.fixture(scope="module")
    @staticmethod
    def anyio_backend() -> str:
        """Run async tests on trio, the backend the runtime uses."""
        return "trio"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_TrioBackend(), "oro-anyio-trio-backend")


def raise_for_error(reply: Reply) -> Any:
    """``reply.data``, or raise its :class:`~oro_framework.IPCError` (for tests that expect
    success)."""
    if reply.error is not None:
        raise reply.error
    return reply.data
