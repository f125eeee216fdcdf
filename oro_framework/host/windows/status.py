"""A window's status and the app lifecycle the statuses drive: the part of the
:class:`~oro_framework.host.windows.manager.WindowManager` every status change goes through.

* every open window hidden or minimised → the app goes to the background: pages get
  ``applicationpause``; with ``lifecycle.desktop_always_running = false`` the host really
  pauses (:meth:`Host.pause`, which stops ``stop_on_pause`` services and tells the pages);
* a window shown or restored → back to the foreground: ``applicationresume``, or
  :meth:`Host.resume`;
* no window left open (the last one closing), or a window created with ``exit_on_close``
  closing → :meth:`Host.stop`.

Every status a window reaches is also a page event to every page (:data:`WINDOW_EVENTS`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, final

import anyio

from oro_framework.host.errors import LifecycleError
from oro_framework.host.lifecycle import LifecycleEvent, LifecycleState, emit_to_pages
from oro_framework.host.windows.model import TRANSITIONS, WINDOW_EVENTS, Window, WindowStatus
from oro_framework.host.windows.settings import LifecycleSettings

if TYPE_CHECKING:
    from oro_framework.host.app import Host
    from oro_framework.host.launch import WindowCredentials

__all__ = ["WindowStatuses"]

logger = logging.getLogger("oro_framework.windows")


@final
class WindowStatuses:
    """Moves windows from status to status (:data:`TRANSITIONS`) and the host's lifecycle
    after them. On the loop thread.

    :param host: the host whose lifecycle the windows drive.
    :param windows: the manager's windows by index, shared with its other parts (only read
        here).
    :param credentials: the windows' credentials; a closed window's is revoked.
    """

    def __init__(
        self, host: Host, windows: dict[int, Window], credentials: WindowCredentials
    ) -> None:
        self._host = host
        self._windows = windows
        self._credentials = credentials
        self._lifecycle_lock = anyio.Lock()
        self._is_in_background = False
        self._close_listeners: list[Callable[[Window], None]] = []

    def add_close_listener(self, listener: Callable[[Window], None]) -> None:
        """Call ``listener(window)`` on the loop when a window has closed, for what is held per
        window and must not outlive it (an extension it loaded). Must not block; an exception
        is logged."""
        self._close_listeners.append(listener)

    def set(self, window: Window, status: WindowStatus) -> bool:
        """Move ``window`` to ``status`` and tell the pages; ``False`` when nothing changed (the
        same status, or one it cannot reach from where it is)."""
        if status is window.status:
            return False
        if status not in TRANSITIONS[window.status]:
            if status is WindowStatus.CLOSED and window.is_open:
                window.status = WindowStatus.CLOSING
            else:
                logger.debug("window %d: ignoring %s while %s", window.index, status, window.status)
                return False
        window.status = status
        if status is WindowStatus.CLOSED:
            self._credentials.revoke(window.index)
            self._host.events.forget(window.index)
            for listener in list(self._close_listeners):
                try:
                    listener(window)
                except Exception:
                    logger.exception("a close listener of window %d failed", window.index)
        name = WINDOW_EVENTS.get(status)
        if name is not None:
            detail = {"index": window.index, "status": status.value, "window": window.to_json()}
            self._host.emit(name, detail)
        return True

    async def sync_lifecycle(self) -> None:
        """Bring the app's lifecycle in line with what the user can see."""
        async with self._lifecycle_lock:
            open_windows = [window for window in self._windows.values() if window.is_open]
            if not open_windows:
                if self._windows:
                    self._host.stop()
                return
            if any(window.status is WindowStatus.SHOWN for window in open_windows):
                await self._move_to_background(False)
            elif all(window.status is WindowStatus.HIDDEN for window in open_windows):
                await self._move_to_background(True)

    async def _move_to_background(self, is_hidden: bool) -> None:
        if is_hidden == self._is_in_background:
            return
        if self._host.lifecycle not in (LifecycleState.RUNNING, LifecycleState.PAUSED):
            return  # starting or stopping: windows no longer steer the host
        self._is_in_background = is_hidden
        if self._host.settings(LifecycleSettings).desktop_always_running:
            # Services keep running (the Oro Runtime's desktop default); pages are told anyway,
            # with the payload the host's own pause/resume would send.
            if is_hidden:
                emit_to_pages(self._host, LifecycleEvent.PAUSED, LifecycleState.PAUSED)
            else:
                emit_to_pages(self._host, LifecycleEvent.RESUMED, LifecycleState.RUNNING)
            return
        try:
            if is_hidden and self._host.lifecycle is LifecycleState.RUNNING:
                await self._host.pause()
            elif not is_hidden and self._host.lifecycle is LifecycleState.PAUSED:
                await self._host.resume()
        except LifecycleError as error:
            logger.debug("lifecycle unchanged: %s", error)
