"""One blocking connection to the session bus whose every wait has a deadline.

secretstorage's calls wait for replies without a timeout; a Secret Service that hangs would then
pin a worker thread (and the request behind it) for ever. Connections made here give every wait
the plugin's ``secure_storage.timeout_ms`` unless the caller names another.
"""

from __future__ import annotations

import socket
from typing import Any, final

from jeepney.bus import get_bus  # type: ignore[import-untyped]
from jeepney.io.blocking import DBusConnection, prep_socket  # type: ignore[import-untyped]

from oro_secure_storage.errors import no_service

__all__ = ["TimedConnection", "connect"]


@final
class TimedConnection(DBusConnection):  # type: ignore[misc]
    """A jeepney blocking connection whose replies and signals are awaited at most
    ``timeout`` seconds each (``TimeoutError`` past it)."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        # Set before the base class's constructor, whose Hello call already waits with it.
        self.timeout = timeout
        super().__init__(sock, enable_fds=False)

    def send_and_get_reply(self, message: Any, *, timeout: float | None = None) -> Any:
        return super().send_and_get_reply(
            message, timeout=self.timeout if timeout is None else timeout
        )

    def recv_until_filtered(self, queue: Any, *, timeout: float | None = None) -> Any:
        return super().recv_until_filtered(
            queue, timeout=self.timeout if timeout is None else timeout
        )


def connect(address: str, timeout: float) -> TimedConnection:
    """Connect and authenticate to the bus at ``address`` (``DBUS_SESSION_BUS_ADDRESS``).

    :raises NotSupportedError: ``ERR_NO_SECRET_SERVICE``: no address, or no bus answers there.
    """
    if not address:
        raise no_service("there is no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        sock = prep_socket(get_bus(address), enable_fds=False, timeout=timeout)
    except (OSError, ValueError, StopIteration) as error:
        raise no_service(f"cannot connect to the session bus at {address!r} ({error})") from None
    try:
        return TimedConnection(sock, timeout)
    except (OSError, ValueError) as error:
        sock.close()
        raise no_service(f"the session bus at {address!r} does not answer ({error})") from None
