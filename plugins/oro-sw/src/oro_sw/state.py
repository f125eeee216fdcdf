"""What oro-sw keeps per host, ``host.stash[STATE]``."""

from __future__ import annotations

import logging
from dataclasses import field
from typing import Any, Final, final

from oro_framework import ConfigError, Host, StashKey, adopt_private
from oro_framework.records import record
from oro_sw.page_fetch import PageFetches
from oro_sw.settings import SCRIPTS_KEY, ConfiguredWorker, SwSettings, workers_of
from oro_sw.store import Store

__all__ = ["FILE_NAME", "STATE", "SwState"]

logger = logging.getLogger("oro_sw")

FILE_NAME: Final = "service-workers.json"
"""The store's file in the app's state folder (in its data folder before)."""


@final
@record(frozen=False, eq=False)
class SwState:
    """oro-sw's state for one host, made by ``oro_configure``."""

    settings: SwSettings
    store: Store
    workers: list[ConfiguredWorker]
    page_fetches: PageFetches = field(default_factory=PageFetches)
    """``serviceWorker.fetch`` calls a page answers for a caller outside it."""

    @classmethod
    def from_host(cls, host: Host) -> SwState:
        """:raises ConfigError: an entry of ``[webview.service-workers]`` outside the app."""
        settings = host.settings(SwSettings)
        table = settings.table
        try:
            workers = workers_of(settings.scripts, table)
        except ValueError as error:
            key = next((f"{SCRIPTS_KEY}.{scope}" for scope in table if scope in str(error)), "")
            raise ConfigError(
                f"key '{key or SCRIPTS_KEY}': {error}",
                key=key or SCRIPTS_KEY,
                source=host.config.source(key or SCRIPTS_KEY),
            ) from None
        path = host.paths.state / FILE_NAME
        try:
            adopt_private(host.paths.data / FILE_NAME, path)
        except OSError as error:
            logger.warning("oro-sw: %s stays where it was: %s", host.paths.data / FILE_NAME, error)
        return cls(settings, Store.load(path), workers)

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
