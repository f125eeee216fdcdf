"""The loop-lag watchdog on a real trio loop: which step blocked, under which name, how long.

Steps block with ``time.sleep``, which is what a careless handler does; the threshold is far
below the sleeps so that scheduling noise cannot decide a test.
"""

from __future__ import annotations

import time

import trio

from oro_framework.host.watchdog import LoopWatchdog, working_on

THRESHOLD = 0.1
BLOCK = 0.25
IDLE = 0.5


def _hold_the_loop(seconds: float) -> None:
    """What a careless handler does in an ``async def``: block the loop's thread."""
    time.sleep(seconds)


def _watched(main: object) -> LoopWatchdog:
    watchdog = LoopWatchdog(THRESHOLD)

    async def run() -> None:
        watchdog.install()
        try:
            await main(watchdog)  # type: ignore[operator]
        finally:
            watchdog.uninstall()

    trio.run(run)
    return watchdog


def test_a_blocking_step_is_named_by_its_marker_and_timed() -> None:
    async def main(_: LoopWatchdog) -> None:
        await trio.lowlevel.checkpoint()
        with working_on("route 'slow.hash' of plugin 'slow'"):
            _hold_the_loop(BLOCK)
        await trio.lowlevel.checkpoint()

    watchdog = _watched(main)
    assert dict(watchdog.stalls) == {"route 'slow.hash' of plugin 'slow'": 1}
    assert watchdog.longest_ms["route 'slow.hash' of plugin 'slow'"] >= BLOCK * 1000


def test_the_marker_that_took_longest_in_the_step_is_named() -> None:
    async def main(_: LoopWatchdog) -> None:
        await trio.lowlevel.checkpoint()
        with working_on("quick"):
            _hold_the_loop(0.01)
        with working_on("slow"):
            _hold_the_loop(BLOCK)
        await trio.lowlevel.checkpoint()

    assert dict(_watched(main).stalls) == {"slow": 1}


def test_a_step_still_inside_its_marker_and_an_unmarked_task_are_named() -> None:
    async def marked() -> None:
        with working_on("still open"):
            await trio.lowlevel.checkpoint()
            _hold_the_loop(BLOCK)
            await trio.lowlevel.checkpoint()

    async def unmarked() -> None:
        await trio.sleep(2 * BLOCK)
        _hold_the_loop(BLOCK)

    async def main(_: LoopWatchdog) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(marked)
            nursery.start_soon(unmarked, name="plain-task")

    assert dict(_watched(main).stalls) == {"still open": 1, "task 'plain-task'": 1}


def test_a_stall_is_reported_when_the_loop_goes_idle_not_at_the_next_step() -> None:
    # Nothing else runs after the blocking step: it ends where the loop goes back to wait
    # for I/O, so the report comes then, not when the sleep below is over.
    reported: list[float] = []

    async def main(watchdog: LoopWatchdog) -> None:
        report = watchdog.report

        def timed_report(label: str, seconds: float) -> None:
            reported.append(time.perf_counter())
            report(label, seconds)

        watchdog.report = timed_report  # type: ignore[method-assign]
        await trio.lowlevel.checkpoint()
        with working_on("alone"):
            _hold_the_loop(BLOCK)
        await trio.sleep(IDLE)
        resumed = time.perf_counter()
        assert watchdog.stalls == {"alone": 1}
        assert resumed - reported[0] >= IDLE / 2

    _watched(main)


def test_steps_that_yield_often_are_never_reported() -> None:
    async def main(_: LoopWatchdog) -> None:
        for _step in range(200):
            with working_on("busy"):
                _hold_the_loop(0.001)
            await trio.lowlevel.checkpoint()

    assert dict(_watched(main).stalls) == {}
