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
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import field
from typing import Any, Final, Protocol, final

import anyio
import anyio.from_thread
import anyio.lowlevel

from oro_desktop.dialogs import detached
from oro_desktop.dialogs.options import PickerOptions
from oro_desktop.part import Spawn, require_gui, say_headless
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
from oro_framework.records import record

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

TEST_PICKER_ENV: Final = "ORO_TEST_PICKER"
"""Under ``oro test`` only: what every file dialog answers, unattended, instead of opening
(docs/testing.md): absolute paths joined by ``os.pathsep``, or ``cancel``."""
TEST_PERMISSION: Final = "test"
"""The permission only an ``oro test`` run's own plugin declares: how a host knows it runs
tests."""
_DISPLAY_ENV: Final = ("DISPLAY", "WAYLAND_DISPLAY")
_DIALOGS: Final = "Native file dialogs"
_HEADLESS_INSTEAD: Final = (
    'in the page, use an <input type="file"> element or the browser\'s File System '
    "Access API (window.showOpenFilePicker) instead"
)


@final
@record
class Picked:
    """One path the user picked, resolved, and what the page may do with it."""

    path: str
    is_directory: bool
    is_writable: bool


@final
@record(frozen=False, eq=False)
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

        :raises NotSupportedError: headless with no display (``ERR_HEADLESS``).
        :raises InvalidStateError: a dialog is open on ``window`` already (``ERR_DIALOG_OPEN``).
        :raises AbortError: cancelled, or closed because the page went away or the app stops.
        """
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

        try:
            await self._answer(window, pending, options)
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

    async def _answer(self, window: Window, pending: _Pending, options: PickerOptions) -> None:
        """Until ``pending`` has its answer: from ``oro test``'s stub, the dialog over the
        window, or, headless, a dialog of its own on the display."""
        stub = self._test_answer()
        if stub is not None:
            # "cancel": no paths, an AbortError as from a cancelled dialog.
            pending.finish(None if stub == "cancel" else stub.split(os.pathsep))
            return
        if self._host.windows.toolkit is None:
            await self._answer_detached(pending, options)
            return
        windows = self._host.windows
        engine = _engine(self.require_gui())

        def answer(paths: list[str] | None) -> None:
            # On the GUI thread: hand the answer to the loop.
            windows.to_loop(pending.closed_on_screen, paths)

        # Shielded: a caller cancelled while the dialog opens must still learn of it, to
        # close it.
        with anyio.CancelScope(shield=True):
            # The window's and the dialog's toolkit objects reach the loop only held.
            pending.dialog = await windows.make_on_window(window, engine.show, options, answer)
        await pending.done.wait()

    async def _answer_detached(self, pending: _Pending, options: PickerOptions) -> None:
        """Headless on a display: GTK's dialog in a process of its own
        (:mod:`oro_desktop.dialogs.detached`), ended when the answer no longer counts.

        :raises NotSupportedError: GTK cannot open the display (``ERR_HEADLESS``)."""
        if getattr(sys, "frozen", False):
            # A built app's executable is the app, no Python that runs a module.
            say_headless(self._host, _DIALOGS, "a built app opens dialogs over its windows only")
            raise NotSupportedError(
                f"Native file dialogs need a window in a built app: {_HEADLESS_INSTEAD}",
                code="ERR_HEADLESS",
            )
        command = [sys.executable, "-m", "oro_desktop.dialogs.detached"]
        process = await anyio.open_process(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        failure: list[str] = []

        async def dialog() -> None:
            assert process.stdin is not None
            assert process.stdout is not None
            assert process.stderr is not None
            await process.stdin.send(detached.encode(options))
            await process.stdin.aclose()
            output = b"".join([chunk async for chunk in process.stdout])
            problem = b"".join([chunk async for chunk in process.stderr])
            if await process.wait() == detached.NO_DISPLAY:
                failure.append(problem.decode(errors="replace").strip())
                pending.finish(None)
                return
            answered = json.loads(output or b'{"paths": null}')["paths"]
            pending.closed_on_screen([str(path) for path in answered] if answered else None)

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(dialog)
                await pending.done.wait()
                group.cancel_scope.cancel()
        finally:
            if process.returncode is None:
                process.kill()
            with anyio.CancelScope(shield=True):
                await process.aclose()
        if failure:
            say_headless(self._host, _DIALOGS, f"no display: {failure[0]}")
            raise NotSupportedError(
                f"Native file dialogs need a display, and none opens here ({failure[0]}): "
                f"{_HEADLESS_INSTEAD}",
                code="ERR_HEADLESS",
            )

    def _test_answer(self) -> str | None:
        """``ORO_TEST_PICKER`` in an ``oro test`` run; ``None``: open a dialog."""
        value = os.environ.get(TEST_PICKER_ENV, "").strip()
        if not value or TEST_PERMISSION not in self._host.permissions:
            return None
        return value

    def check_available(self) -> None:
        """Before a dialog is asked for: one can open here.

        :raises NotSupportedError: headless with no display (``ERR_HEADLESS``; the host says
            so once on standard error), or windows of a toolkit without dialogs here."""
        if self._host.windows.toolkit is not None:
            self.require_gui()
            return
        if self._test_answer() is not None or any(os.environ.get(name) for name in _DISPLAY_ENV):
            return
        require_gui(
            self._host,
            _DIALOGS,
            _HEADLESS_INSTEAD,
            "no display: DISPLAY is not set; pages get ERR_HEADLESS",
        )

    def require_gui(self) -> str:
        """The app's toolkit.

        :raises NotSupportedError: headless (``ERR_HEADLESS``), pointing to what a page
            has instead."""
        return require_gui(self._host, _DIALOGS, _HEADLESS_INSTEAD)

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
        # The grants of what was picked end with the page: DesktopState.page_closed.
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
