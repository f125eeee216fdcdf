"""The window state's GTK side, run on the GUI thread; imported only with GTK windows.

A window's place is what ``gtk_window_get_position`` reports and ``gtk_window_move`` takes (the
frame's corner, with the default gravity), its size the ``GtkWindow``'s own, without the frame,
as Qt's ``geometry()`` is: a saved state comes back to the same numbers on either engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from oro_desktop.gtk_bindings import repository
from oro_desktop.window_state.geometry import Geometry
from oro_framework import Host, Window

__all__ = ["record_all", "restore_and_follow"]

logger = logging.getLogger("oro_desktop.window_state")


def restore_and_follow(
    host: Host,
    window: Window,
    geometry: Geometry | None,
    update: Callable[[int, Geometry], None],
    closed: Callable[[int], None],
) -> None:
    """Put ``window`` where ``geometry`` says, then report its geometry to ``update`` whenever
    it changes and to ``closed`` as it closes."""
    parts: Any = host.windows.native(window)
    if parts is None:
        return
    follower = _Follower(parts.window, window.index, update, closed)
    if geometry is not None:
        follower.restore(geometry)
    follower.record()


_following: set[_Follower] = set()
"""The open windows' followers (GUI thread only)."""


def record_all() -> None:
    """Record every open window's geometry now, before the app saves it as it stops: a move
    that the window system made but whose event GTK has not handled yet (the session ends at
    once) is still saved, as ``gtk_window_get_position`` asks the X server."""
    for follower in list(_following):
        follower.record()


class _Follower:
    """Records one window's normal rectangle and maximized state from its GTK events."""

    def __init__(
        self,
        native: Any,
        index: int,
        update: Callable[[int, Geometry], None],
        closed: Callable[[int], None],
    ) -> None:
        self._native = native
        self._index = index
        self._update = update
        self._closed = closed
        self._normal: tuple[int, int, int, int] | None = None
        self._state = 0
        self._maximize_asked = False
        native.connect("configure-event", self._configured)
        native.connect("window-state-event", self._state_changed)
        native.connect("destroy", self._destroyed)
        _following.add(self)
        gdk_window = native.get_window()
        if gdk_window is not None:
            self._state = int(gdk_window.get_state())

    def restore(self, geometry: Geometry) -> None:
        gdk = repository("Gdk")
        native = self._native
        rect = gdk.Rectangle()
        rect.x, rect.y, rect.width, rect.height = (
            geometry.x,
            geometry.y,
            geometry.width,
            geometry.height,
        )
        display = gdk.Display.get_default()
        monitors = [display.get_monitor(n) for n in range(display.get_n_monitors())]
        if any(monitor.get_workarea().intersect(rect)[0] for monitor in monitors):
            native.move(geometry.x, geometry.y)
            self._normal = (geometry.x, geometry.y, geometry.width, geometry.height)
        else:
            # Saved on a screen that is gone: a window there could never be reached.
            logger.info(
                "oro-desktop: window %d was saved off every screen; keeping its size", self._index
            )
            x, y = native.get_position()
            self._normal = (int(x), int(y), geometry.width, geometry.height)
        native.resize(geometry.width, geometry.height)
        if geometry.maximized:
            native.maximize()
            # Without a window manager nothing answers the request, and GTK reports the state
            # the window manager sets: the window counts as maximized until GTK says otherwise,
            # as Qt's own state does.
            self._maximize_asked = True

    def _configured(self, *_: Any) -> bool:
        self.record()
        return False

    def _state_changed(self, _native: Any, event: Any) -> bool:
        self._state = int(event.new_window_state)
        if int(event.changed_mask) & int(repository("Gdk").WindowState.MAXIMIZED):
            self._maximize_asked = False
        self.record()
        return False

    def _destroyed(self, *_: Any) -> None:
        _following.discard(self)
        self._closed(self._index)

    def record(self) -> None:
        states = repository("Gdk").WindowState
        if self._state & int(states.ICONIFIED):
            return
        maximized = bool(self._state & int(states.MAXIMIZED)) or self._maximize_asked
        not_normal = maximized or bool(self._state & int(states.FULLSCREEN))
        if not not_normal:
            x, y = self._native.get_position()
            width, height = self._native.get_size()
            self._normal = (int(x), int(y), int(width), int(height))
        if self._normal is None:
            return
        self._update(self._index, Geometry(*self._normal, maximized))
