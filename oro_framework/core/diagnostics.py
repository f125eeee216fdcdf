"""The ``diagnostics.*`` routes: what the host holds right now, and reference streams that let a
page check its transport delivers server-sent events and chunked bodies incrementally."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

import anyio

from oro_framework import (
    ByteStream,
    EventStream,
    JSModuleTable,
    OutOfRangeError,
    PermissionRegistry,
    Request,
    RouteGroup,
    RouteTable,
    ServerSentEvent,
    find_js_api,
    hookimpl,
)


async def query(request: Request) -> dict[str, Any]:
    """Counters of the running host: routes, calls, active requests, handler threads, streams,
    services (state, restarts, last error), plugins."""
    host = request.host
    router = host.router
    return {
        "routes": {
            "count": len(host.routes),
            "calls": {route: count for route, count in router.calls.items() if count},
        },
        "requests": {"active": sum(router.active.values())},
        "threads": router.thread_usage(),
        "streams": {"open": sum(router.open_streams.values())},
        "services": {
            "running": list(host.running_services),
            "states": {status.service.name: status.to_dict() for status in host.service_statuses},
        },
        "events": {"subscribers": host.events.subscriber_count},
        "loop": host.watchdog.diagnostics(),
        "plugins": host.hooks.diagnostics(host),
        "lifecycle": host.lifecycle.value,
    }


async def capabilities(request: Request) -> dict[str, Any]:
    """Which kinds of streamed replies reach the page incrementally."""
    # Every transport here is real HTTP or a WebSocket; the Windows caveat of the C++ runtime came
    # from WebView2 buffering custom-scheme bodies, which this bridge does not use.
    return {"streaming": {"sseIncremental": True, "chunkedIncremental": True}}


async def stream_sse(request: Request) -> EventStream:
    """Reference SSE stream: `count` events named `name`, `interval` ms apart."""
    count = request.params.get_int("count", 8, minimum=1, maximum=256)
    interval = request.params.get_int("interval", 25, minimum=1, maximum=1000)
    name = request.params.get_str("name") or "diagnostics"

    async def events() -> AsyncIterator[ServerSentEvent]:
        for index in range(count):
            if index:
                await anyio.sleep(interval / 1000)
            yield ServerSentEvent(data={"index": index, "count": count}, event=name)

    return EventStream(events())


async def stream_chunks(request: Request) -> ByteStream:
    """Reference chunked stream: `chunks` chunks of `chunkSize` bytes 0x5a, `interval` ms apart."""
    chunks = request.params.get_int("chunks", 8, minimum=1, maximum=256)
    chunk_size = request.params.get_int("chunkSize", 1024, minimum=1, maximum=65536)
    interval = request.params.get_int("interval", 25, minimum=0, maximum=1000)
    limit = 4 * 1024 * 1024  # the Oro Runtime's cap, so pages written for it behave alike
    if chunks * chunk_size > limit:
        raise OutOfRangeError(
            f"'chunks' * 'chunkSize' must be at most {limit} bytes, "
            f"got {chunks} * {chunk_size} = {chunks * chunk_size}",
            parameter="chunkSize",
        )
    chunk = b"\x5a" * chunk_size

    async def body() -> AsyncIterator[bytes]:
        for index in range(chunks):
            if index and interval:
                await anyio.sleep(interval / 1000)
            yield chunk

    return ByteStream(body())


ROUTES: Final = RouteGroup(
    permission="diagnostics",
    doc="Runtime diagnostics: route and stream counters, services, plugin reports, test streams.",
    handlers={
        "diagnostics.query": query,
        "diagnostics.capabilities": capabilities,
        "diagnostics.stream.sse": stream_sse,
        "diagnostics.stream.chunks": stream_chunks,
    },
)


@hookimpl
def oro_register_permissions(permissions: PermissionRegistry) -> None:
    permissions.add_group(ROUTES)


@hookimpl
def oro_register_routes(routes: RouteTable) -> None:
    routes.add_group(ROUTES)


@hookimpl
def oro_register_js_modules(modules: JSModuleTable) -> None:
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    directory = find_js_api()
    if directory is not None:
        modules.add_directory(directory, owner="diagnostics")
