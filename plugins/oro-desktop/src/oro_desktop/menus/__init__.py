"""oro-desktop: menus, and the page events :mod:`.part` sends (declared from here by the
plugin's ``oro_register_page_events``, which needs none of the menus' code)."""

from __future__ import annotations

from typing import Final

__all__ = ["EVENTS", "MENU_ITEM_SELECTED", "TRAY_CLICK"]

MENU_ITEM_SELECTED: Final = "menuItemSelected"
TRAY_CLICK: Final = "trayclick"
EVENTS: Final = (MENU_ITEM_SELECTED, TRAY_CLICK)
