"""The user's close of a window asks its page first, as a browser asks before it closes a tab:
the window manager's close (its button, Alt+F4: GTK's ``delete-event``) becomes
``webkit_web_view_try_close``, which runs the page's ``beforeunload``. A page that asks gets
the leave question (``script_dialogs``); "leave", or a page that does not ask, makes WebKit emit
``close``, which the engine reports as the page closing its window. "Stay" keeps the window and
its page.

A page never keeps its window forever: a second close while the page has not answered (its
question is showing, or its ``beforeunload`` hangs) closes the window regardless, and the app's
own close (the ``window.close`` route, the host stopping) destroys it without asking. (Electron
asks the page on ``BrowserWindow.close()`` and not on ``destroy()``, and shows no question of its
own; the Oro Runtime asks no page on Linux: GTK's default close destroys the window.)

Every function here runs on the GUI thread.
"""

from __future__ import annotations

from typing import Any, final

from oro_framework.gui.gtk.toolkit import repository

__all__ = ["LeaveGuard"]


@final
class LeaveGuard:
    """One window's close: asked of its page once, regardless the second time."""

    def __init__(self, view: Any) -> None:
        self._view = view
        self._asking = False

    def user_close(self) -> bool:
        """The window manager asks to close the window (``delete-event``). ``True``: the page
        is asked and the window stays for now; ``False``: close it at once (the page has not
        answered the previous close)."""
        if self._asking:
            return False
        self._asking = True
        self._view.try_close()
        # The web process runs the page's beforeunload (and waits for the leave question's
        # answer) before it runs a script sent after: once this script answers, the page has
        # decided. "Leave" emitted ``close`` already; "stay" lets the next close ask again.
        self._view.evaluate_javascript("0", -1, None, None, None, self._decided, None)
        return True

    def _decided(self, view: Any, result: Any, _data: Any = None) -> None:
        try:
            view.evaluate_javascript_finish(result)
        except repository("GLib").Error:
            return  # the page went away (its window closing, its process gone)
        self._asking = False
