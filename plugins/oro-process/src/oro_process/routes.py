"""The ``child_process.*`` routes: their handlers and :data:`ROUTES`, the group ``plugin.py``
adds. Every handler is an ``async def``: spawning must happen on the loop's thread (see
:mod:`.children`), and the rest waits on pipes and pidfds there."""

from __future__ import annotations

import base64
import contextlib
import errno as errno_module
import math
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final, final

import anyio

from oro_framework import (
    ByteStream,
    ErrnoError,
    InvalidArgumentError,
    MemoryBudget,
    MemoryReservation,
    OutOfMemoryError,
    OutOfRangeError,
    Request,
    RouteGroup,
)
from oro_process.errors import InvalidStateError, stdin_closed
from oro_process.permissions import CHILD_PROCESS
from oro_process.policy import check_private_args, parse_env
from oro_process.signals import parse_signal
from oro_process.state import STATE, ChildProcesses

if TYPE_CHECKING:
    from oro_process.children import Child

__all__ = ["CHUNK_BYTES", "ROUTES"]

CHUNK_BYTES: Final = 512 * 1024
"""The most one output chunk holds. A child writing fast fills its pipe (as large:
:data:`.pipes.PIPE_BYTES`) while the last chunk travels, so a read takes this much: one frame
per 512 KiB instead of one per 64 KiB, whose fixed cost (a frame, an await, a page's ``data``
event) made a 16 MiB output arrive at a sixth of the pipe's speed (bench/process.py). Not
1 MiB: a frame with its header would then pass the 1 MiB message limit of common WebSocket
clients."""
_LONG: Final = 30 * 24 * 3600.0
"""Seconds ``wait``, ``exec`` and ``write`` may take: as long as the child runs (the page
cancels them when it goes away)."""
_MAX_ID: Final = 256

Reply = dict[str, Any]


def _children(request: Request) -> ChildProcesses:
    return request.host.stash[STATE]


def _child(request: Request) -> Child:
    """The calling window's child ``id``: children are per window, and a request without a
    window (a worker, another process) has none (``ERR_NO_WINDOW``)."""
    window = request.require_window()
    return _children(request).get(window, request.params.require_str("id"))


def _strings(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidArgumentError.invalid(name, "a list of strings")
    for item in value:
        if "\0" in item:
            raise InvalidArgumentError(
                f"The argument '{name}' must be strings without null bytes",
                code="ERR_INVALID_ARG_VALUE",
                parameter=name,
            )
    return value


def _command_and_args(request: Request) -> tuple[str, list[str]]:
    """``command`` and the JSON list ``args``, or Oro's one ``args`` string of ``\\x01``-separated
    items whose first is the program."""
    params = request.params
    args = params.get("args")
    if params.get("command") is None:
        if not isinstance(args, str):
            raise InvalidArgumentError.missing("command")
        command, *rest = args.split("\x01")
        args = rest
    else:
        command = params.require_str("command")
        args = [] if args is None else args
    if not command or "\0" in command:
        raise InvalidArgumentError(
            "The argument 'command' must be a non-empty string without null bytes",
            code="ERR_INVALID_ARG_VALUE",
            parameter="command",
        )
    return command, _strings("args", args)


def _start(request: Request) -> Child:
    """Check the request against the policy and spawn the child (spawn and exec)."""
    window = request.require_window()
    params = request.params
    children = _children(request)
    policy = children.policy
    command, args = _command_and_args(request)
    child_id = params.get_str("id")
    if child_id is None:
        child_id = children.new_id()
    elif not child_id or len(child_id) > _MAX_ID:
        raise InvalidArgumentError.invalid("id", f"a string of 1-{_MAX_ID} characters")
    if params.get_bool("shell"):
        program = policy.shell()
        shown = program.rule
        argv = ["-c", " ".join([command, *args])]
    else:
        program = policy.program(command)
        shown = command
        argv = args
    program.check_args(argv)
    env = policy.environment(parse_env(params.get("env")), request.host.environ)
    grants = request.host.file_grants.of(window)
    cwd = policy.cwd(params.get_str("cwd"), request.host.paths, grants)
    check_private_args(argv, cwd)
    return children.start(
        window,
        child_id,
        executable=program.path,
        command=shown,
        args=argv,
        cwd=cwd,
        env=env,
        pipes=(
            params.get_bool("stdin", True),
            params.get_bool("stdout", True),
            params.get_bool("stderr", True),
        ),
        timeout_ms=params.get_int("timeout", 0, minimum=0),
        kill_signal=parse_signal(params.get("killSignal")),
    )


async def spawn(request: Request) -> Reply:
    """Start `command` with `args` (or Oro's `\\x01`-separated `args`) as the page's child
    `id`; `{id, pid}`."""
    child = _start(request)
    return {"id": child.id, "pid": child.pid}


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _fd(request: Request) -> int:
    fd = request.params.require_int("fd")
    if fd not in (1, 2):
        raise InvalidArgumentError.invalid("fd", "1 (stdout) or 2 (stderr)")
    return fd


@final
class _Output(AsyncIterator[bytes]):
    """The chunks of one output fd, read from the pipe only when the consumer asks for the
    next one. Holds the fd's one-reader claim until it ends or is closed."""

    def __init__(self, children: ChildProcesses, child: Child, fd: int) -> None:
        self._children = children
        self._child = child
        self._fd = fd
        self._done = False
        # The chunk handed on last, counted until the consumer asks for the next one.
        self._held = children.host.memory.reserve(0, purpose="child process output")
        child.reading.add(fd)
        child.abandoned.discard(fd)

    def __aiter__(self) -> _Output:
        return self

    async def __anext__(self) -> bytes:
        self._held.release()
        pipe = None if self._done else self._child.outputs.get(self._fd)
        if pipe is None:
            await self.aclose()
            raise StopAsyncIteration
        try:
            # Before the read: refused, the bytes stay in the pipe for a later reader.
            self._held.grow(CHUNK_BYTES)
        except OutOfMemoryError:
            await self.aclose()
            raise
        data = await pipe.read(CHUNK_BYTES)
        self._held.resize(len(data))
        if not data:
            self._child.end_output(self._fd)
            await self.aclose()
            raise StopAsyncIteration
        return data

    async def aclose(self) -> None:
        self._held.release()
        if self._done:
            return
        self._done = True
        child = self._child
        child.reading.discard(self._fd)
        if child.outputs.get(self._fd) is not None:
            # Closed before EOF: the page gave this output up, unless a later call reads on.
            child.abandoned.add(self._fd)
        self._children.maybe_drop(child)


async def output(request: Request) -> ByteStream:
    """Child `id`'s stdout (`fd` 1) or stderr (2) as a byte stream until EOF, read as the
    consumer pulls; one reader per fd at a time."""
    child = _child(request)
    fd = _fd(request)
    if fd in child.reading:
        raise InvalidStateError(
            f"{'stdout' if fd == 1 else 'stderr'} of child {child.id!r} has a reader already",
            code="ERR_CHILD_OUTPUT_BUSY",
            id=child.id,
        )
    return ByteStream(_Output(_children(request), child, fd))


# --------------------------------------------------------------------------------------------
# Input, signals, exit
# --------------------------------------------------------------------------------------------


async def write(request: Request) -> Reply:
    """Write the body to child `id`'s stdin; `{bytes}` once written; `end` closes stdin
    after."""
    child = _child(request)
    end = request.params.get_bool("end")
    async with child.write_lock:
        pipe = child.stdin
        if pipe is None:
            raise stdin_closed(child.id)
        try:
            written = await pipe.write_all(request.body)
        except BrokenPipeError:
            child.close_stdin()
            raise ErrnoError.for_socket(errno_module.EPIPE, "write") from None
        except anyio.ClosedResourceError:
            raise stdin_closed(child.id) from None
        if end:
            child.close_stdin()
    return {"bytes": written}


async def kill(request: Request) -> Reply:
    """Send `signal` (default SIGTERM) to child `id` (the process, not its group, as Node);
    `{killed}`: false once it has exited."""
    child = _child(request)
    number = parse_signal(request.params.get("signal"))
    return {"killed": child.signal(number)}


async def wait(request: Request) -> Reply:
    """Wait for child `id` to exit; `{code, signal, timedOut}`."""
    child = _child(request)
    await child.exited.wait()
    return _children(request).report_exit(child)


async def list_children(request: Request) -> list[dict[str, object]]:
    """The calling page's children: `[{id, pid, command, args}]`."""
    window = request.require_window()
    return [child.describe() for child in _children(request).of_window(window)]


# --------------------------------------------------------------------------------------------
# exec
# --------------------------------------------------------------------------------------------


def _max_buffer(request: Request, children: ChildProcesses) -> int:
    """The page's ``maxBuffer`` made safe: a number of bytes (or its text, ``"Infinity"``
    included), at most ``[process] max_buffer_limit_bytes`` and the host's memory budget;
    Infinity, NaN and negatives are that maximum. 0 stays 0, as in Node (any output is too
    much); none is ``max_buffer_bytes``.

    :raises InvalidArgumentError: neither a number nor a number's text.
    """
    settings = children.settings
    value = request.params.get("maxBuffer")
    if value is None:
        value = settings.max_buffer_bytes
    elif isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentError.invalid("maxBuffer", "a number of bytes or 'Infinity'")
    if value == 0:
        return 0
    return request.host.memory.clamp(value, settings.max_buffer_limit_bytes)


def _encoded_size(size: int) -> int:
    return 4 * math.ceil(size / 3)


def _encode(held: MemoryReservation, collected: dict[int, bytearray]) -> dict[str, str]:
    """``stdout`` and ``stderr`` in base64, their copies (bytes, then text) reserved first.

    :raises OutOfMemoryError: the budget cannot hold them.
    """
    held.grow(sum(2 * _encoded_size(len(data)) for data in collected.values()))
    return {
        "stdout": base64.b64encode(collected[1]).decode("ascii"),
        "stderr": base64.b64encode(collected[2]).decode("ascii"),
    }


def _out_of_memory(budget: MemoryBudget, error: OutOfMemoryError) -> OutOfMemoryError:
    return OutOfMemoryError(
        f"child_process.exec: the child was killed, its output would pass the host's memory "
        f"budget ({error.message})",
        requested=error.extra.get("requested"),
        available=error.extra.get("available"),
        limit=budget.limit,
    )


async def exec_(request: Request) -> Reply:
    """Run a child to completion (as spawn, plus `maxBuffer`), the request body as its whole
    stdin; `{pid, code, signal, timedOut, stdout, stderr}`, the outputs in base64."""
    children = _children(request)
    limit = _max_buffer(request, children)
    kill_signal = parse_signal(request.params.get("killSignal"))
    budget = request.host.memory
    collected = {1: bytearray(), 2: bytearray()}
    with budget.reserve(0, purpose="child process output") as held:
        child = _start(request)
        try:
            return await _run(children, child, request.body, limit, kill_signal, held, collected)
        except OutOfMemoryError as error:
            raise _out_of_memory(budget, error) from None
        finally:
            # Freed before the reservation is: an error's traceback would keep them alive.
            for data in collected.values():
                data.clear()


async def _feed(child: Child, stdin: bytes) -> None:
    """The input then end of file, as Node's spawnSync `input`: a child reading stdin is not
    left waiting. One that exits without reading it all is no error (EPIPE is ignored)."""
    pipe = child.stdin
    if pipe is None:
        return
    with contextlib.suppress(BrokenPipeError, anyio.ClosedResourceError):
        async with child.write_lock:
            await pipe.write_all(stdin)
    child.close_stdin()


async def _stop_once_timed_out(child: Child, scope: anyio.CancelScope) -> None:
    # As Node's exec: a child killed for its timeout is answered at its exit, even if a process
    # it started still holds the pipes open (that one is ended with the record).
    await child.exited.wait()
    if child.timed_out:
        scope.cancel()


async def _run(
    children: ChildProcesses,
    child: Child,
    stdin: bytes,
    limit: int,
    kill_signal: int,
    held: MemoryReservation,
    collected: dict[int, bytearray],
) -> Reply:
    """:func:`exec_` once the child started: collect both outputs into ``collected``, up to
    ``limit`` bytes each, every byte reserved in ``held`` before it is kept."""
    child.reading.update((1, 2))
    overflow: list[int] = []
    refused: list[OutOfMemoryError] = []

    async def collect(fd: int, scope: anyio.CancelScope) -> None:
        while (pipe := child.outputs.get(fd)) is not None:
            data = await pipe.read(CHUNK_BYTES)
            if not data:
                child.end_output(fd)
                return
            kept = data[: limit - len(collected[fd])]
            try:
                held.grow(len(kept))
            except OutOfMemoryError as error:
                refused.append(error)
                scope.cancel()
                return
            collected[fd] += kept
            if len(kept) < len(data):
                overflow.append(fd)
                scope.cancel()
                return

    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_feed, child, stdin)
            for fd in (1, 2):
                tasks.start_soon(collect, fd, tasks.cancel_scope)
            tasks.start_soon(_stop_once_timed_out, child, tasks.cancel_scope)
        if not overflow and not refused:
            await child.exited.wait()
            for fd in (1, 2):
                child.end_output(fd)
    except anyio.get_cancelled_exc_class():
        # The page gave up on the call (it went away or aborted it): the child goes too.
        children.end_child(child)
        raise
    finally:
        child.reading.difference_update((1, 2))
    if refused:
        # Not killSignal: the page did not choose this end, and the memory must come back.
        children.end_child(child)
        raise refused[0]
    if overflow:
        child.signal(kill_signal)
        for fd in (1, 2):
            child.end_output(fd)
        child.exit_reported = True
        children.maybe_drop(child)
        name = "stdout" if overflow[0] == 1 else "stderr"
        raise OutOfRangeError(
            f"{name} maxBuffer length exceeded",
            code="ERR_CHILD_PROCESS_STDIO_MAXBUFFER",
            maxBuffer=limit,
            encoding="base64",
            **_encode(held, collected),
        )
    # Reported before encoding: a refused encoding must not leave the record behind.
    exit_ = children.report_exit(child)
    return {"pid": child.pid, **exit_, **_encode(held, collected), "encoding": "base64"}


ROUTES: Final = RouteGroup.guarded(
    CHILD_PROCESS,
    handlers={
        "child_process.spawn": spawn,
        "child_process.exec": exec_,
        "child_process.output": output,
        "child_process.write": write,
        "child_process.kill": kill,
        "child_process.wait": wait,
        "child_process.list": list_children,
    },
    timeouts={
        "child_process.exec": _LONG,
        "child_process.wait": _LONG,
        "child_process.write": _LONG,
    },
)
"""Every ``child_process.*`` route, guarded by ``child_process``
(``[permissions] allow_child_process``); what runs is up to ``[process]``."""
