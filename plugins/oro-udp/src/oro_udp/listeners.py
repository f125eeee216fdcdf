"""Which UDP sockets of this machine hold a port, as Linux lists them (``/proc/net/udp`` and
``udp6``, the sockets of the host's network namespace, every user's).

oro-udp asks before a page sends to a loopback port: when every socket holding that port is one
of the page's own, or none is, the datagram can reach nothing but the page itself (or nobody),
so no local service is exposed by letting it go.
"""

from __future__ import annotations

from typing import Final

__all__ = ["TABLES", "holders"]

TABLES: Final = ("/proc/net/udp", "/proc/net/udp6")
_INODE_FIELD: Final = 9
"""``sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode``."""


def holders(port: int, tables: tuple[str, ...] = TABLES) -> frozenset[int] | None:
    """The inodes of the UDP sockets bound to ``port``, whatever their address (a wildcard
    socket receives loopback datagrams too), or ``None`` when the system does not say (no
    ``/proc``): the caller then assumes the worst. A missing ``udp6`` (IPv6 off) holds none.

    Blocking (reads files): call it from a worker thread.
    """
    found: set[int] = set()
    for index, table in enumerate(tables):
        try:
            with open(table, encoding="ascii") as listing:
                lines = listing.read().splitlines()[1:]
        except FileNotFoundError:
            if index == 0:
                return None
            continue
        except OSError:
            return None
        for line in lines:
            fields = line.split()
            if len(fields) <= _INODE_FIELD:
                return None
            _, _, local_port = fields[1].rpartition(":")
            try:
                if int(local_port, 16) == port:
                    found.add(int(fields[_INODE_FIELD]))
            except ValueError:
                return None
    return frozenset(found)
