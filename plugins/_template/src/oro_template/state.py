"""What oro-template keeps per host, ``host.stash[STATE]``.

State belongs to one host, never to the module: tests build many hosts in one process. The key
is typed, so ``request.host.stash[STATE]`` is a :class:`TemplateState` for mypy too.
``oro_configure`` stores it, ``oro_unconfigure`` pops it (and closes what it holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

from anyio.abc import TaskStatus
from oro_framework import Host, StashKey

from oro_template import service
from oro_template.settings import TemplateSettings

__all__ = ["STATE", "TemplateState"]


@final
@dataclass(eq=False)
class TemplateState:
    """oro-template's state for one host, made by ``oro_configure``."""

    host: Host
    settings: TemplateSettings
    echoes: int = 0
    """template.echo calls answered."""
    ticks: int = 0
    """template.tick events sent."""

    @classmethod
    def from_host(cls, host: Host) -> TemplateState:
        """The state for ``host``, whose config is loaded."""
        return cls(host, host.settings(TemplateSettings))

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The plugin's service (:func:`.service.run`), which ``plugin.py`` registers."""
        await service.run(self, task_status=task_status)


STATE: Final = StashKey[TemplateState]("template")
"""Where a host keeps oro-template's :class:`TemplateState`."""
