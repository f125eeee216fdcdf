"""GuiHeld: a toolkit object kept by the loop is let go on the GUI thread, whichever thread
drops its holder. The "GUI thread" here is a plain thread draining a queue of posted
functions, as GLib's idle sources and Qt's queued signals drain theirs; the toolkits' own
posting is exercised by the desktop tests, where dialogs and menus are held so."""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator

import pytest

from oro_framework import GuiHeld


class Toolkitish:
    """Stands for a GTK wrapper: what matters is the thread it is freed on."""

    def __init__(self) -> None:
        self.freed_on: list[int] = []

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


class GuiThread:
    def __init__(self) -> None:
        self.posted: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (function := self.posted.get()) is not None:
            function()
            del function  # the posted function is let go here too, not when the next comes

    def post(self, function: Callable[[], None]) -> None:
        self.posted.put(function)

    def run(self, function: Callable[[], object]) -> object:
        answer: queue.Queue[object] = queue.Queue()
        self.post(lambda: answer.put(function()))
        return answer.get(timeout=10)

    def drain(self) -> None:
        self.run(lambda: None)


@pytest.fixture
def gui() -> Iterator[GuiThread]:
    thread = GuiThread()
    yield thread
    thread.posted.put(None)
    thread.thread.join(timeout=10)


def freed_on(value: Toolkitish) -> list[int]:
    return value.freed_on


def test_dropped_on_the_loop_the_object_goes_on_the_gui_thread(gui: GuiThread) -> None:
    made = gui.run(lambda: (held := GuiHeld(Toolkitish(), gui.post), freed_on(held.get())))
    assert isinstance(made, tuple)
    threads: list[int] = made[1]
    assert threads == []

    del made  # on this thread, "the loop"
    gui.drain()
    assert threads == [gui.thread.ident]


def test_a_cycle_collected_on_the_loop_still_lets_go_on_the_gui_thread(gui: GuiThread) -> None:
    # The case seen in CI: the collector ran on the loop's thread and freed a cycle through a
    # holder. (Python runs a cycle's __del__ methods where the collector runs, before it knows
    # which objects its finalizers brought back; what counts is that the object is still
    # alive, posted, after the collection, and is let go only on the GUI thread.)
    class Pending:
        held: GuiHeld[Toolkitish]
        itself: object

    def make() -> Pending:
        pending = Pending()
        pending.held = GuiHeld(Toolkitish(), gui.post)
        pending.itself = pending
        return pending

    pending = gui.run(make)
    assert isinstance(pending, Pending)
    release = threading.Event()
    gui.post(lambda: release.wait(10) and None)  # the GUI thread is busy meanwhile
    del pending
    gc.collect()

    posted = list(gui.posted.queue)
    boxes = [
        box for function in posted if isinstance(box := getattr(function, "__self__", None), list)
    ]
    assert [type(item) for box in boxes for item in box] == [Toolkitish]
    release.set()
    gui.drain()
    assert boxes[0] == []


def test_dropped_on_the_gui_thread_it_goes_at_once(gui: GuiThread) -> None:
    def make_and_drop() -> list[int]:
        value = Toolkitish()
        threads = freed_on(value)
        held = GuiHeld(value, gui.post)
        del value, held
        return threads

    assert gui.run(make_and_drop) == [gui.thread.ident]
    assert gui.posted.empty()


def test_read_only_on_the_gui_thread(gui: GuiThread) -> None:
    held = gui.run(lambda: GuiHeld(Toolkitish(), gui.post))
    assert isinstance(held, GuiHeld)
    with pytest.raises(RuntimeError, match="only read on the GUI thread"):
        held.get()
    assert isinstance(gui.run(held.get), Toolkitish)
