"""Calling functions on Qt's main thread from any thread, without waiting.

Plugins work on Qt's own objects (menus, tray icons, dialogs, the clipboard), which belong to
the GUI thread; the host's loop must never wait for that thread. A :class:`QtPoster` is a
``QObject`` living on the GUI thread whose queued signal carries a function there. Functions
posted before the poster exists (the ``QApplication`` is made when the GUI loop starts) wait in
a list and run, in order, once it does.

Qt is imported only when the poster is made: a host without a window never loads it.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar, final

from oro_framework.gui import waiting

ResultT = TypeVar("ResultT")

logger = logging.getLogger("oro_framework.windows")


@final
class QtPoster:
    """Posts functions to the GUI thread; :meth:`attach` on that thread once Qt runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # re-entered by a GuiHeld freed while posting
        self._early: list[Callable[[], None]] = []
        self._emitter: Any = None
        self._ended = threading.Event()

    @property
    def is_attached(self) -> bool:
        return self._emitter is not None

    def mark_ended(self) -> None:
        """Qt's loop has returned: what is posted then never runs, and threads waiting for it
        (:meth:`call_and_wait`) stop waiting."""
        self._ended.set()

    def call_and_wait(self, function: Callable[[], ResultT]) -> ResultT:
        """``function()`` run on the GUI thread, its result returned here (see
        :func:`oro_framework.gui.waiting.call_and_wait`); never on the GUI thread."""
        return waiting.call_and_wait(self.post, function, ended=self._ended.is_set)

    def attach(self) -> None:
        """Make the GUI-side object; on the GUI thread, with the ``QApplication`` made."""
        # As Any: qtpy's stubs do not export Signal/Slot, which it adds at run time.
        qt_core: Any = importlib.import_module("qtpy.QtCore")

        class _Emitter(qt_core.QObject):  # type: ignore[misc]
            posted = qt_core.Signal(object)

            def __init__(self) -> None:
                super().__init__()
                self.posted.connect(self._run, qt_core.Qt.ConnectionType.QueuedConnection)

            @qt_core.Slot(object)  # type: ignore[untyped-decorator]
            def _run(self, function: Callable[[], None]) -> None:
                _call(function)

        with self._lock:
            if self._emitter is not None:
                return
            self._emitter = _Emitter()
            early, self._early = self._early, []
        for function in early:
            self._emitter.posted.emit(function)

    def post(self, function: Callable[[], None]) -> None:
        with self._lock:
            if self._emitter is None:
                self._early.append(function)
                return
            emitter = self._emitter
        emitter.posted.emit(function)


def _call(function: Callable[[], None]) -> None:
    # An exception must not escape into Qt's event loop (PyQt aborts the process on one).
    try:
        function()
    except Exception:
        logger.exception("a function posted to the GUI thread failed")
