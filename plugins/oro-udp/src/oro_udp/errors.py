"""Node's dgram errors, as IPC errors the page's ``dgram`` turns back into Node's.

System errors are :class:`~oro_framework.ErrnoError` worded as Node's ``exceptionWithHostPort``
(``bind EADDRINUSE 127.0.0.1:41234``, with ``errno``, ``code``, ``syscall``, ``address`` and
``port``); the socket-state errors keep Node's ``ERR_SOCKET_*`` codes and messages.
"""

from __future__ import annotations

from typing import Any

from oro_framework import InvalidArgumentError, InvalidStateError, NotFoundError

__all__ = [
    "InvalidStateError",
    "already_bound",
    "bad_port",
    "bad_type",
    "is_connected",
    "not_connected",
    "not_running",
]


def already_bound() -> InvalidStateError:
    return InvalidStateError("Socket is already bound", code="ERR_SOCKET_ALREADY_BOUND")


def is_connected() -> InvalidStateError:
    return InvalidStateError("Already connected", code="ERR_SOCKET_DGRAM_IS_CONNECTED")


def not_connected() -> InvalidStateError:
    return InvalidStateError("Not connected", code="ERR_SOCKET_DGRAM_NOT_CONNECTED")


def not_running(socket_id: str) -> NotFoundError:
    return NotFoundError(
        f"Not running (no UDP socket {socket_id!r} on this page)",
        code="ERR_SOCKET_DGRAM_NOT_RUNNING",
        id=socket_id,
    )


def bad_port(value: Any, name: str = "Port") -> InvalidArgumentError:
    return InvalidArgumentError(
        f"{name} should be >= 0 and < 65536. Received {value!r}.",
        code="ERR_SOCKET_BAD_PORT",
        parameter=name.lower(),
    )


def bad_type(value: Any) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"Bad socket type specified. Valid types are: udp4, udp6 (received {value!r})",
        code="ERR_SOCKET_BAD_TYPE",
        parameter="type",
    )
