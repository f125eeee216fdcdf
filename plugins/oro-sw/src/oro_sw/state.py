"""What oro-sw keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, final

from oro_framework import Host, StashKey
from oro_sw.settings import SwSettings
from oro_sw.store import Store

__all__ = ["FILE_NAME", "STATE", "SwState"]

FILE_NAME: Final = "service-workers.json"
"""The store's file in the app's data directory."""


@final
@dataclass(eq=False)
class SwState:
    """oro-sw's state for one host, made by ``oro_configure``."""

    settings: SwSettings
    store: Store

    @classmethod
    def from_host(cls, host: Host) -> SwState:
        return cls(host.settings(SwSettings), Store.load(host.paths.data / FILE_NAME))

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under this plugin's name."""
        return {
            "registrations": len(self.store.records),
            "scripts": self.settings.scripts,
            "autoRegister": self.settings.auto_register,
        }


STATE: Final = StashKey[SwState]("sw")
"""Where a host keeps oro-sw's :class:`SwState`."""
