"""The dialogs part of oro-desktop (stub: being written)."""

from __future__ import annotations

from typing import Any, final

from oro_desktop.part import Spawn
from oro_desktop.settings import DesktopSettings
from oro_framework import Host, Window


@final
class Dialogs:
    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn

    def window_created(self, window: Window) -> None:
        pass

    def page_closed(self, window: int) -> None:
        pass

    async def stop(self) -> None:
        pass

    def diagnostics(self) -> dict[str, Any]:
        return {}
