"""The ``ai.llm`` service: the task group the resident models' decoding workers run in, and the
sweep that unloads idle models."""

from __future__ import annotations

import anyio
from anyio.abc import TaskStatus

from oro_ai.pool import ModelManager

__all__ = ["run"]


async def run(
    manager: ModelManager, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """Serve ``manager``'s models until cancelled; started as soon as models may load.

    Cancelling it stops every worker, and each model is freed as its last worker ends.

    :param manager: the host's models (``host.stash[STATE].manager``).
    """
    try:
        async with anyio.create_task_group() as task_group:
            manager.open(task_group)
            task_status.started()
            while True:
                await anyio.sleep(manager.sweep_interval())
                await manager.unload_idle()
    finally:
        manager.close()
