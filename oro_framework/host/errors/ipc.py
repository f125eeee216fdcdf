"""IPC errors: what the page sees, each the ``err`` object of a result envelope with the
``type``, ``code`` and HTTP status of docs/design.md's table; and :func:`ipc_error_for_status`,
the error an HTTP status stands for. The operating system's errors are :mod:`.os_errors`."""

from __future__ import annotations

from typing import Any, ClassVar, Final, final

from oro_framework.host.errors.root import OroError

__all__ = [
    "AbortError",
    "BackendError",
    "BackendImportError",
    "IPCError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJSONError",
    "InvalidStateError",
    "NotAllowedError",
    "NotFoundError",
    "NotSupportedError",
    "OutOfMemoryError",
    "OutOfRangeError",
    "PluginCrashedError",
    "PluginUnavailableError",
    "RouteTimeoutError",
    "RouteWrapperError",
    "SecurityError",
    "ServiceUnavailableError",
    "ShuttingDownError",
    "TooManyConnectionsError",
    "ipc_error_for_status",
]


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


@final
class PluginUnavailableError(ServiceUnavailableError):
    """Answered to a route in the namespace of a plugin that failed to load (``clipnotes.save``
    of the broken plugin ``clipnotes``) and that the host skipped: it names the plugin and why,
    where an unknown route would only say ``Not found``.

    Extras: ``plugin`` (its name), ``cause`` (one line: ``import failed: ModuleNotFoundError:
    ...``) and ``state`` (``broken``).
    """

    default_code = "ERR_PLUGIN_NOT_LOADED"


@final
class PluginCrashedError(ServiceUnavailableError):
    """Answered to a call of an isolated plugin (one that runs in a process of its own) whose
    process crashed, exited, stopped answering or broke the channel while the call was in
    flight, or has not come back yet: it names the plugin and why.

    Extras: ``plugin`` (its name), ``cause`` (one line: ``was killed by signal SIGSEGV``,
    ``exceeded its memory limit of 512 MiB``...) and ``state`` (``restarting``/``failed``).
    """

    default_code = "ERR_PLUGIN_CRASHED"


class ShuttingDownError(ServiceUnavailableError):
    """Answered to a request that arrives while the host stops: routes and pages are closed
    before plugins are unconfigured, so nothing half-stopped ever runs it."""

    default_code = "ERR_SHUTTING_DOWN"


class InternalError(IPCError):
    """Answered for an unexpected exception; the traceback goes to the log, not to the page."""

    error_type = "InternalError"
    default_code = "INTERNAL_ERR"
    http_status = 500


@final
class RouteWrapperError(InternalError):
    """Answered to the call a plugin's route wrapper (``oro_route_call``) broke: the wrapper
    raised something other than an :class:`IPCError`, returned what cannot be awaited, never
    yielded or yielded twice. It names the plugin, not the route: the wrapper is taken out of
    the chain for the rest of the run and the route answers without it from the next call.

    Extras: ``plugin`` (the wrapper's plugin) and ``route``.
    """

    default_code = "ERR_ROUTE_WRAPPER"


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
