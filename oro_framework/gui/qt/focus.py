"""Bringing a Qt window to the front from the GUI dispatcher thread.

pywebview's Qt windows belong to Qt's main thread, while oro's window operations run on the
dispatcher thread (``host/windows/``). pywebview forwards its own operations (show, restore) to
the main thread as queued signals, but it has none that raises a window and gives it the input
focus, and ``QWidget.raise_``/``activateWindow`` must not be called from another thread. A
:class:`Focuser` lives on the widgets' thread and does it there, on a queued signal.

Qt is imported only when a focuser is made: a host without a window never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol


class Focuser(Protocol):
    def focus(self, widget: Any) -> None:
        """Ask the widget's thread to restore ``widget`` if minimised, raise and activate it."""
        ...


def make_focuser(widget: Any) -> Focuser:
    """A :class:`Focuser` living on ``widget``'s thread; make one and keep it for every window
    of the GUI (they share Qt's main thread)."""
    # As Any: qtpy's stubs do not export Signal/Slot, which it adds at run time.
    qt_core: Any = importlib.import_module("qtpy.QtCore")

    class _Focuser(qt_core.QObject):  # type: ignore[misc]
        requested = qt_core.Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.requested.connect(self._focus, qt_core.Qt.ConnectionType.QueuedConnection)

        def focus(self, widget: Any) -> None:
            self.requested.emit(widget)

        @qt_core.Slot(object)  # type: ignore[untyped-decorator]
        def _focus(self, widget: Any) -> None:
            state = widget.windowState()
            if state & qt_core.Qt.WindowState.WindowMinimized:
                widget.setWindowState(state & ~qt_core.Qt.WindowState.WindowMinimized)
            widget.show()
            widget.raise_()
            widget.activateWindow()

    focuser = _Focuser()
    # Made on the dispatcher thread; the slot must run where the widgets live.
    focuser.moveToThread(widget.thread())
    return focuser
