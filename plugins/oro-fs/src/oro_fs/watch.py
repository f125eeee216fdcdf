"""``fs.watch``: watchers on watchfiles (Rust ``notify``), delivered as host events ``fs.watch``.

The watchers run in the task group of the plugin's service ``fs.watchers``, registered with
``stop_on_pause``: pausing the app cancels the service, which stops every watcher; resuming
starts it again and it restarts every watcher still registered. Each watcher's blocking
``watchfiles.watch`` loop runs in its own worker thread and ends within one ``step`` of its stop
event being set, so stopping never waits for a time-out.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import field
from typing import TYPE_CHECKING, Any, Final, final

import anyio
from anyio.abc import TaskGroup, TaskStatus

from oro_framework.records import record
from oro_fs.ops import is_atomic_temp

if TYPE_CHECKING:
    import watchfiles

    from oro_framework import Host

__all__ = ["EVENT_NAME", "Watch", "Watchers"]

logger = logging.getLogger("oro_fs.watch")

EVENT_NAME: Final = "fs.watch"
"""The host event every change is delivered as, to the window that asked."""
_STEP_MS: Final = 20
"""How often the watch loop looks at its stop event and for quiet after a change."""
# Node reports creations and deletions as "rename", content changes as "change".
# Keyed by watchfiles.Change's names: watchfiles (and the multiprocessing it imports, ~5 ms)
# imports when a page first watches, not at every oro run.
_EVENT_TYPES: Final = {"added": "rename", "deleted": "rename", "modified": "change"}


@final
@record(frozen=False, eq=False)
class Watch:
    """One registered watcher: ``absolute`` is the checked real path being watched."""

    window: int
    id: str
    absolute: str
    recursive: bool
    stop_event: threading.Event = field(default_factory=threading.Event)
    running: bool = False
    delivered: int = 0


@final
class Watchers:
    """The registered watchers of one host and the service that runs them."""

    def __init__(self, host: Host, *, debounce_ms: int) -> None:
        self._host = host
        self._debounce_ms = debounce_ms
        self._watches: dict[tuple[int, str], Watch] = {}
        self._task_group: TaskGroup | None = None
        # One thread per running watcher, apart from the I/O limiter so watchers never starve
        # file operations (their number is bounded by the per-window descriptor cap).
        self._threads = anyio.CapacityLimiter(math.inf)

    @property
    def is_active(self) -> bool:
        """Whether the service runs (false while the app is paused or the host stopped)."""
        return self._task_group is not None

    def running(self) -> list[Watch]:
        return [watch for watch in self._watches.values() if watch.running]

    def add(self, watch: Watch) -> None:
        """Register ``watch``; it starts now, or when the service (re)starts."""
        self._watches[(watch.window, watch.id)] = watch
        if self._task_group is not None:
            self._spawn(self._task_group, watch)

    def remove(self, window: int, watch_id: str) -> None:
        """Stop and forget a watcher (fs.stopWatch, its descriptor closed, page gone)."""
        watch = self._watches.pop((window, watch_id), None)
        if watch is not None:
            watch.stop_event.set()

    async def serve(self, *, task_status: TaskStatus[Any]) -> None:
        """The ``fs.watchers`` service: run every registered watcher until cancelled."""
        async with anyio.create_task_group() as task_group:
            self._task_group = task_group
            try:
                for watch in list(self._watches.values()):
                    watch.stop_event = threading.Event()
                    self._spawn(task_group, watch)
                task_status.started()
                await anyio.sleep_forever()
            finally:
                # Before the task group waits for the watcher threads: make them return.
                self._task_group = None
                for watch in self._watches.values():
                    watch.stop_event.set()

    def _spawn(self, task_group: TaskGroup, watch: Watch) -> None:
        watch.running = True
        task_group.start_soon(self._run, watch)

    async def _run(self, watch: Watch) -> None:
        try:
            await anyio.to_thread.run_sync(self._loop, watch, limiter=self._threads)
        except Exception:
            logger.exception("watcher %s of %s failed", watch.id, watch.absolute)
        finally:
            watch.running = False

    def _loop(self, watch: Watch) -> None:
        """In a worker thread: wait for changes and hand each batch to the event loop."""
        import watchfiles

        changes = watchfiles.watch(
            watch.absolute,
            watch_filter=None,
            debounce=max(self._debounce_ms, _STEP_MS),
            step=_STEP_MS,
            stop_event=watch.stop_event,
            recursive=watch.recursive,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )
        for batch in changes:
            if watch.stop_event.is_set():
                break
            events = _node_events(watch, batch)
            if events:
                anyio.from_thread.run_sync(self._deliver, watch, events)

    def _deliver(self, watch: Watch, events: list[dict[str, Any]]) -> None:
        if self._watches.get((watch.window, watch.id)) is not watch or watch.stop_event.is_set():
            return
        for event in events:
            self._host.emit(EVENT_NAME, event, window=watch.window)
            watch.delivered += 1


def _node_events(watch: Watch, batch: set[tuple[watchfiles.Change, str]]) -> list[dict[str, Any]]:
    base = watch.absolute if os.path.isdir(watch.absolute) else os.path.dirname(watch.absolute)
    seen: set[tuple[str, str]] = set()
    for change, path in batch:
        if is_atomic_temp(os.path.basename(path)):
            continue  # an atomic write's temporary file: the page sees the rename onto the target
        relative = os.path.relpath(path, base)
        if relative == ".":
            relative = os.path.basename(watch.absolute)
        seen.add((_EVENT_TYPES.get(change.name, "change"), relative))
    return [{"id": watch.id, "eventType": kind, "filename": name} for kind, name in sorted(seen)]
