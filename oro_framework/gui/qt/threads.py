"""pywebview threads that would outlive the GUI.

pywebview injects its JS API into every page that finishes loading, from a thread of its own
that waits (on a semaphore, without a timeout) for each script's result. A page that loads as
the app quits never answers: the GUI loop that would deliver the result has ended. That thread is
not a daemon, so Python would wait for it forever at exit. Once the GUI loop has ended no result
can come, so :func:`release_stranded_evaluations` wakes such waits with an empty result; the
thread then finishes what it was doing and ends.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any, Final

from oro_framework.gui.qt.toolkit import PYWEBVIEW_QT

__all__ = ["release_stranded_evaluations"]

_ROUNDS: Final = 20
"""A thread may evaluate a few scripts in a row (pywebview's injection runs two)."""
_JOIN_SECONDS: Final = 0.5


def release_stranded_evaluations() -> None:
    """Wake every thread waiting for a script result from pywebview's Qt backend; call only
    after the GUI loop has ended."""
    for _ in range(_ROUNDS):
        stranded = list(_stranded())
        if not stranded:
            return
        for _thread, semaphore in stranded:
            semaphore.release()
        for thread, _semaphore in stranded:
            thread.join(_JOIN_SECONDS)


def _stranded() -> Iterator[tuple[threading.Thread, Any]]:
    frames = sys._current_frames()
    for thread in threading.enumerate():
        frame = frames.get(thread.ident) if thread.ident is not None else None
        while frame is not None:
            if (
                frame.f_code.co_name == "evaluate_js"
                and frame.f_globals.get("__name__") == PYWEBVIEW_QT
                and "result_semaphore" in frame.f_locals
            ):
                yield thread, frame.f_locals["result_semaphore"]
                break
            frame = frame.f_back
