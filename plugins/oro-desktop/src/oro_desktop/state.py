"""What oro-desktop keeps per host, ``host.stash[STATE]``: the settings and one object per part,
and the service whose task group runs the work hooks start."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

import anyio
import anyio.abc

from oro_desktop.part import DesktopPart, Spawn
from oro_desktop.settings import DesktopSettings, WindowStateSettings
from oro_framework import Host, StashKey, Window

if TYPE_CHECKING:
    from oro_desktop.clipboard.part import Clipboard
    from oro_desktop.cookies.part import Cookies
    from oro_desktop.dialogs.part import Dialogs
    from oro_desktop.menus.part import Menus
    from oro_desktop.notifications.part import Notifications

__all__ = ["SERVICE_NAME", "STATE", "DesktopState"]

logger = logging.getLogger("oro_desktop")

SERVICE_NAME: Final = "desktop"

PartT = TypeVar("PartT", bound=DesktopPart)


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
class DesktopState:
    """oro-desktop's state for one host, made by ``oro_configure``.

    Each part but the window state is made, and its module imported, when a route or hook first
    needs it: most launches use one part or none, and their modules were half of the plugin's
    start-up (its hooks 18.6 -> 8.9 ms, ``ORO_TRACE_PLUGINS``); the window state part follows
    every window from its creation. A part not made yet holds nothing a hook must release: a
    new window, a closed page or the app stopping leave it out.
    """

    def __init__(self, host: Host) -> None:
        from oro_desktop.window_state.part import WindowStates

        self.host = host
        self.settings = host.settings(DesktopSettings)
        self.tasks = BackgroundTasks()
        self.window_states = WindowStates(
            host, host.settings(WindowStateSettings), self.tasks.spawn
        )
        self._made: list[DesktopPart] = [self.window_states]

    def _make(self, kind: Callable[[Host, DesktopSettings, Spawn], PartT]) -> PartT:
        """A part of ``kind`` for this host, from now on told of windows, pages and stopping."""
        part = kind(self.host, self.settings, self.tasks.spawn)
        self._made.append(part)
        return part

    @functools.cached_property
    def menus(self) -> Menus:
        from oro_desktop.menus.part import Menus

        return self._make(Menus)

    @functools.cached_property
    def dialogs(self) -> Dialogs:
        from oro_desktop.dialogs.part import Dialogs

        return self._make(Dialogs)

    @functools.cached_property
    def notifications(self) -> Notifications:
        from oro_desktop.notifications.part import Notifications

        return self._make(Notifications)

    @functools.cached_property
    def clipboard(self) -> Clipboard:
        from oro_desktop.clipboard.part import Clipboard

        return self._make(Clipboard)

    @functools.cached_property
    def cookies(self) -> Cookies:
        from oro_desktop.cookies.part import Cookies

        return self._make(Cookies)

    @property
    def parts(self) -> tuple[DesktopPart, ...]:
        """The parts made so far, in the order they were made (the window state first)."""
        return tuple(self._made)

    def window_created(self, window: Window) -> None:
        if self.host.windows.toolkit == "qt":
            # Qt's cookie store answers no reads: its cookies are followed from the first
            # window on (oro_desktop/cookies/qt.py), before a page can ask.
            _ = self.cookies
        for part in self.parts:
            part.window_created(window)

    def page_closed(self, window: int) -> None:
        # What the page's user picked in a file dialog was granted to the page alone; revoked
        # here, not by the dialogs part, which a page that opened no dialog never made.
        self.host.file_grants.revoke(window)
        for part in self.parts:
            part.page_closed(window)

    async def stop(self) -> None:
        for part in self.parts:
            try:
                await part.stop()
            except Exception:
                logger.exception("oro-desktop: stopping %s failed", type(part).__name__)

    def diagnostics(self) -> dict[str, Any]:
        """Every part's figures: the parts not made yet are made for it (with nothing to
        show), so that the keys are always the same."""
        every = (
            self.menus,
            self.dialogs,
            self.notifications,
            self.clipboard,
            self.cookies,
            self.window_states,
        )
        return {type(part).__name__.lower(): part.diagnostics() for part in every}


async def _logged(function: Callable[[], Awaitable[None]]) -> None:
    try:
        await function()
    except Exception:
        logger.exception("oro-desktop: background work failed")


STATE: Final = StashKey[DesktopState]("oro-desktop")
