"""The ``hello.heartbeat`` service: sends the ``hello.heartbeat`` event to every window."""

from __future__ import annotations

from typing import Final

import anyio
from anyio.abc import TaskStatus
from oro_framework import Host

from oro_hello.state import STATE

__all__ = ["HEARTBEAT_EVENT", "NAME", "run"]

NAME: Final = "hello.heartbeat"
HEARTBEAT_EVENT: Final = "hello.heartbeat"
"""The event every window receives every ``hello.heartbeat_ms`` milliseconds: ``{"beats": n}``."""


async def run(host: Host, *, task_status: TaskStatus[None]) -> None:
    """Beat until cancelled (the host cancels it to stop or pause it)."""
    state = host.stash[STATE]
    task_status.started()
    while True:
        await anyio.sleep(state.settings.heartbeat_ms / 1000)
        state.beats += 1
        host.emit(HEARTBEAT_EVENT, {"beats": state.beats})
