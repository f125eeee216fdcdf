"""The app's backend process: the program ``[process.backend] cmd`` names (Oro's and Socket
Runtime's ``[linux] cmd``), started and stopped by page code (``application.backend.open`` and
``close``), its output broadcast to every page as events, its stdin written by
``process.write``.

Why it is not one of the pages' children (:mod:`.state`): the app declares it, so no
``[process] allow`` rule is asked and no page chose it; it belongs to no window
(:data:`~oro_process.state.DETACHED_WINDOW`), so closing a page does not end it, and it lives
until a page closes it or the app stops. Everything else is a child's: its own process group,
PR_SET_PDEATHSIG, the guardian, ``kill_grace_ms``, the environment kept to ``[process] env``.

What pages receive (events to every window, as Oro emits them to every window):

* each stdout line, as ``backend:data`` (the line's text, without its newline); a line that is
  one of Oro's IPC messages, ``ipc://send?event=<name>&value=<value>[&index=<window>]`` (what
  ``@socketsupply/socket-node``'s ``send`` writes), is event ``<name>`` with the value (parsed
  as JSON when it is JSON), to window ``<index>`` or to all;
* each stderr line, as ``backend:error`` and as Oro's ``process-error``;
* the exit, as ``backend:exit`` (``{pid, code, signal}``) and as Oro's ``backend-exit`` (the
  exit code; 128 + the signal's number when a signal ended it).

Lines are read as the event bus takes them: while some page's event stream holds
:data:`_BACKLOG` events it has not taken, the host stops reading and the backend blocks on its
full pipe (for at most :data:`_BACKLOG_WAIT` per line: a page that reads nothing at all is then
dropped by the bus, as any too-slow subscriber is, rather than stalling the backend for every
page).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import shutil
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple, final
from urllib.parse import parse_qsl, urlencode, urlsplit

import anyio

from oro_framework import Host, StashKey
from oro_process.errors import backend_not_running, no_backend, spawn_error
from oro_process.settings import BackendSettings
from oro_process.state import STATE, ChildProcesses

if TYPE_CHECKING:
    from oro_process.children import Child

__all__ = ["BACKEND", "EVENTS", "BackendProcess", "Command"]

logger = logging.getLogger("oro_process.backend")

DATA_EVENT: Final = "backend:data"
ERROR_EVENT: Final = "backend:error"
EXIT_EVENT: Final = "backend:exit"
ORO_ERROR_EVENT: Final = "process-error"
ORO_EXIT_EVENT: Final = "backend-exit"
ORO_PROCESS_EXIT_EVENT: Final = "process-exit"
"""Oro's event for the backend's ``ipc://process.exit`` line."""
EVENTS: Final = (
    DATA_EVENT,
    ERROR_EVENT,
    EXIT_EVENT,
    ORO_ERROR_EVENT,
    ORO_EXIT_EVENT,
    ORO_PROCESS_EXIT_EVENT,
)
"""The page events the backend's output and exit become (the module's docstring); the events
its ``ipc://send`` lines name are the app's own."""
SHELL: Final = "/bin/sh"
CHILD_ID: Final = "backend"
_CHUNK: Final = 64 * 1024
_MAX_LINE: Final = 1 << 20
"""The longest line handed on whole: a longer one goes in pieces of this size, so a backend
that never writes a newline cannot grow the host's memory."""
_BACKLOG: Final = 64
"""Events a page's stream may hold not yet taken before reading pauses: with lines of up to
:data:`_MAX_LINE`, what the bus holds for a slow page stays bounded."""
_BACKLOG_WAIT: Final = 2.0
"""Seconds one line waits for a page's backlog before it is emitted anyway."""
_BACKLOG_POLL: Final = 0.01
_OPERATORS: Final = frozenset("|&;<>()$`*?[]{}~#\n")
"""Characters that mean shell syntax outside quotes (inside double quotes: ``$`` and the
backquote)."""
_ASSIGNMENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@final
class Command(NamedTuple):
    """How the backend's command line runs: ``executable`` with ``args``, ``shown`` as the
    program's name in errors. ``executable`` is ``None`` for a name PATH does not have."""

    executable: str | None
    shown: str
    args: list[str]

    @classmethod
    def parse(cls, line: str, *, cwd: Path, path_variable: str) -> Command:
        """Words run directly (better errors, the pid is the program's); anything with shell
        syntax, or quoting shlex cannot read, runs as ``/bin/sh -c <line>``, as Oro runs it."""
        words: list[str] | None
        try:
            words = shlex.split(line)
        except ValueError:
            words = None
        if not words or _needs_shell(line) or _ASSIGNMENT.match(words[0]):
            return cls(SHELL, SHELL, ["-c", line])
        program, *args = words
        if "/" in program:
            executable: str | None = os.path.normpath(cwd / program)
        else:
            found = shutil.which(program, path=path_variable)
            executable = None if found is None else os.path.abspath(found)
        return cls(executable, program, args)


def _needs_shell(line: str) -> bool:
    """Whether ``line`` uses the shell beyond quoting: an operator, redirection, expansion,
    glob or comment outside quotes, or an expansion inside double quotes."""
    quote = ""
    escaped = False
    for character in line:
        if escaped:
            escaped = False
        elif quote == "'":
            quote = "" if character == "'" else quote
        elif character == "\\":
            escaped = True
        elif quote == '"':
            if character in "$`":
                return True
            quote = "" if character == '"' else quote
        elif character in "'\"":
            quote = character
        elif character in _OPERATORS:
            return True
    return False


@final
class BackendProcess:
    """The host's one backend process, started on demand."""

    def __init__(self, host: Host, children: ChildProcesses, settings: BackendSettings) -> None:
        self.host = host
        self.children = children
        self.line = settings.cmd.strip()
        # Socket runs its cmd in the app's resources (src/runtime/cwd/cwd.cc:18-27, what the
        # build copied: `node backend/backend.js` names a file there); a cwd the app names is
        # relative to its own folder.
        self.cwd = (
            (host.app_dir / Path(settings.cwd).expanduser()).absolute()
            if settings.cwd
            else host.paths.resources.absolute()
        )
        self.extra_env = dict(settings.env)
        self.child: Child | None = None
        self._done = anyio.Event()
        self._lock = anyio.Lock()
        self.started = 0

    @classmethod
    def from_host(cls, host: Host) -> BackendProcess:
        """The backend of ``host``, whose children (``host.stash[STATE]``) it runs among."""
        return cls(host, host.stash[STATE], host.settings(BackendSettings))

    @property
    def declared(self) -> bool:
        return bool(self.line)

    @property
    def running(self) -> bool:
        return self.child is not None and self.child.status is None

    def status(self) -> dict[str, Any]:
        """``{declared, running, pid, cmd, path}``."""
        child = self.child
        return {
            "declared": self.declared,
            "running": self.running,
            "pid": None if child is None else child.pid,
            "cmd": self.line,
            "path": str(self.cwd),
        }

    def _environment(self) -> dict[str, str]:
        environ = self.host.environ
        names = sorted(self.children.policy.env_names & environ.keys())
        env = {name: environ[name] for name in names}
        env.update(self.extra_env)
        return env

    # ----------------------------------------------------------------------------------------
    # Open, close, write
    # ----------------------------------------------------------------------------------------

    async def open(self, *, force: bool = False) -> dict[str, Any]:
        """Start the backend unless it runs (``force``: stop it first, then start it);
        ``{cmd, argv, path, pid, running, started}`` (Oro's ``cmd``, ``argv``, ``path``).

        :raises NotFoundError: ``ERR_NO_BACKEND_CMD``: the app declares none.
        :raises SpawnError: the program does not start (``ENOENT``, ``EACCES``...).
        :raises ServiceUnavailableError: the app is stopping.
        """
        if not self.declared:
            raise no_backend()
        async with self._lock:
            started = False
            if force:
                await self._stop()
            if not self.running:
                # One that exited on its own is finished with (its task has reaped it) or is
                # about to be: wait for that, so two never overlap.
                if self.child is not None:
                    await self._done.wait()
                self._start()
                started = True
            child = self.child
            assert child is not None
            return {
                "cmd": self.line,
                "argv": "",
                "path": str(self.cwd),
                "pid": child.pid,
                "running": True,
                "started": started,
            }

    async def close(self) -> dict[str, Any]:
        """Stop the backend (its process group: SIGTERM, SIGKILL after ``kill_grace_ms``) and
        wait until it is reaped; ``{closed, pid}``: ``closed`` is false when none ran.

        :raises NotFoundError: ``ERR_NO_BACKEND_CMD``: the app declares none.
        """
        if not self.declared:
            raise no_backend()
        async with self._lock:
            child = self.child
            closed = await self._stop()
            return {"closed": closed, "pid": None if child is None else child.pid}

    async def write(self, data: bytes) -> int:
        """Write ``data`` to the backend's stdin; the bytes written, once the pipe took them.

        :raises NotFoundError: ``ERR_NO_BACKEND_CMD``.
        :raises InvalidStateError: ``ERR_BACKEND_NOT_RUNNING``.
        :raises BrokenPipeError: the backend closed its stdin.
        """
        if not self.declared:
            raise no_backend()
        child = self.child
        if child is None or not self.running or child.stdin is None:
            raise backend_not_running()
        async with child.write_lock:
            pipe = child.stdin
            if pipe is None:
                raise backend_not_running()
            try:
                return await pipe.write_all(data)
            except anyio.ClosedResourceError:
                raise backend_not_running() from None

    def _start(self) -> None:
        command = Command.parse(
            self.line, cwd=self.cwd, path_variable=self.host.environ.get("PATH", os.defpath)
        )
        if command.executable is None:
            raise spawn_error(
                FileNotFoundError(2, "No such file or directory"), command.shown, command.args
            )
        self._done = anyio.Event()
        self.child = self.children.start_detached(
            CHILD_ID,
            executable=command.executable,
            command=command.shown,
            args=command.args,
            cwd=str(self.cwd),
            env=self._environment(),
            run=self._run,
        )
        self.started += 1

    async def _stop(self) -> bool:
        """End the running backend and wait until its task has reaped it; whether one ran."""
        child = self.child
        if child is None:
            return False
        with anyio.CancelScope(shield=True):
            # Checked and signalled with no await between: an exited child is not reaped
            # before its task gets to it, so its group id is still its own.
            ran = child.poll_exit() is None
            if ran:
                child.signal_group(signal.SIGTERM)
                with anyio.move_on_after(self.children.settings.kill_grace_ms / 1000):
                    await child.exited.wait()
                if child.poll_exit() is None:
                    child.signal_group(signal.SIGKILL)
            await self._done.wait()
        return ran

    # ----------------------------------------------------------------------------------------
    # The process's life: output to events, exit
    # ----------------------------------------------------------------------------------------

    async def _run(self, child: Child) -> None:
        """Read the outputs into events until the child exits and they end (or the grace
        time passes: a process it left behind may hold them), then end its group, reap it and
        report the exit. Cancelled when the app stops: the group is ended all the same."""
        done = self._done
        try:
            async with anyio.create_task_group() as tasks:
                ended = [anyio.Event(), anyio.Event()]
                tasks.start_soon(self._pump, child, 1, ended[0])
                tasks.start_soon(self._pump, child, 2, ended[1])
                await child.watch()
                with anyio.move_on_after(self.children.settings.kill_grace_ms / 1000):
                    for event in ended:
                        await event.wait()
                tasks.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                try:
                    await self.children.end_detached(child)
                    self._report_exit(child)
                finally:
                    # Whatever happened, open and close must not wait on this one forever.
                    if self.child is child:
                        self.child = None
                    done.set()

    def _report_exit(self, child: Child) -> None:
        status = child.status
        if status is None:
            logger.warning("backend process %d survived SIGKILL", child.pid)
            return
        if status.code is not None:
            code = status.code
        else:
            try:
                code = 128 + int(signal.Signals[status.signal or ""])
            except KeyError:
                code = 128
        self.host.events.emit(
            EXIT_EVENT, {"pid": child.pid, "code": status.code, "signal": status.signal}
        )
        self.host.events.emit(ORO_EXIT_EVENT, code)

    async def _pump(self, child: Child, fd: int, ended: anyio.Event) -> None:
        """Lines of output ``fd`` as events, the last one also without a newline."""
        pipe = child.outputs.get(fd)
        pending = bytearray()
        try:
            while pipe is not None:
                data = await pipe.read(_CHUNK)
                if not data:
                    break
                pending += data
                while True:
                    newline = pending.find(b"\n", 0, _MAX_LINE)
                    if newline >= 0:
                        line, rest = pending[:newline], newline + 1
                    elif len(pending) >= _MAX_LINE:
                        line, rest = pending[:_MAX_LINE], _MAX_LINE
                    else:
                        break
                    text = bytes(line).decode("utf-8", "replace")
                    del pending[:rest]
                    await self._line(fd, text)
            if pending:
                await self._line(fd, bytes(pending).decode("utf-8", "replace"))
        finally:
            ended.set()

    async def _line(self, fd: int, text: str) -> None:
        text = text.removesuffix("\r")
        if fd == 2:
            await self._emit(ERROR_EVENT, text)
            self.host.events.emit(ORO_ERROR_EVENT, text)
        elif not (text.startswith("ipc://") and await self._message(text)):
            await self._emit(DATA_EVENT, text)

    async def _message(self, text: str) -> bool:
        """One of Oro's IPC messages from the backend; whether it was one this host knows."""
        parts = urlsplit(text)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        name = parts.netloc or parts.path.lstrip("/")
        value = params.get("value")
        if name == "send":
            event = params.get("event")
            if not event:
                return False
            window = _window(params.get("index"))
            await self._emit(event, _detail(value), window)
            return True
        if name == "heartbeat":
            # socket-node's heartbeat(): Socket answers it only to a caller waiting on a seq
            # (src/desktop/main.cc:760-765), which a backend line never has.
            return True
        if name in ("stdout", "stderr"):
            # Oro prints these on its own output: here they go to the host's log.
            level = logging.INFO if name == "stdout" else logging.WARNING
            logger.log(level, "backend: %s", value or "")
            return True
        if name == "process.exit":
            await self._emit(ORO_PROCESS_EXIT_EVENT, _detail(value))
            return True
        return False

    async def _emit(self, name: str, data: Any, window: int | None = None) -> None:
        events = self.host.events
        with anyio.move_on_after(_BACKLOG_WAIT):
            # Polled: the bus signals nothing when a subscriber takes an event.
            while events.backlog(window) >= min(_BACKLOG, events.buffer // 2):  # noqa: ASYNC110
                await anyio.sleep(_BACKLOG_POLL)
        events.emit(name, data, window=window)

    def diagnostics(self) -> dict[str, Any]:
        return {**self.status(), "started": self.started}


def _window(index: str | None) -> int | None:
    try:
        number = int(index) if index is not None else -1
    except ValueError:
        return None
    return number if number >= 0 else None


def _detail(value: str | None) -> Any:
    """Oro's detail: the value parsed as JSON when it is JSON, else the text."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def oro_message(window: int | None, event: str, value: str | None) -> str:
    """The line Oro writes to the backend's stdin for ``window.send({event, value, backend:
    true})``: ``ipc://process.write?index=<window>&event=<event>&value=<value>``."""
    params = {"index": str(-1 if window is None else window), "event": event}
    if value is not None:
        params["value"] = value
    return f"ipc://process.write?{urlencode(params)}\n"


BACKEND: Final = StashKey[BackendProcess]("child_process.backend")
"""The host's :class:`BackendProcess`, made by ``oro_configure``."""
