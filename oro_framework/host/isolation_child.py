"""The process an isolated plugin runs in (docs/design.md, "Isolated plugins").

``python -m oro_framework.host.isolation_child FD MODULE NAME memory=BYTES files=N``: ``FD`` is
its end of the socket pair the host made, ``MODULE`` the plugin's entry module. Before it
imports anything of the plugin it limits itself (:func:`limit_self`). Then, over the channel
(:mod:`oro_framework.host.isolation.wire`):

1. it imports the module and builds a declare-only host of it alone, and answers ``declared``:
   the plugin's permissions, config keys and the hooks it implements;
2. the host answers ``configure``: the plugin's config values (its own keys, the host's
   non-private ones), the app folder and the plugin's own folders. It builds a host of the
   plugin alone with them, as ``oro run`` would, and answers ``registered``: the routes, JS
   modules and page events the plugin registered;
3. it runs that host (the plugin's services start) and serves ``call``, ``cancel``, ``more``
   (stream credit), ``notify`` (a page closed, the app paused or resumed), ``ping`` and ``stop``,
   answering with ``reply``, ``event``, ``chunk`` and ``end``; what the plugin emits to pages
   goes to the host as ``emit``.

A failure before it serves is one ``failed`` message naming the phase and the error, then exit
status 1: the host marks the plugin broken with that reason. It exits when the host closes its
end.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import resource
import socket
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Final, final

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from oro_framework.host.app import Host
from oro_framework.host.envelope import ByteStream, EventStream, Reply
from oro_framework.host.errors import IPCError
from oro_framework.host.events import EventBus
from oro_framework.host.isolation import RUNNING_ISOLATED, codec
from oro_framework.host.isolation.channel import Channel, ChannelClosed
from oro_framework.host.isolation.wire import Message
from oro_framework.host.lifecycle import LifecycleEvent
from oro_framework.host.memory import MemoryReservation
from oro_framework.host.plugins import BUILTIN_PLUGIN
from oro_framework.host.private_files import hide_from_pages
from oro_framework.host.request import Request

__all__ = ["limit_self", "main"]

PR_SET_NO_NEW_PRIVS: Final = 38
CREDIT: Final = 16
"""Stream items a call may have in flight before the host asks for more (``more``): a page
that reads slowly holds the plugin's stream back instead of the host buffering it."""

OUTBOX: Final = 4096
"""Emitted events waiting for the channel; past it the oldest are dropped with a warning, as a
page's too-slow event subscriber is."""


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


_CAPABILITY_VERSION_3: Final = 0x20080522


def limit_self(limits: Mapping[str, int]) -> None:
    """What the process may use, set before the plugin's code runs, so it cannot lift them:
    the data it may allocate (``RLIMIT_DATA``: past it an allocation fails with
    ``MemoryError``), its open descriptors, no capabilities (an app run as root gives its
    plugin none: no ``CAP_SYS_PTRACE`` to read the host's memory, no ``CAP_DAC_OVERRIDE`` to
    read every file) and no new privileges (``PR_SET_NO_NEW_PRIVS``: no set-uid program it
    starts gains any)."""
    memory = limits.get("memory", 0)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    files = limits.get("files", 0)
    if files > 0:
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        ceiling = files if hard == resource.RLIM_INFINITY else min(files, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, ceiling))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    none = (_CapData * 2)()
    if libc.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), none) != 0:
        raise OSError(ctypes.get_errno(), "capset")


@final
class _ForwardingBus(EventBus):
    """The plugin's host's event bus: what the plugin emits goes to the real host, whose
    pages listen, instead of to subscribers here (there are none)."""

    def __init__(self, outbox: MemoryObjectSendStream[Message]) -> None:
        super().__init__()
        self._outbox = outbox
        self._dropping = False

    def _send(self, message: Message) -> None:
        try:
            self._outbox.send_nowait(message)
            self._dropping = False
        except anyio.WouldBlock:
            if not self._dropping:  # once per burst: a flood of lines would be one more flood
                self._dropping = True
                print(
                    f"isolated plugin: the channel to the host is {OUTBOX} events behind: "
                    f"event {message.get('name')!r} and the next ones are dropped",
                    file=sys.stderr,
                )
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass

    def _emit(self, name: str, data: Any, window: int | None) -> None:
        declaration = self.declared.reserving(name)
        if declaration is not None and declaration.plugin == BUILTIN_PLUGIN:
            return  # this host's own (its services' states): the real host says its own
        self._send({"t": "emit", "name": name, "data": data, "window": window})

    def _emit_when_subscribed(
        self, name: str, data: Any, window: int, memory: MemoryReservation | None
    ) -> None:
        if memory is not None:
            memory.release()
        self._send({"t": "emit", "name": name, "data": data, "window": window, "held": True})

    def _forget(self, window: int) -> None:
        self._send({"t": "forget", "window": window})


@final
class _Credit:
    """How many more stream items a call may send before the host asks for more."""

    __slots__ = ("_left", "_more")

    def __init__(self) -> None:
        self._left = CREDIT
        self._more = anyio.Event()

    def add(self, count: int) -> None:
        self._left += count
        self._more.set()

    async def take(self) -> None:
        while self._left <= 0:
            self._more = anyio.Event()
            await self._more.wait()
        self._left -= 1


@final
class _Server:
    """Serves the host's messages with the plugin's own running host."""

    def __init__(self, host: Host, channel: Channel, tasks: anyio.abc.TaskGroup) -> None:
        self.host = host
        self.channel = channel
        self.tasks = tasks
        self.scopes: dict[int, anyio.CancelScope] = {}
        self.credits: dict[int, _Credit] = {}

    async def serve(self) -> None:
        while True:
            try:
                message, body = await self.channel.receive()
            except ChannelClosed:
                return
            kind = message["t"]
            if kind == "call":
                self.tasks.start_soon(self.call, message, body)
            elif kind == "cancel":
                scope = self.scopes.get(message.get("id", -1))
                if scope is not None:
                    scope.cancel()
            elif kind == "more":
                credit = self.credits.get(message.get("id", -1))
                if credit is not None:
                    credit.add(int(message.get("n", 1)))
            elif kind == "ping":
                await self.channel.send({"t": "pong", "n": message.get("n")})
            elif kind == "notify":
                await self.notify(message)
            elif kind == "stop":
                return

    async def notify(self, message: Message) -> None:
        hook = message.get("hook")
        if hook == "oro_page_closed":
            self.host.hooks.page_closed(self.host, int(message["window"]))
        elif hook == "oro_lifecycle_event":
            event = LifecycleEvent(message["event"])
            if event is LifecycleEvent.PAUSED:
                await self.host.pause()
            elif event is LifecycleEvent.RESUMED:
                await self.host.resume()

    def grant(self, window: int, grants: list[list[Any]]) -> None:
        """The calling page's file grants as the host has them now (``host.file_grants``)."""
        self.host.file_grants.revoke(window)
        for path, is_directory, is_writable in grants:
            self.host.file_grants.grant(
                window, str(path), is_directory=bool(is_directory), is_writable=bool(is_writable)
            )

    async def call(self, message: Message, body: bytes) -> None:
        call_id = int(message["id"])
        request = Request(
            str(message["route"]),
            host=self.host,
            params=message.get("params"),
            body=body,
            headers=message.get("headers"),
            window=message.get("window"),
            transport=str(message.get("transport", "memory")),
            id=str(message.get("rid", "0")),
            by_bridge_key=bool(message.get("bridge")),
        )
        if request.window is not None:
            self.grant(request.window, message.get("grants", ()))
        with anyio.CancelScope() as scope:
            self.scopes[call_id] = scope
            try:
                reply = await self.host.router.dispatch(request)
                await self.answer(call_id, reply)
            except ChannelClosed:
                pass
            finally:
                self.scopes.pop(call_id, None)
                self.credits.pop(call_id, None)

    async def answer(self, call_id: int, reply: Reply) -> None:
        head: Message = {"t": "reply", "id": call_id, "kind": reply.kind}
        if reply.error is not None:
            await self.channel.send({**head, **codec.error_out(reply.error)})
        elif reply.body is not None:
            await self.channel.send(head, reply.body)
        elif isinstance(reply.stream, EventStream | ByteStream):
            await self.stream(call_id, head, reply.stream)
        else:
            await self.channel.send({**head, "data": reply.data})

    async def stream(self, call_id: int, head: Message, stream: EventStream | ByteStream) -> None:
        credit = self.credits[call_id] = _Credit()
        items = stream.events if isinstance(stream, EventStream) else stream.chunks
        if isinstance(stream, ByteStream):
            head = {**head, "media_type": stream.media_type, "length": stream.length}
        await self.channel.send(head)
        end: Message = {"t": "end", "id": call_id}
        try:
            if isinstance(stream, ByteStream):
                # Chunks ready together cross in one frame (one credit): see send_chunks.
                await self.channel.send_chunks(
                    {"t": "chunk", "id": call_id}, stream.chunks, credit.take
                )
            else:
                async for item in stream.events:
                    await credit.take()
                    await self.channel.send({"t": "event", "id": call_id, **codec.event_out(item)})
        except IPCError as error:
            end["error"] = codec.error_out(error)
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()
        await self.channel.send(end)


def _declare(module: ModuleType, scratch: Path) -> tuple[str, Message]:
    host = Host(
        scratch,
        plugins=[module],
        autoload=False,
        use_config_file=False,
        environ={},
        declare_only=True,
        load_backend=False,
        data_dir=scratch / "data",
        cache_dir=scratch / "cache",
        temp_dir=scratch / "temp",
        state_dir=scratch / "state",
    )
    name = next(info.name for info in host.plugins if info.module == module.__name__)
    permissions = [permission for permission in host.permissions if permission.plugin == name]
    # Declaring a permission declares its permissions.allow_<name> key: the host does too.
    implied = {f"permissions.allow_{permission.name}" for permission in permissions}
    keys = [key for key in host.config_keys if key.plugin == name and key.name not in implied]
    declared: Message = {
        "t": "declared",
        "name": name,
        "hooks": list(host.plugin_info(name).hooks),
        "permissions": codec.permissions_out(permissions),
        "config": codec.config_keys_out(keys),
    }
    host.close()
    return name, declared


def _build(module: ModuleType, message: Message) -> Host:
    paths = {key: Path(value) for key, value in message["paths"].items()}
    for hidden in message.get("hidden", ()):
        hide_from_pages(Path(hidden))  # the host's state folder, hidden here as there
    # Its temporary files go to a folder of its own, not a /tmp every process shares.
    paths["temp"].mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = tempfile.tempdir = str(paths["temp"])
    return Host(
        Path(message["app_dir"]),
        plugins=[module],
        autoload=False,
        use_config_file=False,
        config=message["config"],
        environ=dict(os.environ),
        load_backend=False,
        resolve_secrets=False,
        data_dir=paths["data"],
        cache_dir=paths["cache"],
        temp_dir=paths["temp"],
        state_dir=paths["state"],
    )


def _registered(host: Host, name: str) -> Message:
    return {
        "t": "registered",
        "routes": [codec.route_out(route) for route in host.routes if route.plugin == name],
        "js_modules": codec.js_modules_out(host.js_modules, name),
        "events": codec.page_events_out(host.events.declared, name),
        "services": [service.name for service in host.services if service.plugin == name],
    }


async def _pump(channel: Channel, outbox: MemoryObjectReceiveStream[Message]) -> None:
    async for message in outbox:
        await channel.send(message)


async def _failed(channel: Channel, phase: str, error: BaseException) -> int:
    await channel.send({"t": "failed", "phase": phase, "error": f"{type(error).__name__}: {error}"})
    return 1


async def serve(sock: socket.socket, module_name: str) -> int:
    """Declare, build and run the plugin of ``module_name`` for the host at ``sock``'s end."""
    channel = await Channel.over(sock)
    try:
        with tempfile.TemporaryDirectory(prefix="oro-isolated-") as scratch:
            module = importlib.import_module(module_name)
            name, declared = _declare(module, Path(scratch))
    except Exception as error:
        return await _failed(channel, "import", error)
    await channel.send(declared)
    try:
        message, _ = await channel.receive()
    except ChannelClosed:
        return 0
    try:
        host = _build(module, message)
    except Exception as error:
        return await _failed(channel, "configure", error)
    send, receive = anyio.create_memory_object_stream[Message](OUTBOX)
    bus = _ForwardingBus(send)
    bus.declared = host.events.declared
    host.events = bus
    await channel.send(_registered(host, name))
    async with anyio.create_task_group() as tasks:
        await tasks.start(host.run)
        tasks.start_soon(_pump, channel, receive)
        await _Server(host, channel, tasks).serve()
        host.stop()
        tasks.cancel_scope.cancel()
    return 0


def main(argv: list[str]) -> int:
    fd, module_name, _name, *options = argv
    limit_self({key: int(value) for key, _, value in (o.partition("=") for o in options)})
    RUNNING_ISOLATED.set()
    sock = socket.socket(fileno=int(fd))
    return anyio.run(serve, sock, module_name, backend="trio")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
