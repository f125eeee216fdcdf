"""What the menus part and its engine modules share (and the engine modules import nothing of
the part): the callbacks a menu reports to, and what a tray icon offers the part."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from oro_desktop.menus.text import Item, Menu

__all__ = ["Click", "Select", "Tray"]

Select = Callable[[Item, str], None]
"""Called with the item chosen and the title of the menu holding it: on the GUI thread from a
toolkit's menu, on the loop from the D-Bus tray."""
Click = Callable[[int, int], None]
"""Called with the cursor's position when the tray icon is clicked (same threads as
:data:`Select`)."""


class Tray(Protocol):
    """The app's tray icon and its menu; every method is called on the loop, and its callbacks
    are called there too."""

    async def set(
        self, icon_path: Path | None, menus: tuple[Menu, ...], select: Select, click: Click
    ) -> None:
        """Show the icon with ``menus`` (one menu: its items, its title the tooltip; several:
        a submenu each); no menus removes it.

        :raises NotSupportedError: no system tray on this desktop (``ERR_NO_SYSTEM_TRAY``).
        :raises InvalidArgumentError: ``icon_path`` is not an image (``ERR_TRAY_ICON``).
        """
        ...

    async def remove(self) -> None:
        """Take the icon away, if it is shown."""
        ...
