"""oro-desktop's permissions, declared without importing the routes they guard
(docs/writing-plugins.md, "A permission")."""

from __future__ import annotations

from typing import Final

from oro_framework import PermissionSpec

__all__ = ["CLIPBOARD", "COOKIES", "DIALOGS", "MENUS", "NETWORK_STATUS", "NOTIFICATIONS"]

NETWORK_STATUS: Final = PermissionSpec(
    "network_status",
    "Read whether the machine is online (oro:network-status, navigator.onLine).",
)
MENUS: Final = PermissionSpec(
    "menus",
    "Menus: the system menu, context menus and the tray (menuItemSelected events).",
)
CLIPBOARD: Final = PermissionSpec(
    "clipboard",
    "Read and write the clipboard and the primary selection: text, HTML, PNG images "
    "(oro:clipboard).",
)
NOTIFICATIONS: Final = PermissionSpec(
    "notifications",
    "Desktop notifications through the session's org.freedesktop.Notifications service "
    "(oro:notification).",
)
DIALOGS: Final = PermissionSpec(
    "dialogs",
    "Native file dialogs (window.showFileSystemPicker): a picked path becomes usable "
    "through oro:fs for the page.",
)
COOKIES: Final = PermissionSpec(
    "cookies",
    "Read, set and remove the app origin's cookies in the windows' cookie store, as "
    "document.cookie does (oro:cookies).",
)
