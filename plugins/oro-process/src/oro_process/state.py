"""What oro-process keeps per host, ``host.stash[STATE]``: every child, by id, with the window
whose page spawned it, and the service whose task group watches them.

Ownership, the "no orphans" rule:

* a child's page goes away (``oro_page_closed``): its children's groups are ended;
* the app stops (the service is cancelled: ``application.exit``, the last window closing,
  SIGTERM or SIGINT to ``oro run``): every group is ended before the host finishes stopping;
* the host dies without stopping (SIGKILL, a crash): the kernel kills each direct child
  (PR_SET_PDEATHSIG, :mod:`.children`).

Ending a group is SIGTERM to the group, SIGKILL after ``kill_grace_ms``, then the reap. A
child's record is dropped once its exit was reported to the page and its output streams ended
(read to EOF, or closed early by the page with no reader after them: what is left unread in
the pipe is discarded);
whatever is left of its group then (a background process that let go of the pipes) is ended the
same way, so nothing a page started outlives its record.
"""

from __future__ import annotations

import itertools
import logging
import signal
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Final, final

import anyio
from anyio.abc import TaskGroup, TaskStatus

from oro_framework import Host, NotSupportedError, ServiceUnavailableError, StashKey
from oro_process.errors import id_taken, spawn_error, too_many_children, unknown_child
from oro_process.guardian import Guardian
from oro_process.policy import Policy
from oro_process.settings import ProcessSettings

if TYPE_CHECKING:
    # A child's process and pipes import with the first spawn, not at every launch.
    from oro_process.children import Child

__all__ = ["DETACHED_WINDOW", "SERVICE_NAME", "STATE", "ChildProcesses"]

logger = logging.getLogger("oro_process")

SERVICE_NAME: Final = "child_process.children"
DETACHED_WINDOW: Final = -1
"""The window of a child no page owns (the backend process): no page has this index, so no
``child_process.*`` route reaches it and no page's closing ends it."""
_GROUP_POLL: Final = 0.02
"""Seconds between two checks whether a group's leftovers are gone (no event says so)."""
_KILL_WAIT: Final = 5.0
"""Seconds to wait for a SIGKILLed child to exit (one stuck in the kernel may not) before the
host gives up on reaping it."""


@final
class ChildProcesses:
    """Every page's children, by id (unique per host)."""

    @classmethod
    def from_host(cls, host: Host) -> ChildProcesses:
        """The children of ``host``, whose config is loaded: resolves the ``[process]`` rules.

        :raises ConfigError: a ``[process.args]`` entry is invalid.
        """
        settings = host.settings(ProcessSettings)
        policy = Policy.from_settings(settings, app_dir=host.app_dir, environ=host.environ)
        return cls(host, settings, policy)

    def __init__(self, host: Host, settings: ProcessSettings, policy: Policy) -> None:
        self.host = host
        self.settings = settings
        self.policy = policy
        self.children: dict[str, Child] = {}
        self.ending: set[Child] = set()
        """Children whose group is being ended (no longer any page's)."""
        self.guardian = Guardian(settings.kill_grace_ms / 1000)
        """Ends the groups left behind if the host dies without ending them."""
        self._tasks: TaskGroup | None = None
        self._ids = itertools.count(1)
        self.spawned = 0
        self.killed = 0
        """Groups the host ended while their child still ran (page gone, app stopping)."""

    # ----------------------------------------------------------------------------------------
    # Lookup
    # ----------------------------------------------------------------------------------------

    def get(self, window: int, child_id: str) -> Child:
        """``window``'s child ``child_id``.

        :raises NotFoundError: ``ERR_UNKNOWN_CHILD``: none, or another window's.
        """
        child = self.children.get(child_id)
        if child is None or child.window != window:
            raise unknown_child(child_id)
        return child

    def of_window(self, window: int) -> list[Child]:
        return [child for child in self.children.values() if child.window == window]

    # ----------------------------------------------------------------------------------------
    # Starting
    # ----------------------------------------------------------------------------------------

    def new_id(self) -> str:
        while (child_id := f"child-{next(self._ids)}") in self.children:
            pass
        return child_id

    def start(
        self,
        window: int,
        child_id: str,
        *,
        executable: str | None,
        command: str,
        args: Sequence[str],
        cwd: str,
        env: dict[str, str],
        pipes: tuple[bool, bool, bool],
        timeout_ms: int,
        kill_signal: int,
    ) -> Child:
        """Spawn an allowed program for ``window``'s page (the policy was checked) and watch it.
        Runs on the loop's thread, which PR_SET_PDEATHSIG ties the child to.

        :raises ServiceUnavailableError: the service is not running.
        :raises InvalidStateError: ``child_id`` is taken.
        :raises OutOfRangeError: ``ERR_TOO_MANY_CHILDREN``.
        :raises SpawnError: the program did not start (Node's ``spawn <command> ENOENT``).
        :raises NotSupportedError: not on Linux.
        """
        tasks = self._running_tasks()
        if child_id in self.children:
            raise id_taken(child_id)
        if len(self.of_window(window)) >= self.settings.max_children:
            raise too_many_children(self.settings.max_children)
        if executable is None:
            raise spawn_error(FileNotFoundError(2, "No such file or directory"), command, args)
        from oro_process.children import spawn

        try:
            child = spawn(
                child_id,
                window,
                executable=executable,
                command=command,
                args=args,
                cwd=cwd,
                env=env,
                pipes=pipes,
            )
        except OSError as error:
            raise spawn_error(error, command, args) from None
        except NotImplementedError as error:
            raise NotSupportedError(str(error)) from None
        self.children[child_id] = child
        self.guardian.watch(child.pid)
        self.spawned += 1
        tasks.start_soon(self._watch, child, timeout_ms / 1000, kill_signal)
        return child

    def _running_tasks(self) -> TaskGroup:
        """The service's task group, which children are watched in.

        :raises ServiceUnavailableError: the service is not running (the app is stopping).
        """
        if self._tasks is None:
            raise ServiceUnavailableError(
                "child processes are not available while the app is stopping",
                service=SERVICE_NAME,
            )
        return self._tasks

    def start_detached(
        self,
        child_id: str,
        *,
        executable: str,
        command: str,
        args: Sequence[str],
        cwd: str,
        env: dict[str, str],
        run: Callable[[Child], Coroutine[Any, Any, None]],
    ) -> Child:
        """Spawn a child that belongs to no page (the backend process, :mod:`.backend`) with
        all three pipes, and run ``run(child)`` in the service's task group: it watches the
        child and ends it with :meth:`end_detached`, which the app stopping cancels it into.
        Same rules as :meth:`start` otherwise (loop thread, own group, guardian).

        :raises ServiceUnavailableError: the service is not running.
        :raises SpawnError: the program did not start.
        :raises NotSupportedError: not on Linux.
        """
        tasks = self._running_tasks()
        from oro_process.children import spawn

        try:
            child = spawn(
                child_id,
                DETACHED_WINDOW,
                executable=executable,
                command=command,
                args=args,
                cwd=cwd,
                env=env,
                pipes=(True, True, True),
            )
        except OSError as error:
            raise spawn_error(error, command, args) from None
        except NotImplementedError as error:
            raise NotSupportedError(str(error)) from None
        self.guardian.watch(child.pid)
        self.spawned += 1
        tasks.start_soon(run, child)
        return child

    async def end_detached(self, child: Child) -> None:
        """End a :meth:`start_detached` child's group (SIGTERM, SIGKILL after the grace time,
        reap, then the group's leftovers) and wait until it is done. Starts its own watcher:
        the caller's has stopped."""
        self.ending.add(child)
        await self._end_watched(child)

    async def _watch(self, child: Child, seconds: float, kill_signal: int) -> None:
        if seconds > 0:
            with anyio.move_on_after(seconds):
                await child.watch()
            if child.status is None:
                child.timed_out = True
                child.signal(kill_signal)
        await child.watch()
        self.maybe_drop(child)

    # ----------------------------------------------------------------------------------------
    # Reporting and dropping
    # ----------------------------------------------------------------------------------------

    def report_exit(self, child: Child) -> dict[str, Any]:
        """``{code, signal, timedOut}`` of an exited child, now reported to its page."""
        status = child.status
        assert status is not None, "report_exit before the child exited"
        child.exit_reported = True
        self.maybe_drop(child)
        return {"code": status.code, "signal": status.signal, "timedOut": child.timed_out}

    def maybe_drop(self, child: Child) -> None:
        """Forget ``child`` once its exit was reported and its outputs ended (or their readers
        gave them up), and end what is left of its group."""
        if (
            self.children.get(child.id) is not child
            or not child.exit_reported
            or child.status is None
            or child.reading
            or not child.outputs_done
        ):
            return
        del self.children[child.id]
        child.close_pipes()
        child.reap()
        # Reaped a moment ago: the group's id is still the child's, pinned by any member left.
        if child.signal_group(0) and self._tasks is not None:
            self.ending.add(child)
            self._tasks.start_soon(self._end, child)
        else:
            self.guardian.forget(child.pid)

    # ----------------------------------------------------------------------------------------
    # Ending groups
    # ----------------------------------------------------------------------------------------

    def end_child(self, child: Child) -> None:
        """Take ``child`` from its page and end its group in the background."""
        if self.children.get(child.id) is child:
            del self.children[child.id]
        if child in self.ending:
            return
        self.ending.add(child)
        if self._tasks is not None:
            self._tasks.start_soon(self._end, child)

    def close_window(self, window: int) -> None:
        """``window``'s page went away: end all its children's groups."""
        for child in self.of_window(window):
            self.end_child(child)

    async def _end(self, child: Child) -> None:
        """SIGTERM to the group, SIGKILL after the grace time, reap; then the same for members
        left once the child is gone. Needs a task watching the child (:meth:`Child.watch`)."""
        grace = self.settings.kill_grace_ms / 1000
        deadline = anyio.current_time() + grace
        try:
            if child.poll_exit() is None and not child.reaped:
                child.signal_group(signal.SIGTERM)
                self.killed += 1
                with anyio.move_on_after(grace):
                    await child.exited.wait()
                if child.status is None:
                    child.signal_group(signal.SIGKILL)
                    with anyio.move_on_after(_KILL_WAIT):
                        await child.exited.wait()
                    if child.status is None:
                        logger.warning("child %s (pid %d) survived SIGKILL", child.id, child.pid)
                        return
            child.close_pipes()
            child.reap()
            if child.signal_group(signal.SIGTERM):
                # Polled: nothing tells a process that members of a group it does not parent
                # have exited.
                while anyio.current_time() < deadline and child.signal_group(0):  # noqa: ASYNC110
                    await anyio.sleep(_GROUP_POLL)
                child.signal_group(signal.SIGKILL)
        finally:
            self.ending.discard(child)
            if child.reaped:
                self.guardian.forget(child.pid)

    async def _end_watched(self, child: Child) -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(child.watch)
            await self._end(child)
            tasks.cancel_scope.cancel()

    async def end_all(self) -> None:
        """End every child's group, at once, and wait until each is reaped."""
        children = [*self.children.values(), *self.ending]
        self.children.clear()
        self.ending.update(children)
        async with anyio.create_task_group() as tasks:
            for child in children:
                tasks.start_soon(self._end_watched, child)

    # ----------------------------------------------------------------------------------------
    # Service
    # ----------------------------------------------------------------------------------------

    async def run(self, *, task_status: TaskStatus[None]) -> None:
        """The service: owns the task group that watches children; when cancelled (the app
        stopping) ends every child's group before it returns."""
        try:
            async with anyio.create_task_group() as tasks:
                self._tasks = tasks
                task_status.started()
                await anyio.sleep_forever()
        finally:
            self._tasks = None
            with anyio.CancelScope(shield=True):
                await self.end_all()
                await self.guardian.close()

    def diagnostics(self) -> dict[str, Any]:
        """Children by id, running children per window, and the totals."""
        running = Counter(
            str(child.window) for child in self.children.values() if child.status is None
        )
        ids = sorted(self.children)
        return {
            "handles": {"count": len(ids), "ids": ids},
            "running": dict(sorted(running.items())),
            "spawned": self.spawned,
            "killed": self.killed,
            "ending": len(self.ending),
            "guardian": self.guardian.pid,
        }


STATE: Final = StashKey[ChildProcesses]("child_process")
"""The host's :class:`ChildProcesses`, made by ``oro_configure``."""
