"""The operating system's errors as pages see them: :class:`ErrnoError`, with Node's ``code``,
negative ``errno``, ``syscall`` and ``path``, made from an :class:`OSError` or a failed name
resolution the way Node words them."""

from __future__ import annotations

import errno as errno_module
import functools
import os
from typing import TYPE_CHECKING, Any, Final

from oro_framework.host.errors.ipc import IPCError

if TYPE_CHECKING:
    import socket

__all__ = ["ErrnoError"]

_ERRNO_HTTP_STATUS: Final[dict[int, int]] = {
    errno_module.ENOENT: 404,
    errno_module.ENOTDIR: 404,
    errno_module.EACCES: 403,
    errno_module.EPERM: 403,
    errno_module.EROFS: 403,
    errno_module.EEXIST: 409,
    errno_module.ENOTEMPTY: 409,
    errno_module.EBUSY: 409,
    errno_module.EMFILE: 429,
    errno_module.ENFILE: 429,
}


class ErrnoError(IPCError):
    """An operating-system error with Node's fields: ``code`` (``ENOENT``...), ``errno``,
    ``syscall`` and ``path``. Build it from an :class:`OSError` with :meth:`from_os_error`."""

    error_type = "ErrnoError"
    default_code = "EIO"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errno: int | None = None,
        syscall: str | None = None,
        path: str | None = None,
        **extra: Any,
    ) -> None:
        fields = {
            key: value
            for key, value in (("errno", errno), ("syscall", syscall), ("path", path))
            if value is not None
        }
        super().__init__(message, code=code, **fields, **extra)
        self.errno = errno

    @property
    def status(self) -> int:
        if self.errno is None:
            return 400
        return _ERRNO_HTTP_STATUS.get(abs(self.errno), 400)

    @classmethod
    def from_os_error(
        cls, error: OSError, *, syscall: str | None = None, path: str | None = None
    ) -> ErrnoError:
        """Translate an :class:`OSError` the way Node words it: ``ENOENT: no such file or
        directory, open 'a.txt'``. ``errno`` is negative, as in Node and libuv."""
        number = error.errno or errno_module.EIO
        code = errno_module.errorcode.get(number, "EIO")
        reason = os.strerror(number).lower()
        shown_path = path if path is not None else _filename(error)
        message = f"{code}: {reason}"
        if syscall:
            message += f", {syscall}"
        if shown_path is not None:
            message += f" '{shown_path}'"
        return cls(message, code=code, errno=-number, syscall=syscall, path=shown_path)

    @classmethod
    def for_socket(
        cls,
        number: int,
        syscall: str,
        address: str | None = None,
        port: int | None = None,
        **extra: Any,
    ) -> ErrnoError:
        """A socket's system error as Node words it (``connect ECONNREFUSED 127.0.0.1:9``):
        ``code``, negative ``errno``, ``syscall``, and ``address``/``port`` when given."""
        code = errno_module.errorcode.get(number, "EIO")
        message = f"{syscall} {code}"
        if address is not None:
            message += f" {address}" if port is None else f" {address}:{port}"
        fields = {"address": address, "port": port, **extra}
        return cls(
            message,
            code=code,
            errno=-number,
            syscall=syscall,
            reason=os.strerror(number),
            **{key: value for key, value in fields.items() if value is not None},
        )

    @classmethod
    def for_socket_error(
        cls, error: OSError, syscall: str, address: str | None = None, port: int | None = None
    ) -> ErrnoError:
        """:meth:`for_socket` of a failed socket call's :class:`OSError`."""
        return cls.for_socket(error.errno or errno_module.EIO, syscall, address, port)

    @classmethod
    def from_gaierror(cls, error: socket.gaierror, hostname: str) -> ErrnoError:
        """A failed ``getaddrinfo`` as Node words it (``getaddrinfo ENOTFOUND example.invalid``):
        EAI_NONAME and EAI_NODATA are ``ENOTFOUND``, the others keep their ``EAI_*`` name
        (``EAI_AGAIN``); ``errno`` is libuv's number; ``syscall`` and ``hostname`` are set."""
        name = _eai_by_number().get(error.errno, "FAIL") if error.errno is not None else "FAIL"
        code = "ENOTFOUND" if name in ("NONAME", "NODATA") else f"EAI_{name}"
        return cls(
            f"getaddrinfo {code} {hostname}",
            code=code,
            errno=_UV_EAI[name],
            syscall="getaddrinfo",
            hostname=hostname,
        )


# libuv's numbers for getaddrinfo's EAI_* codes: what Node puts in ``err.errno``. Python's
# socket.EAI_* values are the C library's and differ between systems; these do not.
_UV_EAI: Final[dict[str, int]] = {
    "ADDRFAMILY": -3000,
    "AGAIN": -3001,
    "BADFLAGS": -3002,
    "CANCELED": -3003,
    "FAIL": -3004,
    "FAMILY": -3005,
    "MEMORY": -3006,
    "NODATA": -3007,
    "NONAME": -3008,
    "OVERFLOW": -3009,
    "SERVICE": -3010,
    "SOCKTYPE": -3011,
}


@functools.cache
def _eai_by_number() -> dict[int, str]:
    """The ``EAI_*`` names by this system's numbers; socket is imported by the code that
    resolves names, not by every command that imports the errors."""
    import socket

    return {
        getattr(socket, f"EAI_{name}"): name for name in _UV_EAI if hasattr(socket, f"EAI_{name}")
    }


def _filename(error: OSError) -> str | None:
    return None if error.filename is None else os.fsdecode(error.filename)
