"""The host's real bridge on loopback: httpx clients with a session, and apps served on a loop in
a background thread for synchronous (Playwright) tests."""

from __future__ import annotations

import functools
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
from typing import TYPE_CHECKING, Any, TypeVar, final

import anyio
from anyio.from_thread import BlockingPortal, start_blocking_portal

from oro_framework.host.app import Host
from oro_framework.host.builtin_settings import MetaSettings
from oro_framework.host.envelope import ServerSentEvent
from oro_framework.testing.hosts import make_host
from oro_framework.testing.transports import Transport, transport_of, with_transport

if TYPE_CHECKING:
    import httpx

    from oro_framework.web.bridge import PreloadArgs
    from oro_framework.web.server import ServerInfo

__all__ = [
    "LiveServer",
    "ServedApp",
    "live_server",
    "loopback_buffer_bound",
    "read_sse",
    "served_app",
]

T = TypeVar("T")


@final
class LiveServer:
    """A host's bridge served on 127.0.0.1 by :func:`live_server`.

    :ivar host: the served host.
    :ivar info: the :class:`~oro_framework.web.server.ServerInfo` (port, launch token).
    """

    def __init__(self, host: Host, info: ServerInfo) -> None:
        self.host = host
        self.info = info
        self._session: str | None = None
        # Clients opened at once must not both spend the single-use launch token.
        self._session_lock = anyio.Lock()

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

    def window_launch_url(self, path: str = "/", *, window: int = 0) -> str:
        """A single-use launch URL of ``path`` for window ``window``, as the host hands one to
        each window it opens: the page it leads to proves it is that window (its credential),
        so that what is kept per window (children, databases, streams, picked files) is
        served to it. A browser that already holds the session is only redirected."""
        from oro_framework.host.launch import window_launch_url

        return window_launch_url(self.origin, self.info.launch_token, path, window=window)

    def window_credential(self, window: int = 0) -> str:
        """A credential of window ``window`` for a client that is not a browser page: send it
        as the ``X-Oro-Window`` header (or ``oro_window`` query parameter)."""
        return self.host.windows.credentials.issue(window)

    @property
    def cookie_name(self) -> str:
        """The app's session cookie name (``oro_session_<bundle identifier>``)."""
        from oro_framework.web.security import session_cookie_name

        return session_cookie_name(self.host.settings(MetaSettings).bundle_identifier)

    async def session_cookie(self) -> str:
        """The session cookie's value, obtained through the launch URL on first use (the launch
        token is single-use, so every session client of this server shares it).

        :raises AssertionError: the launch URL did not answer 303 with the cookie.
        """
        async with self._session_lock:
            if self._session is None:
                import httpx

                async with httpx.AsyncClient() as launcher:
                    response = await launcher.get(self.launch_url)
                cookie = response.cookies.get(self.cookie_name)
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

        cookies = dict(options.pop("cookies", None) or {})
        if session:
            cookies[self.cookie_name] = await self.session_cookie()
        async with httpx.AsyncClient(base_url=self.origin, cookies=cookies, **options) as client:
            yield client


@asynccontextmanager
async def live_server(
    host: Host, *, port: int = 0, preload_args: PreloadArgs | None = None
) -> AsyncIterator[LiveServer]:
    """Serve ``host`` (already running, e.g. from :func:`make_host`) with the real bridge and
    HTTP server on 127.0.0.1 while the block runs; the server stops when it ends.

    :param port: the TCP port; ``0`` picks a free one.
    :param preload_args: as for :func:`~oro_framework.web.server.serve_app`.
    """
    from oro_framework.web.server import serve_app

    async with anyio.create_task_group() as task_group:
        info: ServerInfo = await task_group.start(
            functools.partial(serve_app, host, port=port, preload_args=preload_args)
        )
        try:
            yield LiveServer(host, info)
        finally:
            task_group.cancel_scope.cancel()


def loopback_buffer_bound() -> int:
    """The most bytes a loopback TCP connection holds in the kernel while its reader does not
    read: the maxima its receive and send buffers grow to (``tcp_rmem``, ``tcp_wmem``).

    A test that needs a writer to block, not finish, writes more than this: below it, a reply
    can be wholly sent before the reader's first chunk, however slow the reader.
    """
    sizes = (
        Path(f"/proc/sys/net/ipv4/{name}").read_text().split()[2]
        for name in ("tcp_rmem", "tcp_wmem")
    )
    return sum(int(size) for size in sizes)


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


@final
class ServedApp:
    """A host and its bridge running on a trio loop in a background thread, for synchronous
    tests that drive a browser (Playwright's sync API) from the main thread.

    :ivar server: the :class:`LiveServer`.
    :ivar transport: what its pages call routes and get events over (``fetch`` or
        ``conduit``, :func:`~oro_framework.testing.transports.transport_of` its plugins).
    """

    def __init__(self, server: LiveServer, portal: BlockingPortal, transport: Transport) -> None:
        self.server = server
        self.host = server.host
        self.transport = transport
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
    data_dir: Path | None = None,
    port: int = 0,
    environ: Mapping[str, str] | None = None,
    transport: str | None = None,
) -> Iterator[ServedApp]:
    """:func:`make_host` + :func:`live_server` on a trio loop in a background thread.

    :param data_dir: a data directory that outlives the host (see :func:`make_host`).
    :param environ: the host's environment (see :func:`make_host`; empty by default).
    :param port: the TCP port; ``0`` picks a free one.
    :param transport: what its pages use (:mod:`oro_framework.testing.transports`):
        ``conduit`` adds oro-conduit's plugin, ``fetch`` refuses it; ``None``: whatever
        ``plugins`` give. The ``oro_transport`` fixture names each installed one in turn.
    :raises ValueError: a ``transport`` ``plugins`` cannot give (see
        :func:`~oro_framework.testing.transports.with_transport`).

    With :data:`~oro_framework.testing.hosts.ISOLATE_ENV` set, the plugin modules of
    ``plugins`` run isolated (:func:`~oro_framework.testing.hosts.isolating`).
    """
    plugins = with_transport(plugins, transport)
    with (
        start_blocking_portal(backend="trio") as portal,
        portal.wrap_async_context_manager(
            make_host(plugins, config=config, app_dir=app_dir, data_dir=data_dir, environ=environ)
        ) as host,
        portal.wrap_async_context_manager(live_server(host, port=port)) as server,
    ):
        yield ServedApp(server, portal, transport_of(plugins))
