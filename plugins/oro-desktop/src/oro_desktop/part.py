"""What every part of oro-desktop (menus, dialogs, notifications, clipboard, window state)
offers the plugin's state, and the task group they share for work a hook starts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from oro_framework import Host, NotSupportedError, Window

Spawn = Callable[[Callable[[], Awaitable[None]]], None]
"""Start ``function()`` in the desktop service's task group, from a (synchronous) hook on the
loop; an exception it raises is logged, never lost and never fatal to the app."""


class DesktopPart(Protocol):
    """One capability of oro-desktop. Every method is called on the event loop."""

    def window_created(self, window: Window) -> None:
        """A window exists (``oro_window_created``); start work on it with ``spawn``."""
        ...

    def page_closed(self, window: int) -> None:
        """Window ``window``'s page went away: drop what it held (grants, menus...)."""
        ...

    async def stop(self) -> None:
        """The app is stopping, its windows still open: save and remove what needs it."""
        ...

    def diagnostics(self) -> dict[str, Any]:
        """What ``diagnostics.query`` shows for this part."""
        ...


def require_qt(host: Host, needs: str, instead: str) -> None:
    """Refuse at once, typed, where the app has no Qt window: ``ERR_HEADLESS`` with ``instead``
    (what a page has in a browser), ``ERR_TOOLKIT`` for another toolkit.

    :param needs: what the caller is, as the subject of "need a native window" ("Menus").
    """
    toolkit = host.windows.toolkit
    if toolkit is None:
        raise NotSupportedError(
            f"{needs} need a native window, and this app runs headless: {instead}",
            code="ERR_HEADLESS",
        )
    if toolkit != "qt":
        raise NotSupportedError(
            f"{needs} need the Qt toolkit; the windows here are {toolkit}'s", code="ERR_TOOLKIT"
        )
