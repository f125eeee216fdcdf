"""Files dropped on a window under Qt: the ``text/uri-list`` of a native drop on the
``QWebEngineView``, handed to the host (``GuiListener.gui_files_dropped``), which grants the
paths to that window's page and tells it.

QtWebEngine stays the drop target: an event filter only watches the drop (it returns ``False``,
so the view handles the event after it), and the page's DOM drag and drop (``dragover``,
``drop``, ``DataTransfer.files``) works as in a browser. The view and the widget it renders in
(its focus proxy) both get the filter, whichever of them Qt delivers the drop to; one drop is
reported once. A drag that leaves without dropping reports nothing. Every function here runs on
the GUI thread; Qt is imported when a window is wired.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

from oro_framework.host.windows.engine import GuiListener

__all__ = ["URI_LIST", "watch_drops"]

URI_LIST: Final = "text/uri-list"


def watch_drops(widget: Any, index: int, listener: GuiListener) -> None:
    """Report the files dropped on pywebview's ``widget`` (its ``webview``) to ``listener``;
    the filter lives as long as the view (it is the view's child)."""
    qt_core: Any = importlib.import_module("qtpy.QtCore")
    drop_type = qt_core.QEvent.Type.Drop
    view = widget.webview

    class _DropWatcher(qt_core.QObject):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(view)
            self._last: int | None = None  # a drop being reported

        def eventFilter(self, _watched: Any, event: Any) -> bool:
            if event.type() != drop_type:
                return False
            mime = event.mimeData()
            if mime is None or self._last is not None or not mime.hasFormat(URI_LIST):
                return False
            # The view gets the drop its render widget passed on in this same dispatch: one
            # report, and the next drop (a later turn of the loop) is reported again.
            self._last = 1
            qt_core.QTimer.singleShot(0, self._next)
            position = event.position()
            uri_list = bytes(mime.data(URI_LIST).data())
            listener.gui_files_dropped(index, uri_list, int(position.x()), int(position.y()))
            return False  # QtWebEngine finishes the drop: the page gets its DOM `drop`

        def _next(self) -> None:
            self._last = None

    watcher = _DropWatcher()
    view.installEventFilter(watcher)
    proxy = view.focusProxy()
    if proxy is not None:
        proxy.installEventFilter(watcher)
