"""One isolated plugin's process as the host keeps it: started, handshaken, watched, and
started again with backoff after it crashed, exited, stopped answering, went past its memory
limit or broke the channel (docs/design.md, "Isolated plugins").

While it is down every call of its routes, and every call in flight when it went down, is
answered :class:`~oro_framework.PluginCrashedError` naming the plugin and the cause; the cause is
logged once per crash. Nothing else of the host waits for it: each crash ends in this object.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Final, final

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream

from oro_framework.host.errors import PluginCrashedError, PluginLoadError
from oro_framework.host.isolation import cache as isolation_cache
from oro_framework.host.isolation.cache import cache_key
from oro_framework.host.isolation.channel import BlockingChannel, Channel, ChannelClosed, Inbox
from oro_framework.host.isolation.process import ChildProcess, describe_exit
from oro_framework.host.isolation.wire import ChannelError, Message
from oro_framework.records import record

__all__ = ["IsolationLimits", "Supervisor"]

logger = logging.getLogger("oro.plugins")

WATCH_INTERVAL: Final = 0.25
"""Seconds between two looks at the process (its memory, whether it answers)."""

STOP_GRACE: Final = 2.0
"""Seconds an isolated plugin's process has to stop its host when the app stops."""

BACKOFF: Final = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds before each start after a crash, the last repeated; a process that ran a minute
without crashing starts from the first again."""


@final
@record
class IsolationLimits:
    """What an isolated plugin's process may use (``[plugins] isolated_*``).

    :ivar memory: bytes of memory: its data allocations fail past it (``RLIMIT_DATA``), and the
        host kills it when its resident set goes past :attr:`resident`.
    :ivar unresponsive: seconds its event loop may go without answering the host's ping before
        the host kills it (a handler that busy-loops on the loop).
    :ivar handshake: seconds it has to import and declare, and again to build its host.
    :ivar events_per_second: events it may emit to pages in a second before the host takes it
        for a flood and kills it.
    :ivar files: open descriptors it may hold.
    """

    memory: int = 512 << 20
    unresponsive: float = 5.0
    handshake: float = 30.0
    events_per_second: int = 10_000
    files: int = 1024

    @property
    def resident(self) -> int:
        """The resident set past which the host kills the process: the memory limit and a
        quarter more (at least 64 MiB), as the interpreter itself and what ``RLIMIT_DATA``
        does not count (its stacks, mapped files) come on top of the data it limits: an
        allocation must fail in the process first, where the plugin can answer it."""
        return self.memory + max(64 << 20, self.memory // 4)


@final
class Supervisor:
    """The process of isolated plugin ``name`` and the calls in flight to it."""

    def __init__(
        self,
        name: str,
        module: str,
        *,
        environ: Mapping[str, str],
        limits: IsolationLimits,
        on_message: Callable[[Message, bytes], None],
    ) -> None:
        self.name = name
        self.module = module
        self.environ = dict(environ)
        self.limits = limits
        self.on_message = on_message
        """Called with each ``emit``/``forget`` the process sends (the host delivers them)."""
        self.process: ChildProcess | None = None
        self.channel: Channel | None = None
        self.calls: dict[int, Inbox] = {}
        self.issued = 0
        """The last call id given out: a message for a later one is for no call at all."""
        self.notices: MemoryObjectReceiveStream[Message] | None = None
        """Notifications for the process (a page closed...), which :meth:`run` sends."""
        self.crashes = 0
        self.restarts = 0
        self.cause: str | None = None
        self.state = "starting"
        self._configure: Message | None = None
        self._blocking: BlockingChannel | None = None
        self._unchecked: deque[tuple[str, str, Message]] = deque()
        """Answers taken from the cache, with their entries: the process's own answers are
        still to come, and to be checked against them."""
        self._ready = anyio.Event()
        self._lazy = False
        """The process starts at the plugin's first call (:meth:`configure`)."""
        self._wanted = anyio.Event()
        self._pong = anyio.Event()
        self._pings = itertools.count(1)
        self._heard = 0.0
        """When the process's last frame came (``time.monotonic()``)."""

    # -- the handshake (blocking: the host's hooks run before its loop) ----------------------

    def next_id(self) -> int:
        self.issued += 1
        return self.issued

    def _refuse(self, phase: str, reason: str) -> PluginLoadError:
        return PluginLoadError(
            f"isolated plugin process failed to {phase}: {reason}",
            entry_point=self.name,
            distribution=None,
        )

    def start(self, *, cached: bool = True) -> Message:
        """Take what the plugin declares: what it declared at its last start, when the cache
        has it (:mod:`.cache`; its process starts later), else its process's answer, started
        and waited for now.

        :raises PluginLoadError: it could not start, failed to import, or did not declare in
            time; its process is gone.
        """
        key = cache_key(self.module, self.name)
        entry = self._cached("declared", key) if cached else None
        if entry is not None:
            return entry
        self._spawn()
        return self._answer("declared", "import and declare", key)

    def configure(self, message: Message, *, cached: bool = True) -> Message:
        """Send the process its config and folders and take what it registers (from the
        cache as :meth:`start` does). A plugin without services whose answers the cache has
        starts its process at its first call (:meth:`ready_channel`): the app does not wait
        for it, nor share its start's CPU with it.

        :raises PluginLoadError: it failed to build its host or did not answer in time.
        """
        self._configure = message
        key = cache_key(self.module, self.name, config=message)
        entry = self._cached("registered", key) if cached else None
        if self.process is None and entry is not None and not entry.get("services"):
            self._lazy = True
            return entry
        if self.process is None:
            self._spawn()
        self._send_configure()
        return entry if entry is not None else self._answer("registered", "configure", key)

    def _spawn(self) -> None:
        limits = {"memory": self.limits.memory, "files": self.limits.files}
        try:
            self.process = ChildProcess.start(
                self.module, self.name, environ=self.environ, limits=limits
            )
        except OSError as error:
            raise self._refuse("start", str(error)) from None
        self._blocking = BlockingChannel(self.process.socket)

    def _send_configure(self) -> None:
        assert self._blocking is not None
        assert self._configure is not None
        try:
            self._blocking.send(self._configure)
        except ChannelClosed as error:
            raise self._refuse("configure", str(error)) from None

    def _cached(self, kind: str, key: str) -> Message | None:
        """The cache's answer ``kind`` under ``key``, to be checked against the process's
        own when it comes."""
        entry = isolation_cache.load(self.environ, key)
        if entry is None or entry.get("t") != kind:
            return None
        self._unchecked.append((kind, key, entry))
        return entry

    def _answer(self, kind: str, phase: str, key: str) -> Message:
        self._check_cached()
        answer = self._expect(kind, phase)
        isolation_cache.store(self.environ, key, answer)
        return answer

    def _check_cached(self) -> None:
        """Read the process's own answers to what was taken from the cache, and keep them
        there; one that differs is a warning: this run goes on with what it registered."""
        while self._unchecked:
            kind, key, entry = self._unchecked.popleft()
            answer = self._expect(kind, "check in")
            if answer != entry:
                isolation_cache.store(self.environ, key, answer)
                logger.warning(
                    "isolated plugin '%s' %s otherwise than at its last start (its code or "
                    "config changed): restart the app for what it %s now",
                    self.name,
                    kind,
                    kind,
                )

    def _expect(self, kind: str, phase: str) -> Message:
        assert self._blocking is not None
        assert self.process is not None
        deadline = time.monotonic() + self.limits.handshake
        try:
            message, _ = self._blocking.receive(deadline)
        except TimeoutError:
            self.close()
            raise self._refuse(
                phase, f"no answer within {self.limits.handshake:g} s (it was killed)"
            ) from None
        except (ChannelClosed, ChannelError) as error:
            process = self.process
            self.close()
            raise self._refuse(phase, f"{describe_exit(process.exit_status())} ({error})") from None
        if message["t"] == "failed":
            self.close()
            raise self._refuse(phase, str(message.get("error")))
        if message["t"] != kind:
            self.close()
            raise self._refuse(phase, f"it sent {message['t']!r} where {kind!r} was due")
        return message

    # -- the running host's side ----------------------------------------------------------

    async def run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        """Serve the process's messages and watch it; start it again after each crash, with
        backoff, until the host stops (this service is cancelled)."""
        try:
            await self._supervise(task_status)
        finally:
            with anyio.CancelScope(shield=True):
                await self._stop()

    async def _stop(self) -> None:
        """Ask the process to stop its host (its plugin's services and ``oro_unconfigure``
        run there), wait :data:`STOP_GRACE` seconds for it to close the channel, then kill it."""
        channel = self.channel
        if channel is not None:
            with anyio.move_on_after(STOP_GRACE), contextlib.suppress(ChannelClosed, ChannelError):
                await channel.send({"t": "stop"})
                while True:
                    await channel.receive()
        self.state = "stopped"
        self.close()

    async def _supervise(self, task_status: anyio.abc.TaskStatus[None]) -> None:
        # The host does not wait for the process: its calls do (wait_ready).
        task_status.started()
        backoff = iter(BACKOFF)
        while True:
            try:
                if self._lazy:
                    await self._wanted.wait()
                    self._lazy = False
                    await anyio.to_thread.run_sync(self._start_lazily, abandon_on_cancel=True)
                elif self.process is None:
                    await anyio.to_thread.run_sync(self._start_again, abandon_on_cancel=True)
                elif self._unchecked:
                    await anyio.to_thread.run_sync(self._check_cached, abandon_on_cancel=True)
            except PluginLoadError as error:
                self._crashed(error.reason)
            if self.process is not None:
                assert self._blocking is not None
                self.channel = await Channel.over(self.process.socket, self._blocking.leftover())
                self.state = "running"
                self.cause = None
                self._ready.set()
                since = time.monotonic()
                cause = await self._serve()
                self._crashed(cause)
                if time.monotonic() - since > 60:
                    backoff = iter(BACKOFF)
            await anyio.sleep(next(backoff, BACKOFF[-1]))

    def _start_lazily(self) -> None:
        self._spawn()
        self._send_configure()
        self._check_cached()

    def _start_again(self) -> None:
        self.restarts += 1
        self.start(cached=False)
        if self._configure is not None:
            self.configure(self._configure, cached=False)

    async def running(self) -> None:
        """Wait until a process of the plugin has checked in (again, after a crash)."""
        await self._ready.wait()

    async def ready_channel(self) -> Channel:
        """The channel to the process, once it checked in: a call made while the app starts
        waits for it (at most twice the handshake's limit).

        :raises PluginCrashedError: the process is down (crashed, restarting) or never came.
        """
        if self.channel is None and self.state == "starting":
            self._wanted.set()
            with anyio.move_on_after(2 * self.limits.handshake):
                await self._ready.wait()
        if self.channel is None:
            raise self.crashed_error()
        return self.channel

    def _crashed(self, cause: str) -> None:
        """Answer every call in flight, log the cause once, and forget the process."""
        self._ready = anyio.Event()  # set again when the next process checks in
        self.crashes += 1
        self.cause = cause
        self.state = "restarting"
        logger.warning(
            "isolated plugin '%s' %s; its calls in flight were answered ERR_PLUGIN_CRASHED and "
            "it starts again",
            self.name,
            cause,
        )
        for send in self.calls.values():
            send.close()
        self.calls.clear()
        self.close()

    async def _serve(self) -> str:
        """Read the process's messages and watch it until it goes; why it went."""
        outcome: list[str] = []

        async def ended(cause: str) -> None:
            outcome.append(cause)
            tasks.cancel_scope.cancel()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._read, ended)
            tasks.start_soon(self._watch, ended)
            tasks.start_soon(self._send_notices)
        if outcome:
            return outcome[0]
        return "stopped"

    async def _read(self, ended: Callable[[str], Any]) -> None:
        assert self.channel is not None
        assert self.process is not None
        window_start, emitted = time.monotonic(), 0
        try:
            while True:
                message, body = await self.channel.receive()
                self._heard = time.monotonic()  # any frame says its loop runs (_watch)
                kind = message["t"]
                if kind == "pong":
                    self._pong.set()
                    continue
                if kind in ("emit", "forget"):
                    now = time.monotonic()
                    if now - window_start >= 1:
                        window_start, emitted = now, 0
                    emitted += 1
                    if emitted > self.limits.events_per_second:
                        await ended(
                            f"emitted more than {self.limits.events_per_second} events in a "
                            "second (it was killed)"
                        )
                        return
                    self.on_message(message, body)
                    continue
                call_id = message["id"]
                call = self.calls.get(call_id)
                if call is None:
                    if not isinstance(call_id, int) or not 0 < call_id <= self.issued:
                        await ended(f"sent {kind!r} for a call it was never given (it was killed)")
                        return
                    continue  # a call the host already ended (cancelled, or its page left)
                try:
                    call.send_nowait((message, body))
                except anyio.WouldBlock:
                    await ended("sent more stream items than it was given credit for")
                    return
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    self.calls.pop(message["id"], None)
        except ChannelClosed:
            await anyio.sleep(0.05)  # its exit status, when it exited rather than closed
            await ended(describe_exit(self.process.exit_status()))
        except (ChannelError, KeyError, TypeError) as error:
            await ended(f"broke the channel: {error} (it was killed)")

    async def _send_notices(self) -> None:
        if self.notices is None or self.channel is None:
            return
        try:
            async for notice in self.notices:
                await self.channel.send(notice)
        except ChannelClosed:
            return  # the reader hears of it too, and says why

    async def _watch(self, ended: Callable[[str], Any]) -> None:
        """Ping the process's loop and read its memory every :data:`WATCH_INTERVAL`."""
        assert self.channel is not None
        assert self.process is not None
        last_answer = time.monotonic()
        while True:
            self._pong = anyio.Event()
            try:
                await self.channel.send({"t": "ping", "n": next(self._pings)})
            except ChannelClosed:
                return  # the reader hears of it too, and says why
            with anyio.move_on_after(WATCH_INTERVAL):
                await self._pong.wait()
            now = time.monotonic()
            if self._pong.is_set():
                last_answer = now
                await anyio.sleep(max(0.0, WATCH_INTERVAL - (time.monotonic() - now)))
            # A pong may wait behind large answers on its way: what came meanwhile counts.
            elif now - max(last_answer, self._heard) > self.limits.unresponsive:
                await ended(
                    f"did not answer for {self.limits.unresponsive:g} s, its event loop blocked "
                    "(it was killed)"
                )
                return
            resident = self.process.resident_bytes()
            if resident is not None and resident > self.limits.resident:
                await ended(
                    f"went past its memory limit of {self.limits.memory >> 20} MiB (it held "
                    f"{resident >> 20} MiB and was killed)"
                )
                return

    def crashed_error(self) -> PluginCrashedError:
        cause = self.cause or "is not running"
        return PluginCrashedError(
            f"Plugin '{self.name}' runs in a process of its own, which {cause}; it starts "
            "again on its own, try again shortly",
            plugin=self.name,
            cause=cause,
            state=self.state,
        )

    def diagnostics(self) -> dict[str, Any]:
        process = self.process
        resident = None if process is None else process.resident_bytes()
        return {
            "isolated": {
                "pid": None if process is None else process.pid,
                "state": self.state,
                "restarts": self.restarts,
                "crashes": self.crashes,
                "lastCause": self.cause,
                "residentBytes": resident,
                "memoryLimitBytes": self.limits.memory,
            }
        }

    def close(self) -> None:
        """Kill the process, if any (the host closes, or it crashed)."""
        process, self.process = self.process, None
        self.channel = None
        if process is not None:
            process.close()
