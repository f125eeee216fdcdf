"""Node's net errors, as IPC errors the page's ``net`` turns back into Node's.

System errors are :class:`~oro_framework.ErrnoError` worded as Node's (``connect ECONNREFUSED
127.0.0.1:9``, with ``errno``, ``code``, ``syscall``, ``address`` and ``port``).
"""

from __future__ import annotations

import errno as errno_module
from typing import Any

from oro_framework import ErrnoError, InvalidArgumentError, NotFoundError

__all__ = ["bad_port", "no_socket", "timed_out"]


def no_socket(socket_id: str, kind: str) -> NotFoundError:
    return NotFoundError(
        f"Socket is closed (no {kind} {socket_id!r} on this page)",
        code="ERR_SOCKET_CLOSED",
        id=socket_id,
    )


def bad_port(value: Any, name: str = "port") -> InvalidArgumentError:
    return InvalidArgumentError(
        f'"{name}" option should be >= 0 and < 65536. Received {value!r}.',
        code="ERR_SOCKET_BAD_PORT",
        parameter=name,
    )


def timed_out(syscall: str, address: str, port: int, milliseconds: int) -> ErrnoError:
    error = ErrnoError.for_socket(
        errno_module.ETIMEDOUT, syscall, address, port, timeout=milliseconds
    )
    error.message += f" (no answer within {milliseconds} ms)"
    return error
