"""The user's close of a window asks its page first, as a browser asks before it closes a tab:
the window manager's close (its button, Alt+F4: pywebview's ``closeEvent``) is cancelled and
becomes QtWebEngine's ``RequestClose`` action, which runs the page's ``beforeunload``. A page
that asks gets QtWebEngine's leave question (a native message box); "leave", or a page that
does not ask, makes the page emit ``windowCloseRequested``, which the engine reports as the
page closing its window. "Stay" keeps the window and its page.

A page never keeps its window forever: a second close while the page has not answered (its
``beforeunload`` hangs) closes the window regardless, and the app's own close (the
``window.close`` route, the host stopping) closes it without asking. (Electron asks the page on
``BrowserWindow.close()`` and not on ``destroy()``; the Oro Runtime asks no page on Linux.) The
same as ``gui/gtk/leaving.py`` under GTK, but for one thing: while QtWebEngine's question shows,
its modal message box keeps the window's closes from Qt until the user answers it.

Every function here runs on the GUI thread; Qt is imported when a window is first closed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, final

__all__ = ["LeaveGuard"]


@final
class LeaveGuard:
    """One window's close: asked of its page once, regardless the second time.

    :param widget: pywebview's window widget (its ``webview``) now, ``None`` once it is gone.
    """

    def __init__(self, widget: Callable[[], Any]) -> None:
        self._widget = widget
        self._asking = False

    def user_close(self) -> bool:
        """The window manager asks to close the window. ``True``: the page is asked, the close
        is cancelled for now; ``False``: close it at once (no page, or the page has not
        answered the previous close)."""
        widget = self._widget()
        page = None if widget is None else widget.webview.page()
        if self._asking or page is None:
            return False
        self._asking = True
        web_page: Any = importlib.import_module("qtpy.QtWebEngineCore").QWebEnginePage
        page.triggerAction(web_page.WebAction.RequestClose)
        # The page's beforeunload (and the leave question) comes before a script sent after
        # it: once this one answers, the page has decided. "Leave" emits windowCloseRequested;
        # "stay" lets the next close ask again.
        page.runJavaScript("0", 0, self._decided)
        return True

    def _decided(self, _result: object) -> None:
        self._asking = False
