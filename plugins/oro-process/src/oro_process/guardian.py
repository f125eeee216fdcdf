"""The guardian: a small shell process that outlives the host to end the process groups a
dying host leaves behind.

PR_SET_PDEATHSIG kills a *direct* child when the host dies, but not what that child started: a
grandchild (``sh -c 'server &'``) is in the child's process group and would live on, adopted by
init. So the host tells one ``/bin/sh`` (started at the first spawn, in a session of its own,
ignoring SIGINT, SIGTERM and SIGHUP) each group it owns (``+<pgid>``) and each group it has ended
(``-<pgid>``) through a pipe. When the host dies, however it dies, the kernel closes the pipe;
the guardian reads EOF, sends SIGTERM to every group still listed, waits the grace time, sends
SIGKILL, and exits. When the app stops normally every group has been ended and forgotten first,
so the guardian exits at once.

Limits: a process that leaves its group (``setsid``, a daemon's double fork) is out of reach,
as for the host itself; and a group whose every member exited in the instant between the host's
death and the guardian's signal could have its id reused, a window of milliseconds after pids
wrapped around.
"""

from __future__ import annotations

import logging
import os
import subprocess
from typing import Final, final

import anyio

__all__ = ["Guardian"]

logger = logging.getLogger("oro_process")

SHELL: Final = "/bin/sh"
_SCRIPT: Final = r"""
trap '' INT TERM HUP
groups=' '
while IFS= read -r line; do
  case $line in
    +*) groups="$groups${line#+} " ;;
    -*) kept=' '
        for group in $groups; do [ "$group" = "${line#-}" ] || kept="$kept$group "; done
        groups=$kept ;;
  esac
done
[ "$groups" = ' ' ] && exit 0
for group in $groups; do kill -s TERM -- "-$group" 2>/dev/null; done
sleep "$1"
for group in $groups; do kill -s KILL -- "-$group" 2>/dev/null; done
"""


@final
class Guardian:
    """The host's guardian process, started on first use."""

    def __init__(self, grace_seconds: float) -> None:
        self._grace = f"{grace_seconds:.3f}"
        self._popen: subprocess.Popen[bytes] | None = None
        self._pipe: int | None = None
        self.failed = False
        """It could not start or went away: PR_SET_PDEATHSIG is then the only safety net."""

    @property
    def pid(self) -> int | None:
        return None if self._popen is None else self._popen.pid

    def watch(self, pgid: int) -> None:
        """End group ``pgid`` if the host dies before it :meth:`forget` s it."""
        self._send(f"+{pgid}\n")

    def forget(self, pgid: int) -> None:
        """Group ``pgid`` was ended by the host."""
        if self._popen is not None:
            self._send(f"-{pgid}\n")

    def _send(self, line: str) -> None:
        if self.failed:
            return
        if self._pipe is None:
            self._start()
        if self._pipe is None:
            return
        try:
            # Lines are far shorter than PIPE_BUF: each write is whole or fails.
            os.write(self._pipe, line.encode("ascii"))
        except OSError as error:
            self._fail(f"cannot reach it ({error})")

    def _start(self) -> None:
        try:
            # Runs as long as the host: no PR_SET_PDEATHSIG (it must outlive the host), a session
            # of its own (a signal to the host's group or terminal does not reach it).
            self._popen = subprocess.Popen(
                [SHELL, "-c", _SCRIPT, "oro-process-guardian", self._grace],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                start_new_session=True,
                env={"PATH": "/usr/bin:/bin"},
            )
        except OSError as error:
            self._fail(f"cannot start {SHELL} ({error})")
            return
        assert self._popen.stdin is not None
        self._pipe = self._popen.stdin.fileno()
        os.set_blocking(self._pipe, False)

    def _fail(self, reason: str) -> None:
        self.failed = True
        logger.warning(
            "oro-process guardian: %s; children's own children are not ended if the host dies",
            reason,
        )

    async def close(self) -> None:
        """Let the guardian go (every group was ended and forgotten) and reap it."""
        popen = self._popen
        if popen is None:
            return
        self._popen = None
        self._pipe = None
        assert popen.stdin is not None
        popen.stdin.close()
        exited = os.pidfd_open(popen.pid)
        try:
            with anyio.move_on_after(10):
                await anyio.wait_readable(exited)
        finally:
            os.close(exited)
        if popen.poll() is None:
            logger.warning("oro-process guardian %d did not exit", popen.pid)
