"""A toolkit object the event loop may keep: only the GUI thread ever lets go of it.

A Python wrapper of a GTK or Qt object releases the toolkit's reference when it is freed, and
the last release finalizes the object in whichever thread drops it. A dialog or a menu kept by
a plugin on the loop (to close it later) would then be finalized on the loop's thread, outside
the toolkit's main loop: WebKitGTK's host aborted or hung so, in CI, when the garbage collector
ran on the loop's thread. Held in a :class:`GuiHeld`, the object is let go on the GUI thread
whatever thread drops the holder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar, final

__all__ = ["GuiHeld"]

T = TypeVar("T")


@final
class GuiHeld(Generic[T]):
    """``value``, made and read on the GUI thread (``host.windows.hold`` inside a function
    ``host.windows.run_on_gui`` runs), kept anywhere; freed, it hands ``value`` to the GUI
    thread to be dropped there."""

    __slots__ = ("_box", "_gui_thread", "_post")

    def __init__(self, value: T, post: Callable[[Callable[[], None]], None]) -> None:
        self._box = [value]
        self._post = post
        self._gui_thread = threading.get_ident()

    def get(self) -> T:
        """The object; only on the GUI thread.

        :raises RuntimeError: called on another thread."""
        if threading.get_ident() != self._gui_thread:
            raise RuntimeError("a GuiHeld object is only read on the GUI thread")
        return self._box[0]

    def __del__(self) -> None:
        if threading.get_ident() == self._gui_thread:
            return  # dropped with the box, here and now: the right thread
        # The bound method keeps the box (and the object) until the GUI thread clears it.
        # A GUI already gone never runs it: the object then lives until the process ends.
        self._post(self._box.clear)
