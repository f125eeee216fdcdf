"""What oro-hello does: per-host state, route handlers and the heartbeat service.

Nothing here is a hook; :mod:`oro_hello.plugin` registers these functions with the host.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.abc import TaskStatus
from oro_framework import EventStream, Host, InvalidArgumentError, Request, ServerSentEvent

STATE_KEY = "hello"
"""Where this plugin keeps its per-host state in ``host.state``: its entry-point name."""

HEARTBEAT_EVENT = "hello.heartbeat"
"""The event the heartbeat service sends to every window."""


@dataclass
class HelloState:
    """Everything oro-hello holds for one host, created in ``oro_configure``."""

    greeting: str
    max_count: int
    heartbeat_interval: float
    greeted: int = 0
    beats: int = 0
    open_streams: set[str] = field(default_factory=set)
    _stream_ids: Iterator[int] = field(
        default_factory=lambda: itertools.count(1), init=False, repr=False
    )

    @classmethod
    def from_host(cls, host: Host) -> HelloState:
        return cls(
            greeting=host.config["hello.greeting"],
            max_count=host.config["hello.max_count"],
            heartbeat_interval=host.config["hello.heartbeat_ms"] / 1000,
        )

    def open_stream(self) -> str:
        stream_id = f"count-{next(self._stream_ids)}"
        self.open_streams.add(stream_id)
        return stream_id


def state_of(host: Host) -> HelloState:
    """This plugin's state for ``host``."""
    state = host.state[STATE_KEY]
    if not isinstance(state, HelloState):
        raise TypeError(f"host.state[{STATE_KEY!r}] is not oro-hello's state")
    return state


# -------------------------------------------------------------------------------------------------
# Config validators: called with a value of the declared type, raise ValueError to refuse it
# -------------------------------------------------------------------------------------------------


def check_greeting(value: str) -> None:
    if not value.strip():
        raise ValueError("must not be blank")


def check_positive(value: int) -> None:
    if value <= 0:
        raise ValueError(f"must be positive, got {value}")


# -------------------------------------------------------------------------------------------------
# Routes
# -------------------------------------------------------------------------------------------------


async def greet(request: Request) -> dict[str, Any]:
    """Greet `name`; `excited=true` adds an exclamation mark."""
    name = request.params.require_str("name").strip()
    if not name:
        raise InvalidArgumentError.invalid("name", "a non-empty string")
    excited = request.params.get_bool("excited", False)
    state = state_of(request.host)
    state.greeted += 1
    message = f"{state.greeting}, {name}{'!' if excited else '.'}"
    return {"message": message, "greeted": state.greeted}


async def count(request: Request) -> EventStream:
    """Count from 1 to `to` as server-sent events, one every `interval_ms` milliseconds."""
    # Validate everything before returning the stream: errors raised here are answered with
    # their own status; once the stream has started, the status line has already been sent.
    state = state_of(request.host)
    to = request.params.require_int("to", minimum=1, maximum=state.max_count)
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


# -------------------------------------------------------------------------------------------------
# Service
# -------------------------------------------------------------------------------------------------


def heartbeat(host: Host) -> Callable[..., Awaitable[None]]:
    """The ``run`` function of the heartbeat service of ``host``."""

    async def run(*, task_status: TaskStatus[None]) -> None:
        state = state_of(host)
        task_status.started()
        while True:
            await anyio.sleep(state.heartbeat_interval)
            state.beats += 1
            host.emit(HEARTBEAT_EVENT, {"beats": state.beats})

    return run


# -------------------------------------------------------------------------------------------------
# Diagnostics
# -------------------------------------------------------------------------------------------------


def diagnostics(host: Host) -> dict[str, Any]:
    """What ``diagnostics.query`` shows under this plugin's name."""
    state = state_of(host)
    return {
        "handles": {"count": len(state.open_streams), "ids": sorted(state.open_streams)},
        "greeted": state.greeted,
        "beats": state.beats,
    }
