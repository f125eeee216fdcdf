"""Every exception oro-framework raises, in one hierarchy.

Two families share the root :class:`OroError`:

* **IPC errors** travel to the page. Each has the ``type``/``code``/HTTP status of the table in
  ``docs/design.md`` and becomes the ``err`` object of a result envelope; the page rehydrates it
  into a JavaScript ``Error`` with the same ``name`` and ``code``.
* **Host errors** stop the host (or a CLI command) and are shown to the app author or plugin author.
  They never reach a page.

::

    OroError
    ├── IPCError                       sent to the page as {"err": {...}}
    │   ├── NotFoundError              404 NOT_FOUND_ERR      unknown route, id or handle
    │   ├── InvalidArgumentError       400 ERR_INVALID_ARG_TYPE / ERR_MISSING_ARGS  ("TypeError")
    │   ├── InvalidJSONError           400 ERR_INVALID_JSON   malformed JSON body  ("SyntaxError")
    │   ├── SecurityError              403 SECURITY_ERR/EPERM sandbox, session, Host/Origin denial
    │   ├── NotAllowedError            403 NOT_ALLOWED_ERR    permission disabled or refused
    │   ├── OutOfRangeError            413 ERR_OUT_OF_RANGE   body/prompt over a cap ("RangeError")
    │   │   ├── OutOfMemoryError       507 ERR_OUT_OF_MEMORY  the host's memory budget is spent
    │   │   └── TooManyConnectionsError  429 ERR_TOO_MANY_CONNECTIONS  a page's held connections
    │   ├── RouteTimeoutError          408 TIMEOUT_ERR        handler exceeded its timeout
    │   ├── AbortError                 499 ABORT_ERR          request cancelled by the client
    │   ├── NotSupportedError          501 NOT_SUPPORTED_ERR  not available on this platform/build
    │   ├── InvalidStateError          409 INVALID_STATE_ERR  the handle's state does not allow it
    │   ├── ServiceUnavailableError    503 SERVICE_UNAVAILABLE_ERR  the plugin's service is down
    │   │   └── ShuttingDownError      503 ERR_SHUTTING_DOWN  the host is stopping
    │   ├── InternalError              500 INTERNAL_ERR       unexpected exception (details logged)
    │   ├── BackendError               500 ERR_BACKEND_EXCEPTION  an app's backend command raised
    │   ├── BackendImportError         503 ERR_BACKEND_IMPORT  the app's backend does not import
    │   └── ErrnoError                 4xx ENOENT, EEXIST...  an OS error, with errno/syscall/path
    └── HostError                      never sent to a page
        ├── PluginLoadError            a plugin could not be imported or validated, or a hook raised
        ├── RegistrationError          a plugin called a registry's add() wrongly
        │   └── RegistrationConflict   two plugins claim one route/mount/permission/key/specifier
        ├── ConfigError                oro.toml or an override holds an invalid value
        ├── ServiceError               a service failed to start or crashed
        ├── LifecycleError             an impossible lifecycle transition was requested
        ├── BuildError                 ``oro build`` cannot build or package the app
        ├── EngineUnavailableError     the web engine asked for cannot run here
        ├── DisplayError               DISPLAY is malformed (``::5``) and no Wayland answers
        └── SingleInstanceError        the single-instance socket is unsafe or does not answer

:class:`ConfigWarning` (a :class:`UserWarning`) reports unknown config keys without failing.
"""

from __future__ import annotations

import errno as errno_module
import functools
import os
from typing import TYPE_CHECKING, Any, ClassVar, Final, final

if TYPE_CHECKING:
    import socket

__all__ = [
    "AbortError",
    "BackendError",
    "BackendImportError",
    "BuildError",
    "ConfigError",
    "ConfigWarning",
    "DisplayError",
    "EngineUnavailableError",
    "ErrnoError",
    "HostError",
    "IPCError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "InvalidStateError",
    "LifecycleError",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OroError",
    "OutOfMemoryError",
    "OutOfRangeError",
    "PluginLoadError",
    "RegistrationConflict",
    "RegistrationError",
    "RouteTimeoutError",
    "SecurityError",
    "ServiceError",
    "ServiceUnavailableError",
    "ShuttingDownError",
    "SingleInstanceError",
    "TooManyConnectionsError",
    "ipc_error_for_status",
]


class OroError(Exception):
    """Root of every exception raised by oro-framework on purpose."""


# --------------------------------------------------------------------------------------------
# IPC errors: the page sees these
# --------------------------------------------------------------------------------------------


class IPCError(OroError):
    """An error answered to the page as the ``err`` object of a result envelope.

    :param message: human-readable text, shown to the page as ``err.message``.
    :param code: overrides the class's default ``code``.
    :param extra: further JSON-serialisable fields copied into ``err`` (``path``, ``syscall``...).
    """

    error_type: ClassVar[str] = "Error"
    default_code: ClassVar[str] = "ERR"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra: dict[str, Any] = extra

    @property
    def status(self) -> int:
        """The HTTP status this error is answered with."""
        return self.http_status

    def to_dict(self) -> dict[str, Any]:
        """The ``err`` object of the envelope: ``type``, ``code``, ``message`` and the extras."""
        return {**self.extra, "type": self.error_type, "code": self.code, "message": self.message}


class NotFoundError(IPCError):
    """Raised for an unknown route, or an unknown id or handle passed to a route."""

    error_type = "NotFoundError"
    default_code = "NOT_FOUND_ERR"
    http_status = 404


class InvalidArgumentError(IPCError):
    """Raised when a parameter is missing (``ERR_MISSING_ARGS``) or has the wrong type."""

    error_type = "TypeError"
    default_code = "ERR_INVALID_ARG_TYPE"
    http_status = 400

    @classmethod
    def missing(cls, name: str) -> InvalidArgumentError:
        """The Oro wording for a missing parameter."""
        return cls(f"Expecting '{name}' in parameters", code="ERR_MISSING_ARGS", parameter=name)

    @classmethod
    def invalid(cls, name: str, expected: str) -> InvalidArgumentError:
        """The Oro wording for a parameter that does not parse, plus what was expected."""
        return cls(f"Invalid '{name}' given in parameters: expected {expected}", parameter=name)


class InvalidJSONError(IPCError):
    """Raised when a request body that must be JSON does not parse."""

    error_type = "SyntaxError"
    default_code = "ERR_INVALID_JSON"
    http_status = 400


class SecurityError(IPCError):
    """Raised for a sandbox violation, a missing or invalid session, or a bad Host/Origin."""

    error_type = "SecurityError"
    default_code = "SECURITY_ERR"
    http_status = 403


class NotAllowedError(IPCError):
    """Raised when the route's permission is disabled in config or refused by a plugin."""

    error_type = "NotAllowedError"
    default_code = "NOT_ALLOWED_ERR"
    http_status = 403


class OutOfRangeError(IPCError):
    """Raised when a body, prompt, count or size exceeds its configured bound."""

    error_type = "RangeError"
    default_code = "ERR_OUT_OF_RANGE"
    http_status = 413


class OutOfMemoryError(OutOfRangeError):
    """Raised when buffering what a request asks for would take the host past its memory
    budget (``ipc.memory_budget_bytes``, shared by every plugin): the request is refused
    before the memory is taken, so the host never meets the OOM killer. Extras: ``requested``
    and ``available`` in bytes."""

    default_code = "ERR_OUT_OF_MEMORY"
    # "Insufficient Storage": the server cannot hold what the request needs right now.
    http_status = 507


class TooManyConnectionsError(OutOfRangeError):
    """Answered to a page that already holds ``ipc.max_held_connections_per_page`` open
    connections (event streams, streamed replies, calls that have not answered) for one more:
    the browser shares 6 connections to the app between all of its windows, and one page
    holding them all would stop every other window's HTTP. Extras: ``limit`` and
    ``retryAfter`` in milliseconds."""

    default_code = "ERR_TOO_MANY_CONNECTIONS"
    http_status = 429


class RouteTimeoutError(IPCError):
    """Raised when a handler does not answer within its route's timeout."""

    error_type = "TimeoutError"
    default_code = "TIMEOUT_ERR"
    http_status = 408


class AbortError(IPCError):
    """Raised when the client cancelled the request before it completed."""

    error_type = "AbortError"
    default_code = "ABORT_ERR"
    # nginx's "client closed request": nobody reads it, but logs and metrics stay truthful.
    http_status = 499


class NotSupportedError(IPCError):
    """Raised when a route exists but cannot work on this platform or build."""

    error_type = "NotSupportedError"
    default_code = "NOT_SUPPORTED_ERR"
    http_status = 501


class InvalidStateError(IPCError):
    """Raised when the state of what a request names (a socket, a stream, a child, a dialog)
    does not allow the operation now: a write after the end, a second bind (Oro's type)."""

    error_type = "InvalidStateError"
    default_code = "INVALID_STATE_ERR"
    http_status = 409


class ServiceUnavailableError(IPCError):
    """A route of a plugin whose service is down (crashed and restarting, or given up on).

    Extras: ``service`` (its name), ``state`` (``restarting``/``failed``...) and, when the host
    expects it back, ``retryAfter`` in milliseconds.
    """

    error_type = "ServiceUnavailableError"
    default_code = "SERVICE_UNAVAILABLE_ERR"
    http_status = 503


class ShuttingDownError(ServiceUnavailableError):
    """Answered to a request that arrives while the host stops: routes and pages are closed
    before plugins are unconfigured, so nothing half-stopped ever runs it."""

    default_code = "ERR_SHUTTING_DOWN"


class InternalError(IPCError):
    """Answered for an unexpected exception; the traceback goes to the log, not to the page."""

    error_type = "InternalError"
    default_code = "INTERNAL_ERR"
    http_status = 500


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


@final
class BackendError(IPCError):
    """An exception a command raised that is not an :class:`~oro_framework.IPCError`: the page
    gets its type (``err.exception``) and the command (``err.command``); its message too
    (``err.message``) only with ``[backend] error_details`` (``oro dev`` turns it on). The
    traceback goes to the host's log. Raise an ``IPCError`` subclass (``InvalidArgumentError``,
    ``NotFoundError``...) to answer a precise type, status and message instead."""

    error_type = "BackendError"
    default_code = "ERR_BACKEND_EXCEPTION"
    http_status = 500


@final
class BackendImportError(IPCError):
    """Answered to every ``backend.*`` call while the app's backend does not import: the
    exception and where it happened, without the traceback (that goes to the host's log)."""

    error_type = "BackendError"
    default_code = "ERR_BACKEND_IMPORT"
    http_status = 503

    def brief(self) -> BackendImportError:
        """This error as a page outside ``oro dev`` reads it: the exception's type and where,
        not its text (the app's own, which may hold anything; the host's log has it)."""
        exception = self.extra.get("exception", "Exception")
        where = self.extra.get("where")
        place = f" ({where})" if where else ""
        message = f"The app's backend does not import: {exception}{place} (see the host's log)"
        return BackendImportError(message, code=self.code, **self.extra)


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


_IPC_ERROR_BY_STATUS: Final[dict[int, type[IPCError]]] = {
    400: InvalidArgumentError,
    # Missing credentials: the same refusal as a missing session (the page has no 401).
    401: SecurityError,
    403: NotAllowedError,
    404: NotFoundError,
    408: RouteTimeoutError,
    413: OutOfRangeError,
    # Too many requests: a count over its bound, like a full queue.
    429: OutOfRangeError,
    499: AbortError,
    500: InternalError,
    501: NotSupportedError,
    503: ServiceUnavailableError,
    507: OutOfMemoryError,
}


def ipc_error_for_status(
    status: int, message: str, *, code: str | None = None, **extra: Any
) -> IPCError:
    """The IPC error that tells a page what an HTTP error status tells an HTTP client: for a
    plugin that serves an HTTP API (a mounted ASGI app) and answers the same refusals on its IPC
    routes. The answer's HTTP status is the error's :attr:`~IPCError.status`:

    - 400 → :class:`InvalidArgumentError`; 401 → :class:`SecurityError` (403);
      403 → :class:`NotAllowedError`; 404 → :class:`NotFoundError`;
      408 → :class:`RouteTimeoutError`; 413 and 429 → :class:`OutOfRangeError`
      (413); 499 → :class:`AbortError`; 500 → :class:`InternalError`;
      501 → :class:`NotSupportedError`; 503 → :class:`ServiceUnavailableError`;
    - any other 4xx → :class:`InvalidArgumentError` (400): the request was wrong;
    - any other status → :class:`InternalError` (500): a 5xx is the server's fault, and so is an
      answer that is no error where an error was expected.

    :param status: the HTTP status of the error.
    :param message: the error's message, shown to the page.
    :param code: overrides the class's default ``code``.
    :param extra: further JSON fields of ``err`` (``parameter``, ``retryAfter``...).
    """
    kind = _IPC_ERROR_BY_STATUS.get(status)
    if kind is None:
        kind = InvalidArgumentError if 400 <= status < 500 else InternalError
    return kind(message, code=code, **extra)


# --------------------------------------------------------------------------------------------
# Host errors: the app author or plugin author sees these
# --------------------------------------------------------------------------------------------


class HostError(OroError):
    """An error in how the host was put together: plugins, config, services, lifecycle."""


class PluginLoadError(HostError):
    """Raised when a plugin cannot be imported, registered or validated against the hookspecs,
    or when one of its hooks raises while the host is built (any exception, chained as the
    ``__cause__``).

    :ivar entry_point: the entry point's text (``fs = oro_fs.plugin``) or the plugin's name.
    :ivar distribution: the distribution that declared it, when known.
    :ivar hook: the hook that raised (``oro_register_routes``), or ``None`` when the plugin
        failed to import or validate.
    """

    def __init__(
        self,
        message: str,
        *,
        entry_point: str,
        distribution: str | None,
        hook: str | None = None,
    ) -> None:
        origin = f"plugin entry point '{entry_point}'"
        if distribution:
            origin += f" from distribution '{distribution}'"
        super().__init__(f"{origin}: {message}")
        self.entry_point = entry_point
        self.distribution = distribution
        self.hook = hook
        self.reason = message


class RegistrationError(HostError):
    """Raised when a plugin calls a registry's ``add()`` wrongly (a missing ``permission=``, an
    invalid name, a timeout that is not a positive number...); names the plugin.

    :ivar plugin: the plugin whose hook made the call.
    """

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(f"plugin '{plugin}': {message}")
        self.plugin = plugin
        self.reason = message


class RegistrationConflict(RegistrationError):
    """Raised when a second plugin registers a name another plugin already owns.

    The message names the kind of thing, the name and both plugins, e.g.
    ``route 'fs.stat' from 'extra-fs' is already registered by 'fs'``, then ``detail`` if given.
    """

    def __init__(
        self, kind: str, name: str, *, owner: str, challenger: str, detail: str = ""
    ) -> None:
        message = f"{kind} '{name}' from '{challenger}' is already registered by '{owner}'{detail}"
        HostError.__init__(self, message)
        self.plugin = challenger
        self.reason = message
        self.kind = kind
        self.name = name
        self.owner = owner
        self.challenger = challenger


class ConfigError(HostError):
    """Raised for an invalid config value; says where it came from and what was expected.

    :ivar source: ``oro.toml:12``, ``env ORO_WEBVIEW_ROOT``, ``--config``, or ``default``.
    :ivar key: the dotted key (``filesystem.sandbox_enabled``).
    """

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None) -> None:
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{message}")
        self.key = key
        self.source = source


class ServiceError(HostError):
    """Raised when a registered service fails to start in time or crashes; names the service."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"service '{service}' {message}")
        self.service = service


class LifecycleError(HostError):
    """Raised when a lifecycle transition is impossible from the current state."""


class BuildError(HostError):
    """Raised by ``oro build`` when the app cannot be built or packaged as asked: no app, an
    invalid version, PyInstaller or a packaging tool missing (the message names what to
    install), a plugin that cannot be frozen."""


class SingleInstanceError(HostError):
    """Raised by ``oro run`` when the app's single-instance socket cannot be used safely (its
    directory belongs to another user or others may enter it, or the path is too long) or when
    the running copy holding the lock never answers a hand-over."""


class EngineUnavailableError(HostError):
    """The web engine asked for cannot run here; the message names what to install."""


class DisplayError(HostError):
    """``DISPLAY`` is not an X display name (``::5``, ``:x``), and no Wayland display answers:
    the message names the value and what a valid one looks like. WebKitGTK would abort the
    process on it (a core dump, no message); ``oro run`` says this and exits 2 instead.

    :ivar value: the malformed value.
    """

    def __init__(self, value: str) -> None:
        super().__init__(
            f"DISPLAY={value!r} is not an X display name: expected [host]:number[.screen] "
            "(':0', ':1.0', 'localhost:10.0'); unset DISPLAY to run headless"
        )
        self.value = value


class ConfigWarning(UserWarning):
    """Warned for config keys no installed plugin declares (likely a typo or a missing plugin)."""
