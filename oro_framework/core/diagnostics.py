"""The ``diagnostics.*`` routes: what the host holds right now, and reference streams that let a
page check its transport delivers server-sent events and chunked bodies incrementally."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import anyio

from oro_framework import (
    ByteStream,
    EventStream,
    OutOfRangeError,
    Plugin,
    RouteGroup,
    ServerSentEvent,
)

if TYPE_CHECKING:
    from oro_framework import Request

# An absolute POSIX path in an error's text (not a URL's path: those follow ':' or '/').
_HOST_PATH: Final = re.compile(r"(?<![\w:/.~])[/~][^\s'\"(),;]*")


def _page_status(status: dict[str, Any]) -> dict[str, Any]:
    """A service's status as a page sees it: its error's text without host paths."""
    error = status.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        status = {
            **status,
            "error": {**error, "message": _HOST_PATH.sub("<path>", error["message"])},
        }
    return status


async def query(request: Request) -> dict[str, Any]:
    """Counters of the running host: routes, calls, active requests, handler threads, streams,
    services (state, restarts, last error), plugins' reports. A page must prove its window
    (`ERR_NO_WINDOW`) and sees only what that window holds (the reports of plugins that scope
    them to a window) and no host path; the host's own tools (in-process calls, the HTTP IPC
    bridge key's outside process) see every plugin's host-wide report."""
    host = request.host
    router = host.router
    is_host_tool = request.by_bridge_key or (
        request.transport == "memory" and request.window is None
    )
    window = None if is_host_tool else request.require_window()
    statuses = [status.to_dict() for status in host.service_statuses]
    if not is_host_tool:
        statuses = [_page_status(status) for status in statuses]
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
            "states": {status["service"]: status for status in statuses},
        },
        "events": {"subscribers": host.events.subscriber_count},
        "loop": host.watchdog.diagnostics(),
        "plugins": host.hooks.diagnostics(host, window=window),
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


plugin = Plugin(
    permissions=".diagnostics:ROUTES",
    routes=".diagnostics:ROUTES",
    # Its modules live in js-api/ beside the host's, their headers naming this plugin.
    js_modules="oro_framework.host.builtin:find_js_api",
)
