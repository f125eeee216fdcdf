"""Waiting, on one thread, for work done on the GUI thread: what both engines' window operations
need, whatever way their toolkit offers onto its thread (Qt's queued signal, GLib's idle source).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

from oro_framework.host.errors import InternalError
from oro_framework.host.windows.engine import gui_gone

__all__ = ["ENDED_CHECK_SECONDS", "WAIT_SECONDS", "call_and_wait", "wait_for_callback"]

ResultT = TypeVar("ResultT")

Post = Callable[[Callable[[], None]], None]
"""Runs a function soon on the GUI thread, from any thread, without waiting."""

WAIT_SECONDS: Final = 30.0
"""How long a thread waits for the GUI thread: a GUI loop that ended runs nothing posted, and
the dispatcher thread must not wait for it forever."""


ENDED_CHECK_SECONDS: Final = 0.05
"""How often a waiting thread asks whether the GUI loop has ended."""


def _never() -> bool:
    return False


def wait_for_callback(
    post: Post,
    start: Callable[[Callable[[Any], None]], None],
    *,
    ended: Callable[[], bool] = _never,
) -> Any:
    """Run ``start(finish)`` on the GUI thread through ``post`` and wait, here, until it (or
    what it started) calls ``finish(value)``; a value that is an exception is raised. Never call
    it on the GUI thread.

    :param ended: whether the GUI loop has ended: what was posted will then never run, so the
        wait ends at once with :func:`~oro_framework.host.windows.engine.gui_gone` (the user
        closed the last window while the host was closing it) instead of after
        :data:`WAIT_SECONDS`.
    """
    done = threading.Event()
    outcome: list[Any] = []

    def finish(value: Any) -> None:
        outcome.append(value)
        done.set()

    post(lambda: start(finish))
    deadline = time.monotonic() + WAIT_SECONDS
    while not done.wait(ENDED_CHECK_SECONDS):
        # Asked again after the loop's end: it may have answered just before ending.
        if ended() and not done.is_set():
            raise gui_gone()
        if time.monotonic() >= deadline:
            raise InternalError("The GUI thread did not answer; the app's windows may be closing")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def call_and_wait(
    post: Post, function: Callable[[], ResultT], *, ended: Callable[[], bool] = _never
) -> ResultT:
    """``function()`` run on the GUI thread through ``post``, its result returned (or its
    exception raised) on the calling thread, which waits. Never call it on the GUI thread."""

    def start(finish: Callable[[Any], None]) -> None:
        try:
            value: Any = function()
        except Exception as error:
            value = error
        finish(value)

    result: ResultT = wait_for_callback(post, start, ended=ended)
    return result
