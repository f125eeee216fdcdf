"""Serving the bridge on 127.0.0.1 (:mod:`~oro_framework.web.http_server`), one launch token per
run.

::

    async with anyio.create_task_group() as task_group:
        await task_group.start(host.run)
        server = await task_group.start(serve_app, host)
        print(server.launch_url)  # http://127.0.0.1:<port>/?oro_launch=<token>
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Final, NamedTuple, final

import anyio
from anyio.abc import TaskGroup, TaskStatus

from oro_framework.host.app import Host
from oro_framework.host.bridge_settings import HttpIpcSettings
from oro_framework.host.builtin_settings import IpcSettings
from oro_framework.host.errors import ConfigError
from oro_framework.web.asgi import Receive, Scope, Send
from oro_framework.web.bridge import Bridge, PreloadArgs
from oro_framework.web.bridge.http_ipc import HttpIpcServer
from oro_framework.web.http_server import serve_http
from oro_framework.web.ports import LISTEN_BACKLOG, LOOPBACK
from oro_framework.web.security import LAUNCH_PARAMETER
from oro_framework.web.wire import WireLimits

__all__ = ["KEEP_ALIVE_TIMEOUT", "LOOPBACK", "ServerInfo", "serve_app", "serve_on_loopback"]

logger = logging.getLogger("oro_framework.server")

# IPC parameters travel in the query string (and X-IPC-URI): 16 KiB of headers (hypercorn's
# default, which served the bridge before) was short for a window.eval script or a long path
# list.
_MAX_HEADER_BYTES: Final = 256 * 1024
KEEP_ALIVE_TIMEOUT: Final = 5.0
"""Seconds an idle keep-alive connection stays open."""


@final
class ServerInfo(NamedTuple):
    """Where a served app can be reached.

    :ivar port: the TCP port on 127.0.0.1.
    :ivar launch_token: this run's single-use launch token (``secrets.token_urlsafe(32)``).
    """

    port: int
    launch_token: str

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def launch_url(self) -> str:
        """The URL that opens a session: the window loads it, ``--headless`` prints it."""
        return f"{self.origin}/?{LAUNCH_PARAMETER}={self.launch_token}"


async def serve_on_loopback(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    *,
    port: int = 0,
    sock: socket.socket | None = None,
    keep_alive_timeout: float = KEEP_ALIVE_TIMEOUT,
    max_message_bytes: int | None = None,
    task_status: TaskStatus[int] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve the ASGI ``app`` on ``127.0.0.1:port`` until cancelled; reports the bound port.

    :param sock: a socket already listening on loopback (:func:`~oro_framework.web.ports.listen`),
        served and closed at the end instead of binding ``port``.
    :param max_message_bytes: the largest WebSocket message a client may send (1009 past it);
        ``None``: the wire core's default.
    :raises OSError: the port cannot be bound.
    """
    limits = WireLimits(max_header_bytes=_MAX_HEADER_BYTES, idle_timeout=keep_alive_timeout)
    if max_message_bytes is not None:
        limits = dataclasses.replace(limits, max_message_bytes=max_message_bytes)
    await serve_http(
        app,
        host=LOOPBACK,
        port=port,
        backlog=LISTEN_BACKLOG,
        limits=limits,
        sock=sock,
        task_status=task_status,
    )


async def serve_app(
    host: Host,
    *,
    port: int = 0,
    sock: socket.socket | None = None,
    preload_args: PreloadArgs | None = None,
    keep_alive_timeout: float = KEEP_ALIVE_TIMEOUT,
    session_key: str | None = None,
    task_status: TaskStatus[ServerInfo] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Serve ``host``'s bridge on ``127.0.0.1:port`` until cancelled.

    Start it with ``TaskGroup.start`` in the task group that runs ``host.run``; it reports a
    :class:`ServerInfo` once the socket listens.

    :param port: the TCP port; ``0`` picks a free one.
    :param sock: a socket already listening on loopback, served (and closed at the end)
        instead of binding ``port``.
    :param preload_args: extra ``__args`` entries for the pages of a window index.
    :param keep_alive_timeout: seconds after which an idle keep-alive connection is closed.
    :param session_key: signs session ids so that another run given the same key accepts them
        (``oro dev`` restarting the host).
    :raises OSError: the port cannot be bound (already in use, not permitted).
    :raises ConfigError: ``http.ipc.port`` cannot be bound: the HTTP IPC bridge's own server
        (:class:`~oro_framework.web.bridge.http_ipc.HttpIpcServer`) starts with the app's.
    """
    launch_token = secrets.token_urlsafe(32)
    bridge = Bridge(
        host, launch_token=launch_token, preload_args=preload_args, session_key=session_key
    )
    async with anyio.create_task_group() as task_group:
        bound: int = await task_group.start(
            functools.partial(
                serve_on_loopback,
                bridge,
                port=port,
                sock=sock,
                keep_alive_timeout=keep_alive_timeout,
                # A WebSocket message to a mounted app is held whole, like an IPC body: the
                # same key bounds both.
                max_message_bytes=host.settings(IpcSettings).max_body_bytes,
            )
        )
        logger.info("serving %s on http://%s:%d", host.app_dir, LOOPBACK, bound)
        await _serve_http_ipc(bridge, task_group)
        info = ServerInfo(bound, launch_token)
        # Windows created from now on open pages of this origin, each with a launch URL of its
        # own, whoever runs the server (oro run, the test kit).
        host.windows.set_origin(info.origin, launch_token)
        task_status.started(info)


async def _serve_http_ipc(bridge: Bridge, task_group: TaskGroup) -> None:
    """Start the HTTP IPC bridge's own server when ``http.ipc`` names a port.

    :raises ConfigError: the port cannot be bound on ``http.ipc.host``.
    """
    host = bridge.host
    settings = host.settings(HttpIpcSettings)
    if not (settings.enable and settings.port):
        return
    try:
        await task_group.start(
            functools.partial(
                serve_http,
                HttpIpcServer(bridge, settings),
                host=settings.host,
                port=settings.port,
                backlog=LISTEN_BACKLOG,
                limits=WireLimits(max_header_bytes=_MAX_HEADER_BYTES),
            )
        )
    except OSError as error:
        raise ConfigError(
            f"the HTTP IPC bridge cannot listen on {settings.host}:{settings.port}: "
            f"{error.strerror or error}; choose another http.ipc.port",
            key="http.ipc.port",
            source=host.config.source("http.ipc.port"),
        ) from None
    logger.info("HTTP IPC bridge on http://%s:%d%s", settings.host, settings.port, settings.path)
