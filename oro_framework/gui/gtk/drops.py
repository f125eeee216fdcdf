"""Files dropped on a window under GTK: the ``text/uri-list`` of a native drop on the
``WebKitWebView``, handed to the host (``GuiListener.gui_files_dropped``), which grants the
paths to that window's page and tells it.

WebKit stays the drop target: these handlers only watch its signals (each returns ``False``, so
WebKit's own handling runs after them), and the page's DOM drag and drop (``dragover``,
``drop``, ``DataTransfer.files``) works as in a browser. WebKit asks the source for the data as
the drag moves over the view, before any drop, so the list is kept per drag and reported only
when the user drops; a drag that leaves without dropping reports nothing. Every function here
runs on the GUI thread.
"""

from __future__ import annotations

from typing import Any, Final, final

from oro_framework.host.windows.engine import GuiListener
from oro_framework.records import record

__all__ = ["URI_LIST", "watch_drops"]

URI_LIST: Final = "text/uri-list"


@final
@record(frozen=False)
class _Drag:
    """The drag over one view: its context, the URI list its source gave, and a drop waiting
    for that list."""

    context: Any = None
    uri_list: bytes | None = None
    dropped_at: tuple[int, int] | None = None


def watch_drops(view: Any, index: int, listener: GuiListener) -> None:
    """Report the files dropped on ``view`` (window ``index``'s) to ``listener``."""
    drag = _Drag()

    def received(
        _view: Any, context: Any, _x: int, _y: int, data: Any, _info: int, _time: int
    ) -> None:
        if context is not drag.context:
            drag.context, drag.uri_list, drag.dropped_at = context, None, None
        target = data.get_target()
        if target is None or target.name() != URI_LIST:
            return
        raw = data.get_data()
        drag.uri_list = bytes(raw) if raw is not None else b""
        report()

    def dropped(_view: Any, context: Any, x: int, y: int, _time: int) -> bool:
        if context is not drag.context:
            drag.context, drag.uri_list = context, None
        drag.dropped_at = (int(x), int(y))
        report()
        return False  # WebKit finishes the drop: the page gets its DOM `drop`

    def report() -> None:
        if drag.dropped_at is None or drag.uri_list is None:
            return
        x, y = drag.dropped_at
        uri_list = drag.uri_list
        drag.context, drag.uri_list, drag.dropped_at = None, None, None
        listener.gui_files_dropped(index, uri_list, x, y)

    view.connect("drag-data-received", received)
    view.connect("drag-drop", dropped)
