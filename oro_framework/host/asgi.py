"""The small amount of ASGI plumbing the bridge needs: types, request headers, responses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

__all__ = [
    "HeaderList",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "read_headers",
    "send_response",
    "start_response",
]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
HeaderList: TypeAlias = list[tuple[bytes, bytes]]


def read_headers(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name. Repeated headers are joined as HTTP says
    (``", "``), except ``Cookie``, which HTTP/2 splits into one header per cookie and which
    joins with ``"; "``."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name in headers:
            separator = "; " if name == "cookie" else ", "
            headers[name] = headers[name] + separator + value
        else:
            headers[name] = value
    return headers


async def start_response(send: Send, status: int, headers: HeaderList) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    headers: HeaderList,
    *,
    media_type: str | None = None,
    include_body: bool = True,
) -> None:
    """Send a complete response with ``content-length``; ``include_body=False`` for ``HEAD``."""
    full = list(headers)
    if media_type is not None:
        full.append((b"content-type", media_type.encode("latin-1")))
    full.append((b"content-length", str(len(body)).encode()))
    await start_response(send, status, full)
    await send({"type": "http.response.body", "body": body if include_body else b""})
