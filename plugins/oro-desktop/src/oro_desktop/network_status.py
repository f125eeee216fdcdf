"""Oro's NetworkStatus service: whether the machine is online, and the ``online``/``offline``
events every page gets when that changes.

Online means a usable route off the machine exists: a default route (IPv4 or IPv6, the main
table, not a ``reject``/unreachable one) through an interface that is up and running and is not
the loopback. A link route alone (an address on a LAN without a gateway) is not online, as for
GLib's ``GNetworkMonitor`` that the Oro Runtime uses on Linux.

The kernel says when routes, links or addresses change on a ``NETLINK_ROUTE`` socket (the
multicast groups below); each burst of messages makes the service read the routes again
(``/proc/net/route``, ``/proc/net/ipv6_route``: the network namespace of this process, which
``/sys/class/net`` is not under ``unshare --net``) and the interfaces' flags (``SIOCGIFFLAGS``).
That works everywhere Linux does, in containers and network namespaces, with or without
NetworkManager, and needs no library: the messages themselves are never parsed, only counted as
"something changed".

Events, to every window, only when the state changes: ``online``/``offline`` with Oro's payload
``{name, message}`` (``"Network is usable"``/``"Network is not usable"``, the Linux messages of
Oro's ``network_status.cc``). A page's ``navigator.onLine`` and its window ``online``/``offline``
events follow this service (``oro:network-status``, loaded in every page, with the state at load
in ``__args.networkStatus``), so that a page sees one answer whichever engine renders it.
Where netlink is not available the service says so once and pages keep their engine's own.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import socket
import struct
from pathlib import Path
from typing import Any, Final, NamedTuple, final

import anyio
import anyio.abc

from oro_desktop.permissions import NETWORK_STATUS as PERMISSION
from oro_framework import Host, InvalidArgumentError, Request, RouteGroup, StashKey

__all__ = [
    "NETWORK_STATUS",
    "OFFLINE_EVENT",
    "ONLINE_EVENT",
    "ROUTES",
    "SERVICE_NAME",
    "NetworkStatus",
    "default_route_devices",
    "is_online",
]

logger = logging.getLogger("oro_desktop")

SERVICE_NAME: Final = "network-status"
ONLINE_EVENT: Final = "online"
OFFLINE_EVENT: Final = "offline"
MESSAGES: Final = {True: "Network is usable", False: "Network is not usable"}

# rtnetlink multicast groups (linux/rtnetlink.h): links, IPv4/IPv6 addresses and routes.
_RTMGRP_LINK: Final = 0x1
_RTMGRP_IPV4_IFADDR: Final = 0x10
_RTMGRP_IPV4_ROUTE: Final = 0x40
_RTMGRP_IPV6_IFADDR: Final = 0x100
_RTMGRP_IPV6_ROUTE: Final = 0x400
_GROUPS: Final = (
    _RTMGRP_LINK
    | _RTMGRP_IPV4_IFADDR
    | _RTMGRP_IPV4_ROUTE
    | _RTMGRP_IPV6_IFADDR
    | _RTMGRP_IPV6_ROUTE
)
_RECEIVE_BYTES: Final = 65536

# Route flags (linux/route.h) and interface flags (linux/if.h).
_RTF_UP: Final = 0x1
_RTF_REJECT: Final = 0x200
_IFF_UP: Final = 0x1
_IFF_LOOPBACK: Final = 0x8
_IFF_RUNNING: Final = 0x40
_SIOCGIFFLAGS: Final = 0x8913
_IFNAMSIZ: Final = 16

_PROC_NET: Final = Path("/proc/self/net")


def default_route_devices(route_table: str, ipv6_route_table: str) -> frozenset[str]:
    """The interfaces that default routes go through, from the text of ``/proc/net/route`` and
    ``/proc/net/ipv6_route``: up, not ``reject`` (IPv6's unreachable default on ``lo``). Lines
    that do not parse are skipped (the kernel writes these files; nothing else does)."""
    devices: set[str] = set()
    for line in route_table.splitlines()[1:]:
        fields = line.split()
        # Iface Destination Gateway Flags RefCnt Use Metric Mask ...
        if len(fields) < 8 or fields[1] != "00000000" or fields[7] != "00000000":
            continue
        if _usable_route(fields[3]):
            devices.add(fields[0])
    for line in ipv6_route_table.splitlines():
        fields = line.split()
        # destination prefix-length source prefix-length next-hop metric refcnt use flags device
        if len(fields) != 10 or fields[1] != "00" or set(fields[0]) != {"0"}:
            continue
        if _usable_route(fields[8]):
            devices.add(fields[9])
    return frozenset(devices)


def _usable_route(flags: str) -> bool:
    try:
        value = int(flags, 16)
    except ValueError:
        return False
    return bool(value & _RTF_UP) and not value & _RTF_REJECT


def _interface_usable(probe: socket.socket, name: str) -> bool:
    """Whether interface ``name`` (of this process's network namespace) is up, running and not
    the loopback."""
    try:
        request = struct.pack(f"{_IFNAMSIZ}sH", name.encode()[: _IFNAMSIZ - 1], 0)
        answer = fcntl.ioctl(probe, _SIOCGIFFLAGS, request)
    except (OSError, UnicodeError):
        return False
    (flags,) = struct.unpack_from("H", answer, _IFNAMSIZ)
    return bool(flags & _IFF_UP and flags & _IFF_RUNNING) and not flags & _IFF_LOOPBACK


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except OSError:
        # No IPv6 in this kernel (or no /proc): no routes of that family.
        return ""


def is_online(proc_net: Path = _PROC_NET) -> bool:
    """Whether a default route goes through a usable interface now (see the module docs)."""
    devices = default_route_devices(_read(proc_net / "route"), _read(proc_net / "ipv6_route"))
    if not devices:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as probe:
        return any(_interface_usable(probe, device) for device in devices)


def _route_socket() -> socket.socket:
    """A non-blocking ``NETLINK_ROUTE`` socket in the groups of link, address and route changes."""
    watcher = socket.socket(
        socket.AF_NETLINK,
        socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC,
        socket.NETLINK_ROUTE,
    )
    try:
        watcher.bind((0, _GROUPS))
    except OSError:
        watcher.close()
        raise
    return watcher


def _drain(watcher: socket.socket) -> None:
    """Read every message waiting: each only says something changed."""
    while True:
        try:
            if not watcher.recv(_RECEIVE_BYTES):
                return
        except BlockingIOError:
            return
        except OSError as error:
            # ENOBUFS: the kernel dropped messages for us; the state is read afresh anyway.
            if error.errno != errno.ENOBUFS:
                raise


class Status(NamedTuple):
    """What the service knows: ``online``, or ``None`` while it cannot watch the network."""

    online: bool | None

    def to_json(self) -> dict[str, Any]:
        online = True if self.online is None else self.online
        name = ONLINE_EVENT if online else OFFLINE_EVENT
        return {
            "online": online,
            "name": name,
            "message": MESSAGES[online],
            "watching": self.online is not None,
        }


@final
class NetworkStatus:
    """The service of one host (``host.stash[NETWORK_STATUS]``)."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._online: bool | None = None
        self._changes = 0

    @property
    def status(self) -> Status:
        return Status(self._online)

    def page_args(self) -> dict[str, Any] | None:
        """``__args.networkStatus`` of a page served now; ``None`` (the page keeps its engine's
        own ``navigator.onLine``) while the service cannot watch."""
        if self._online is None:
            return None
        return {"networkStatus": {"online": self._online, "message": MESSAGES[self._online]}}

    def diagnostics(self) -> dict[str, Any]:
        return {**self.status.to_json(), "changes": self._changes}

    async def run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        try:
            # Without the route table (no /proc) every answer would be "offline".
            (_PROC_NET / "route").read_bytes()
            watcher = _route_socket()
        except OSError as error:
            logger.warning(
                "network status: cannot watch the network (%s); pages keep their "
                "engine's navigator.onLine and get no online/offline events from the host",
                error,
            )
            task_status.started()
            return
        with watcher:
            # Subscribed first, read second: a change in between is a message waiting.
            self._online = is_online()
            task_status.started()
            try:
                while True:
                    await anyio.wait_readable(watcher)
                    _drain(watcher)
                    self._update(is_online())
            finally:
                self._online = None

    def _update(self, online: bool) -> None:
        if online == self._online:
            return
        self._online = online
        self._changes += 1
        name = ONLINE_EVENT if online else OFFLINE_EVENT
        logger.info("network status: %s", name)
        self._host.emit(name, {"name": name, "message": MESSAGES[online]})


NETWORK_STATUS: Final = StashKey[NetworkStatus]("oro-desktop.network-status")


async def status(request: Request) -> dict[str, Any]:
    """Whether the machine is online now: ``{online, name, message, watching}``."""
    if request.body:
        raise InvalidArgumentError("network.status takes no body", code="ERR_INVALID_ARG_VALUE")
    return request.host.stash[NETWORK_STATUS].status.to_json()


ROUTES: Final = RouteGroup.guarded(
    PERMISSION,
    handlers={"network.status": status},
    shared=frozenset({"network.status"}),
)
