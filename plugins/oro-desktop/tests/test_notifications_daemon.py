"""Desktop notifications shown by a real notification server: Debian's ``notification-daemon``
(GNOME's reference daemon) on the test's X display and private session bus."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from _desktop_app import Desktop, until
from _notification_service import desktop_host, eventually, next_event, show
from jeepney import DBusAddress, message_bus, new_method_call
from jeepney.io.blocking import open_dbus_connection
from oro_desktop.state import STATE

from oro_framework.testing import MemoryClient, raise_for_error

pytestmark = pytest.mark.anyio

DAEMON = Path("/usr/lib/notification-daemon/notification-daemon")
SERVICE = "org.freedesktop.Notifications"
ADDRESS = DBusAddress("/org/freedesktop/Notifications", bus_name=SERVICE, interface=SERVICE)


@pytest.fixture(scope="module")
def daemon(screen: Desktop) -> Iterator[subprocess.Popen[bytes]]:
    if not DAEMON.is_file():
        pytest.fail(f"{DAEMON} is missing: apt-get install notification-daemon")
    process = screen.start(str(DAEMON))
    try:
        with open_dbus_connection(screen.bus) as bus:

            def owned() -> bool:
                assert process.poll() is None, f"notification-daemon exited ({process.returncode})"
                reply = bus.send_and_get_reply(message_bus.NameHasOwner(SERVICE), timeout=10)
                return bool(reply.body[0])

            until(owned, f"notification-daemon owns {SERVICE}")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


async def test_shown_listed_and_closed_by_the_real_daemon(
    screen: Desktop, daemon: subprocess.Popen[bytes]
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        notifications = host.stash[STATE].notifications
        await show(client, id="n1", title="Hello from oro", body="A real notification daemon")
        presented = await next_event(events, "notificationpresented")
        listed = raise_for_error(await client.call("notification.list"))
        closed = raise_for_error(await client.call("notification.close", id="n1"))
        close_event = await next_event(events, "notificationclose")
        after = raise_for_error(await client.call("notification.list"))
        # The daemon answers CloseNotification with its NotificationClosed signal.
        await eventually(lambda: notifications.diagnostics()["bus"]["signals"], "the signal")
        server = await eventually(
            lambda: notifications.diagnostics()["bus"]["server"], "the server's description"
        )
    assert presented.data == {"id": "n1"}
    assert [entry["id"] for entry in listed] == ["n1"]
    assert closed == {"id": "n1", "closed": True}
    assert close_event.data == {"id": "n1", "reason": "closed"}
    assert after == []
    assert server["name"] == "Notification Daemon"


async def test_closed_elsewhere_the_real_daemons_signal_takes_it_off_the_list(
    screen: Desktop, daemon: subprocess.Popen[bytes]
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(client, id="n2", title="Closed by someone else", requireInteraction=True)
        await next_event(events, "notificationpresented")
        dbus_id = host.stash[STATE].notifications.diagnostics()["daemonIds"]["n2"]
        # Another client of the daemon closes it: only the daemon's signal tells the app.
        with open_dbus_connection(screen.bus) as other:
            other.send_and_get_reply(
                new_method_call(ADDRESS, "CloseNotification", "u", (dbus_id,)), timeout=10
            )
        closed = await next_event(events, "notificationclose")
        listed = raise_for_error(await client.call("notification.list"))
    assert closed.data == {"id": "n2", "reason": "closed"}
    assert listed == []


async def test_the_same_tag_replaces_it_on_the_real_daemon(
    screen: Desktop, daemon: subprocess.Popen[bytes]
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(client, id="a", title="Copying 1 of 2", tag="copy", requireInteraction=True)
        await show(client, id="b", title="Copying 2 of 2", tag="copy", requireInteraction=True)
        replaced = await next_event(events, "notificationclose")
        listed = raise_for_error(await client.call("notification.list"))
        raise_for_error(await client.call("notification.close", id="b"))
    assert replaced.data == {"id": "a", "reason": "replaced"}
    assert [entry["id"] for entry in listed] == ["b"]
