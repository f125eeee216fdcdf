"""Waiting for the GUI thread ends when its loop does. The host closes every window when it
stops; if the user closed the last one meanwhile, GTK's (or Qt's) loop returns and never runs
what was posted to it. The waiting thread must then hear that the windows are gone at once,
not wait 30 s and fail the app's exit with an InternalError (a CI run of
tests/test_window_beforeunload_native.py drew exactly that). The "GUI thread" here is a plain
thread draining a queue, as in tests/test_gui_held.py; the engines' own loops are exercised by
the window tests."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

import pytest

from oro_framework import NotFoundError
from oro_framework.gui.waiting import call_and_wait


class Loop:
    """A GUI loop that runs what is posted until it ends; what is posted after is never run."""

    def __init__(self) -> None:
        self.posted: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.ended = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (function := self.posted.get()) is not None:
            function()
        self.ended.set()

    def post(self, function: Callable[[], None]) -> None:
        self.posted.put(function)

    def end(self) -> None:
        self.posted.put(None)
        self.thread.join()


@pytest.fixture
def loop() -> Iterator[Loop]:
    running = Loop()
    yield running
    if not running.ended.is_set():
        running.end()


def test_a_call_runs_on_the_loop_and_returns_its_result(loop: Loop) -> None:
    assert call_and_wait(loop.post, threading.get_ident, ended=loop.ended.is_set) == (
        loop.thread.ident
    )


def test_a_call_posted_after_the_loop_ended_says_the_windows_are_gone(loop: Loop) -> None:
    loop.end()

    with pytest.raises(NotFoundError, match="windows are closed"):
        call_and_wait(loop.post, threading.get_ident, ended=loop.ended.is_set)


def test_a_call_the_loop_takes_before_it_ends_still_answers(loop: Loop) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow() -> str:
        started.set()
        release.wait()
        return "done"

    answers: list[object] = []
    caller = threading.Thread(
        target=lambda: answers.append(call_and_wait(loop.post, slow, ended=loop.ended.is_set))
    )
    caller.start()
    started.wait()
    loop.posted.put(None)  # the loop ends once the running call returns
    release.set()
    caller.join()

    assert answers == ["done"]
