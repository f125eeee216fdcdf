"""The real ``oro`` command in a subprocess: its output lines as they come, the launch URL,
signals and the exit code."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

__all__ = [
    "LAUNCH_URL",
    "ORO",
    "OroProcess",
    "bridge_client",
    "headless_environ",
    "run_oro",
    "until",
]

T = TypeVar("T")

ORO: Final = Path(sys.executable).with_name("oro")
"""The ``oro`` script of the running interpreter's environment."""
LAUNCH_URL: Final = re.compile(r"http://127\.0\.0\.1:\d+/\?oro_launch=[\w-]+")
STDERR_TAIL_LINES: Final = 60


if TYPE_CHECKING:
    import httpx


class OroProcess:
    """``oro <arguments>`` with stdout read line by line on a thread of its own."""

    def __init__(
        self,
        *arguments: str,
        environ: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        executable: Path = ORO,
        cwd: Path | None = None,
    ) -> None:
        self.arguments = arguments
        self.timeout = timeout
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [str(executable), *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ if environ is None else environ),
            cwd=cwd,
        )
        self._errors: list[str] = []
        self._readers = [
            threading.Thread(target=target, daemon=True)
            for target in (self._read_stdout, self._read_stderr)
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def _read_stderr(self) -> None:
        # Read continuously: a full pipe would block the child (QtWebEngine logs a lot).
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._errors.append(line)

    def wait_for_line(self, pattern: str) -> str:
        """The next output line matching ``pattern`` (a regular expression)."""
        while True:
            try:
                line = self._queue.get(timeout=self.timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no line matching {pattern!r} within {self.timeout} s; got {self.lines}"
                ) from None
            if line is None:
                raise AssertionError(
                    f"oro exited ({self.process.wait()}) before printing {pattern!r}; "
                    f"stdout {self.lines}, stderr:\n{self.stderr()}"
                )
            self.lines.append(line)
            if re.search(pattern, line):
                return line

    def launch_url(self) -> str:
        line = self.wait_for_line(LAUNCH_URL.pattern)
        found = LAUNCH_URL.search(line)
        assert found is not None
        return found.group(0)

    def window_launch_url(self, path: str = "/", *, window: int = 0) -> str:
        """A single-use launch URL of ``path`` for window ``window``, derived from the run's
        launch URL (:meth:`launch_url`): each browser page opened on one is that window's
        page, holding its credential, as the host's own windows are. The run's own launch URL
        opens window 0 once; this opens it as often as a test needs."""
        from urllib.parse import parse_qs, urlsplit

        from oro_framework.host.launch import LAUNCH_PARAMETER, window_launch_url

        printed = [found.group(0) for line in self.lines if (found := LAUNCH_URL.search(line))]
        launch = urlsplit(printed[0] if printed else self.launch_url())
        token = parse_qs(launch.query)[LAUNCH_PARAMETER][0]
        origin = f"{launch.scheme}://{launch.netloc}"
        return window_launch_url(origin, token, path, window=window)

    def send_signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def wait(self) -> int:
        """The exit code, once the process ended and all its output was read."""
        code = self.process.wait(timeout=self.timeout)
        for reader in self._readers:
            reader.join(timeout=self.timeout)
        return code

    def stderr(self) -> str:
        """What the process wrote to stderr so far."""
        return "".join(self._errors)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> OroProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None = None, *_: object) -> None:
        ended = self.process.poll()
        self.kill()
        if kind is not None:
            # The test failed: what the app said is the first thing to read (pytest shows it).
            status = "still running" if ended is None else f"exit status {ended}"
            print(
                f"oro {' '.join(self.arguments)} ({status}); stderr's last lines:\n"
                + "".join(self._errors[-STDERR_TAIL_LINES:]),
                file=sys.stderr,
            )
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def headless_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment minus any display, so that ``oro run`` serves headless."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY") and not key.startswith("ORO_")
    }
    environ.update(extra or {})
    return environ


def run_oro(
    *arguments: str,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    timeout: float = 240.0,
    executable: Path = ORO,
) -> subprocess.CompletedProcess[str]:
    """``oro <arguments>`` run to its end (headless unless ``environ`` says otherwise), with its
    output as text; its exit code is the caller's to check."""
    return subprocess.run(
        [str(executable), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(headless_environ() if environ is None else environ),
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A loopback TCP port nothing listens on now (a server started next may bind it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def until(check: Callable[[], T], what: str, timeout: float = 60.0) -> T:
    """``check()``'s first truthy answer. Each check is a round trip to the running app or
    another real peer (no sleeping in between); the deadline only bounds a failure.

    :raises AssertionError: nothing truthy within ``timeout`` seconds; names ``what`` and the
        last answer.
    """
    deadline = time.monotonic() + timeout
    while not (answer := check()):
        assert time.monotonic() < deadline, f"{what} within {timeout} s (last: {answer!r})"
    return answer


def bridge_client(origin: str, key: str, *, timeout: float = 60.0) -> httpx.Client:
    """A client of a running app's HTTP IPC bridge at ``origin`` (``http.ipc.enable`` with the
    shared key ``key``), as a program beside the app calls its routes. Each request on a
    connection of its own: the server closes a keep-alive connection idle for 5 s
    (``web/wire/limits.py``), and a request sent on it just then is never answered, which
    httpx, unlike a browser, does not retry ("Server disconnected without sending a
    response")."""
    import httpx

    from oro_framework.web.security import BRIDGE_KEY_HEADER

    return httpx.Client(
        base_url=origin,
        headers={BRIDGE_KEY_HEADER: key},
        timeout=timeout,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
