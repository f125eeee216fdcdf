"""Desktop notifications through a real D-Bus session bus (a private ``dbus-daemon``), on hosts
built in the test process: the daemon is a notification service the test owns
(``_notification_service``), so that a user's click and dismissal are driven as the signals a
real daemon sends. The real daemon is ``test_notifications_daemon.py``'s; the page's
``Notification`` class is ``test_notifications_page.py``'s."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from _desktop_app import Desktop, session_bus
from _notification_service import (
    NotificationService,
    Notified,
    desktop_host,
    eventually,
    next_event,
    notification_service,
    show,
)
from jeepney import message_bus
from jeepney.io.blocking import open_dbus_connection
from oro_desktop import plugin
from oro_desktop.state import STATE

from oro_framework import (
    InvalidArgumentError,
    NotAllowedError,
    NotFoundError,
    NotSupportedError,
    OutOfRangeError,
)
from oro_framework.testing import MemoryClient, make_host, raise_for_error

pytestmark = pytest.mark.anyio


@pytest.fixture
def service(screen: Desktop) -> Iterator[NotificationService]:
    with notification_service(screen.bus) as running:
        yield running


async def until_notified(service: NotificationService, count: int) -> list[Notified]:
    notified: list[Notified] = await eventually(
        lambda: len(service.notified) >= count and service.notified, f"{count} notifications"
    )
    return notified


async def test_show_reaches_the_daemon_and_is_presented_to_the_calling_window(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        notification_id = await show(
            client, title="Build finished", body="All 12 tests passed", id="build-1"
        )
        presented = await next_event(events, "notificationpresented")
        listed = raise_for_error(await client.call("notification.list"))

    assert notification_id == "build-1"
    assert (presented.data, presented.window) == ({"id": "build-1"}, 0)
    [notified] = service.notified
    assert (notified.summary, notified.body, notified.replaces_id) == (
        "Build finished",
        "All 12 tests passed",
        0,
    )
    assert notified.app_name == "oro-app"
    assert notified.actions == ["default", ""]
    assert notified.expire_timeout == -1
    assert [entry["id"] for entry in listed] == ["build-1"]
    assert listed[0]["title"] == "Build finished"


async def test_a_generated_id_when_the_page_names_none(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        client = MemoryClient(host)
        first = await show(client, title="one")
        second = await show(client, title="two")
    assert first
    assert second
    assert first != second


async def test_fields_keep_their_text_in_a_json_body_and_the_query_works_too(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        client = MemoryClient(host)
        await show(client, title="true", body="1.50")
        # MemoryClient's own `body` is the request body: the query test names no body.
        raise_for_error(await client.call("notification.show", title="from the query"))
    assert [(item.summary, item.body) for item in await until_notified(service, 2)] == [
        ("true", "1.50"),
        ("from the query", ""),
    ]


async def test_a_click_is_a_default_response_and_a_button_its_action(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(
            client,
            id="mail",
            title="New mail",
            actions=[
                {"action": "reply", "title": "Reply"},
                {"action": "archive", "title": "Archive"},
            ],
        )
        [notified] = await until_notified(service, 1)
        service.click(notified.dbus_id)
        clicked = await next_event(events, "notificationresponse")
        service.click(notified.dbus_id, "archive")
        pressed = await next_event(events, "notificationresponse")
        # A daemon closes the notification once an action ran: closed, but not dismissed.
        service.dismiss(notified.dbus_id)
        closed = await next_event(events, "notificationclose")
        listed = raise_for_error(await client.call("notification.list"))

    assert notified.actions == ["default", "", "reply", "Reply", "archive", "Archive"]
    assert (clicked.data, clicked.window) == ({"id": "mail", "action": "default"}, 0)
    assert pressed.data == {"id": "mail", "action": "archive"}
    assert closed.data == {"id": "mail", "reason": "dismissed"}
    assert listed == []


async def test_a_dismissal_is_a_dismiss_response_and_leaves_the_list(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(client, id="n1", title="Hello")
        [notified] = await until_notified(service, 1)
        service.dismiss(notified.dbus_id)
        response = await next_event(events, "notificationresponse")
        closed = await next_event(events, "notificationclose")
        listed = raise_for_error(await client.call("notification.list"))
    assert response.data == {"id": "n1", "action": "dismiss"}
    assert closed.data == {"id": "n1", "reason": "dismissed"}
    assert listed == []


async def test_close_closes_it_on_the_daemon_and_reports_it_once(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(client, id="n1", title="Hello")
        [notified] = await until_notified(service, 1)
        closed = raise_for_error(await client.call("notification.close", id="n1"))
        event = await next_event(events, "notificationclose")
        notifications = host.stash[STATE].notifications
        # The daemon's NotificationClosed(reason 3) follows; it must not report a second close.
        await eventually(lambda: notifications.diagnostics()["bus"]["signals"], "the signal")
        host.emit("marker")
        after = await next_event(events, "marker")
        listed = raise_for_error(await client.call("notification.list"))
        again = await client.call("notification.close", id="n1")

    assert closed == {"id": "n1", "closed": True}
    assert service.closed_by_call == [notified.dbus_id]
    assert event.data == {"id": "n1", "reason": "closed"}
    assert after.name == "marker"
    assert listed == []
    assert isinstance(again.error, NotFoundError)


async def test_the_same_tag_replaces_the_notification_shown(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        client = MemoryClient(host, window=0)
        await show(client, id="a", title="Downloading 10%", tag="download")
        await show(client, id="b", title="Downloading 60%", tag="download")
        replaced = await next_event(events, "notificationclose")
        listed = raise_for_error(await client.call("notification.list"))
    first, second = service.notified
    assert second.replaces_id == first.dbus_id
    assert replaced.data == {"id": "a", "reason": "replaced"}
    assert [(entry["id"], entry["title"]) for entry in listed] == [("b", "Downloading 60%")]


async def test_showing_an_id_again_replaces_it(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        client = MemoryClient(host)
        await show(client, id="progress", title="1 of 3")
        await show(client, id="progress", title="2 of 3")
        listed = raise_for_error(await client.call("notification.list"))
    first, second = service.notified
    assert second.replaces_id == first.dbus_id
    assert [entry["title"] for entry in listed] == ["2 of 3"]


async def test_options_become_the_daemons_timeout_and_hints(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        client = MemoryClient(host)
        await show(client, title="sticky", requireInteraction=True)
        await show(client, title="brief", timeout=1500, silent=True)
        await show(client, title="themed", icon="dialog-information")
    sticky, brief, themed = service.notified
    assert sticky.expire_timeout == 0
    assert brief.expire_timeout == 1500
    assert brief.hints["suppress-sound"] == ("b", True)
    assert "suppress-sound" not in sticky.hints
    assert themed.app_icon == "dialog-information"


async def test_an_icon_of_the_apps_files_is_sent_as_a_file_uri(
    screen: Desktop, service: NotificationService, tmp_path: Path
) -> None:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "Mailer"\n')
    (tmp_path / "index.html").write_text("")
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "mail.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    async with desktop_host(screen, app_dir=tmp_path) as host:
        client = MemoryClient(host)
        await show(client, title="mail", icon="/icons/mail.png")
        outside = await client.call("notification.show", title="x", icon="/../oro.toml/../../x")
        remote = await client.call("notification.show", title="x", icon="https://example.org/a.png")
    [notified] = service.notified
    uri = (tmp_path / "icons" / "mail.png").resolve().as_uri()
    assert notified.app_name == "Mailer"
    assert notified.app_icon == uri
    assert notified.hints["image-path"] == ("s", uri)
    assert isinstance(outside.error, InvalidArgumentError)
    assert isinstance(remote.error, InvalidArgumentError)
    assert "cannot load" in remote.error.message


async def test_shown_from_outside_a_page_its_events_go_to_every_window(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host, host.events.subscribe() as events:
        bridge = MemoryClient(host, window=None)
        await show(bridge, id="n1", title="from a script")
        presented = await next_event(events, "notificationpresented")
        [notified] = await until_notified(service, 1)
        service.click(notified.dbus_id)
        clicked = await next_event(events, "notificationresponse")
    assert (presented.data, presented.window) == ({"id": "n1"}, None)
    assert (clicked.data, clicked.window) == ({"id": "n1", "action": "default"}, None)


async def test_a_flood_is_rate_limited_typed_and_the_app_keeps_serving(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen, config={"desktop.notifications_per_second": 5}) as host:
        client = MemoryClient(host)
        replies = []

        async def call(number: int) -> None:
            replies.append(await client.call("notification.show", title=f"n{number}"))

        async with anyio.create_task_group() as group:
            for number in range(1000):
                group.start_soon(call, number)
        shown = [reply for reply in replies if reply.error is None]
        refused = [reply for reply in replies if reply.error is not None]
        # The daemon got exactly the notifications the app accepted, never the flood.
        assert len(service.notified) == len(shown)

        later = await client.call("notification.show", title="later")
        with anyio.fail_after(60):
            while later.error is not None:
                # The limit is per second: wait what the refusal says, as a page would.
                await anyio.sleep(later.error.extra["retryAfter"] / 1000)
                later = await client.call("notification.show", title="later")
        diagnostics = host.stash[STATE].notifications.diagnostics()

    assert len(replies) == 1000
    assert 1 <= len(shown) < 1000
    assert refused
    assert {type(reply.error) for reply in refused} == {OutOfRangeError}
    assert {reply.error.code for reply in refused if reply.error} == {"ERR_RATE_LIMITED"}
    assert {reply.status for reply in refused} == {413}
    assert diagnostics["rateLimited"] >= len(refused)


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({}, InvalidArgumentError, "ERR_MISSING_ARGS"),
        ({"title": ["a"]}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        (
            {"title": "t", "body": "x" * (64 * 1024 + 1)},
            OutOfRangeError,
            "ERR_NOTIFICATION_TOO_LARGE",
        ),
        ({"title": "t" * 5000}, OutOfRangeError, "ERR_NOTIFICATION_TOO_LARGE"),
        ({"title": "a\0b"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "\ud800"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "t", "silent": "loud"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "t", "timeout": -1}, OutOfRangeError, "ERR_OUT_OF_RANGE"),
        ({"title": "t", "timeout": "soon"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "t", "actions": "reply"}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "t", "actions": ["reply"]}, InvalidArgumentError, "ERR_INVALID_ARG_TYPE"),
        ({"title": "t", "actions": [{"action": "x"}]}, InvalidArgumentError, "ERR_MISSING_ARGS"),
        (
            {"title": "t", "actions": [{"action": "default", "title": "Open"}]},
            InvalidArgumentError,
            "ERR_INVALID_ARG_VALUE",
        ),
        (
            {"title": "t", "actions": [{"action": f"a{n}", "title": "A"} for n in range(9)]},
            OutOfRangeError,
            "ERR_NOTIFICATION_TOO_LARGE",
        ),
    ],
)
async def test_bad_input_is_a_typed_error_and_never_reaches_the_daemon(
    screen: Desktop,
    service: NotificationService,
    fields: dict[str, Any],
    error: type[Exception],
    code: str,
) -> None:
    async with desktop_host(screen) as host:
        client = MemoryClient(host)
        # json.dumps writes a lone surrogate as an escape, as a page's JSON.stringify does.
        reply = await client.call("notification.show", body=json.dumps(fields).encode())
        not_an_object = await client.call("notification.show", body=b"[1, 2]")
    assert isinstance(reply.error, error), reply.error
    assert reply.error.code == code
    assert isinstance(not_an_object.error, InvalidArgumentError)
    assert service.notified == []


async def test_without_a_notification_daemon_it_is_not_supported_naming_the_fix(
    screen: Desktop,
) -> None:
    async with desktop_host(screen) as host:
        reply = await MemoryClient(host).call("notification.show", title="nobody listens")
    assert isinstance(reply.error, NotSupportedError)
    assert reply.error.code == "ERR_NO_NOTIFICATION_SERVICE"
    assert "notification daemon" in reply.error.message


async def test_a_daemon_that_never_answers_fails_the_call_instead_of_hanging(
    screen: Desktop,
) -> None:
    with notification_service(screen.bus, answers=False):
        async with desktop_host(screen) as host:
            client = MemoryClient(host)
            reply = await client.call("notification.show", title="into the void")
            listed = await client.call("notification.list")
    assert isinstance(reply.error, NotSupportedError)
    assert reply.error.code == "ERR_NO_NOTIFICATION_SERVICE"
    assert "did not answer Notify" in reply.error.message
    assert raise_for_error(listed) == []


async def test_when_the_session_bus_goes_away_calls_fail_typed_and_the_app_keeps_serving() -> None:
    with session_bus() as address:
        service = NotificationService(address)
        service.start()
        environ = {"DBUS_SESSION_BUS_ADDRESS": address}
        async with make_host(plugins=[plugin], environ=environ) as host:
            client = MemoryClient(host)
            await show(client, id="before", title="before")
            service.stop()
            # The session ends under the app: its bus daemon stops.
            with open_dbus_connection(address) as connection:
                reply = connection.send_and_get_reply(
                    message_bus.GetConnectionUnixProcessID("org.freedesktop.DBus"), timeout=10
                )
            os.kill(reply.body[0], signal.SIGTERM)
            notifications = host.stash[STATE].notifications
            await eventually(
                lambda: not notifications.diagnostics()["bus"]["connected"], "the loss seen"
            )
            after = await client.call("notification.show", title="after")
            listed = await client.call("notification.list")
    assert isinstance(after.error, NotSupportedError)
    assert after.error.code == "ERR_NO_NOTIFICATION_SERVICE"
    assert [entry["id"] for entry in raise_for_error(listed)] == ["before"]


@pytest.mark.parametrize(
    ("environ", "why"),
    [
        ({}, "DBUS_SESSION_BUS_ADDRESS is not set"),
        ({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}, "cannot connect"),
        ({"DBUS_SESSION_BUS_ADDRESS": "tcp:host=localhost,port=1"}, "cannot connect"),
    ],
)
async def test_without_a_session_bus_it_is_not_supported(environ: dict[str, str], why: str) -> None:
    async with make_host(plugins=[plugin], environ=environ) as host:
        reply = await MemoryClient(host).call("notification.show", title="t")
        listed = await MemoryClient(host).call("notification.list")
    assert isinstance(reply.error, NotSupportedError)
    assert reply.error.code == "ERR_NO_NOTIFICATION_SERVICE"
    assert why in reply.error.message
    assert raise_for_error(listed) == []


async def test_the_permission_turns_every_route_off(screen: Desktop) -> None:
    async with desktop_host(screen, config={"permissions.allow_notifications": False}) as host:
        client = MemoryClient(host)
        replies = [
            await client.call("notification.show", title="t"),
            await client.call("notification.list"),
            await client.call("notification.close", id="x"),
        ]
    assert all(isinstance(reply.error, NotAllowedError) for reply in replies)


async def test_the_connection_is_opened_on_first_use_and_closed_when_the_app_stops(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        notifications = host.stash[STATE].notifications
        before = notifications.diagnostics()
        await show(MemoryClient(host), title="t")
        during = notifications.diagnostics()
    after = notifications.diagnostics()
    assert before["bus"] is None
    assert during["bus"]["connected"] is True
    assert during["handles"]["count"] == 1
    assert after["bus"]["connected"] is False


async def test_diagnostics_describe_the_daemon(
    screen: Desktop, service: NotificationService
) -> None:
    async with desktop_host(screen) as host:
        notifications = host.stash[STATE].notifications
        await show(MemoryClient(host), title="t")
        await eventually(
            lambda: notifications.diagnostics()["bus"]["capabilities"], "the capabilities"
        )
        bus = notifications.diagnostics()["bus"]
    assert bus["server"] == {"name": "oro-test", "vendor": "oro", "version": "1.0", "spec": "1.2"}
    assert bus["capabilities"] == ["actions", "body"]


async def test_the_js_module_is_registered(screen: Desktop) -> None:
    async with desktop_host(screen) as host:
        module = host.js_modules.get("oro:notification")
    assert module is not None
