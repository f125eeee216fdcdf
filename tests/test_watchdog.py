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


def _hold_the_loop(seconds: float) -> None:
    """What a careless handler does in an ``async def``: block the loop's thread."""
    time.sleep(seconds)


def _watched(main: object, threshold: float = THRESHOLD) -> LoopWatchdog:
    watchdog = LoopWatchdog(threshold)

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
    marked_has_blocked = trio.Event()

    async def marked() -> None:
        with working_on("still open"):
            await trio.lowlevel.checkpoint()
            _hold_the_loop(BLOCK)
            marked_has_blocked.set()
            await trio.lowlevel.checkpoint()

    async def unmarked() -> None:
        await marked_has_blocked.wait()  # blocks in a step of its own, after the marked one
        _hold_the_loop(BLOCK)

    async def main(_: LoopWatchdog) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(marked)
            nursery.start_soon(unmarked, name="plain-task")

    assert dict(_watched(main).stalls) == {"still open": 1, "task 'plain-task'": 1}


def test_a_stall_is_reported_when_the_loop_goes_idle_not_at_the_next_step() -> None:
    # Nothing else runs after the blocking step: it ends where the loop goes back to wait for
    # I/O, and the report wakes this task. Were it made only at the task's next step, nothing
    # would wake it: the guard's deadline would, and fail the test.
    async def main(watchdog: LoopWatchdog) -> None:
        reported = trio.Event()
        token = trio.lowlevel.current_trio_token()
        report = watchdog.report

        def waking_report(label: str, seconds: float) -> None:
            report(label, seconds)
            token.run_sync_soon(reported.set)

        watchdog.report = waking_report  # type: ignore[method-assign]
        await trio.lowlevel.checkpoint()
        with working_on("alone"):
            _hold_the_loop(BLOCK)
        with trio.fail_after(5):  # a guard against a hang, not a measurement
            await reported.wait()
        assert watchdog.stalls == {"alone": 1}

    _watched(main)


def test_steps_that_yield_often_are_never_reported() -> None:
    """Together the steps hold the loop for twice the threshold, none of them for more than a
    hundredth of it. The threshold is a second here: on a loaded machine a thread that sleeps
    1 ms may wake over 100 ms later (a CI run's step did), which is scheduling, not the code."""
    threshold = 1.0

    async def main(_: LoopWatchdog) -> None:
        for _step in range(200):
            with working_on("busy"):
                _hold_the_loop(0.01)
            await trio.lowlevel.checkpoint()

    assert dict(_watched(main, threshold).stalls) == {}


def test_a_step_is_blamed_on_the_innermost_marker_not_the_one_around_it() -> None:
    # As over the Conduit: the service that reads a page's frames runs the route it asked for,
    # and the step goes on in the service (sending the reply) after the route returned.
    async def main(_: LoopWatchdog) -> None:
        with working_on("service 'conduit' of plugin 'conduit'"):
            await trio.lowlevel.checkpoint()
            with working_on("route 'slow.hash' of plugin 'slow'"):
                _hold_the_loop(BLOCK)
            await trio.lowlevel.checkpoint()

    assert dict(_watched(main).stalls) == {"route 'slow.hash' of plugin 'slow'": 1}


def test_the_outer_marker_is_named_when_it_took_the_step_itself() -> None:
    async def main(_: LoopWatchdog) -> None:
        with working_on("service 'conduit' of plugin 'conduit'"):
            await trio.lowlevel.checkpoint()
            with working_on("route 'quick' of plugin 'quick'"):
                _hold_the_loop(0.01)
            _hold_the_loop(BLOCK)
            await trio.lowlevel.checkpoint()

    assert dict(_watched(main).stalls) == {"service 'conduit' of plugin 'conduit'": 1}
