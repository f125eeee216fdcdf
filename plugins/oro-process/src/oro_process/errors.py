"""The errors of ``child_process.*``, as IPC errors the page's ``child_process`` turns back
into Node's: a refused program is a ``SecurityError`` naming the rule, a failed start is the
``Error`` Node's ``'error'`` event carries (``spawn ls ENOENT``, with ``errno``, ``syscall``,
``path`` and ``spawnargs``)."""

from __future__ import annotations

import errno as errno_module
import os
from collections.abc import Sequence
from typing import Final

from oro_framework import (
    ErrnoError,
    InvalidArgumentError,
    InvalidStateError,
    NotFoundError,
    OutOfRangeError,
    SecurityError,
)

__all__ = [
    "BACKEND_KEY",
    "NOT_ALLOWED",
    "InvalidStateError",
    "SpawnError",
    "backend_not_running",
    "id_taken",
    "no_backend",
    "not_allowed",
    "spawn_error",
    "stdin_closed",
    "too_many_children",
    "unknown_child",
    "unknown_signal",
]

NOT_ALLOWED: Final = "ERR_PROCESS_NOT_ALLOWED"
BACKEND_KEY: Final = "process.backend.cmd"
"""The config key that declares the backend process (Oro's ``[linux] cmd``)."""


class SpawnError(ErrnoError):
    """A child that could not start, shaped as the ``Error`` of Node's ``'error'`` event."""

    error_type = "Error"


def not_allowed(rule: str) -> SecurityError:
    """The policy refused: ``rule`` says which part of ``[process]`` and how."""
    return SecurityError(rule, code=NOT_ALLOWED)


def spawn_error(error: OSError, command: str, args: Sequence[str]) -> SpawnError:
    """Node's error for a child that did not start: ``spawn <command> <CODE>``."""
    number = error.errno or errno_module.EIO
    code = errno_module.errorcode.get(number, "EIO")
    return SpawnError(
        f"spawn {command} {code}",
        code=code,
        errno=-number,
        syscall=f"spawn {command}",
        path=command,
        spawnargs=list(args),
        reason=os.strerror(number),
    )


def unknown_child(child_id: str) -> NotFoundError:
    return NotFoundError(
        f"No child process {child_id!r} on this page", code="ERR_UNKNOWN_CHILD", id=child_id
    )


def id_taken(child_id: str) -> InvalidStateError:
    return InvalidStateError(
        f"A child process {child_id!r} exists already", code="ERR_CHILD_ID_TAKEN", id=child_id
    )


def too_many_children(limit: int) -> OutOfRangeError:
    return OutOfRangeError(
        f"This page has {limit} child processes already ([process] max_children = {limit})",
        code="ERR_TOO_MANY_CHILDREN",
        limit=limit,
    )


def unknown_signal(value: object) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"Unknown signal: {value}", code="ERR_UNKNOWN_SIGNAL", parameter="signal"
    )


def stdin_closed(child_id: str) -> InvalidStateError:
    return InvalidStateError(
        "write after end: the child's stdin is closed or was not piped",
        code="ERR_STREAM_WRITE_AFTER_END",
        id=child_id,
    )


def no_backend() -> NotFoundError:
    """The app declares no backend process."""
    return NotFoundError(
        f"The app has no backend process: {BACKEND_KEY} (Oro's [linux] cmd) is not set",
        code="ERR_NO_BACKEND_CMD",
        key=BACKEND_KEY,
    )


def backend_not_running() -> InvalidStateError:
    return InvalidStateError(
        "The backend process is not running: start it with application.backend.open()",
        code="ERR_BACKEND_NOT_RUNNING",
    )
