"""The ``hello.heartbeat`` service: sends the ``hello.heartbeat`` event to every window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import anyio
from anyio.abc import TaskStatus

if TYPE_CHECKING:
    from oro_hello.state import HelloState

__all__ = ["HEARTBEAT_EVENT", "NAME", "run"]

NAME: Final = "hello.heartbeat"
HEARTBEAT_EVENT: Final = "hello.heartbeat"
"""The event every window receives every ``hello.heartbeat_ms`` milliseconds: ``{"beats": n}``."""


async def run(state: HelloState, *, task_status: TaskStatus[None]) -> None:
    """Beat until cancelled (the host cancels it to stop or pause it)."""
    # Open what the service needs before this line: the host reports itself started only once
    # every service has called it. Close it in `finally` or `async with`.
    task_status.started()
    while True:
        await anyio.sleep(state.settings.heartbeat_ms / 1000)
        state.beats += 1
        state.host.emit(HEARTBEAT_EVENT, {"beats": state.beats})
