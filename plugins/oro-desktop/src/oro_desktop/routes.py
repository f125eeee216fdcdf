"""Every route group of oro-desktop, one permission each."""

from __future__ import annotations

from typing import Final

from oro_desktop.clipboard.routes import ROUTES as CLIPBOARD_ROUTES
from oro_desktop.cookies.routes import ROUTES as COOKIE_ROUTES
from oro_desktop.dialogs.routes import ROUTES as DIALOG_ROUTES
from oro_desktop.menus.routes import ROUTES as MENU_ROUTES
from oro_desktop.notifications.routes import ROUTES as NOTIFICATION_ROUTES
from oro_framework import RouteGroup

ROUTE_GROUPS: Final[tuple[RouteGroup, ...]] = (
    MENU_ROUTES,
    DIALOG_ROUTES,
    NOTIFICATION_ROUTES,
    CLIPBOARD_ROUTES,
    COOKIE_ROUTES,
)
