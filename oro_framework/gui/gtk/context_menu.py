"""The web view's own context menu under GTK, as an app shows it: WebKit's menu without the
browser's navigation (Back, Forward, Stop, Reload, open or download a link, an image, a frame or
media in a new window), which would take an app's page where the app never sends it.

Editing (Cut, Copy, Paste, Select All, spelling) stays. "Inspect Element" stays where WebKit
offers it: only with the developer extras on (devtools). A page that handles ``contextmenu``
with ``preventDefault()`` gets no menu from WebKit, so an app's own menu (oro-desktop's
``window.setContextMenu``) still works. Every function here runs on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from oro_framework.gui.gtk.toolkit import repository

__all__ = ["NAVIGATION_ACTIONS", "filter_menu"]

logger = logging.getLogger("oro_framework.windows")

NAVIGATION_ACTIONS: Final = frozenset(
    {
        "GO_BACK",
        "GO_FORWARD",
        "STOP",
        "RELOAD",
        "OPEN_LINK",
        "OPEN_LINK_IN_NEW_WINDOW",
        "DOWNLOAD_LINK_TO_DISK",
        "OPEN_IMAGE_IN_NEW_WINDOW",
        "DOWNLOAD_IMAGE_TO_DISK",
        "OPEN_FRAME_IN_NEW_WINDOW",
        "OPEN_VIDEO_IN_NEW_WINDOW",
        "OPEN_AUDIO_IN_NEW_WINDOW",
        "DOWNLOAD_VIDEO_TO_DISK",
        "DOWNLOAD_AUDIO_TO_DISK",
    }
)
"""``WebKitContextMenuAction`` names an app's context menu never shows."""


def filter_menu(index: int) -> Callable[..., bool]:
    """A handler of the view's ``context-menu`` signal for window ``index``: drops the
    navigation items (and the separators they leave at an end or doubled), shows what is left,
    or no menu when nothing is."""
    webkit = repository("WebKit2")
    dropped = {getattr(webkit.ContextMenuAction, name) for name in NAVIGATION_ACTIONS}

    def handle(_view: Any, menu: Any, *_: Any) -> bool:
        for item in list(menu.get_items()):
            if item.get_stock_action() in dropped:
                menu.remove(item)
        _tidy_separators(menu)
        items = list(menu.get_items())
        labels = [_label(item) for item in items if not item.is_separator()]
        logger.info("window %d: context menu: %s", index, ", ".join(labels) or "(none)")
        return not items  # True: handled, no menu at all

    return handle


def _tidy_separators(menu: Any) -> None:
    previous_was_separator = True  # a leading separator goes
    for item in list(menu.get_items()):
        if item.is_separator():
            if previous_was_separator:
                menu.remove(item)
            previous_was_separator = True
        else:
            previous_was_separator = False
    items = list(menu.get_items())
    if items and items[-1].is_separator():
        menu.remove(items[-1])


def _label(item: Any) -> str:
    action = item.get_gaction()
    stock = item.get_stock_action()
    name = getattr(stock, "value_nick", None) or str(stock)
    if action is not None and stock == repository("WebKit2").ContextMenuAction.CUSTOM:
        name = str(action.get_name())
    return str(name)
