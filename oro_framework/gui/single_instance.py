"""One running copy of an app per user: a second launch hands its deep links to the first.

The first ``oro run`` of an app (``meta.bundle_identifier``) takes an exclusive ``flock`` on
``<bundle>.lock`` and listens on the Unix socket ``<bundle>.sock`` beside it, in a directory only
its user can enter (``$XDG_RUNTIME_DIR/oro``, else ``<tmp>/oro-<uid>``). A later launch that
finds the lock taken connects, sends one JSON line ``{"urls": [...]}`` and waits for ``ok``; the
running app focuses its main window and gives each URL of its own protocol handlers to its pages
as ``applicationurl``. No network is involved, and a peer of another user is refused (the
directory's mode, then ``SO_PEERCRED``). The lock dies with its process, so a crashed run leaves
nothing that blocks the next one: its stale socket file is replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import socket
import struct
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Final, final

import anyio
import anyio.abc

from oro_framework.host.errors import SingleInstanceError

__all__ = [
    "MAX_MESSAGE_BYTES",
    "InstanceLock",
    "SingleInstanceError",
    "acquire_or_hand_over",
    "encode_message",
    "instance_directory",
    "parse_message",
    "serve_hand_overs",
]

logger = logging.getLogger("oro_framework.single_instance")

MAX_MESSAGE_BYTES: Final = 64 * 1024
"""The largest hand-over message a running app reads; a longer one is dropped."""
MESSAGE_TIMEOUT: Final = 5.0
"""Seconds a peer has to send its message (and a launch to get its answer)."""
_SUN_PATH_LIMIT: Final = 100
_OK: Final = b"ok\n"


def instance_directory(environ: dict[str, str] | None = None) -> Path:
    """The user's directory for instance sockets, created ``0700`` when missing.

    :raises SingleInstanceError: it belongs to another user or others may enter it.
    """
    values = os.environ if environ is None else environ
    runtime = values.get("XDG_RUNTIME_DIR")
    uid = os.getuid()
    base = Path(runtime) / "oro" if runtime else Path(tempfile.gettempdir()) / f"oro-{uid}"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = base.lstat()
    if status.st_uid != uid or status.st_mode & 0o077 or base.is_symlink():
        raise SingleInstanceError(
            f"{base} is not a private directory of user {uid} (owner {status.st_uid}, mode "
            f"{status.st_mode & 0o777:o}): refusing to use its single-instance socket; remove "
            "it or set XDG_RUNTIME_DIR"
        )
    return base


def _names(directory: Path, bundle_identifier: str) -> tuple[Path, Path]:
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", bundle_identifier)
    if len(str(directory / stem)) + len(".sock") > _SUN_PATH_LIMIT:
        stem = hashlib.sha256(bundle_identifier.encode()).hexdigest()[:16]
    if len(str(directory / stem)) + len(".sock") > _SUN_PATH_LIMIT:
        raise SingleInstanceError(
            f"{directory} is too long a path for a Unix socket (at most {_SUN_PATH_LIMIT} "
            "bytes with the socket's name): set XDG_RUNTIME_DIR to a shorter directory"
        )
    return directory / f"{stem}.sock", directory / f"{stem}.lock"


@final
class InstanceLock:
    """The right to be an app's running copy, held from :meth:`acquire` to :meth:`release`.

    :ivar socket_path: where the running copy listens.
    """

    def __init__(self, bundle_identifier: str, directory: Path | None = None) -> None:
        self.socket_path, self._lock_path = _names(
            directory or instance_directory(), bundle_identifier
        )
        self._descriptor: int | None = None

    def acquire(self) -> bool:
        """Take the lock; ``False`` when another process of this user holds it."""
        descriptor = os.open(
            self._lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
        )
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        self._descriptor = descriptor
        # Whoever held the lock before is gone: its socket file only misleads.
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        return True

    def release(self) -> None:
        if self._descriptor is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        os.close(self._descriptor)
        self._descriptor = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def acquire_or_hand_over(lock: InstanceLock, urls: Sequence[str], *, timeout: float = 10.0) -> bool:
    """Become the app's running copy, or give ``urls`` to the one there is and wait for its
    ``ok``.

    The running copy may still be starting (it holds the lock before it listens) or be exiting
    (it stopped listening but still holds the lock): both are waited for, and a copy that exits
    meanwhile leaves the lock to this launch.

    :returns: ``True`` when this process now holds ``lock`` (it is the app), ``False`` when the
        running copy took ``urls``.
    :raises SingleInstanceError: the lock stayed taken and nothing answered within ``timeout``.
    """
    message = encode_message(urls)
    deadline = time.monotonic() + timeout
    while True:
        if lock.acquire():
            return True
        if _send(lock.socket_path, message):
            return False
        if time.monotonic() >= deadline:
            raise SingleInstanceError(
                f"another copy of this app holds its single-instance lock but did not answer "
                f"on {lock.socket_path} within {timeout:.0f} s"
            )
        time.sleep(0.05)


def _send(socket_path: Path, message: bytes) -> bool:
    """Whether the copy listening on ``socket_path`` took ``message``; ``False`` when nothing
    listens there yet (or any more) or it hung up without answering."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(MESSAGE_TIMEOUT)
            connection.connect(str(socket_path))
            connection.sendall(message)
            return connection.recv(len(_OK)) == _OK
    except (FileNotFoundError, ConnectionError, TimeoutError):
        return False


def _peer_uid(connection: anyio.abc.SocketStream) -> int:
    raw = connection.extra(anyio.abc.SocketAttribute.raw_socket)
    credentials = raw.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return int(uid)


async def _read_line(connection: anyio.abc.SocketStream) -> bytes | None:
    received = b""
    while b"\n" not in received:
        chunk = await connection.receive(4096)
        received += chunk
        if len(received) > MAX_MESSAGE_BYTES:
            return None
    return received.split(b"\n", 1)[0]


def encode_message(urls: Sequence[str]) -> bytes:
    """The hand-over message a launch sends: one JSON line ``{"urls": [...]}``."""
    return json.dumps({"urls": list(urls)}).encode() + b"\n"


def parse_message(line: bytes) -> list[str] | None:
    """The URLs of a hand-over message, ``None`` when it is not one."""
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        # ValueError: not UTF-8 or not JSON; RecursionError: nesting deeper than the parser's
        # stack, which fits in far fewer bytes than the cap ("[" * 60_000).
        return None
    urls = message.get("urls") if isinstance(message, dict) else None
    if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
        return None
    return urls


async def serve_hand_overs(
    lock: InstanceLock,
    receive: Callable[[list[str]], Awaitable[None]],
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Listen on the lock's socket until cancelled, awaiting ``receive(urls)`` on the loop for
    each launch that hands over. A bad peer (another user, an oversized, malformed or slow
    message) is dropped with a log line; the app goes on."""
    listener = await anyio.create_unix_listener(lock.socket_path)
    os.chmod(lock.socket_path, 0o600)

    async def handle(connection: anyio.abc.SocketStream) -> None:
        async with connection:
            try:
                if _peer_uid(connection) != os.getuid():
                    logger.warning("refused a hand-over from another user")
                    return
                with anyio.fail_after(MESSAGE_TIMEOUT):
                    line = await _read_line(connection)
            except (TimeoutError, anyio.EndOfStream, anyio.BrokenResourceError, OSError) as error:
                logger.warning("dropped a hand-over: %s", error or type(error).__name__)
                return
            urls = parse_message(line) if line is not None else None
            if urls is None:
                logger.warning("dropped a malformed or oversized hand-over message")
                return
            try:
                await receive(urls)
            except Exception:
                # The launch was taken (asking again would not help); the app must go on.
                logger.exception("a hand-over could not be delivered")
            with contextlib.suppress(anyio.BrokenResourceError, OSError):
                await connection.send(_OK)

    async with listener:
        task_status.started()
        await listener.serve(handle)
