"""What the notification tests share: a notification daemon the test drives, a host that
reaches the test's session bus, and waits on the host's events.

The daemon owns ``org.freedesktop.Notifications`` on a real (private) session bus, answers the
Desktop Notifications Specification's methods as a daemon does, and emits the signals a user's
click or dismissal makes a real one emit. Written with jeepney's blocking API in a thread of the
test process.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
from _desktop_app import Desktop
from anyio.streams.memory import MemoryObjectReceiveStream
from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import open_dbus_connection
from oro_desktop import plugin

from oro_framework import Event, Host
from oro_framework.testing import MemoryClient, make_host, raise_for_error

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
EMITTER = DBusAddress(PATH, interface=SERVICE)
HANG_GUARD = 60.0
"""Bounds a failing wait only; nothing here is timed."""
PRIMARY_OWNER = 1
DO_NOT_QUEUE = 4


@dataclass(frozen=True)
class Notified:
    """The arguments of one ``Notify`` call, and the id the daemon gave it."""

    dbus_id: int
    app_name: str
    replaces_id: int
    app_icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, Any]
    expire_timeout: int


class NotificationService:
    """``answers=False``: a hung daemon, which owns the name but never answers ``Notify``."""

    def __init__(self, address: str, *, answers: bool = True) -> None:
        self._answers = answers
        self._connection = open_dbus_connection(address)
        self._outgoing: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._notified: list[Notified] = []
        self.closed_by_call: list[int] = []
        self._thread = threading.Thread(target=self._serve, name="notification-service")

    @property
    def notified(self) -> list[Notified]:
        with self._lock:
            return list(self._notified)

    def click(self, dbus_id: int, key: str = "default") -> None:
        """What a daemon sends when the user clicks the notification (or its button ``key``)."""
        self._outgoing.put(new_signal(EMITTER, "ActionInvoked", "us", (dbus_id, key)))

    def dismiss(self, dbus_id: int) -> None:
        """What a daemon sends when the user closes the notification."""
        self._outgoing.put(new_signal(EMITTER, "NotificationClosed", "uu", (dbus_id, 2)))

    def start(self) -> None:
        reply = self._connection.send_and_get_reply(
            message_bus.RequestName(SERVICE, DO_NOT_QUEUE), timeout=10
        )
        assert reply.body == (PRIMARY_OWNER,), f"{SERVICE} is owned already: {reply.body}"
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)
        # Released before closing, so that the next test's service (or daemon) gets the name
        # at once instead of racing the bus's clean-up of this connection.
        self._connection.send_and_get_reply(message_bus.ReleaseName(SERVICE), timeout=10)
        self._connection.close()

    def _serve(self) -> None:
        # One thread does all the socket work: the blocking connection is not thread-safe.
        while not self._stopping.is_set():
            while not self._outgoing.empty():
                self._connection.send(self._outgoing.get())
            try:
                message = self._connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            if message.header.message_type is MessageType.method_call and self._answers:
                self._connection.send(self._answer(message))

    def _answer(self, call: Message) -> Message:
        member = call.header.fields.get(HeaderFields.member)
        if member == "Notify":
            app_name, replaces_id, app_icon, summary, body, actions, hints, timeout = call.body
            dbus_id = replaces_id or next(self._ids)
            with self._lock:
                self._notified.append(
                    Notified(
                        dbus_id,
                        app_name,
                        replaces_id,
                        app_icon,
                        summary,
                        body,
                        list(actions),
                        dict(hints),
                        timeout,
                    )
                )
            return new_method_return(call, "u", (dbus_id,))
        if member == "CloseNotification":
            (dbus_id,) = call.body
            self.closed_by_call.append(dbus_id)
            self._outgoing.put(new_signal(EMITTER, "NotificationClosed", "uu", (dbus_id, 3)))
            return new_method_return(call)
        if member == "GetCapabilities":
            return new_method_return(call, "as", (["actions", "body"],))
        if member == "GetServerInformation":
            return new_method_return(call, "ssss", ("oro-test", "oro", "1.0", "1.2"))
        return new_error(call, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))


@contextmanager
def notification_service(address: str, *, answers: bool = True) -> Iterator[NotificationService]:
    service = NotificationService(address, answers=answers)
    service.start()
    try:
        yield service
    finally:
        service.stop()


@asynccontextmanager
async def desktop_host(
    screen: Desktop, config: dict[str, Any] | None = None, app_dir: Path | None = None
) -> AsyncIterator[Host]:
    """A host with oro-desktop whose environment names the test's session bus (the plugin
    reads the host's environment, never ``os.environ``)."""
    environ = {"DBUS_SESSION_BUS_ADDRESS": screen.bus}
    async with make_host(plugins=[plugin], environ=environ, config=config, app_dir=app_dir) as host:
        yield host


async def next_event(events: MemoryObjectReceiveStream[Event], name: str) -> Event:
    with anyio.fail_after(HANG_GUARD):
        async for event in events:
            if event.name == name:
                return event
    raise AssertionError(f"the event stream ended before {name}")


async def eventually(condition: Callable[[], Any], what: str) -> Any:
    """``condition()``'s first truthy answer, for state another thread or process changes."""
    with anyio.fail_after(HANG_GUARD):
        while not (answer := condition()):
            # A checkpoint, not a pause: the next check runs once the loop (and its D-Bus
            # reader) had its turn, as soon as the state can have changed.
            await anyio.lowlevel.checkpoint()
    return answer


async def show(client: MemoryClient, **fields: Any) -> str:
    """``notification.show`` with ``fields`` as the JSON body oro:notification sends."""
    reply = await client.call("notification.show", body=json.dumps(fields).encode())
    notification_id: str = raise_for_error(reply)["id"]
    return notification_id
