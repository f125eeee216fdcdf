"""What oro-sw keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, final

from oro_framework import ConfigError, Host, StashKey
from oro_sw.settings import SCRIPTS_KEY, ConfiguredWorker, SwSettings, workers_of
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
    workers: list[ConfiguredWorker]

    @classmethod
    def from_host(cls, host: Host) -> SwState:
        """:raises ConfigError: an entry of ``[webview.service-workers]`` outside the app."""
        settings = host.settings(SwSettings)
        table = {str(key): str(value) for key, value in host.config.section(SCRIPTS_KEY).items()}
        try:
            workers = workers_of(settings.scripts, table)
        except ValueError as error:
            key = next((f"{SCRIPTS_KEY}.{scope}" for scope in table if scope in str(error)), "")
            raise ConfigError(
                f"key '{key or SCRIPTS_KEY}': {error}",
                key=key or SCRIPTS_KEY,
                source=host.config.source(key or SCRIPTS_KEY),
            ) from None
        return cls(settings, Store.load(host.paths.data / FILE_NAME), workers)

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows under this plugin's name."""
        return {
            "registrations": len(self.store.records),
            "scripts": self.settings.scripts,
            "workers": [worker.to_json() for worker in self.workers],
            "autoRegister": self.settings.auto_register,
        }


STATE: Final = StashKey[SwState]("sw")
"""Where a host keeps oro-sw's :class:`SwState`."""
