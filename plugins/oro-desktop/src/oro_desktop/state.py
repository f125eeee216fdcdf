"""What oro-desktop keeps per host, ``host.stash[STATE]``: the settings and one object per part,
and the service whose task group runs the work hooks start."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, final

import anyio
import anyio.abc

from oro_desktop.clipboard.part import Clipboard
from oro_desktop.dialogs.part import Dialogs
from oro_desktop.menus.part import Menus
from oro_desktop.notifications.part import Notifications
from oro_desktop.part import DesktopPart
from oro_desktop.settings import DesktopSettings, WindowStateSettings
from oro_desktop.window_state.part import WindowStates
from oro_framework import Host, StashKey, Window

__all__ = ["SERVICE_NAME", "STATE", "DesktopState"]

logger = logging.getLogger("oro_desktop")

SERVICE_NAME: Final = "desktop"


@final
class BackgroundTasks:
    """The task group of the parts' background work, run as the ``desktop`` service; work
    spawned before it runs waits and starts with it."""

    def __init__(self) -> None:
        self._group: anyio.abc.TaskGroup | None = None
        self._early: list[Callable[[], Awaitable[None]]] = []

    def spawn(self, function: Callable[[], Awaitable[None]]) -> None:
        if self._group is None:
            self._early.append(function)
            return
        self._group.start_soon(_logged, function)

    async def run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        async with anyio.create_task_group() as group:
            self._group = group
            early, self._early = self._early, []
            for function in early:
                group.start_soon(_logged, function)
            task_status.started()
            try:
                await anyio.sleep_forever()
            finally:
                self._group = None


@final
@dataclass(eq=False)
class DesktopState:
    """oro-desktop's state for one host, made by ``oro_configure``."""

    host: Host
    settings: DesktopSettings
    tasks: BackgroundTasks
    menus: Menus
    dialogs: Dialogs
    notifications: Notifications
    clipboard: Clipboard
    window_states: WindowStates

    @classmethod
    def from_host(cls, host: Host) -> DesktopState:
        settings = host.settings(DesktopSettings)
        tasks = BackgroundTasks()
        spawn = tasks.spawn
        return cls(
            host=host,
            settings=settings,
            tasks=tasks,
            menus=Menus(host, settings, spawn),
            dialogs=Dialogs(host, settings, spawn),
            notifications=Notifications(host, settings, spawn),
            clipboard=Clipboard(host, settings, spawn),
            window_states=WindowStates(host, host.settings(WindowStateSettings), spawn),
        )

    @property
    def parts(self) -> tuple[DesktopPart, ...]:
        return (self.menus, self.dialogs, self.notifications, self.clipboard, self.window_states)

    def window_created(self, window: Window) -> None:
        for part in self.parts:
            part.window_created(window)

    def page_closed(self, window: int) -> None:
        for part in self.parts:
            part.page_closed(window)

    async def stop(self) -> None:
        for part in self.parts:
            try:
                await part.stop()
            except Exception:
                logger.exception("oro-desktop: stopping %s failed", type(part).__name__)

    def diagnostics(self) -> dict[str, Any]:
        return {type(part).__name__.lower(): part.diagnostics() for part in self.parts}


async def _logged(function: Callable[[], Awaitable[None]]) -> None:
    try:
        await function()
    except Exception:
        logger.exception("oro-desktop: background work failed")


STATE: Final = StashKey[DesktopState]("oro-desktop")
