"""The errors the OpenAI-compatible API answers: ``{"error": {"code", "type", "message"}}``."""

from __future__ import annotations

import math
from typing import Any, final

from oro_framework import IPCError, OutOfMemoryError, ipc_error_for_status


@final
class APIError(Exception):
    """An error answer with an HTTP status, an OpenAI ``type`` and a machine ``code``.

    :param retry_after: seconds for a ``Retry-After`` header (429 and 503).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        error_type: str | None = None,
        param: str | None = None,
        retry_after: float | None = None,
        upstream: str | None = None,
        upstream_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_type = error_type or _TYPES.get(status, "invalid_request_error")
        self.param = param
        self.retry_after = retry_after
        self.upstream = upstream
        self.upstream_status = upstream_status

    @property
    def upstream_unreachable(self) -> bool:
        """Whether an upstream could not be reached or sent nothing in time: what
        ``ai.fallback`` answers in its place."""
        return self.code in ("upstream_unavailable", "upstream_timeout")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "type": self.error_type,
            "message": self.message,
            "param": self.param,
        }
        if self.upstream is not None:
            error["upstream"] = self.upstream
        if self.upstream_status is not None:
            error["upstream_status"] = self.upstream_status
        return {"error": error}

    def to_ipc_error(self) -> IPCError:
        """The same refusal for an ``ai.llm.*`` route (:func:`oro_framework.ipc_error_for_status`):
        a 404 is a ``NotFoundError``, a 429 a ``RangeError``, a 503 a
        ``ServiceUnavailableError``... ``retry_after`` becomes ``retryAfter`` in milliseconds.
        ``param`` is left out: it names a field of the HTTP body, not a route parameter."""
        extra: dict[str, Any] = {}
        if self.retry_after is not None:
            extra["retryAfter"] = math.ceil(self.retry_after * 1000)
        if self.status == OutOfMemoryError.http_status:
            return OutOfMemoryError(self.message, **extra)
        return ipc_error_for_status(self.status, self.message, **extra)

    @classmethod
    def invalid(cls, message: str, *, param: str | None = None) -> APIError:
        return cls(400, "invalid_value", message, param=param)

    @classmethod
    def model_not_found(cls, name: str) -> APIError:
        return cls(
            404,
            "model_not_found",
            f"The model '{name}' does not exist: see GET /ai/llama/v1/models for the models "
            "on the search path",
            param="model",
        )

    @classmethod
    def rate_limited(cls, message: str, retry_after: float) -> APIError:
        return cls(429, "rate_limit_exceeded", message, retry_after=retry_after)


_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    502: "server_error",
    503: "server_error",
    504: "server_error",
    507: "server_error",
}
