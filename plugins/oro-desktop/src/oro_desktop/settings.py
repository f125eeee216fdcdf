"""oro-desktop's config keys, declared once as the fields of :class:`DesktopSettings`
(``[desktop]``) and :class:`WindowStateSettings` (``[window]``)."""

from __future__ import annotations

from typing import final

from oro_framework import setting, setting_from, validators
from oro_framework.records import record

__all__ = ["DesktopSettings", "WindowStateSettings"]


@final
@record
class DesktopSettings:
    """The ``[desktop]`` keys of one host (``config.add_settings(DesktopSettings,
    section="desktop")``)."""

    tray_icon: str = setting(
        "",
        "Image of the tray icon (PNG/SVG), a path in the app's resources; empty: the app's "
        "icon (build.icon), else a plain built-in one.",
    )
    max_menu_items: int = setting(
        1000,
        "Items a menu text (system, context or tray menu) may hold; a longer one is refused "
        "with ERR_MENU_TOO_LARGE.",
        validator=validators.positive,
    )
    notifications_per_second: int = setting(
        20,
        "Notifications the app may show per second; more fail with ERR_RATE_LIMITED until "
        "the second is over.",
        validator=validators.positive,
    )
    clipboard_max_bytes: int = setting(
        10 * 1024 * 1024,
        "Largest clipboard content (text, HTML or image bytes) read or written at once; "
        "larger fails with ERR_CLIPBOARD_TOO_LARGE.",
        validator=validators.positive,
    )
    oro_globals: bool = setting_from("webview.oro_globals")
    """The host's ``webview.oro_globals``: Oro's page globals, ``Notification`` among them, are
    defined in every page."""


@final
@record
class WindowStateSettings:
    """oro-desktop's ``[window]`` key (``config.add_settings(WindowStateSettings,
    section="window")``)."""

    remember_state: bool = setting(
        True,
        "Remember each window's size, position and maximized state across runs (in the app's "
        "data directory, window-state.json); a saved position off every screen is ignored.",
    )
