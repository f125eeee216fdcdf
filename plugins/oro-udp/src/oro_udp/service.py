"""The sockets of one host and the ``udp.sockets`` service that moves their datagrams.

Each reading socket has a *pump*: one task receives datagrams into a bounded queue
(``udp.max_queued_datagrams``; a full queue drops the newest, counted), another hands what is
queued to the page as Conduit frames, several datagrams per frame when several are waiting. The
Conduit makes the second task wait for a slow page, so a slow page loses datagrams, as UDP
would, and never makes the host buffer without bound.

The service is registered with ``stop_on_pause``: pausing the app cancels it, which closes every
OS socket; resuming starts it again and it binds each socket anew (same address and port,
options, memberships, peer) and restarts its pump.
"""

from __future__ import annotations

import contextlib
import errno as errno_module
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, NamedTuple, final

import anyio
import oro_conduit
from anyio.abc import TaskGroup, TaskStatus
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from oro_framework import ErrnoError, IPCError, NotSupportedError, ServiceUnavailableError
from oro_framework.network import PrivateNetworkPolicy, address_space, app_ports, same_address
from oro_udp import listeners
from oro_udp.errors import already_bound, not_running
from oro_udp.settings import UdpSettings
from oro_udp.sockets import UdpSocket

if TYPE_CHECKING:
    from oro_framework import Host

__all__ = ["SERVICE_NAME", "UdpSockets"]

logger = logging.getLogger("oro_udp")

SERVICE_NAME: Final = "udp.sockets"
_BATCH_DATAGRAMS: Final = 64
_BATCH_BYTES: Final = 256 * 1024
# Errors the system reports on a receive that do not end the socket: ICMP answers to earlier
# sends (port or host unreachable). Node emits them as 'error' and keeps reading.
_TRANSIENT: Final = frozenset(
    {
        errno_module.ECONNREFUSED,
        errno_module.ECONNRESET,
        errno_module.EHOSTUNREACH,
        errno_module.ENETUNREACH,
    }
)


@final
class _Datagram(NamedTuple):
    data: bytes
    address: str
    port: int


@final
class _ReceiveError(NamedTuple):
    error: ErrnoError


_Item = _Datagram | _ReceiveError


@final
class UdpSockets:
    """Every page's UDP sockets, by id (a Conduit client id, so unique across pages)."""

    @classmethod
    def from_host(cls, host: Host) -> UdpSockets:
        """The sockets of ``host``, whose config is loaded (none open yet)."""
        return cls(host, host.settings(UdpSettings))

    def __init__(self, host: Host, settings: UdpSettings) -> None:
        self.host = host
        self.settings = settings
        self.sockets: dict[str, UdpSocket] = {}
        self._task_group: TaskGroup | None = None
        self.closed_dropped = 0
        """Datagrams dropped by sockets already closed (diagnostics keep the total)."""
        self.private_network = PrivateNetworkPolicy(settings.allow_private, key="udp.allow_private")

    # ----------------------------------------------------------------------------------------
    # Registry
    # ----------------------------------------------------------------------------------------

    def get(self, window: int | None, socket_id: str) -> UdpSocket:
        """``window``'s socket ``socket_id``.

        :raises NotFoundError: ``ERR_SOCKET_DGRAM_NOT_RUNNING``: none (or another page's).
        """
        sock = self.sockets.get(socket_id)
        if sock is None or sock.window != window:
            raise not_running(socket_id)
        return sock

    def find(self, window: int | None, socket_id: str) -> UdpSocket | None:
        sock = self.sockets.get(socket_id)
        return sock if sock is not None and sock.window == window else None

    def require_running(self) -> None:
        """:raises ServiceUnavailableError: the app is paused (its sockets are closed)."""
        if self._task_group is None:
            raise ServiceUnavailableError(
                "UDP sockets are closed while the app is paused", service=SERVICE_NAME
            )

    def check_new(self, window: int | None, socket_id: str) -> None:
        """:raises InvalidStateError: the id is taken. :raises ErrnoError: ``EMFILE``."""
        if socket_id in self.sockets:
            raise already_bound()
        count = sum(1 for sock in self.sockets.values() if sock.window == window)
        if count >= self.settings.max_sockets_per_page:
            raise ErrnoError(
                f"bind EMFILE: too many UDP sockets on this page "
                f"(udp.max_sockets_per_page = {self.settings.max_sockets_per_page})",
                code="EMFILE",
                errno=-errno_module.EMFILE,
                syscall="bind",
            )

    async def check_reachable(
        self, window: int | None, address: str, port: int, *, name: str | None, syscall: str
    ) -> None:
        """Whether ``window``'s page may send to ``address`` (an IP literal, resolved from
        ``name``): a public address, one ``udp.allow_private`` names, or a loopback port that
        only the page's own sockets hold, or none (:meth:`_only_own_at`); never the ports of
        the app's own servers (the bridge's and the Conduit's).

        :raises ErrnoError: ``EACCES``.
        """
        reserved = app_ports(self.host) | _conduit_ports(self.host)
        own_loopback = port not in reserved and address_space(address) == "loopback"
        if own_loopback and (
            self._bound_at(window, address, port) or await self._only_own_at(window, port)
        ):
            return
        self.private_network.check(
            address, port, syscall=syscall, name=name, reserved_ports=reserved
        )

    def _bound_at(self, window: int | None, address: str, port: int) -> bool:
        """Whether one of ``window``'s sockets is bound to exactly ``address``:``port`` of
        loopback without SO_REUSEADDR/SO_REUSEPORT: then no other socket shares that address
        and port, and a datagram sent there reaches the page's own socket only."""
        return any(
            sock.window == window
            and sock.raw is not None
            and sock.port == port
            and not (sock.options.reuse_addr or sock.options.reuse_port)
            and same_address(sock.bound_address, address)
            for sock in self.sockets.values()
        )

    async def _only_own_at(self, window: int | None, port: int) -> bool:
        """Whether every socket of this machine holding UDP ``port`` is one of ``window``'s
        own (a socket shared with SO_REUSEADDR, say), or none is: a loopback datagram to that
        port then reaches the page itself or nobody, as Oro's pages expect their sends between
        their own sockets and to a closed port to succeed. Unknown (no ``/proc``) is no."""
        holding = await anyio.to_thread.run_sync(listeners.holders, port)
        if holding is None:
            return False
        own = {
            sock.inode()
            for sock in self.sockets.values()
            if sock.window == window and sock.raw is not None
        }
        return holding <= own

    def register(self, sock: UdpSocket) -> None:
        """Add a socket just bound, unless a concurrent request took its id or the page's last
        slot while it was being bound: it is closed then and the error raised."""
        try:
            self.check_new(sock.window, sock.id)
        except IPCError:
            sock.close_socket()
            raise
        self.sockets[sock.id] = sock

    def close(self, sock: UdpSocket) -> None:
        """Close and forget ``sock`` (``udp.close``, its page gone, a failed rebind)."""
        sock.close_socket()
        sock.reading = False
        if self.sockets.get(sock.id) is sock:
            del self.sockets[sock.id]
            self.closed_dropped += sock.dropped

    def close_window(self, window: int) -> None:
        for sock in [sock for sock in self.sockets.values() if sock.window == window]:
            self.close(sock)

    def close_all(self) -> None:
        for sock in list(self.sockets.values()):
            self.close(sock)

    def diagnostics(self, window: int | None = None) -> dict[str, Any]:
        """The sockets and the datagrams dropped for slow pages: for a page (``window``), its
        own window's sockets only; for the host's tools (``None``), every socket, closed ones'
        drops included."""
        sockets = [
            sock for sock in self.sockets.values() if window is None or sock.window == window
        ]
        closed = self.closed_dropped if window is None else 0
        return {
            "handles": {"count": len(sockets), "ids": sorted(sock.id for sock in sockets)},
            "dropped": closed + sum(sock.dropped for sock in sockets),
            "sockets": {sock.id: sock.diagnostics() for sock in sockets},
        }

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    def start_reading(self, sock: UdpSocket) -> None:
        """Deliver ``sock``'s datagrams to its page from now on (idempotent).

        :raises NotSupportedError: oro-conduit is not loaded (datagrams travel on it).
        """
        if self.host.stash.get(oro_conduit.STATE) is None:
            raise NotSupportedError("udp.readStart needs the oro-conduit plugin")
        sock.reading = True
        if sock.pump is None and self._task_group is not None and sock.raw is not None:
            sock.pump = anyio.CancelScope()
            self._task_group.start_soon(self._pump, sock, sock.pump)

    def stop_reading(self, sock: UdpSocket) -> None:
        sock.reading = False
        if sock.pump is not None:
            sock.pump.cancel()
            sock.pump = None

    async def _pump(self, sock: UdpSocket, scope: anyio.CancelScope) -> None:
        send, receive = anyio.create_memory_object_stream[_Item](self.settings.max_queued_datagrams)
        with scope:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._receive, sock, send)
                await self._deliver(sock, receive)

    async def _receive(self, sock: UdpSocket, queue: MemoryObjectSendStream[_Item]) -> None:
        stream, raw = sock.stream, sock.raw
        if stream is None or raw is None:
            return
        with queue:
            while True:
                try:
                    data, (address, port) = await stream.receive()
                except anyio.BrokenResourceError as broken:
                    if not isinstance(broken.__cause__, OSError):
                        raise
                    if not self._receive_error(sock, queue, broken.__cause__):
                        return
                    continue
                except (anyio.ClosedResourceError, anyio.EndOfStream):
                    return
                self._enqueue(sock, queue, _Datagram(data, address, port))
                # Take what else is already waiting without a scheduler round trip each: a
                # burst must not wait in the system's buffer (which drops) behind other tasks.
                for _ in range(_BATCH_DATAGRAMS):
                    try:
                        data, sender = raw.recvfrom(65536)
                    except BlockingIOError:
                        break
                    except OSError as error:
                        if not self._receive_error(sock, queue, error):
                            return
                        break
                    self._enqueue(sock, queue, _Datagram(data, sender[0], sender[1]))

    @staticmethod
    def _enqueue(sock: UdpSocket, queue: MemoryObjectSendStream[_Item], item: _Item) -> None:
        if isinstance(item, _Datagram):
            sock.received += 1
        try:
            queue.send_nowait(item)
        except anyio.WouldBlock:
            sock.dropped += 1

    def _receive_error(
        self, sock: UdpSocket, queue: MemoryObjectSendStream[_Item], error: OSError
    ) -> bool:
        """Queue a receive error for the page; whether the socket goes on reading."""
        self._enqueue(sock, queue, _ReceiveError(ErrnoError.for_socket_error(error, "recvmsg")))
        return error.errno in _TRANSIENT

    async def _deliver(self, sock: UdpSocket, queue: MemoryObjectReceiveStream[_Item]) -> None:
        with queue:
            async for first in queue:
                batch = [first]
                size = _size(first)
                while len(batch) < _BATCH_DATAGRAMS and size < _BATCH_BYTES:
                    try:
                        item = queue.receive_nowait()
                    except (anyio.WouldBlock, anyio.EndOfStream):
                        break
                    batch.append(item)
                    size += _size(item)
                await self._send_batch(sock, batch)

    async def _send_batch(self, sock: UdpSocket, batch: list[_Item]) -> None:
        datagrams: list[_Datagram] = []
        for item in batch:
            if isinstance(item, _Datagram):
                datagrams.append(item)
                continue
            await self._send_datagrams(sock, datagrams)
            datagrams = []
            await self._send_frame(sock, _error_options(item.error), b"", 0)
        await self._send_datagrams(sock, datagrams)

    async def _send_datagrams(self, sock: UdpSocket, datagrams: list[_Datagram]) -> None:
        if not datagrams:
            return
        if len(datagrams) == 1:
            only = datagrams[0]
            await self._send_frame(sock, {"port": only.port, "address": only.address}, only.data, 1)
            return
        options = {
            "datagrams": len(datagrams),
            "sizes": ",".join(str(len(d.data)) for d in datagrams),
            "ports": ",".join(str(d.port) for d in datagrams),
            "addresses": ",".join(d.address for d in datagrams),
        }
        await self._send_frame(sock, options, b"".join(d.data for d in datagrams), len(datagrams))

    async def _send_frame(
        self, sock: UdpSocket, options: dict[str, Any], payload: bytes, count: int
    ) -> None:
        server = self.host.stash.get(oro_conduit.STATE)
        if server is None:
            sock.dropped += count
            return
        if sock.id not in server.clients and self._events_backlogged(sock.window):
            # The page's event stream is the fallback; filling it would cut the page off from
            # every other host event, so datagrams go first.
            sock.dropped += count
            return
        await oro_conduit.send(self.host, sock.id, options, payload, window=sock.window)
        sock.delivered += count

    def _events_backlogged(self, window: int | None) -> bool:
        events = self.host.events
        return events.backlog(window) * 2 >= events.buffer

    # ----------------------------------------------------------------------------------------
    # The service
    # ----------------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[Any]) -> None:
        """The ``udp.sockets`` service: bind every socket again (after a pause), run the pumps;
        on cancellation (pause, host stop) close every OS socket."""
        try:
            async with anyio.create_task_group() as task_group:
                await self._reopen_all(list(self.sockets.values()))
                self._task_group = task_group
                for sock in self.sockets.values():
                    if sock.reading:
                        self.start_reading(sock)
                task_status.started()
                await anyio.sleep_forever()
        finally:
            self._task_group = None
            for sock in self.sockets.values():
                sock.close_socket()

    async def _reopen_all(self, sockets: Iterable[UdpSocket]) -> None:
        for sock in sockets:
            if sock.raw is not None:
                continue
            try:
                await sock.reopen()
            except ErrnoError as error:
                logger.warning("UDP socket %s could not be bound again: %s", sock.id, error)
                self.close(sock)
                with contextlib.suppress(NotSupportedError):
                    await oro_conduit.send(
                        self.host, sock.id, _error_options(error), window=sock.window
                    )


def _error_options(error: ErrnoError) -> dict[str, Any]:
    """The frame options of an error that reaches the page as the socket's 'error' event."""
    fields = error.to_dict()
    options: dict[str, Any] = {
        key: fields[key] for key in ("errno", "syscall", "message") if key in fields
    }
    return {"error": error.code, **options}


def _conduit_ports(host: Host) -> frozenset[int]:
    """The Conduit's port while it listens: the app's own server, as the bridge is."""
    server = host.stash.get(oro_conduit.STATE)
    port = None if server is None else server.port
    return frozenset() if port is None else frozenset({port})


def _size(item: _Item) -> int:
    return len(item.data) if isinstance(item, _Datagram) else 0
