"""The routes both plugins register, under their own prefix: ``<prefix>.ping``,
``<prefix>.echo`` and ``<prefix>.stream``, for any page (permission ``runtime``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from oro_framework import ByteStream, Request, RouteTable


async def ping(request: Request) -> str:
    """``pong``, as the host's own ping answers."""
    return "pong"


async def echo(request: Request) -> bytes:
    """The request body, as bytes."""
    return request.body


async def stream(request: Request) -> ByteStream:
    """``size`` bytes in chunks of ``chunk`` bytes."""
    size = request.params.require_int("size")
    chunk = b"z" * request.params.require_int("chunk")

    async def produce() -> AsyncIterator[bytes]:
        for _ in range(size // len(chunk)):
            yield chunk

    return ByteStream(produce(), length=size // len(chunk) * len(chunk))


def register(routes: RouteTable, prefix: str) -> None:
    for name, handler in (("ping", ping), ("echo", echo), ("stream", stream)):
        routes.add(f"{prefix}.{name}", handler, permission="runtime")
