"""``oro dev``'s host log in its pages' consoles: the records of the host's and its plugins'
:mod:`logging` that the terminal of ``oro dev`` shows (warnings and errors; ``oro -v dev``
adds info, ``DEBUG=<part>`` that part's debug records) reach the developer tools' console of
every page of the app, as Vite's and Tauri's dev servers forward theirs: the page event
:data:`LOG_EVENT`, which ``oro:dev`` writes with ``console.debug``/``info``/``warn``/``error``
by level, each line starting with the logger's name. ``oro run`` and a built app have none of
this: only ``oro dev``'s host (:class:`~oro_framework.cli.dev_child.DevPlugin`) runs it.

Logs name paths and may hold secrets. They go to the app's windows only, each window's page
as an event of its own, never as a broadcast, which a page of the app's origin that proves no
window (another tab, a worker) would receive too; a page of another origin has no event
channel at all. What the host knows to be this launch's secrets (the session key, the HTTP IPC
bridge's key, launch tokens, window credentials, session cookies) is written
:data:`REDACTED` (:class:`Redactor`).

A record may be logged on any thread, as fast as a plugin likes: :class:`PageLogHandler`
only queues it (:data:`QUEUE_SIZE` at most: beyond that records are counted and dropped) and
wakes :func:`forward_logs` on the host's loop through a socket pair, never waiting for the
loop; the service sends the queue in batches, skips a window whose event channel is already
far behind (counted as dropped for it), and each batch says how many were dropped before it.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final, TypedDict, final

import anyio
import anyio.lowlevel
from anyio.abc import TaskStatus

from oro_framework.host.config import REDACTED
from oro_framework.host.launch import LAUNCH_PARAMETER, WINDOW_CREDENTIAL_PARAMETER
from oro_framework.web.security import SESSION_COOKIE

if TYPE_CHECKING:
    from oro_framework.host.app import Host

__all__ = [
    "LOG_EVENT",
    "QUEUE_SIZE",
    "REDACTED",
    "PageLogHandler",
    "Redactor",
    "forward_logs",
]

LOG_EVENT: Final = "devlog"
"""The page event carrying log records: ``{"records": [{"level", "logger", "message"}, ...],
"dropped": n}``, ``level`` one of ``debug``, ``info``, ``warning``, ``error``."""
QUEUE_SIZE: Final = 1000
"""Records waiting for the loop; more are counted and dropped rather than held."""
BATCH: Final = 100
"""Records in one event at most."""
MAX_MESSAGE: Final = 8000
"""Characters of one record's text (a traceback included) sent; the rest becomes ``…``."""

_SECRET_VALUES: Final = re.compile(
    rf"((?:{LAUNCH_PARAMETER}|{WINDOW_CREDENTIAL_PARAMETER}|{SESSION_COOKIE}[\w.-]*)=)"
    r"[^&;,\s'\"]+"
)
"""A launch token, a window credential or a session id written as a query parameter or a
cookie (a logged URL or header)."""
_WINDOW_CREDENTIAL: Final = re.compile(r"\b\d{1,4}\.[\w-]{22,64}\.[\w-]{43}", re.ASCII)
"""A window credential on its own (``X-Oro-Window``'s value), as
:class:`~oro_framework.host.launch.WindowCredentials` writes them."""


class LogRecordData(TypedDict):
    """One record as a page receives it."""

    level: str
    logger: str
    message: str


@final
class Redactor:
    """Writes this launch's secrets in a text as :data:`REDACTED`: the ``secrets`` given
    (keys the host holds) wherever they appear, and anything shaped as a launch token, window
    credential or session cookie value."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first: a key that contains another is replaced whole.
        known = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, known))) if known else None

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(REDACTED, text)
        text = _SECRET_VALUES.sub(lambda match: match.group(1) + REDACTED, text)
        return _WINDOW_CREDENTIAL.sub(REDACTED, text)


def _level(number: int) -> str:
    if number >= logging.ERROR:
        return "error"
    if number >= logging.WARNING:
        return "warning"
    return "info" if number >= logging.INFO else "debug"


def _shown_on(handlers: Sequence[logging.Handler]) -> Callable[[logging.LogRecord], bool]:
    """Whether one of ``handlers`` (the terminal's) handles a record that reached them: the
    pages get what the terminal shows, ``-v`` and ``DEBUG`` deciding for both. Without any,
    Python's last resort shows warnings and errors."""

    def is_shown(record: logging.LogRecord) -> bool:
        if not handlers:
            return record.levelno >= logging.WARNING
        return any(
            record.levelno >= handler.level and handler.filter(record) for handler in handlers
        )

    return is_shown


@final
class PageLogHandler(logging.Handler):
    """Queues the records :func:`_shown_on` lets through for :func:`forward_logs`; from any
    thread, never blocking on the host's loop.

    :param redact: what makes a record's text safe to show.
    :param wake: the socket a byte is written to when the queue was empty.
    """

    def __init__(self, redact: Redactor, wake: socket.socket) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))
        self._redact = redact
        self._wake = wake
        self._queue: collections.deque[LogRecordData] = collections.deque()
        self._dropped = 0
        self._is_wake_pending = False
        self._mutex = threading.Lock()
        """Guards the queue: emits are serialised by the handler's own lock already, but the
        loop takes from the queue meanwhile."""
        self.forwarding = threading.local()
        """``is_on`` while the loop sends a batch: a record logged by that sending (an event
        subscriber disconnected) would feed itself."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.forwarding, "is_on", False):
            return
        with self._mutex:
            if len(self._queue) >= QUEUE_SIZE:
                self._dropped += 1
                return
        # Formatted (a traceback, the arguments) and redacted here, off the loop.
        text = self._redact(self.format(record))
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        entry = LogRecordData(level=_level(record.levelno), logger=record.name, message=text)
        with self._mutex:
            self._queue.append(entry)
            is_waking = not self._is_wake_pending
            self._is_wake_pending = True
        if is_waking:
            # A full socket buffer already holds a wake-up.
            with contextlib.suppress(OSError):
                self._wake.send(b"\0")

    def take(self) -> tuple[list[LogRecordData], int]:
        """Up to :data:`BATCH` queued records and the count dropped since the last take; none
        and 0 once the queue is empty (the next record wakes the loop again)."""
        with self._mutex:
            records = [self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))]
            dropped, self._dropped = self._dropped, 0
            if not records and not dropped:
                self._is_wake_pending = False
            return records, dropped


@final
class _Sender:
    """Sends batches to each window's page, skipping a window whose channel lags."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._behind: dict[int, int] = {}
        """Records not sent to a window because its channel lagged, said in its next event."""

    def send(self, records: list[LogRecordData], dropped: int) -> None:
        events = self._host.events
        windows = events.subscribed_windows()
        self._behind = {
            window: count for window, count in self._behind.items() if window in windows
        }
        for window in sorted(windows):
            skipped = self._behind.pop(window, 0)
            # Logs are losable: a page whose stream would be disconnected as too slow (the
            # bus's buffer full) loses records instead.
            if events.backlog(window) > events.buffer // 2:
                self._behind[window] = skipped + len(records)
                continue
            if records or dropped or skipped:
                data = {"records": records, "dropped": dropped + skipped}
                events.emit(LOG_EVENT, data, window=window)


async def forward_logs(
    host: Host, secrets: Iterable[str], *, task_status: TaskStatus[None]
) -> None:
    """Send the log records the terminal shows to every window's page until cancelled
    (``oro dev``'s service ``dev.logs``).

    :param secrets: keys of this launch to redact (:class:`Redactor`).
    """
    root = logging.getLogger()
    is_shown = _shown_on(list(root.handlers))
    wake_reader, wake_writer = socket.socketpair()
    with wake_reader, wake_writer:
        wake_reader.setblocking(False)
        wake_writer.setblocking(False)
        handler = PageLogHandler(Redactor(secrets), wake_writer)
        handler.addFilter(is_shown)
        sender = _Sender(host)
        root.addHandler(handler)
        try:
            task_status.started()
            while True:
                await anyio.wait_readable(wake_reader)
                with contextlib.suppress(BlockingIOError):
                    wake_reader.recv(4096)
                while True:
                    records, dropped = handler.take()
                    if not records and not dropped:
                        break
                    handler.forwarding.is_on = True
                    try:
                        sender.send(records, dropped)
                    finally:
                        handler.forwarding.is_on = False
                    # A flood is sent a batch at a time, the pages' requests served between.
                    await anyio.lowlevel.checkpoint()
        finally:
            root.removeHandler(handler)
