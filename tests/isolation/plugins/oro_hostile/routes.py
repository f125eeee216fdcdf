"""The routes of oro-hostile: each does what a faulty or hostile plugin might."""

from __future__ import annotations

import ctypes
import os
import select
import sys
from collections.abc import AsyncIterator
from typing import Any, Final

import anyio
import anyio.lowlevel

from oro_framework import ByteStream, EventStream, PermissionSpec, Request, RouteGroup

HOSTILE: Final = PermissionSpec("hostile", "Routes that misbehave, for the isolation tests.")
TICK: Final = "hostile.tick"


async def whoami(request: Request) -> dict[str, Any]:
    """What the process is and what it was given."""
    return {
        "pid": os.getpid(),
        "window": request.window,
        "transport": request.transport,
        "headers": dict(request.headers),
        "environ": sorted(os.environ),
        "params": dict(request.params),
    }


async def echo(request: Request) -> bytes:
    """The request body, as bytes."""
    return request.body


async def segfault(request: Request) -> None:
    """Read address 0: the process dies of SIGSEGV."""
    ctypes.string_at(0)


async def leave(request: Request) -> None:
    """Exit the process at once."""
    os._exit(3)


def allocate(request: Request) -> int:
    """Hold ``mib`` MiB at once."""
    held = bytearray(request.params.require_int("mib") << 20)
    return len(held)


def grow(request: Request) -> int:
    """Hold ``mib`` MiB, one touched MiB at a time (resident, not only reserved)."""
    held = [b"x" * (1 << 20) for _ in range(request.params.require_int("mib"))]
    return len(held)


async def spin(request: Request) -> None:
    """Never yield to the event loop."""
    while True:
        pass


async def wait(request: Request) -> None:
    """Wait until cancelled."""
    await anyio.sleep_forever()


def read_host(request: Request) -> dict[str, str]:
    """Try to read the host's memory and environment."""
    parent = os.getppid()
    outcome: dict[str, str] = {}
    for name in ("mem", "environ", "cmdline"):
        try:
            with open(f"/proc/{parent}/{name}", "rb") as file:
                file.read(64)
            outcome[name] = "read"
        except OSError as error:
            outcome[name] = type(error).__name__
    libc = ctypes.CDLL(None, use_errno=True)
    ptrace_attach = 16
    outcome["ptrace"] = "attached" if libc.ptrace(ptrace_attach, parent, 0, 0) == 0 else "refused"
    return outcome


def _channel() -> int:
    """The descriptor of the process's channel to the host (its first argument)."""
    return int(sys.argv[1])


async def garble(request: Request) -> None:
    """Write bytes that are no frame into the channel."""
    os.write(_channel(), b"\xff" * 16)
    await anyio.sleep_forever()


async def forge(request: Request) -> None:
    """Answer a call the host never made."""
    from oro_framework.host.isolation.wire import encode

    os.write(_channel(), encode({"t": "reply", "id": 10**9, "kind": "data", "data": 1}))
    await anyio.sleep_forever()


async def flood_raw(request: Request) -> None:
    """Write ``count`` emit frames straight into the channel, past what the process's own
    event bus would let through."""
    from oro_framework.host.isolation.wire import encode

    frame = encode({"t": "emit", "name": TICK, "data": 0, "window": None})
    _write_whole(frame * request.params.require_int("count"))
    await anyio.sleep_forever()


async def flood(request: Request) -> int:
    """Emit ``count`` page events as fast as it can."""
    count = request.params.require_int("count")
    for number in range(count):
        request.host.emit(TICK, number)
        if number % 256 == 0:
            await anyio.lowlevel.checkpoint()
    return count


def _write_whole(data: bytes) -> None:
    """Write ``data`` into the channel whole, on the loop's thread: nothing else of the
    process writes meanwhile."""
    left = memoryview(data)
    while left:
        try:
            left = left[os.write(_channel(), left) :]
        except BlockingIOError:
            select.select([], [_channel()], [])


async def pretend(request: Request) -> str:
    """Send the host a host event (a deep link), which is no plugin's to send, straight into
    the channel (the process's own bus would not forward it), then one it declared."""
    from oro_framework.host.isolation.wire import encode

    forged = {"url": "oro://login?token=forged"}
    _write_whole(encode({"t": "emit", "name": "applicationurl", "data": forged, "window": 0}))
    request.host.emit(TICK, "declared")
    return "sent"


async def count(request: Request) -> EventStream:
    """``to`` events."""
    to = request.params.require_int("to")

    async def items() -> AsyncIterator[Any]:
        for number in range(1, to + 1):
            yield {"n": number}

    return EventStream(items())


async def chunks(request: Request) -> ByteStream:
    """``count`` chunks of ``size`` bytes."""
    number = request.params.require_int("count")
    size = request.params.require_int("size")

    async def produce() -> AsyncIterator[bytes]:
        chunk = b"z" * size
        for _ in range(number):
            yield chunk

    return ByteStream(produce(), length=number * size)


ROUTES: Final = RouteGroup.guarded(
    HOSTILE,
    handlers={
        "hostile.whoami": whoami,
        "hostile.echo": echo,
        "hostile.segfault": segfault,
        "hostile.exit": leave,
        "hostile.allocate": allocate,
        "hostile.grow": grow,
        "hostile.spin": spin,
        "hostile.wait": wait,
        "hostile.readHost": read_host,
        "hostile.flood": flood,
        "hostile.floodRaw": flood_raw,
        "hostile.garble": garble,
        "hostile.forge": forge,
        "hostile.pretend": pretend,
        "hostile.count": count,
        "hostile.chunks": chunks,
    },
)
