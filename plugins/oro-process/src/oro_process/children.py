"""One child process: started in a process group of its own that dies with the host, watched
through a pidfd, signalled, and reaped.

Why each part:

* **Its own process group** (``start_new_session``): the host ends the child *and* whatever it
  started (``sh -c 'a & b'``) with one ``killpg``. A new session also keeps the terminal's
  Ctrl-C away from it: the host decides when children end.
* **PR_SET_PDEATHSIG = SIGKILL**: if the host dies without cleaning up (SIGKILL, a crash),
  the kernel kills the child. util-linux's ``setpriv --pdeathsig KILL`` sets it and then execs
  the program, so Popen can ``vfork`` (0.25 ms) where a ``preexec_fn`` would make it ``fork``
  and run Python in the child (6 ms with the loop blocked, measured in bench/process.py's
  process). Without ``setpriv`` the ``preexec_fn`` does it. Either way the signal follows the
  *thread* that forked, not the process, so :func:`spawn` must run on the event loop's thread,
  which lives as long as the host runs; never in a worker thread (anyio's and trio's
  ``open_process`` fork in one, and a worker thread that retires would kill the child).
* **Default signal dispositions**, as Node's children get (libuv resets them): a signal the
  host ignores (``nohup`` ignores SIGHUP; a shell's background job, SIGINT and SIGQUIT;
  pytest-xdist's workers, SIGINT) would stay ignored across ``exec``, and
  ``kill(child, 'SIGINT')`` would never end it. Only then does the ``preexec_fn`` run, with
  ``setpriv`` or without.
* **A pidfd** tells the loop when the child exits without a SIGCHLD handler or a thread.
* **Reaped late**: the exit status is read with ``WNOWAIT``, leaving the child a zombie until
  the host is done with its group. The zombie keeps its pid, and with it the group's id, from
  being reused, so a later ``killpg`` can only reach this child's group.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import field
from typing import Final, cast, final

import anyio

from oro_framework.records import record
from oro_process.pipes import PipeReader, PipeWriter
from oro_process.signals import signal_name

__all__ = ["Child", "ExitStatus", "spawn"]

_PR_SET_PDEATHSIG: Final = 1


@final
@record
class ExitStatus:
    """How the child ended: ``code`` when it exited, ``signal`` (a name) when a signal killed
    it."""

    code: int | None
    signal: str | None


@final
@record(frozen=False, eq=False)
class Child:
    """One running (or exited, not yet reaped) child process and the parent's pipe ends."""

    id: str
    window: int
    command: str
    args: list[str]
    popen: subprocess.Popen[bytes]
    pidfd: int
    stdin: PipeWriter | None
    outputs: dict[int, PipeReader | None]
    """fd 1 and 2: the read end, or ``None`` when not piped or once its EOF was read."""
    exited: anyio.Event = field(default_factory=anyio.Event)
    status: ExitStatus | None = None
    timed_out: bool = False
    exit_reported: bool = False
    reading: set[int] = field(default_factory=set)
    """The output fds a stream is reading now (one reader per fd)."""
    abandoned: set[int] = field(default_factory=set)
    """Output fds whose last reader stopped before EOF (the page destroyed the stream); a new
    reader takes the fd back."""
    write_lock: anyio.Lock = field(default_factory=anyio.Lock)
    reaped: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def outputs_done(self) -> bool:
        """Each output reached EOF, is not piped, or was given up by its reader."""
        return all(pipe is None or fd in self.abandoned for fd, pipe in self.outputs.items())

    def describe(self) -> dict[str, object]:
        return {"id": self.id, "pid": self.pid, "command": self.command, "args": self.args}

    # ----------------------------------------------------------------------------------------
    # Exit
    # ----------------------------------------------------------------------------------------

    def poll_exit(self) -> ExitStatus | None:
        """The exit status if the child has exited, without reaping it (``WNOWAIT``)."""
        if self.status is not None:
            return self.status
        if self.reaped:
            return None
        try:
            result = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return None
        if result is None:
            return None
        if result.si_code == os.CLD_EXITED:
            self.status = ExitStatus(result.si_status, None)
        else:
            self.status = ExitStatus(None, signal_name(result.si_status))
        self.exited.set()
        return self.status

    async def watch(self) -> None:
        """Return once the child has exited (its status set and :attr:`exited` set). Only one
        task may watch a child at a time."""
        while self.poll_exit() is None:
            await anyio.wait_readable(self.pidfd)

    def reap(self) -> None:
        """Collect the exited child (frees its pid) and close the pidfd. Idempotent."""
        if self.reaped:
            return
        self.reaped = True
        # Popen.wait, not os.waitpid: Popen must know, or its finaliser would wait for the pid
        # later, when it may be another child's.
        self.popen.wait()
        anyio.notify_closing(self.pidfd)
        os.close(self.pidfd)

    # ----------------------------------------------------------------------------------------
    # Signals
    # ----------------------------------------------------------------------------------------

    def signal(self, number: int) -> bool:
        """Send ``number`` to the child only (Node's ``kill``); ``False`` once it has exited."""
        if self.poll_exit() is not None:
            return False
        try:
            signal.pidfd_send_signal(self.pidfd, number)
        except ProcessLookupError:
            return False
        return True

    def signal_group(self, number: int) -> bool:
        """Send ``number`` to the child's whole process group; ``False`` if the group is empty.
        Safe only while the child is not reaped, or briefly after (see :mod:`.children`)."""
        try:
            os.killpg(self.pid, number)
        except ProcessLookupError:
            return False
        return True

    # ----------------------------------------------------------------------------------------
    # Pipes
    # ----------------------------------------------------------------------------------------

    def end_output(self, fd: int) -> None:
        pipe = self.outputs.get(fd)
        if pipe is not None:
            pipe.close()
            self.outputs[fd] = None

    def close_stdin(self) -> None:
        if self.stdin is not None:
            self.stdin.close()
            self.stdin = None

    def close_pipes(self) -> None:
        self.close_stdin()
        for fd in (1, 2):
            self.end_output(fd)


# --------------------------------------------------------------------------------------------
# Spawning
# --------------------------------------------------------------------------------------------


_Prctl = Callable[[int, int, int, int], int]


@functools.cache
def _prctl() -> _Prctl:
    # Looked up in the parent: after fork only the forking thread runs, so the child must not
    # need the dynamic loader's locks.
    function = ctypes.CDLL(None, use_errno=True).prctl
    function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    function.restype = ctypes.c_int
    return cast("_Prctl", function)


@functools.cache
def _setpriv() -> str | None:
    return shutil.which("setpriv", path=os.defpath + ":/usr/sbin:/sbin")


def _check_executable(path: str) -> None:
    """Raise the error ``execve(path)`` would give for a missing or non-executable program,
    because behind ``setpriv`` it would only be setpriv's exit status 127 (a program removed
    between this check and the exec still ends that way)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise OSError(error.errno, os.strerror(error.errno or errno.ENOENT), path) from None
    if stat.S_ISDIR(mode) or not os.access(path, os.X_OK):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)


_Disposition = Callable[[int, int], int]


@functools.cache
def _disposition() -> _Disposition:
    # libc's signal(), looked up in the parent for the same reason as prctl; Python's own
    # signal.signal would also update the interpreter's table, which exec drops anyway.
    function = ctypes.CDLL(None, use_errno=True).signal
    function.argtypes = [ctypes.c_int, ctypes.c_void_p]
    function.restype = ctypes.c_void_p
    return cast("_Disposition", function)


# Python's subprocess restores these itself (restore_signals=True).
_RESTORED_BY_POPEN: Final = frozenset(
    getattr(signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ") if hasattr(signal, name)
)


def _ignored_signals() -> tuple[int, ...]:
    """The signals this process ignores, which a child would inherit ignored."""
    return tuple(
        number
        for number in signal.valid_signals()
        if number not in (signal.SIGKILL, signal.SIGSTOP, *_RESTORED_BY_POPEN)
        and signal.getsignal(number) is signal.SIG_IGN
    )


def _in_child(
    parent: int,
    prctl: _Prctl | None,
    ignored: tuple[int, ...] = (),
    disposition: _Disposition | None = None,
) -> None:
    """Runs in the child between fork and exec: the signals the host ignores back to their
    default, and (without setpriv) the parent-death signal."""
    if disposition is not None:
        for number in ignored:
            disposition(number, int(signal.SIG_DFL))
    if prctl is None:
        return
    if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:
        # The host died between fork and prctl: nobody would kill this child later.
        os.kill(os.getpid(), signal.SIGKILL)


def spawn(
    child_id: str,
    window: int,
    *,
    executable: str,
    command: str,
    args: Sequence[str],
    cwd: str,
    env: dict[str, str],
    pipes: tuple[bool, bool, bool],
) -> Child:
    """Start ``executable`` with ``args`` (``argv[0]`` is ``command`` as the page named it, or
    the program's path when setpriv starts it). ``pipes`` says which of stdin, stdout, stderr
    are piped; the others are ``/dev/null``. Runs on the loop's thread (see the module's
    docstring): the fork is brief.

    :raises OSError: the program could not start (ENOENT, EACCES...); no descriptor leaks.
    :raises NotImplementedError: not Linux (PR_SET_PDEATHSIG and pidfds are Linux's).
    """
    if not sys.platform.startswith("linux"):
        raise NotImplementedError("oro-process runs child processes on Linux only")
    setpriv = _setpriv()
    if setpriv is not None:
        _check_executable(executable)
    # Each pipe end has one owner at every point: the child's ends are closed here once Popen
    # has dup2'd them; the parent's here too if anything fails, else by their PipeReader or
    # PipeWriter (and the pidfd by the Child).
    with ExitStack() as child_ends, ExitStack() as parent_ends:
        stdio: list[int] = []
        parent_fds: list[int | None] = []
        for index, piped in enumerate(pipes):
            if not piped:
                stdio.append(subprocess.DEVNULL)
                parent_fds.append(None)
                continue
            read_end, write_end = os.pipe()  # both close-on-exec; Popen dup2s the child's
            parent, child = (write_end, read_end) if index == 0 else (read_end, write_end)
            parent_ends.callback(os.close, parent)
            child_ends.callback(os.close, child)
            stdio.append(child)
            parent_fds.append(parent)
        ignored = _ignored_signals()
        reset = _disposition() if ignored else None
        preexec_fn: Callable[[], None] | None
        if setpriv is None:
            argv = [command, *args]
            preexec_fn = functools.partial(_in_child, os.getpid(), _prctl(), ignored, reset)
        else:
            argv = [setpriv, "--pdeathsig", "KILL", "--", executable, *args]
            preexec_fn = (
                functools.partial(_in_child, os.getpid(), None, ignored, reset) if ignored else None
            )
        popen = subprocess.Popen(
            argv,
            executable=executable if setpriv is None else None,
            stdin=stdio[0],
            stdout=stdio[1],
            stderr=stdio[2],
            cwd=cwd,
            env=env,
            close_fds=True,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        try:
            pidfd = os.pidfd_open(popen.pid)
        except OSError:
            # Cannot happen for our own unreaped child; kill rather than leave it unwatched.
            os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
            raise
        parent_ends.pop_all()
    stdin_fd, stdout_fd, stderr_fd = parent_fds
    stdin = PipeWriter(stdin_fd) if stdin_fd is not None else None
    stdout = PipeReader(stdout_fd) if stdout_fd is not None else None
    stderr = PipeReader(stderr_fd) if stderr_fd is not None else None
    return Child(
        child_id,
        window,
        command,
        list(args),
        popen,
        pidfd,
        stdin,
        {1: stdout, 2: stderr},
    )
