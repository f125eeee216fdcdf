"""oro:notification's ``Notification`` class in a real app's page (a Qt window under Xvfb): the
page constructs it, a notification service on the session bus receives it, and the user's click
and dismissal (the signals the service sends) reach the instance's ``onclick``/``onclose``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _desktop_app import Desktop, DesktopApp, recorder_page, run_app, until, write_app
from _notification_service import NotificationService, notification_service

PAGE = recorder_page(
    ["notificationpresented", "notificationresponse", "notificationclose"],
    imports="import { Notification, showNotification, list } from 'oro:notification'",
    script="""
globalThis.log = []
globalThis.record = (what) => log.push(what)
globalThis.notes = {}
globalThis.notify = (title, options) => {
  const note = new Notification(title, options)
  notes[note.id] = note
  for (const type of ['show', 'click', 'close', 'error']) {
    note.addEventListener(type, (event) => record({
      via: 'listener', type, id: note.id, action: event.action ?? null,
      reason: event.reason ?? null, error: event.error ? [event.error.name, event.error.code] : null
    }))
  }
  note.onshow = () => record({ via: 'on', type: 'show', id: note.id })
  note.onclick = (event) => record({ via: 'on', type: 'click', id: note.id, action: event.action })
  note.onclose = (event) => record({ via: 'on', type: 'close', id: note.id, reason: event.reason })
  note.onerror = (event) => record({ via: 'on', type: 'error', name: event.error.name })
  return note.id
}
globalThis.results = {}
globalThis.keep = (name, promise) => {
  promise.then((value) => { results[name] = { value } }, (error) => {
    results[name] = { error: [error.name, error.code] }
  })
}
globalThis.Notification_ = Notification
globalThis.showNotification_ = showNotification
globalThis.list_ = list
""",
)


@pytest.fixture
def service(screen: Desktop) -> Iterator[NotificationService]:
    with notification_service(screen.bus) as running:
        yield running


def logged(app: DesktopApp, **match: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = app.eval("log")
    return [entry for entry in entries if all(entry.get(k) == v for k, v in match.items())]


def result(app: DesktopApp, name: str) -> dict[str, Any]:
    found: dict[str, Any] = until(
        lambda: app.eval(f"results[{json.dumps(name)}] ?? null"), f"the page's {name}"
    )
    return found


def test_a_pages_notification_is_shown_clicked_and_dismissed(
    screen: Desktop, engine: str, service: NotificationService, tmp_path: Path
) -> None:
    app_dir = write_app(tmp_path / "app", PAGE, name="notifications page")
    with run_app(screen, app_dir, engine=engine) as app:
        assert app.eval("Notification_.permission") == "granted"
        app.eval("keep('permission', Notification_.requestPermission())")
        assert result(app, "permission") == {"value": "granted"}

        actions = [{"action": "open", "title": "Open"}]
        note_id = app.eval(
            f"notify('Build finished', {{ body: 'All green', actions: {json.dumps(actions)} }})"
        )
        [notified] = until(lambda: service.notified, "the service receives the page's notification")
        assert (notified.summary, notified.body) == ("Build finished", "All green")
        assert notified.actions == ["default", "", "open", "Open"]
        until(lambda: logged(app, via="on", type="show"), "the page's onshow")
        assert logged(app, via="listener", type="show") == [
            {
                "via": "listener",
                "type": "show",
                "id": note_id,
                "action": None,
                "reason": None,
                "error": None,
            }
        ]
        app.eval("keep('listed', list_())")
        assert [entry["id"] for entry in result(app, "listed")["value"]] == [note_id]

        service.click(notified.dbus_id)
        until(lambda: logged(app, via="on", type="click"), "the page's onclick")
        service.click(notified.dbus_id, "open")
        until(
            lambda: len(logged(app, via="on", type="click")) == 2, "the page's onclick for 'open'"
        )
        assert [entry["action"] for entry in logged(app, via="on", type="click")] == [
            "default",
            "open",
        ]
        assert [entry["action"] for entry in logged(app, via="listener", type="click")] == [
            "default",
            "open",
        ]

        other = app.eval("notify('Second')")
        [_, second] = until(
            lambda: service.notified[1:] and service.notified, "a second notification"
        )
        service.dismiss(second.dbus_id)
        [closed] = until(lambda: logged(app, via="on", type="close"), "the page's onclose")
        assert closed == {"via": "on", "type": "close", "id": other, "reason": "dismissed"}
        assert logged(app, type="click", id=other) == []
        # The host's own events reached the page too, for pages that listen to them.
        assert {"id": other, "action": "dismiss"} in app.heard("notificationresponse")

        third = app.eval("notify('Third')")
        [*_, last] = until(lambda: len(service.notified) == 3 and service.notified, "a third")
        until(lambda: logged(app, via="on", type="show", id=third), "the third's onshow")
        app.eval(f"notes[{json.dumps(third)}].close()")
        [closed] = until(lambda: logged(app, via="on", type="close", id=third), "its onclose")
        assert closed["reason"] == "closed"
        assert service.closed_by_call == [last.dbus_id]

        app.eval("keep('big', showNotification_('x'.repeat(5000)))")
        assert result(app, "big") == {"error": ["RangeError", "ERR_NOTIFICATION_TOO_LARGE"]}
        app.eval("notify('y'.repeat(5000))")
        [error] = until(lambda: logged(app, via="on", type="error"), "the page's onerror")
        assert error["name"] == "RangeError"
        assert len(service.notified) == 3


def test_a_page_learns_the_permission_from_the_apps_config(
    screen: Desktop, engine: str, service: NotificationService, tmp_path: Path
) -> None:
    config = "\n[permissions]\nallow_notifications = false\n"
    app_dir = write_app(tmp_path / "app", PAGE, name="notifications denied", config=config)
    with run_app(screen, app_dir, engine=engine) as app:
        app.eval("keep('permission', Notification_.requestPermission())")
        assert result(app, "permission") == {"value": "denied"}
        assert app.eval("Notification_.permission") == "denied"
        app.eval("notify('not allowed')")
        [error] = until(lambda: logged(app, via="listener", type="error"), "the page's error event")
        assert error["error"] == ["NotAllowedError", "NOT_ALLOWED_ERR"]
    assert service.notified == []
