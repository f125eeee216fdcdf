"""What oro-hello keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, final

from anyio.abc import TaskStatus
from oro_framework import Host, StashKey

from oro_hello import service
from oro_hello.settings import HelloSettings

__all__ = ["STATE", "HelloState"]


@final
@dataclass(eq=False)
class HelloState:
    """Everything oro-hello holds for one host, made by ``oro_configure``."""

    host: Host
    settings: HelloSettings
    greeted: int = 0
    beats: int = 0
    open_streams: set[str] = field(default_factory=set)
    _stream_ids: Iterator[int] = field(
        default_factory=lambda: itertools.count(1), init=False, repr=False
    )

    @classmethod
    def from_host(cls, host: Host) -> HelloState:
        """The state for ``host``, whose config is loaded."""
        return cls(host, host.settings(HelloSettings))

    def open_stream(self) -> str:
        stream_id = f"count-{next(self._stream_ids)}"
        self.open_streams.add(stream_id)
        return stream_id

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The heartbeat service (:func:`.service.run`), which ``plugin.py`` registers."""
        await service.run(self, task_status=task_status)

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under this plugin's name."""
        return {
            "handles": {"count": len(self.open_streams), "ids": sorted(self.open_streams)},
            "greeted": self.greeted,
            "beats": self.beats,
        }


STATE: Final = StashKey[HelloState]("hello")
"""Where a host keeps oro-hello's :class:`HelloState`: typed, so handlers need no casts."""
