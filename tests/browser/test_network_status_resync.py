"""``oro:network-status``'s start-up resync against the host's events, in real headless
Chromium, with the order of their arrival chosen by the test.

A page asks ``network.status`` once its event channel is open, because a change between
serving the page and that moment reached no one. The answer and the host's ``online``/
``offline`` events come over different connections, so either may arrive first. Whatever the
order, the page must hear each change once and end in the host's latest state: the answer must
not repeat an event the page has heard (it came first) nor undo a newer one (it came later).

The module runs as shipped; only its two imports are stand-ins (an import map points
``oro:bootstrap`` and ``oro:ipc`` at stubs the test drives), because the point is the order,
which no real host lets a test choose. The real host and engines are in
``tests/test_network_status_native.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, Page, Route

MODULE: Final = (
    Path(__file__).parents[2] / "plugins/oro-desktop/src/oro_desktop/js/network-status.js"
).read_text(encoding="utf-8")
ORIGIN: Final = "http://network-status.test"
FILES: Final = {
    "/": (
        "text/html",
        """<!doctype html><script type=importmap>{"imports": {
        "oro:bootstrap": "/bootstrap.js", "oro:ipc": "/ipc.js"}}</script>
        <script type=module>
        globalThis.networkStatus = await import('/network-status.js')
        </script>""",
    ),
    # whenReady resolves when the test says; each request waits for the test's answer.
    "/bootstrap.js": (
        "text/javascript",
        """let open; const ready = new Promise((resolve) => { open = resolve })
        globalThis.openChannel = () => open()
        export const subscribe = () => {}
        export const whenReady = () => ready""",
    ),
    "/ipc.js": (
        "text/javascript",
        """globalThis.asked = []
        export const request = (name) => new Promise((resolve) => asked.push({ name, resolve }))""",
    ),
    "/network-status.js": ("text/javascript", MODULE),
}
START: Final = """() => {
  const target = new EventTarget()
  target.__args = { networkStatus: { online: true } }
  target.navigator = {}
  target.seen = []
  for (const name of ['online', 'offline']) {
    target.addEventListener(name, (event) => {
      target.seen.push([event.type, target.navigator.onLine])
    })
  }
  globalThis.target = target
  networkStatus.install(target)
  openChannel()
}"""
HOST_EVENT: Final = "(name) => target.dispatchEvent(new CustomEvent(name, { detail: { name } }))"
ANSWER: Final = """(online) => asked[0].resolve({
  online, name: online ? 'online' : 'offline', message: '', watching: true
})"""


@pytest.fixture(name="page")
def page_fixture(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context()
    page = context.new_page()

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        content_type, body = FILES[path]
        route.fulfill(status=200, content_type=content_type, body=body)

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("globalThis.networkStatus !== undefined")
    page.evaluate(START)
    # The resync has asked: its answer waits for the test.
    page.wait_for_function("asked.length === 1 && asked[0].name === 'network.status'")
    yield page
    context.close()


def _settled(page: Page) -> Any:
    # Two turns of the page's loop: a resolved answer's handlers have run.
    return page.evaluate(
        "() => new Promise((done) => setTimeout(() => setTimeout(() => done("
        "{ seen: target.seen, onLine: target.navigator.onLine }))))"
    )


def test_an_answer_older_than_an_event_the_page_heard_is_not_dispatched(page: Page) -> None:
    """The host goes offline after answering "online": its event overtakes the answer."""
    page.evaluate(HOST_EVENT, "offline")
    page.evaluate(ANSWER, True)
    assert _settled(page) == {"seen": [["offline", False]], "onLine": False}


def test_an_answer_ahead_of_its_event_is_heard_once(page: Page) -> None:
    """The host went offline before answering: the answer dispatches the change, and the
    host's event for it, arriving after, changes nothing and is not heard again."""
    page.evaluate(ANSWER, False)
    assert _settled(page) == {"seen": [["offline", False]], "onLine": False}
    page.evaluate(HOST_EVENT, "offline")
    page.evaluate(HOST_EVENT, "online")
    assert _settled(page) == {"seen": [["offline", False], ["online", True]], "onLine": True}


def test_an_answer_that_agrees_dispatches_nothing_and_later_events_flow(page: Page) -> None:
    page.evaluate(ANSWER, True)
    page.evaluate(HOST_EVENT, "offline")
    page.evaluate(HOST_EVENT, "online")
    assert _settled(page) == {"seen": [["offline", False], ["online", True]], "onLine": True}
