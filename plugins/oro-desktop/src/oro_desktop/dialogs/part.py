"""Native file dialogs (``window.showFileSystemPicker``), and the grants that make a picked path
usable through ``oro:fs`` by the page that asked.

A dialog is opened on the GUI thread and the route waits on the loop for its answer; nothing
blocks either thread while the user thinks. One dialog per window at a time (it is window-modal
anyway); it is closed, and its route answers ``AbortError``, when the user cancels, when the
window's page goes away and when the app stops.

What the user picked is granted to the calling window's page (``host.file_grants``) until that
page goes away: a file from an open dialog read-only, a file from a save dialog writable, a
directory read-only, or writable when the page asked for ``writable`` (the JS ``mode:
'readwrite'``). Paths are resolved (``realpath``) before they are granted and answered, so a
grant names the file itself and not a link that could later be pointed elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_desktop.dialogs.options import PickerOptions
from oro_desktop.part import Spawn, require_gui
from oro_desktop.settings import DesktopSettings
from oro_framework import (
    AbortError,
    GuiHeld,
    Host,
    InvalidStateError,
    NotFoundError,
    NotSupportedError,
    Window,
)

__all__ = ["Dialogs", "InvalidStateError", "Picked"]

logger = logging.getLogger("oro_desktop.dialogs")

CANCELLED: Final = "cancelled"
PAGE_CLOSED: Final = "page-closed"
STOPPING: Final = "stopping"
_REASONS: Final = {
    CANCELLED: "The file dialog was cancelled",
    PAGE_CLOSED: "The file dialog was closed: its window's page went away",
    STOPPING: "The file dialog was closed: the app is stopping",
}


@final
@dataclass(frozen=True)
class Picked:
    """One path the user picked, resolved, and what the page may do with it."""

    path: str
    is_directory: bool
    is_writable: bool


@final
@dataclass(eq=False)
class _Pending:
    """A dialog and the route waiting for it, from the moment the route asks until what was
    picked is granted."""

    window: int
    grantee: int
    done: anyio.Event = field(default_factory=anyio.Event)
    paths: list[str] | None = None
    reason: str = CANCELLED
    ended: str | None = None
    """Why the answer no longer counts although the user gave it (the page went away, the app
    stops): nothing is granted then."""
    dialog: GuiHeld[Any] | None = None
    """The toolkit's dialog once it is open (a ``QFileDialog``, a ``GtkFileChooserNative``)."""
    reported: bool = False
    """The GUI reported the dialog closed (answered, cancelled or destroyed)."""

    @property
    def on_screen(self) -> bool:
        return self.dialog is not None and not self.reported

    def finish(self, paths: list[str] | None, reason: str = CANCELLED) -> None:
        """On the loop: the first answer wins (the user's, or the app closing it)."""
        if not self.done.is_set():
            self.paths, self.reason = paths, reason
            self.done.set()

    def closed_on_screen(self, paths: list[str] | None) -> None:
        """On the loop: the GUI reports how the dialog ended."""
        self.reported = True
        self.finish(paths)

    def end(self, reason: str) -> None:
        self.ended = self.ended or reason
        self.finish(None, reason)


@final
class Dialogs:
    def __init__(self, host: Host, settings: DesktopSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self._open: dict[int, _Pending] = {}
        self._stopping = False

    async def pick(self, window: Window, grantee: int, options: PickerOptions) -> list[Picked]:
        """Show a file dialog over ``window``; what the user picks is granted to window
        ``grantee``'s page.

        :raises NotSupportedError: headless (``ERR_HEADLESS``).
        :raises InvalidStateError: a dialog is open on ``window`` already (``ERR_DIALOG_OPEN``).
        :raises AbortError: cancelled, or closed because the page went away or the app stops.
        """
        windows = self._host.windows
        engine = _engine(self.require_gui())
        if self._stopping:
            raise AbortError(_REASONS[STOPPING], code="ABORT_ERR", reason=STOPPING)
        if window.index in self._open:
            raise InvalidStateError(
                f"A file dialog is already open on window {window.index}; wait for its answer",
                code="ERR_DIALOG_OPEN",
                targetWindowIndex=window.index,
            )
        pending = _Pending(window.index, grantee)
        self._open[window.index] = pending

        def answer(paths: list[str] | None) -> None:
            # On the GUI thread: hand the answer to the loop.
            windows.to_loop(pending.closed_on_screen, paths)

        try:
            # Shielded: a caller cancelled while the dialog opens must still learn of it, to
            # close it.
            with anyio.CancelScope(shield=True):
                # The window's and the dialog's toolkit objects reach the loop only held.
                pending.dialog = await windows.make_on_window(window, engine.show, options, answer)
            await pending.done.wait()
            if pending.paths is None:
                reason = pending.reason
                raise AbortError(_REASONS[reason], code="ABORT_ERR", reason=reason)
            picked = await anyio.to_thread.run_sync(_resolve, pending.paths, options)
            if pending.ended is not None:
                # The page went away while the paths were resolved: it gets nothing.
                reason = pending.ended
                raise AbortError(_REASONS[reason], code="ABORT_ERR", reason=reason)
            for item in picked:
                self._host.file_grants.grant(
                    grantee, item.path, is_directory=item.is_directory, is_writable=item.is_writable
                )
            return picked
        finally:
            if self._open.get(window.index) is pending:
                del self._open[window.index]
            # Left on screen by a caller that went away (timeout, disconnect), or by a page
            # that went away before the dialog was up: nobody wants its answer any more.
            pending.finish(None)
            if pending.on_screen:
                with anyio.CancelScope(shield=True):
                    await self._close(pending)

    def require_gui(self) -> str:
        """The app's toolkit.

        :raises NotSupportedError: headless (``ERR_HEADLESS``), pointing to what a page
            has instead."""
        return require_gui(
            self._host,
            "Native file dialogs",
            'in the page, use an <input type="file"> element or the browser\'s File System '
            "Access API (window.showOpenFilePicker) instead",
        )

    async def _close(self, pending: _Pending) -> None:
        dialog = pending.dialog
        if dialog is None:
            return
        # NotFoundError: the GUI has ended, and its dialogs with it.
        with contextlib.suppress(NotFoundError, NotSupportedError):
            engine = _engine(self.require_gui())
            await self._host.windows.run_on_gui(lambda: engine.close(dialog.get()))

    def window_created(self, window: Window) -> None:
        pass

    def page_closed(self, window: int) -> None:
        self._host.file_grants.revoke(window)
        # The route waiting for the dialog closes it; the page gets nothing.
        for pending in list(self._open.values()):
            if window in (pending.window, pending.grantee):
                pending.end(PAGE_CLOSED)

    async def stop(self) -> None:
        self._stopping = True
        pending = list(self._open.values())
        for item in pending:
            item.end(STOPPING)
        for item in pending:
            if item.on_screen:
                await self._close(item)

    def diagnostics(self) -> dict[str, Any]:
        return {"open": sorted(self._open)}


class DialogEngine(Protocol):
    """What an engine module (``qt``, ``gtk``) offers; run on the GUI thread."""

    def show(
        self, parent: Any, options: PickerOptions, answer: Callable[[list[str] | None], None]
    ) -> Any: ...

    def close(self, dialog: Any) -> None: ...


def _engine(toolkit: str) -> DialogEngine:
    """The engine module of ``toolkit``, imported now: a headless host never loads one."""
    if toolkit == "gtk":
        from oro_desktop.dialogs import gtk

        return gtk
    from oro_desktop.dialogs import qt

    return qt


def _resolve(paths: list[str], options: PickerOptions) -> list[Picked]:
    """What a dialog answered, as grants: real paths (in a worker thread: it touches the
    disk), one each."""
    picked: dict[str, Picked] = {}
    for path in paths:
        real = os.path.realpath(path)
        is_directory = options.directories or (options.type == "open" and os.path.isdir(real))
        writable = options.type == "save" or (is_directory and options.writable)
        picked.setdefault(real, Picked(real, is_directory, writable))
    return list(picked.values())
