"""The ``hello.*`` routes: their handlers and :data:`ROUTES`, the group ``plugin.py`` adds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

import anyio
from oro_framework import EventStream, InvalidArgumentError, Request, RouteGroup, ServerSentEvent

from oro_hello.permissions import HELLO
from oro_hello.state import STATE, HelloState

__all__ = ["ROUTES"]


async def greet(request: Request) -> dict[str, Any]:
    """Greet `name`; `excited=true` adds an exclamation mark."""
    name = request.params.require_str("name").strip()
    if not name:
        raise InvalidArgumentError.invalid("name", "a non-empty string")
    excited = request.params.get_bool("excited", False)
    state = request.host.stash[STATE]
    state.greeted += 1
    message = f"{state.settings.greeting}, {name}{'!' if excited else '.'}"
    return {"message": message, "greeted": state.greeted}


async def count(request: Request) -> EventStream:
    """Count from 1 to `to` as server-sent events, one every `interval_ms` milliseconds."""
    # Validate everything before returning the stream: errors raised here are answered with
    # their own status; once the stream has started, the status line has already been sent.
    state = request.host.stash[STATE]
    to = request.params.require_int("to", minimum=1, maximum=state.settings.max_count)
    interval_ms = request.params.get_int("interval_ms", 0, minimum=0, maximum=10_000)
    return EventStream(_count(state, to, interval_ms / 1000))


async def _count(state: HelloState, to: int, interval: float) -> AsyncIterator[ServerSentEvent]:
    stream_id = state.open_stream()
    try:
        for number in range(1, to + 1):
            yield ServerSentEvent({"n": number}, event="count", id=str(number))
            if number < to:
                await anyio.sleep(interval)
    finally:
        # Runs when the stream ends, when the client disconnects and when the host stops.
        state.open_streams.discard(stream_id)


ROUTES: Final = RouteGroup.guarded(
    HELLO,
    handlers={
        "hello.greet": greet,
        "hello.count": count,
    },
)
"""Every ``hello.*`` route and the permission that guards them: ``[permissions] allow_hello =
false`` in the app's ``oro.toml`` refuses them all."""
