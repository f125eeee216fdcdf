"""The sockets and servers of one host, and the ``tcp.sockets`` service their tasks run in.

Each connection has a reader task (from ``readStart`` on) that sends what arrives to its page;
each listening server an acceptor task that admits connections (the TLS handshake included,
within its timeout) and tells the server's page about each with a ``connection`` frame. The
service runs while the host runs; stopping it (host stop) closes every socket.
"""

from __future__ import annotations

import contextlib
import errno as errno_module
import json
import secrets
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio
import oro_conduit
from anyio.abc import SocketAttribute, SocketStream, TaskGroup, TaskStatus

from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    IPCError,
    NotSupportedError,
    ServiceUnavailableError,
)
from oro_framework.network import PrivateNetworkPolicy, address_space, app_ports, same_address
from oro_tls.addresses import socket_endpoints
from oro_tls.connections import Connection, Kind, error_frame
from oro_tls.errors import no_socket
from oro_tls.pins import PinSet
from oro_tls.servers import Server
from oro_tls.settings import TcpSettings, TlsSettings

if TYPE_CHECKING:
    from oro_framework import Host

__all__ = ["SERVICE_NAME", "TcpSockets"]


SERVICE_NAME: Final = "tcp.sockets"
_Item = TypeVar("_Item", Connection, Server)


@final
class TcpSockets:
    """Every page's connections and servers, by id (a Conduit client id: unique across pages)."""

    @classmethod
    def from_host(cls, host: Host) -> TcpSockets:
        """The sockets of ``host``, whose config is loaded (none open yet)."""
        return cls(host, host.settings(TcpSettings), host.settings(TlsSettings))

    def __init__(self, host: Host, tcp: TcpSettings, tls: TlsSettings) -> None:
        self.host = host
        self.tcp = tcp
        self.tls = tls
        self.pins = PinSet.parse(tls.pins)
        """The host's pins: ``[tls] pins``, then what ``tls.setPins`` made of them."""
        self.private_network = PrivateNetworkPolicy(tcp.allow_private, key="tcp.allow_private")
        self.items: dict[str, Connection | Server] = {}
        self._task_group: TaskGroup | None = None
        self.closed_totals = {"bytesRead": 0, "bytesWritten": 0, "accepted": 0}

    # ----------------------------------------------------------------------------------------
    # Registry
    # ----------------------------------------------------------------------------------------

    def connection(self, window: int | None, item_id: str, kind: Kind) -> Connection:
        """``window``'s connection ``item_id`` of ``kind``.

        :raises NotFoundError: ``ERR_SOCKET_CLOSED``: none (or another page's, or a server).
        """
        return self._get(window, item_id, kind, Connection)

    def server(self, window: int | None, item_id: str, kind: Kind) -> Server:
        return self._get(window, item_id, kind, Server)

    def _get(self, window: int | None, item_id: str, kind: Kind, cls: type[_Item]) -> _Item:
        item = self.items.get(item_id)
        if not isinstance(item, cls) or item.window != window or item.kind != kind:
            raise no_socket(item_id, f"{kind} {'server' if cls is Server else 'socket'}")
        return item

    def find(self, window: int | None, item_id: str) -> Connection | Server | None:
        item = self.items.get(item_id)
        return item if item is not None and item.window == window else None

    def require_running(self) -> TaskGroup:
        """:raises ServiceUnavailableError: the service is not running (host starting/stopped)."""
        if self._task_group is None:
            raise ServiceUnavailableError("TCP sockets are not running", service=SERVICE_NAME)
        return self._task_group

    def check_new(self, window: int | None, item_id: str) -> None:
        """:raises InvalidArgumentError: the id is taken. :raises ErrnoError: ``EMFILE``."""
        if item_id in self.items:
            raise InvalidArgumentError(
                f"socket id {item_id!r} is already in use",
                code="ERR_INVALID_ARG_VALUE",
                parameter="id",
            )
        if self._count(window) >= self.tcp.max_sockets_per_page:
            raise ErrnoError.for_socket(
                errno_module.EMFILE,
                "socket",
                hint=f"tcp.max_sockets_per_page = {self.tcp.max_sockets_per_page}",
            )

    def check_reachable(self, window: int | None, address: str, port: int, *, name: str) -> None:
        """Whether ``window``'s page may connect to ``address`` (an IP literal, resolved from
        ``name``): a public address, one ``tcp.allow_private`` names, or one of the page's own
        servers listening on loopback; never the app's own servers (the bridge's and the
        Conduit's ports).

        :raises ErrnoError: ``EACCES`` (``syscall`` ``connect``).
        """
        reserved = app_ports(self.host) | _conduit_ports(self.host)
        if port not in reserved and self._listens_at(window, address, port):
            return
        self.private_network.check(
            address, port, syscall="connect", name=name, reserved_ports=reserved
        )

    def _listens_at(self, window: int | None, address: str, port: int) -> bool:
        """Whether one of ``window``'s servers listens at exactly ``address``:``port`` of
        loopback. No other socket can hold that address and port while it listens (servers do
        not set SO_REUSEPORT), so connecting there reaches the page's own server and nothing
        else."""
        return address_space(address) == "loopback" and any(
            isinstance(item, Server)
            and item.window == window
            and item.listener is not None
            and not item.closed
            and item.local is not None
            and item.local[1] == port
            and same_address(item.local[0], address)
            for item in self.items.values()
        )

    def _count(self, window: int | None) -> int:
        return sum(1 for item in self.items.values() if item.window == window)

    def register(self, item: Connection | Server) -> None:
        """Add a socket just made, unless a concurrent request took its id or the page's last
        slot meanwhile: it is closed then and the error raised."""
        try:
            self.check_new(item.window, item.id)
        except IPCError:
            item.close()
            raise
        self.items[item.id] = item

    def close(self, item: Connection | Server) -> None:
        """Close and forget ``item`` (``tcp.close``, its page gone, host stop)."""
        item.close()
        if self.items.get(item.id) is item:
            del self.items[item.id]
            if isinstance(item, Connection):
                self.closed_totals["bytesRead"] += item.bytes_read
                self.closed_totals["bytesWritten"] += item.bytes_written
            else:
                self.closed_totals["accepted"] += item.accepted

    def close_window(self, window: int) -> None:
        for item in [item for item in self.items.values() if item.window == window]:
            self.close(item)

    def close_all(self) -> None:
        for item in list(self.items.values()):
            self.close(item)

    def diagnostics(self) -> dict[str, Any]:
        ids = sorted(self.items)
        connections = [item for item in self.items.values() if isinstance(item, Connection)]
        return {
            "handles": {"count": len(ids), "ids": ids},
            "bytesRead": self.closed_totals["bytesRead"] + sum(c.bytes_read for c in connections),
            "bytesWritten": self.closed_totals["bytesWritten"]
            + sum(c.bytes_written for c in connections),
            "sockets": {item.id: item.diagnostics() for item in self.items.values()},
        }

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    async def start_reading(self, connection: Connection, offset: int | None = None) -> None:
        """Send ``connection``'s bytes to its page from now on (idempotent); from ``offset``
        on when given (bytes sent before but lost with a Conduit that went away are sent
        again first).

        :raises NotSupportedError: oro-conduit is not loaded (the bytes travel on it).
        """
        if self.host.stash.get(oro_conduit.STATE) is None:
            raise NotSupportedError("reading a TCP or TLS socket needs the oro-conduit plugin")
        if offset is not None:
            await connection.resend(partial(self._deliver, connection), offset)
        connection.start_reading()
        if connection.reader is None and not connection.closed:
            connection.reader = anyio.CancelScope()
            self.require_running().start_soon(self._read, connection, connection.reader)

    async def _deliver(
        self, connection: Connection, options: Mapping[str, Any], payload: bytes
    ) -> None:
        await oro_conduit.send(self.host, connection.id, options, payload, window=connection.window)

    async def _read(self, connection: Connection, scope: anyio.CancelScope) -> None:
        with scope:
            await connection.read_into(partial(self._deliver, connection))

    # ----------------------------------------------------------------------------------------
    # Accepting
    # ----------------------------------------------------------------------------------------

    def start_accepting(self, server: Server) -> None:
        server.acceptor = anyio.CancelScope()
        self.require_running().start_soon(self._accept, server, server.acceptor)

    async def _accept(self, server: Server, scope: anyio.CancelScope) -> None:
        assert server.listener is not None
        with scope:
            async with anyio.create_task_group() as admissions:
                while True:
                    try:
                        stream = await server.listener.accept()
                    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                        return
                    except OSError as error:
                        # EMFILE and the like: tell the page, keep the server (as Node does).
                        failure = ErrnoError.for_socket(error.errno or errno_module.EIO, "accept")
                        await self._send(server, error_frame(failure))
                        await anyio.sleep(0.1)
                        continue
                    admissions.start_soon(self._admit, server, stream)

    async def _admit(self, server: Server, stream: SocketStream) -> None:
        raw = stream.extra(SocketAttribute.raw_socket)
        try:
            endpoints = socket_endpoints(raw)
        except OSError:
            await anyio.aclose_forcefully(stream)  # the client is already gone
            return
        connection_stream: Any = stream
        tls_facts = None
        if server.context is not None:
            from oro_tls.handshakes import server_handshake

            try:
                connection_stream, tls_facts = await server_handshake(
                    stream,
                    server.context,
                    request_cert=server.request_cert,
                    timeout_ms=server.handshake_timeout_ms,
                )
            except IPCError as error:
                server.refused += 1
                frame = error_frame(error)
                frame["event"] = "tlsClientError"
                await self._send(server, frame)
                return
        connection_id = secrets.token_hex(8)
        if server.closed or self._count(server.window) >= self.tcp.max_sockets_per_page:
            server.refused += 1
            await anyio.aclose_forcefully(connection_stream)
            return
        connection = Connection(
            connection_id,
            server.window,
            server.kind,
            connection_stream,
            raw,
            endpoints=endpoints,
            read_window=self.tcp.read_window_bytes,
        )
        connection.tls = tls_facts
        self.items[connection_id] = connection
        server.accepted += 1
        options: dict[str, Any] = connection.endpoints()
        if tls_facts is not None:
            options["tls"] = json.dumps(tls_facts, separators=(",", ":"))
        await self._send(server, {"event": "connection", **options})

    async def _send(self, server: Server, options: Mapping[str, Any]) -> None:
        with contextlib.suppress(NotSupportedError):
            await oro_conduit.send(self.host, server.id, options, window=server.window)

    # ----------------------------------------------------------------------------------------
    # The service
    # ----------------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[Any]) -> None:
        """The ``tcp.sockets`` service: runs the readers and acceptors; on cancellation (host
        stop) closes every socket and server."""
        try:
            async with anyio.create_task_group() as task_group:
                self._task_group = task_group
                task_status.started()
                await anyio.sleep_forever()
        finally:
            self._task_group = None
            self.close_all()


def _conduit_ports(host: Host) -> frozenset[int]:
    """The Conduit's port while it listens: the app's own server, as the bridge is."""
    server = host.stash.get(oro_conduit.STATE)
    port = None if server is None else server.port
    return frozenset() if port is None else frozenset({port})
