"""Fixtures: a host with oro-process whose ``[process]`` allows the programs these tests run, and
what the tests look at real processes with (``/proc``, pidfds)."""

from __future__ import annotations

import base64
import contextlib
import os
import select
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import anyio
import oro_process.plugin
import pytest

from oro_framework import Host
from oro_framework.testing import MemoryClient, make_host, raise_for_error

PROCESS_PLUGINS = (oro_process.plugin,)
PATH = "/usr/local/bin:/usr/bin:/bin"
ENVIRON = {
    "PATH": PATH,
    "LANG": "C.UTF-8",
    "HOME": "/root",
    "SECRET_TOKEN": "must-not-reach-a-child",
}
"""The host's environment in these tests: PATH decides where names resolve."""
ALLOW = ["sh", "cat", "echo", "sleep", "head", "true", "env", "pwd", "/usr/bin/env"]
TRAMPOLINES = ["sh", "env", "/usr/bin/env"]
"""Programs of :data:`ALLOW` that run other programs, allowed with any arguments on purpose."""
CONFIG: dict[str, Any] = {
    "process.allow": ALLOW,
    "process.trampolines": TRAMPOLINES,
    "process.kill_grace_ms": 500,
}


@pytest.fixture
def oro_config() -> Mapping[str, Any]:
    return {}


@pytest.fixture
async def host(oro_config: Mapping[str, Any]) -> AsyncIterator[Host]:
    """A running host with oro-process, :data:`CONFIG` plus the test's ``oro_config``."""
    config = {**CONFIG, **oro_config}
    if "process.trampolines" not in oro_config:
        # A test's own allow keeps the trampolines it lists (one not on allow is an error).
        config["process.trampolines"] = [p for p in TRAMPOLINES if p in config["process.allow"]]
    async with make_host(PROCESS_PLUGINS, config=config, environ=ENVIRON) as h:
        yield h


@pytest.fixture
def client(host: Host) -> MemoryClient:
    return MemoryClient(host)


# --------------------------------------------------------------------------------------------
# Calling the routes
# --------------------------------------------------------------------------------------------


async def spawn(client: MemoryClient, command: str, *args: str, **options: Any) -> dict[str, Any]:
    answer: dict[str, Any] = raise_for_error(
        await client.call("child_process.spawn", command=command, args=list(args), **options)
    )
    return answer


async def read_all(client: MemoryClient, child_id: str, fd: int = 1) -> bytes:
    data = b""
    async for chunk in client.stream("child_process.output", id=child_id, fd=fd):
        data += chunk
    return data


async def run(client: MemoryClient, command: str, *args: str, **options: Any) -> dict[str, Any]:
    """``child_process.exec``'s answer with stdout and stderr decoded to bytes."""
    answer: dict[str, Any] = raise_for_error(
        await client.call("child_process.exec", command=command, args=list(args), **options)
    )
    answer["stdout"] = base64.b64decode(answer["stdout"])
    answer["stderr"] = base64.b64decode(answer["stderr"])
    return answer


# --------------------------------------------------------------------------------------------
# Real processes, seen from /proc
# --------------------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (a zombie runs nothing: it is gone for good)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def real(path: str | Path) -> str:
    return os.path.realpath(path)


def reaped(pid: int) -> bool:
    """No process ``pid`` at all, not even a zombie."""
    return not Path(f"/proc/{pid}").exists()


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                members.append(int(entry))
    return sorted(members)


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


@contextlib.contextmanager
def pidfds(*pids: int) -> Iterator[list[int]]:
    """pidfds of the processes, readable once each has exited (an event, no polling), owned by
    this context: all closed on leaving it, also when opening one of them failed
    (``ProcessLookupError``: that process is gone already)."""
    with contextlib.ExitStack() as owned:
        fds: list[int] = []
        for pid in pids:
            fd = os.pidfd_open(pid)
            owned.callback(os.close, fd)
            fds.append(fd)
        yield fds


async def exited(fds: list[int], seconds: float = 30) -> None:
    """Wait until every process behind ``fds`` (pidfds) has exited."""
    with anyio.fail_after(seconds):
        for fd in fds:
            await anyio.wait_readable(fd)


def exited_blocking(fds: list[int], seconds: float = 30) -> bool:
    """:func:`exited` for synchronous tests: whether all exited within ``seconds``."""
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    remaining = set(fds)
    deadline = time.monotonic() + seconds
    while remaining:
        left = deadline - time.monotonic()
        for fd, _ in poller.poll(max(0, int(left * 1000))):
            remaining.discard(fd)
            poller.unregister(fd)
        if left <= 0:
            break
    return not remaining
