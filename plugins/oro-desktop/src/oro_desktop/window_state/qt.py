"""The window state's Qt side, run on the GUI thread; imported only with a GUI."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from qtpy import QtCore, QtGui

from oro_desktop.window_state.geometry import Geometry
from oro_framework import Host, Window

logger = logging.getLogger("oro_desktop.window_state")

_FOLLOWED = (
    QtCore.QEvent.Type.Move,
    QtCore.QEvent.Type.Resize,
    QtCore.QEvent.Type.WindowStateChange,
)
_NOT_NORMAL = QtCore.Qt.WindowState.WindowMaximized | QtCore.Qt.WindowState.WindowFullScreen


def restore_and_follow(
    host: Host,
    window: Window,
    geometry: Geometry | None,
    update: Callable[[int, Geometry], None],
    closed: Callable[[int], None],
) -> None:
    """Put ``window`` where ``geometry`` says, then report its geometry to ``update`` whenever
    it changes and to ``closed`` as it closes."""
    native: Any = host.windows.native(window)
    if native is None:
        return
    if geometry is not None:
        _restore(native, window.index, geometry)
    follower = _Follower(native, window.index, update, closed)
    native.installEventFilter(follower)
    follower.record()
    _following.add(follower)


_following: set[_Follower] = set()
"""The open windows' followers (GUI thread only)."""


def record_all() -> None:
    """Record every open window's geometry now, before the app saves it as it stops."""
    for follower in list(_following):
        follower.record()


def _restore(native: Any, index: int, geometry: Geometry) -> None:
    rect = QtCore.QRect(geometry.x, geometry.y, geometry.width, geometry.height)
    screens: list[Any] = QtGui.QGuiApplication.screens()
    if any(screen.availableGeometry().intersects(rect) for screen in screens):
        native.setGeometry(rect)
    else:
        # Saved on a screen that is gone: a window there could never be reached.
        logger.info("oro-desktop: window %d was saved off every screen; keeping its size", index)
        native.resize(geometry.width, geometry.height)
    if geometry.maximized:
        native.setWindowState(native.windowState() | QtCore.Qt.WindowState.WindowMaximized)


class _Follower(QtCore.QObject):
    """The event filter on one window: records its normal rectangle and maximized state."""

    def __init__(
        self,
        native: Any,
        index: int,
        update: Callable[[int, Geometry], None],
        closed: Callable[[int], None],
    ) -> None:
        # Parented to the window: it lives and dies with it.
        super().__init__(native)
        self._native = native
        self._index = index
        self._update = update
        self._closed = closed
        self._normal: Any = None

    def eventFilter(self, watched: Any, event: Any) -> bool:
        kind = event.type()
        if kind in _FOLLOWED:
            self.record()
        elif kind == QtCore.QEvent.Type.Close:
            self.record()
            _following.discard(self)
            self._closed(self._index)
        return False

    def record(self) -> None:
        native = self._native
        state = native.windowState()
        if state & QtCore.Qt.WindowState.WindowMinimized:
            return
        if state & _NOT_NORMAL:
            normal = native.normalGeometry()
            if normal.isValid() and not normal.isEmpty():
                self._normal = normal
        else:
            self._normal = native.geometry()
        if self._normal is None:
            return
        rect = self._normal
        maximized = bool(state & QtCore.Qt.WindowState.WindowMaximized)
        self._update(
            self._index, Geometry(rect.x(), rect.y(), rect.width(), rect.height(), maximized)
        )
