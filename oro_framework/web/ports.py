"""Which port ``oro run`` serves an app on.

A page's origin is ``http://127.0.0.1:<port>``, and the browser keeps everything bound to an
origin there: Service Worker registrations, caches, localStorage, IndexedDB. A new port each run
would throw all of it away, so an app keeps one port: the one its config or ``--port`` names,
else one derived from its bundle identifier. Only when that port is taken does the app fall back
to a free one, with a warning.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import socket
from collections.abc import Callable
from typing import Final, NamedTuple, final

__all__ = [
    "LISTEN_BACKLOG",
    "LOOPBACK",
    "STABLE_PORTS",
    "PortChoice",
    "choose_port",
    "is_port_free",
    "listen",
    "listen_on_choice",
    "stable_port",
]

logger = logging.getLogger("oro_framework.ports")

LOOPBACK: Final = "127.0.0.1"

# A backlog of 100 (hypercorn's) overflowed under a burst of 1,000 connections (pages, a load
# test): the kernel dropped SYNs, so clients waited seconds for retransmits or failed. The
# kernel caps this at net.core.somaxconn (4096 on current Linux).
LISTEN_BACKLOG: Final = 4096

STABLE_PORTS: Final = range(20000, 32768)
"""Where derived ports lie: above the common development servers' ports and below every
system's ephemeral range (Linux starts at 32768, macOS and Windows at 49152), so an outgoing
connection never happens to hold an app's port."""


def stable_port(bundle_identifier: str) -> int:
    """The port an app with ``bundle_identifier`` gets when nothing else names one: the same on
    every run and every machine."""
    digest = hashlib.sha256(bundle_identifier.encode()).digest()
    return STABLE_PORTS.start + int.from_bytes(digest[:4], "big") % len(STABLE_PORTS)


def is_port_free(port: int, address: str = LOOPBACK) -> bool:
    """Whether a listening socket could be bound to ``address:port`` now (as the bridge's server
    binds it, with ``SO_REUSEADDR``, so a port a previous run left in ``TIME_WAIT`` counts as
    free)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


@final
class PortChoice(NamedTuple):
    """The port to serve on and why.

    :ivar port: the port; ``0`` lets the server pick a free one.
    :ivar warning: what the user loses with this port, when it is not the one they would keep.
    :ivar if_taken: the warning to give, serving on any free port instead, when ``port`` is
        found taken as the server binds it (another program took it since it was checked: two
        copies of one app starting at once); ``None`` where binding it must succeed or fail
        (``--port``, or any free port already).
    """

    port: int
    warning: str | None = None
    if_taken: str | None = None


def choose_port(requested: int | None, configured: int, bundle_identifier: str) -> PortChoice:
    """The port for one run.

    :param requested: ``--port``: used as it is (``0``: any free port; a taken port then fails
        to bind, as the user asked for exactly that one).
    :param configured: ``window.port``; ``0`` derives one from ``bundle_identifier``.
    """
    if requested is not None:
        return PortChoice(requested)
    preferred = configured or stable_port(bundle_identifier)
    source = "window.port" if configured else f"derived from {bundle_identifier!r}"
    taken = (
        f"port {preferred} ({source}) is in use, so the app is served on another port this "
        "run: what the browser keeps per origin (service workers, storage, caches) will not "
        "carry over to or from it. Set window.port (or --port) to a free port to keep it."
    )
    if is_port_free(preferred):
        return PortChoice(preferred, if_taken=taken)
    return PortChoice(0, taken)


def listen(port: int) -> socket.socket:
    """A TCP socket listening on ``127.0.0.1:port`` (``0``: a free port), bound as the bridge's
    server binds, with ``SO_REUSEADDR``.

    :raises OSError: the port cannot be bound.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        sock.listen(LISTEN_BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def listen_on_choice(choice: PortChoice, warn: Callable[[str], None]) -> socket.socket:
    """A socket listening on ``choice``'s port, warning with its :attr:`~PortChoice.warning`.

    A port taken since it was found free (another copy of the app starting at once) is served
    elsewhere, warning with :attr:`~PortChoice.if_taken`, as when it was taken before, rather
    than not at all.

    :raises OSError: the port cannot be bound and ``choice`` has no fallback (``--port``).
    """
    if choice.warning is not None:
        warn(choice.warning)
    try:
        return listen(choice.port)
    except OSError as error:
        if choice.if_taken is None or error.errno != errno.EADDRINUSE:
            raise
    warn(choice.if_taken)
    return listen(0)
