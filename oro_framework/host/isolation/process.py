"""Starting an isolated plugin's process, and what the host reads of it from outside.

The process is a new interpreter (``python -m oro_framework.host.isolation_child``), never a
fork of the host: a fork would carry the host's memory into it (the session key, every
window's credential, the other plugins' state), which is what isolation keeps out. It gets one
end of a socket pair as its only inherited descriptor (stdin is ``/dev/null``; stdout and
stderr are the host's, so its log lines reach the terminal as an in-process plugin's do) and an
environment cut down to what a Python program needs to start (:func:`child_environment`): none
of the host's ``ORO_*`` variables, which may carry secrets (``ORO_HTTP_IPC_SHARED_KEY``), nor
anything else it was not given on purpose. The limits it runs under are set by the child itself
as its first act, before it imports the plugin (:mod:`oro_framework.host.isolation_child`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from typing import Final, final

__all__ = ["ChildProcess", "child_environment", "describe_exit", "protect_host"]

PR_SET_DUMPABLE: Final = 4

CHILD_MODULE: Final = "oro_framework.host.isolation_child"
CHILD_FLAG: Final = "--oro-isolated-plugin"
"""The first argument with which a frozen app's launcher runs an isolated plugin's process."""

_KEPT_VARIABLES: Final = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONWARNINGS",
        "VIRTUAL_ENV",
        "LD_LIBRARY_PATH",
        "XDG_DATA_DIRS",
        "XDG_CONFIG_DIRS",
    }
)
"""What the process keeps of the host's environment: finding Python, its packages and their
libraries, and the user's locale. ``LC_*`` too (:func:`child_environment`)."""


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of an isolated plugin's process: :data:`_KEPT_VARIABLES` and ``LC_*``
    of ``environ`` (``os.environ`` where the host's own lacks them: a test's host has an empty
    one). Its ``TMPDIR`` is set by the process itself, once it knows its folders."""
    kept = {
        name: value
        for source in (os.environ, environ)
        for name, value in source.items()
        if name in _KEPT_VARIABLES or name.startswith("LC_")
    }
    # The plugin imports there what it would import here: the host's own module path (a
    # system package's launcher puts the app's libraries on it, not in PYTHONPATH).
    kept["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if entry)
    return kept


def protect_host() -> None:
    """Make the host's memory unreadable to processes of the same user, before the first
    isolated plugin starts: not dumpable (``PR_SET_DUMPABLE`` 0), so that neither ``ptrace``
    nor ``/proc/<pid>/mem`` or ``environ`` reach it without ``CAP_SYS_PTRACE``, which the
    plugin's process drops. Linux's Yama (``ptrace_scope`` 1, Ubuntu's default) gives this for
    ``ptrace`` alone, and not every kernel has it. The programs the host starts are dumpable
    again (``execve`` resets it), its web engines included."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE)")


@final
class ChildProcess:
    """One started process of an isolated plugin and the host's end of its socket pair."""

    __slots__ = ("_process", "socket")

    def __init__(self, process: subprocess.Popen[bytes], host_end: socket.socket) -> None:
        self._process = process
        self.socket = host_end

    @classmethod
    def start(
        cls, module: str, plugin: str, *, environ: Mapping[str, str], limits: Mapping[str, int]
    ) -> ChildProcess:
        """Start the process for plugin ``plugin``, whose entry module is ``module``.

        :param limits: what the child sets on itself before importing anything of the plugin:
            ``memory`` (bytes of data it may allocate, ``RLIMIT_DATA``) and ``files`` (open
            descriptors, ``RLIMIT_NOFILE``).
        :raises OSError: the interpreter could not be started.
        """
        protect_host()
        host_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            # A frozen app's executable is its launcher, which starts the child on this flag.
            start = [CHILD_FLAG] if getattr(sys, "frozen", False) else ["-m", CHILD_MODULE]
            arguments = [
                sys.executable,
                *start,
                str(child_end.fileno()),
                module,
                plugin,
                *(f"{name}={value}" for name, value in sorted(limits.items())),
            ]
            process = subprocess.Popen(
                arguments,
                stdin=subprocess.DEVNULL,
                pass_fds=(child_end.fileno(),),
                env=dict(environ),
                close_fds=True,
            )
        except BaseException:
            host_end.close()
            raise
        finally:
            child_end.close()
        return cls(process, host_end)

    @property
    def pid(self) -> int:
        return self._process.pid

    def exit_status(self) -> int | None:
        """The process's exit status (negative: the signal that killed it), or ``None`` while
        it runs."""
        return self._process.poll()

    def kill(self) -> None:
        """Kill the process (``SIGKILL``: nothing it does can delay it) and reap it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def close(self) -> None:
        """Kill the process and close the host's end of the channel."""
        self.kill()
        self.socket.close()

    def resident_bytes(self) -> int | None:
        """The memory the process holds now (its resident set), or ``None`` once it is gone."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                pages = int(statm.read().split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return pages * os.sysconf("SC_PAGE_SIZE")


def describe_exit(status: int | None) -> str:
    """How a process ended, in a few words that follow its name or "which": ``was killed by
    signal SIGSEGV``, ``exited with status 3``, ``exited``."""
    if status is None:
        return "closed its channel"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = str(-status)
        return f"was killed by signal {name}"
    return f"exited with status {status}" if status else "exited"
