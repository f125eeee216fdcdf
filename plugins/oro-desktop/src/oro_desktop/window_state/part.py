"""The window state part of oro-desktop: each window's size, position and maximized state,
remembered across runs (``[window] remember_state``, default on).

The state lives in ``window-state.json`` in the app's state folder (the host's, out of every
page's reach; older versions kept it in the data folder, from where it moves once), keyed by
window index (``"main"`` for window 0, ``"1"``, ``"2"``... for the others)::

    {"version": 1, "windows": {"main": {"x": 100, "y": 120, "width": 800, "height": 600,
                                        "maximized": false}}}

``x``/``y``/``width``/``height`` are the window's normal (not maximized) geometry, without the
window manager's frame. The toolkit's events on each window (a Qt event filter, GTK's
``configure-event`` and ``window-state-event``) keep an in-memory record current as
the window moves, resizes or (un)maximizes (a minimised window changes nothing); the file is
written, atomically, when a window closes or its page goes away and when the app stops. A
window is put back where its record says as it is created; a saved rectangle off every screen
(a monitor since unplugged) keeps its size but not its place. An unreadable or corrupt file is
ignored with a warning.

Headless there are no native windows and this part does nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final, Protocol, final

import anyio
import anyio.lowlevel

from oro_desktop.part import Spawn, gui_toolkit
from oro_desktop.settings import WindowStateSettings
from oro_desktop.window_state.geometry import Geometry
from oro_framework import Host, IPCError, Window, adopt_private, read_private, write_private

__all__ = ["FILE_NAME", "Geometry", "WindowStates", "parse_state", "window_key"]

logger = logging.getLogger("oro_desktop.window_state")

FILE_NAME: Final = "window-state.json"
VERSION: Final = 1
MAX_FILE_BYTES: Final = 1024 * 1024
"""A larger file is no window state oro-desktop wrote (some thousand windows)."""
RECORD_SECONDS: Final = 2.0
"""How long the app, stopping, waits for the windows' geometry before it saves."""


def window_key(index: int) -> str:
    return "main" if index == 0 else str(index)


def parse_state(text: str, source: Path) -> dict[str, Geometry]:
    """The windows of a state file's ``text``; what does not parse is left out with a warning
    (the windows then open where the app places them)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        logger.warning("oro-desktop: ignoring %s, not JSON: %s", source, error)
        return {}
    windows = data.get("windows") if isinstance(data, dict) else None
    if not isinstance(windows, dict) or data.get("version") != VERSION:
        logger.warning("oro-desktop: ignoring %s, not a version %d window state", source, VERSION)
        return {}
    parsed: dict[str, Geometry] = {}
    for key, value in windows.items():
        geometry = Geometry.from_json(value)
        if geometry is None:
            logger.warning("oro-desktop: ignoring window %r in %s: %r", key, source, value)
        else:
            parsed[key] = geometry
    return parsed


@final
class WindowStates:
    """Remembers the geometry of every native window of one host."""

    def __init__(self, host: Host, settings: WindowStateSettings, spawn: Spawn) -> None:
        self._host = host
        self._settings = settings
        self._spawn = spawn
        self.path = host.paths.state / FILE_NAME
        self._legacy = host.paths.data / FILE_NAME
        # Written by the event filters on the GUI thread, read on the loop.
        self._lock = threading.Lock()
        self._records: dict[str, Geometry] = {}
        self._saved: dict[str, Geometry] | None = None
        self._loading = anyio.Lock()
        self._saving = anyio.Lock()
        self._saves = 0

    @property
    def enabled(self) -> bool:
        return self._settings.remember_state and gui_toolkit(self._host) is not None

    def window_created(self, window: Window) -> None:
        if not self.enabled:
            return

        async def restore_and_follow() -> None:
            saved = await self._load()
            key = window_key(window.index)
            with self._lock:
                geometry = self._records.get(key, saved.get(key))
            await self._host.windows.run_on_gui(
                _engine(self._host).restore_and_follow,
                self._host,
                window,
                geometry,
                self._update,
                self._closed,
            )

        self._spawn(restore_and_follow)

    def page_closed(self, window: int) -> None:
        if self.enabled:
            self._spawn(self.save)

    async def stop(self) -> None:
        if self.enabled:
            # The windows are still open: what they say now, not only their last events (a
            # GUI thread that does not answer soon leaves the records as they are).
            with contextlib.suppress(IPCError), anyio.move_on_after(RECORD_SECONDS):
                await self._host.windows.run_on_gui(_engine(self._host).record_all)
            await self.save()

    def diagnostics(self) -> dict[str, Any]:
        with self._lock:
            windows = sorted(self._records)
        return {
            "enabled": self.enabled,
            "path": str(self.path),
            "windows": windows,
            "saves": self._saves,
        }

    def record(self, key: str) -> Geometry | None:
        with self._lock:
            return self._records.get(key)

    async def save(self) -> None:
        """Write what the windows' records say to the file (with the windows of earlier runs
        that this one has not opened)."""
        async with self._saving:
            saved = await self._load()
            with self._lock:
                if not self._records:
                    return
                windows = {**saved, **self._records}
            data = {
                "version": VERSION,
                "windows": {key: asdict(geometry) for key, geometry in sorted(windows.items())},
            }
            try:
                await anyio.to_thread.run_sync(_write_atomically, self.path, data)
            except OSError as error:
                logger.warning("oro-desktop: could not save the window state: %s", error)
                return
            self._saves += 1

    async def _load(self) -> dict[str, Geometry]:
        async with self._loading:
            if self._saved is None:
                self._saved = await anyio.to_thread.run_sync(self._read)
            return self._saved

    def _read(self) -> dict[str, Geometry]:
        try:
            adopt_private(self._legacy, self.path)
            data = read_private(self.path, limit=MAX_FILE_BYTES, what="not a window state")
            text = "" if data is None else data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            logger.warning("oro-desktop: ignoring %s: %s", self.path, error)
            return {}
        return parse_state(text, self.path) if text else {}

    def _update(self, index: int, geometry: Geometry) -> None:
        """A window moved, resized or changed state; on the GUI thread."""
        with self._lock:
            self._records[window_key(index)] = geometry

    def _closed(self, index: int) -> None:
        """A window is closing; on the GUI thread, which must not wait for the save."""
        self._host.windows.to_loop(self._spawn, self.save)


class WindowStateEngine(Protocol):
    """What an engine module (``qt``, ``gtk``) offers; run on the GUI thread."""

    def restore_and_follow(
        self,
        host: Host,
        window: Window,
        geometry: Geometry | None,
        update: Callable[[int, Geometry], None],
        closed: Callable[[int], None],
    ) -> None: ...

    def record_all(self) -> None: ...


def _engine(host: Host) -> WindowStateEngine:
    """The engine module of the app's toolkit, imported now: a headless host never loads one."""
    if gui_toolkit(host) == "gtk":
        from oro_desktop.window_state import gtk

        return gtk
    from oro_desktop.window_state import qt

    return qt


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    write_private(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
