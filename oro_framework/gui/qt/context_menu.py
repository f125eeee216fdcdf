"""The web view's own context menu and ``window.close()`` under Qt.

pywebview gives a view no context menu at all unless it runs in debug mode, and then the whole
browser menu. An app's view gets QtWebEngine's standard menu without the browser's navigation
(Back, Forward, Reload, Stop, open or save a link, an image or the page, view source), which
would take an app's page where the app never sends it; editing (Cut, Copy, Paste, Select All)
stays, and "Inspect" stays only where devtools exist (a devtools page or remote debugging). A page
that handles ``contextmenu`` with ``preventDefault()`` gets no menu from QtWebEngine, so an app's
own menu (oro-desktop's ``window.setContextMenu``) still works.

Every function here runs on the GUI thread, on pywebview's ``BrowserView`` (a ``QMainWindow``
whose ``webview`` is the ``QWebEngineView``).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from typing import Any, Final

__all__ = ["NAVIGATION_ACTIONS", "wire"]

logger = logging.getLogger("oro_framework.windows")

NAVIGATION_ACTIONS: Final = (
    "Back",
    "Forward",
    "Stop",
    "Reload",
    "ReloadAndBypassCache",
    "OpenLinkInThisWindow",
    "OpenLinkInNewWindow",
    "OpenLinkInNewTab",
    "OpenLinkInNewBackgroundTab",
    "DownloadLinkToDisk",
    "DownloadImageToDisk",
    "DownloadMediaToDisk",
    "SavePage",
    "ViewSource",
)
"""``QWebEnginePage.WebAction`` names an app's context menu never shows."""


def wire(
    widget: Any,
    index: int,
    close_requested: Callable[[], None],
    devtools: Callable[[], bool] = lambda: False,
) -> None:
    """Give window ``index``'s view the app's context menu, and report its page's
    ``window.close()`` (QtWebEngine asks only for the main frame's) to ``close_requested``.
    ``devtools()`` says whether the developer tools may open (``oro dev``): the menu then keeps
    "Inspect" even before a devtools page exists."""
    core: Any = importlib.import_module("qtpy.QtCore")
    view = widget.webview
    page = view.page()
    view.setContextMenuPolicy(core.Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(
        lambda position: _show(view, index, position, devtools())
    )
    page.windowCloseRequested.connect(close_requested)


def _has_devtools(page: Any) -> bool:
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    return (
        page.devToolsPage() is not None
        or bool(os.environ.get("QTWEBENGINE_REMOTE_DEBUGGING"))
        or "--remote-debugging-port" in flags
    )


def _show(view: Any, index: int, position: Any, devtools: bool) -> None:
    core_page: Any = importlib.import_module("qtpy.QtWebEngineCore")
    page = view.page()
    action = core_page.QWebEnginePage.WebAction
    dropped = {page.action(getattr(action, name)) for name in NAVIGATION_ACTIONS}
    if not (devtools or _has_devtools(page)):
        dropped.add(page.action(action.InspectElement))
    menu = view.createStandardContextMenu()
    for item in list(menu.actions()):
        if item in dropped:
            menu.removeAction(item)
    _tidy_separators(menu)
    labels = [item.text().replace("&", "") for item in menu.actions() if not item.isSeparator()]
    logger.info("window %d: context menu: %s", index, ", ".join(labels) or "(none)")
    if not labels:
        menu.deleteLater()
        return
    menu.setAttribute(importlib.import_module("qtpy.QtCore").Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.popup(view.mapToGlobal(position))


def _tidy_separators(menu: Any) -> None:
    previous_was_separator = True  # a leading separator goes
    for item in list(menu.actions()):
        if item.isSeparator():
            if previous_was_separator:
                menu.removeAction(item)
            previous_was_separator = True
        else:
            previous_was_separator = False
    actions = menu.actions()
    if actions and actions[-1].isSeparator():
        menu.removeAction(actions[-1])
