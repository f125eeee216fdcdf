"""The menus routes of oro-desktop (stub: being written)."""

from __future__ import annotations

from typing import Final

from oro_framework import RouteGroup

ROUTES: Final = RouteGroup(
    permission="menus",
    doc="Menus: the system menu, context menus and the tray (menuItemSelected events).",
    handlers={},
)
