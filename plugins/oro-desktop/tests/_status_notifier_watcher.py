"""A StatusNotifierWatcher on the test's private session bus: what a panel (KDE's, waybar,
snixembed) runs so that apps' tray icons reach it, written here with jeepney because Debian 12
packages none that runs without a desktop. It speaks real D-Bus: it owns
``org.kde.StatusNotifierWatcher``, answers ``RegisterStatusNotifierItem`` and the watcher's
properties, and records which items registered. A client connection of its own lets a test act
as the panel: read an item's properties and menu, click a menu item, activate the icon.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    HeaderFields,
    MessageType,
    message_bus,
    new_error,
    new_method_call,
    new_method_return,
)
from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

WATCHER = "org.kde.StatusNotifierWatcher"
PROPERTIES = "org.freedesktop.DBus.Properties"


class Watcher:
    """The watcher's state, filled by its thread."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.registered = threading.Event()


@contextmanager
def status_notifier_watcher(address: str) -> Iterator[Watcher]:
    """A watcher owning its name on the bus at ``address`` until the block ends."""
    connection = open_dbus_connection(bus=address)
    reply = connection.send_and_get_reply(message_bus.RequestName(WATCHER, 0x4))
    assert reply.body[0] == 1, f"{WATCHER} is taken: {reply.body}"
    watcher = Watcher()
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                message = connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is not MessageType.method_call:
                continue
            connection.send(_answer(watcher, message))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield watcher
    finally:
        stopping.set()
        thread.join(timeout=10)
        connection.close()


def _answer(watcher: Watcher, message: Any) -> Any:
    fields = message.header.fields
    interface, member = fields.get(HeaderFields.interface), fields.get(HeaderFields.member)
    if interface == WATCHER and member == "RegisterStatusNotifierItem":
        name = message.body[0]
        # An item may name itself by its bus name or by its object path (then: the sender's).
        item = name if not name.startswith("/") else fields[HeaderFields.sender]
        watcher.items.append(item)
        watcher.registered.set()
        return new_method_return(message)
    if interface == WATCHER and member == "RegisterStatusNotifierHost":
        return new_method_return(message)
    if interface == PROPERTIES and member in ("Get", "GetAll"):
        values = {
            "RegisteredStatusNotifierItems": ("as", list(watcher.items)),
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
        }
        if member == "GetAll":
            return new_method_return(message, "a{sv}", (values,))
        return new_method_return(message, "v", (values[message.body[1]],))
    return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),))


class Panel:
    """What a panel does with an item, over a connection of its own (blocking calls)."""

    def __init__(self, address: str) -> None:
        self._connection = open_dbus_connection(bus=address)

    def close(self) -> None:
        self._connection.close()

    def call(
        self, service: str, path: str, interface: str, member: str, signature: str = "", *body: Any
    ) -> tuple[Any, ...]:
        """The body of the answer to ``member(*body)``; an error answer fails the test."""
        address = DBusAddress(path, bus_name=service, interface=interface)
        message = new_method_call(address, member, signature or None, body)
        reply = self._connection.send_and_get_reply(message, timeout=30)
        assert reply.header.message_type is MessageType.method_return, reply.body
        answer: tuple[Any, ...] = tuple(reply.body)
        return answer

    def has_owner(self, name: str) -> bool:
        reply = self._connection.send_and_get_reply(message_bus.NameHasOwner(name), timeout=30)
        return bool(reply.body[0])
