"""oro:notification's names from Oro's api/notification.d.ts, in a real headless Chromium page:
the event-name constants, the direction and permission enumerations, and the checked
NotificationAction/NotificationOptions containers with Oro's defaults and refusals."""

from __future__ import annotations

from collections.abc import Iterator

import oro_desktop.plugin
import pytest
from playwright.sync_api import Browser

from oro_framework.testing import ServedApp, app_page, served_app


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_desktop.plugin]) as served:
        yield served


def test_oros_constants_enumerations_and_containers(
    chromium_browser: Browser, app: ServedApp
) -> None:
    with app_page(chromium_browser, app) as page:
        answer = page.evaluate(
            """async () => {
              const n = await import('oro:notification')
              const refused = (make) => { try { make(); return null } catch (e) { return e.name } }
              const options = new n.NotificationOptions({
                body: 'b', actions: [{ action: 'open', title: 'Open' }], dir: 'rtl', data: { x: 1 }
              })
              return {
                events: [n.NOTIFICATION_PRESENTED_EVENT, n.NOTIFICATION_RESPONSE_EVENT],
                directions: [...n.NotificationDirection], ltr: n.NotificationDirection.ltr,
                permissions: [...n.NotificationPermission],
                hasDenied: n.NotificationPermission.has('denied'),
                hasOther: n.NotificationPermission.has('x'),
                action: new n.NotificationAction({ action: 'a', title: 'A' }).toJSON(),
                options: options.toJSON(),
                actionIsChecked: options.actions[0] instanceof n.NotificationAction,
                defaults: new n.NotificationOptions().toJSON(),
                refusals: [
                  refused(() => new n.NotificationAction({ title: 'no action' })),
                  refused(() => new n.NotificationOptions({ dir: 'up' })),
                  refused(() => new n.NotificationOptions({ silent: true, vibrate: [100] }))
                ],
                inDefault: n.default.NotificationOptions === n.NotificationOptions
              }
            }"""
        )
    assert answer["events"] == ["notificationpresented", "notificationresponse"]
    assert answer["directions"] == ["auto", "ltr", "rtl"]
    assert answer["ltr"] == "ltr"
    assert answer["permissions"] == ["granted", "default", "denied"]
    assert (answer["hasDenied"], answer["hasOther"]) == (True, False)
    assert answer["action"] == {"action": "a", "title": "A", "icon": ""}
    assert answer["options"]["actions"] == [{"action": "open", "title": "Open", "icon": ""}]
    assert (answer["options"]["dir"], answer["options"]["data"]) == ("rtl", {"x": 1})
    assert answer["actionIsChecked"] is True
    assert answer["defaults"] == {
        "actions": [],
        "badge": "",
        "body": "",
        "data": None,
        "dir": "auto",
        "icon": "",
        "image": "",
        "lang": "",
        "renotify": False,
        "requireInteraction": False,
        "silent": False,
        "tag": "",
        "vibrate": [],
    }
    assert answer["refusals"] == ["TypeError", "TypeError", "TypeError"]
    assert answer["inDefault"] is True
