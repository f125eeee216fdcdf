"""Calling functions on GTK's main thread from any thread.

GTK objects belong to the thread that runs ``Gtk.main()``; the one thread-safe way in is an idle
source on GLib's default main context. Functions posted before the loop runs wait there and run,
in order, once it does (sources of one priority run in the order they were added).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from oro_framework.gui import waiting
from oro_framework.gui.gtk.toolkit import repository

__all__ = ["call_and_wait", "post"]

logger = logging.getLogger("oro_framework.windows")

ResultT = TypeVar("ResultT")


_gui_thread: list[threading.Thread] = []
_loop_ended = threading.Event()
"""Set once GTK's loop has returned: an idle source posted then never runs."""


def mark_gui_thread() -> None:
    """Record the calling thread as the one that runs GTK's loop (about to run it)."""
    _gui_thread[:] = [threading.current_thread()]
    _loop_ended.clear()


def mark_loop_ended() -> None:
    """GTK's loop has returned: threads waiting for it stop waiting."""
    _loop_ended.set()


def on_gui_thread() -> bool:
    return bool(_gui_thread) and _gui_thread[0] is threading.current_thread()


def post(function: Callable[[], None]) -> None:
    """Run ``function()`` soon on the GUI thread; never waits."""
    glib = repository("GLib")

    def once() -> bool:
        # An exception must not escape into GLib's loop; False removes the idle source.
        try:
            function()
        except Exception:
            logger.exception("a function posted to the GUI thread failed")
        return False

    glib.idle_add(once)


def call_and_wait(function: Callable[[], ResultT]) -> ResultT:
    """``function()`` run on the GUI thread, its result (or exception) returned here; on the
    GUI thread itself it simply runs."""
    if on_gui_thread():
        return function()
    return waiting.call_and_wait(post, function, ended=_loop_ended.is_set)


def wait_for_callback(start: Callable[[Callable[[Any], None]], None]) -> Any:
    """Start an asynchronous GTK operation on the GUI thread with ``start(finish)`` and wait,
    here, until it calls ``finish(value)``; a value that is an exception is raised."""
    return waiting.wait_for_callback(post, start, ended=_loop_ended.is_set)
