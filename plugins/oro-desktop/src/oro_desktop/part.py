"""What every part of oro-desktop (menus, dialogs, notifications, clipboard, window state)
offers the plugin's state, and the task group they share for work a hook starts."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final, Protocol

from oro_framework import Host, NotSupportedError, Window

logger = logging.getLogger("oro_desktop")

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


TOOLKITS: Final[tuple[str, ...]] = ("qt", "gtk")
"""The toolkits oro-desktop has an engine module for: ``qt`` (the Qt engine's ``QMainWindow``)
and ``gtk`` (the system engine's GTK 3 window on Linux). Each part keeps its toolkit code in a
module of that name (``clipboard/qt.py``, ``clipboard/gtk.py``), imported only once the app's
toolkit is known, so that a headless host loads neither."""


def gui_toolkit(host: Host) -> str | None:
    """The app's toolkit when oro-desktop can work on its windows, else ``None`` (headless, or
    a toolkit without an engine module here)."""
    toolkit = host.windows.toolkit
    return toolkit if toolkit in TOOLKITS else None


_SAID: weakref.WeakKeyDictionary[Host, set[str]] = weakref.WeakKeyDictionary()
"""What each host already said it cannot show headless (one line each)."""


def say_headless(
    host: Host, needs: str, why: str = "no native window; pages get ERR_HEADLESS"
) -> None:
    """One line on standard error, the first time a page of ``host`` asks for ``needs`` that
    cannot show: a page waiting on it is never a silent dead screen."""
    said = _SAID.setdefault(host, set())
    if needs not in said:
        said.add(needs)
        logger.warning("%s cannot show: this app runs headless (%s)", needs, why)


def require_gui(
    host: Host, needs: str, instead: str, why: str = "no native window; pages get ERR_HEADLESS"
) -> str:
    """The app's toolkit (one of :data:`TOOLKITS`); refuses at once, typed, where there is none:
    ``ERR_HEADLESS`` with ``instead`` (what a page has in a browser; the host says so once on
    standard error, ``why``), ``ERR_TOOLKIT`` for a toolkit oro-desktop has no engine module
    for.

    :param needs: what the caller is, as the subject of "need a native window" ("Menus").
    """
    toolkit = host.windows.toolkit
    if toolkit is None:
        say_headless(host, needs, why)
        raise NotSupportedError(
            f"{needs} need a native window, and this app runs headless: {instead}",
            code="ERR_HEADLESS",
        )
    if toolkit not in TOOLKITS:
        raise NotSupportedError(
            f"{needs} need one of the toolkits {', '.join(TOOLKITS)}; the windows here are "
            f"{toolkit}'s",
            code="ERR_TOOLKIT",
        )
    return toolkit
