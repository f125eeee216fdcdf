"""The plugin's service: it sends the :data:`TICK_EVENT` event to every window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import anyio
from anyio.abc import TaskStatus

if TYPE_CHECKING:
    from oro_template.state import TemplateState

__all__ = ["NAME", "TICK_EVENT", "run"]

NAME: Final = "template.ticker"
TICK_EVENT: Final = "template.tick"
"""What pages receive every ``tick_ms`` milliseconds (a config key): ``{"ticks": n}``."""


async def run(state: TemplateState, *, task_status: TaskStatus[None]) -> None:
    """Tick until cancelled (the host cancels it to stop or pause it)."""
    # Open what the service needs before this line: the host reports itself started only once
    # every service has called it. Close it in `finally` or `async with`.
    task_status.started()
    while True:
        await anyio.sleep(state.settings.tick_ms / 1000)
        state.ticks += 1
        state.host.emit(TICK_EVENT, {"ticks": state.ticks})
