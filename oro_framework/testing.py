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

Over real HTTP, :func:`live_server` serves the host's bridge on loopback and hands out httpx
clients that already hold the session cookie::

    async with make_host(plugins=[...]) as host, live_server(host) as server:
        async with server.client() as client:
            response = await client.get("/ipc/ping")
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from oro_framework.envelope import ByteStream, EventStream, Reply, ServerSentEvent
from oro_framework.hookspecs import hookimpl
from oro_framework.host.app import Host

T = TypeVar("T")

if TYPE_CHECKING:
    import click
    import httpx
    from playwright.sync_api import Browser, Page

    from oro_framework.config import ConfigRegistry
    from oro_framework.host.bridge import PreloadArgs
    from oro_framework.host.lifecycle import LifecycleEvent
    from oro_framework.host.modules import JSModuleTable
    from oro_framework.host.permissions import PermissionRegistry
    from oro_framework.host.router import RouteTable
    from oro_framework.host.schemes import SchemeTable
    from oro_framework.host.server import ServerInfo
    from oro_framework.host.services import ServiceRegistry
    from oro_framework.request import Request

__all__ = [
    "CHROMIUM_ARGS",
    "HookRecorder",
    "LiveServer",
    "MemoryClient",
    "RoutePlugin",
    "ServedApp",
    "find_chromium",
    "js_api_dev_dependencies",
    "launch_chromium",
    "live_server",
    "make_host",
    "open_app_page",
    "raise_for_error",
    "read_sse",
    "run_node_tests",
    "served_app",
]


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
    def oro_page_closed(self, host: Host, window: int) -> None:
        self._record("oro_page_closed", host=host, window=window)

    @hookimpl
    def oro_diagnostics(self, host: Host) -> None:
        self._record("oro_diagnostics", host=host)

    @hookimpl
    def oro_page_args(self, host: Host, window: int, origin: str) -> None:
        self._record("oro_page_args", host=host, window=window, origin=origin)

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


# -------------------------------------------------------------------------------------------------
# Over real HTTP
# -------------------------------------------------------------------------------------------------


@final
class LiveServer:
    """A host's bridge served on 127.0.0.1 by :func:`live_server`.

    :ivar host: the served host.
    :ivar info: the :class:`~oro_framework.host.server.ServerInfo` (port, launch token).
    """

    def __init__(self, host: Host, info: ServerInfo) -> None:
        self.host = host
        self.info = info
        self._session: str | None = None

    @property
    def port(self) -> int:
        return self.info.port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self.info.origin

    @property
    def launch_url(self) -> str:
        return self.info.launch_url

    async def session_cookie(self) -> str:
        """The session cookie's value, obtained through the launch URL on first use (the launch
        token is single-use, so every session client of this server shares it).

        :raises AssertionError: the launch URL did not answer 303 with the cookie.
        """
        if self._session is None:
            import httpx

            from oro_framework.host.security import SESSION_COOKIE

            async with httpx.AsyncClient() as launcher:
                response = await launcher.get(self.launch_url)
            cookie = response.cookies.get(SESSION_COOKIE)
            if response.status_code != 303 or cookie is None:
                raise AssertionError(
                    f"launch URL answered {response.status_code} without a session cookie"
                )
            self._session = cookie
        return self._session

    @asynccontextmanager
    async def client(
        self, *, session: bool = True, **options: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        """An ``httpx.AsyncClient`` with ``base_url`` set to the server's origin, holding the
        session cookie unless ``session=False``. ``options`` go to the client (``headers``,
        ``timeout``...)."""
        import httpx

        from oro_framework.host.security import SESSION_COOKIE

        cookies = dict(options.pop("cookies", None) or {})
        if session:
            cookies[SESSION_COOKIE] = await self.session_cookie()
        async with httpx.AsyncClient(base_url=self.origin, cookies=cookies, **options) as client:
            yield client


@asynccontextmanager
async def live_server(
    host: Host, *, port: int = 0, preload_args: PreloadArgs | None = None
) -> AsyncIterator[LiveServer]:
    """Serve ``host`` (already running, e.g. from :func:`make_host`) with the real bridge and
    hypercorn on 127.0.0.1 while the block runs; the server stops when it ends.

    :param port: the TCP port; ``0`` picks a free one.
    :param preload_args: as for :func:`~oro_framework.host.server.serve_app`.
    """
    from oro_framework.host.server import serve_app

    async with anyio.create_task_group() as task_group:
        info: ServerInfo = await task_group.start(
            functools.partial(serve_app, host, port=port, preload_args=preload_args)
        )
        try:
            yield LiveServer(host, info)
        finally:
            task_group.cancel_scope.cancel()


async def read_sse(response: httpx.Response) -> AsyncGenerator[ServerSentEvent, None]:
    """Parse a streamed ``text/event-stream`` response event by event, as each arrives.

    ``data`` is the event's text (lines joined with ``\\n``), not decoded; comments and
    ``retry`` lines are skipped.
    """
    data: list[str] = []
    event: str | None = None
    event_id: str | None = None
    async for line in response.aiter_lines():
        if not line:
            if data:
                yield ServerSentEvent("\n".join(data), event=event, id=event_id)
            data, event, event_id = [], None, None
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id":
            event_id = value


# -------------------------------------------------------------------------------------------------
# In a real browser
# -------------------------------------------------------------------------------------------------

CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Flags for headless Chromium on a machine without outside network (and as root)."""


@final
class ServedApp:
    """A host and its bridge running on a trio loop in a background thread, for synchronous
    tests that drive a browser (Playwright's sync API) from the main thread.

    :ivar server: the :class:`LiveServer`.
    """

    def __init__(self, server: LiveServer, portal: BlockingPortal) -> None:
        self.server = server
        self.host = server.host
        self._portal = portal

    def call(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``await function(*args)`` on the app's loop and return its result."""
        return self._portal.call(function, *args)

    def emit(self, name: str, data: Any = None, *, window: int | None = None) -> None:
        """``host.emit`` from the test thread, on the app's loop."""
        self._portal.call(functools.partial(self.host.emit, name, data, window=window))


@contextmanager
def served_app(
    plugins: Sequence[object] = (),
    *,
    config: Mapping[str, Any] | None = None,
    app_dir: Path | None = None,
) -> Iterator[ServedApp]:
    """:func:`make_host` + :func:`live_server` on a trio loop in a background thread."""
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(plugins, config=config, app_dir=app_dir)
        ) as host,
        portal.wrap_async_context_manager(live_server(host)) as server,
    ):
        yield ServedApp(server, portal)


def find_chromium() -> str:
    """The system Chromium (tests never download a browser).

    :raises RuntimeError: none is installed; ``scripts/test`` installs Debian's ``chromium``.
    """
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("no Chromium found: apt-get install chromium (scripts/test does)")


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """A headless system Chromium driven by Playwright's sync API (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One :func:`launch_chromium` browser for the whole test session."""
    with launch_chromium() as browser:
        yield browser


def open_app_page(browser: Browser, app: ServedApp, path: str = "/") -> Page:
    """A new page on ``path`` of the app, in a fresh browser context holding the session cookie
    (the launch token is single-use, so pages share the session it opened), once ``runtimeinit``
    fired (the bootstrap ran, the event channel is open). Close it with ``page.context.close()``.
    """
    from oro_framework.host.security import SESSION_COOKIE

    session = app.call(app.server.session_cookie)
    context = browser.new_context()
    context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": app.server.origin}])
    page = context.new_page()
    page.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    page.goto(app.server.origin + path)
    page.wait_for_function("() => globalThis.__oroInitialised === true", timeout=15_000)
    return page


def _require_program(program: str, purpose: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"'{program}' is required {purpose} but was not found on PATH: install Node.js "
            ">= 18.17 with npm (e.g. `apt-get install nodejs npm`)",
            pytrace=False,
        )
    return path


def js_api_dev_dependencies() -> Path:
    """Install ``js-api/``'s pinned dev dependencies (typescript, esbuild, the shimmed packages)
    with ``npm ci`` unless they are current, and return the ``js-api`` directory. Only in a source
    checkout of oro-framework, where tests type-check and bundle the JS modules."""
    js_api = Path(__file__).resolve().parents[1] / "js-api"
    installed = js_api / "node_modules" / ".package-lock.json"
    lock = js_api / "package-lock.json"
    if not lock.is_file():
        pytest.fail(f"{js_api} is not a source checkout of js-api/", pytrace=False)
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return js_api
    npm = _require_program("npm", "to install the js-api dev dependencies")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=js_api,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"npm ci in js-api/ failed:\n{result.stdout}{result.stderr}"
    return js_api


def run_node_tests(
    *paths: str | Path,
    cwd: Path | None = None,
    node_options: Sequence[str] = (),
    minimum: int = 1,
) -> str:
    """Run ``node [node_options] --test paths...`` and fail unless at least ``minimum`` tests
    ran, none failed and none was skipped (a skipped test never counts as passing). Returns
    node's report."""
    node = _require_program("node", "to run JavaScript unit tests")
    result = subprocess.run(
        [node, *node_options, "--test", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = (result.stdout + result.stderr)[-30000:]
    assert result.returncode == 0, report
    passed = re.search(r"^# pass (\d+)$", result.stdout, flags=re.MULTILINE)
    assert passed is not None, report
    assert int(passed[1]) >= minimum, f"node --test ran {passed[1]} tests, expected {minimum}+"
    assert re.search(r"^# fail 0$", result.stdout, flags=re.MULTILINE), report
    assert re.search(r"^# skipped 0$", result.stdout, flags=re.MULTILINE), report
    return result.stdout
