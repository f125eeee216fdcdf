"""With ``threads = 0`` (auto) generation gives way to other programs: a real busy process on one
of two cores makes the thread budget, and a running worker's context, drop to one thread, and the
host says why once. Every wait is for what the detector reports, never for a duration."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from oro_ai.cpu_load import CoreWatch, ThreadBudget
from oro_ai.engine import Worker, load_model
from oro_ai.models import ModelFile, ModelRegistry
from oro_ai.pool import ModelManager, PoolSettings

DEADLINE = 60.0
"""Generous: the detector re-measures every half second; a loaded test machine only delays it."""


@pytest.fixture
def two_cores() -> list[int]:
    cores = sorted(os.sched_getaffinity(0))
    assert len(cores) >= 2, "these tests need two cores to pin a busy process to one of them"
    return cores[:2]


@pytest.fixture
def busy_core(two_cores: list[int]) -> Iterator[int]:
    """A real busy loop (``sh``) pinned to the first of the two cores: another program's, not
    a process of this one (the watch counts the processes this one started as its own), so
    started by a shell that exits at once, leaving it to init."""
    core = two_cores[0]
    starter = subprocess.run(
        ["sh", "-c", "sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!"],
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),
        capture_output=True,
        text=True,
        check=True,
    )
    spinner = int(starter.stdout)
    try:
        yield core
    finally:
        os.kill(spinner, signal.SIGKILL)


class _CountingWatch(CoreWatch):
    """The real watch, keeping what it reported."""

    def __init__(self, cores: list[int]) -> None:
        super().__init__(cores)
        self.readings: list[float | None] = []

    def others(self) -> float | None:
        reading = super().others()
        self.readings.append(reading)
        return reading


def _wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_watch_sees_a_busy_process(two_cores: list[int], busy_core: int) -> None:
    watch = CoreWatch([busy_core])
    readings: list[float] = []

    def sees_it() -> bool:
        others = watch.others()
        if others is not None:
            readings.append(others)
        return others is not None and others >= 0.5

    assert _wait_for(sees_it), readings


def test_the_budget_drops_to_the_free_core_and_says_why_once(
    two_cores: list[int], busy_core: int, caplog: pytest.LogCaptureFixture
) -> None:
    watch = _CountingWatch(two_cores)
    measured = watch.readings
    budget = ThreadBudget(2, contexts=1, watch=watch)
    with caplog.at_level(logging.INFO, logger="oro_ai"):
        assert _wait_for(lambda: budget.threads() == 1)
        # Three more measurements with the process still busy: the same episode, one line.
        seen = len(measured)
        assert _wait_for(lambda: budget.threads() > 0 and len(measured) >= seen + 3)
        assert budget.current == 1, measured
    lines = [record.getMessage() for record in caplog.records if "cores" in record.getMessage()]
    assert len(lines) == 1, lines
    assert "other programs are using" in lines[0]
    assert "of 2 cores; generating with 1 thread(s) per context instead of 2" in lines[0]
    assert "set [ai.llm] threads to choose" in lines[0]


def test_a_running_worker_follows_the_budget(
    two_cores: list[int], busy_core: int, tiny_model: Path
) -> None:
    model: Any = load_model(str(tiny_model))  # llama-cpp-python's wrapper is untyped
    budget = ThreadBudget(2, contexts=1, watch=CoreWatch(two_cores))
    worker = Worker(model, parallel=1, n_ctx_seq=128, threads=2, budget=budget)
    runner = threading.Thread(target=worker.run, args=(lambda call: call(),))
    runner.start()
    try:
        # The idle worker measures too, so that a generation starts with the right count.
        assert _wait_for(lambda: worker.threads == 1)
    finally:
        worker.stop()
        runner.join()
        worker.close()
        model.close()


@pytest.mark.parametrize(("threads", "follows"), [(0, True), (2, False)])
def test_only_auto_threads_follow_the_load(tiny_model: Path, threads: int, follows: bool) -> None:
    # An app's `threads = N` is honoured as is: its workers get no budget to follow.
    manager = ModelManager(ModelRegistry([], default=None), PoolSettings(threads=threads))
    native: Any
    native, workers, _ = manager._build(ModelFile(tiny_model.stem, tiny_model, "explicit"))
    try:
        assert [worker.budget is not None for worker in workers] == [follows]
        assert workers[0].threads == (threads or len(os.sched_getaffinity(0)))
    finally:
        for worker in workers:
            worker.close()
        native.close()
