"""Protocol handlers in a real headless Chromium against the real bridge: web+demo:// URLs
served by the scheme's Service Worker through fetch, EventSource, links and a first navigation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

import oro_framework.core.platform
import oro_framework.core.protocols
from oro_framework import EventStream, Request, ServerSentEvent
from oro_framework.testing import RoutePlugin, ServedApp, served_app

DEMO_WORKER = """
const PREFIX = '/oro/protocol/web+demo/'
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (!url.pathname.startsWith(PREFIX)) return
  const rest = url.pathname.slice(PREFIX.length) + url.search
  if (rest.startsWith('feed')) {
    event.respondWith(fetch('/ipc/test.feed'))
  } else if (event.request.mode === 'navigate') {
    const text = rest.replace(/[<&]/g, '')
    event.respondWith(new Response(
      `<!doctype html><title>demo</title><h1 id="served">${text}</h1>`,
      { headers: { 'content-type': 'text/html' } }
    ))
  } else {
    event.respondWith(Response.json({ served: rest, method: event.request.method }))
  }
})
"""
SLOW_WORKER = """
// Installs only once the test opens the gate, so a page's requests meet a worker not yet active.
self.addEventListener('install', (event) => event.waitUntil(fetch('/ipc/test.gate')))
self.addEventListener('fetch', (event) => {
  event.respondWith(Response.json({ slow: new URL(event.request.url).pathname }))
})
"""
CONFIG = """
[webview.protocol-handlers]
"web+demo" = "/workers/demo-sw.js"
"web+slow" = "/workers/slow-sw.js"
"""
WORKERS = {"demo-sw.js": DEMO_WORKER, "slow-sw.js": SLOW_WORKER}
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>protocols</title></head>
<body><a id="link" href="web+demo://page/hello?x=1">open</a></body></html>
"""


class Gates:
    """Events the test opens from its own thread; each created on the app's loop on first use."""

    def __init__(self) -> None:
        self.events: dict[str, anyio.Event] = {}

    def get(self, name: str) -> anyio.Event:
        return self.events.setdefault(name, anyio.Event())

    async def open(self, name: str) -> None:
        self.get(name).set()


GATES = Gates()


async def feed(request: Request) -> EventStream:
    """One event, then the next only once the test opens the "feed" gate."""

    async def events() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent({"n": 1}, event="tick")
        await GATES.get("feed").wait()
        yield ServerSentEvent({"n": 2}, event="tick")

    return EventStream(events())


async def gate(request: Request) -> str:
    """Answer once the test opens the "install" gate."""
    await GATES.get("install").wait()
    return "open"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    directory = tmp_path_factory.mktemp("protocol-app")
    (directory / "oro.toml").write_text(CONFIG)
    (directory / "index.html").write_text(PAGE)
    (directory / "workers").mkdir()
    for name, script in WORKERS.items():
        (directory / "workers" / name).write_text(script)
    plugins = [
        oro_framework.core.protocols,
        oro_framework.core.platform,
        RoutePlugin({"test.feed": feed, "test.gate": gate}),
    ]
    with served_app(plugins, app_dir=directory) as served:
        yield served


def new_context(browser: Browser, app: ServedApp) -> BrowserContext:
    """A context holding the session cookie."""
    session = app.call(app.server.session_cookie)
    context = browser.new_context()
    context.add_cookies(
        [{"name": app.server.cookie_name, "value": session, "url": app.server.origin}]
    )
    return context


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    context = new_context(chromium_browser, app)
    try:
        page = context.new_page()
        page.goto(app.server.origin + "/")
        page.wait_for_function("() => globalThis.isOroRuntime === true")
        yield page
    finally:
        context.close()


def test_fetch_of_a_protocol_url_is_answered_by_the_schemes_worker(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const init = { method: 'POST', body: 'b' }
            const response = await fetch('web+demo://inbox/a/../1?x=2', init)
            return { status: response.status, body: await response.json() }
        }"""
    )

    assert answer == {"status": 200, "body": {"served": "inbox/1?x=2", "method": "POST"}}


def test_a_request_made_before_the_worker_is_active_waits_for_it(
    page: Page, app: ServedApp
) -> None:
    page.evaluate(
        """() => {
            globalThis.slowAnswer = fetch('web+slow://x/y').then((r) => r.json())
            globalThis.slowAnswer.then((body) => { globalThis.slowBody = body })
        }"""
    )
    # The registration exists before its script is fetched and run; only then is a worker
    # installing (or, had anything let it through the gate, waiting or active).
    state = page.evaluate(
        """async () => {
            const scope = '/oro/protocol/web+slow/'
            for (;;) {
              const found = await navigator.serviceWorker.getRegistration(scope)
              const worker = found?.installing ?? found?.waiting ?? found?.active
              if (worker) return worker.state
            }
        }"""
    )
    assert state == "installing"
    assert page.evaluate("() => globalThis.slowBody ?? null") is None

    app.call(GATES.open, "install")

    assert page.evaluate("() => globalThis.slowAnswer") == {"slow": "/oro/protocol/web+slow/x/y"}


def test_event_source_streams_through_the_worker_as_events_arrive(
    page: Page, app: ServedApp
) -> None:
    page.evaluate(
        """() => {
            globalThis.ticks = []
            const source = new EventSource('web+demo://feed/')
            globalThis.feedSource = source
            const push = (event) => globalThis.ticks.push(JSON.parse(event.data))
            source.addEventListener('tick', push)
        }"""
    )
    page.wait_for_function("() => globalThis.ticks.length === 1", timeout=15_000)
    # The first event is in while the host still holds the second: it was not buffered.
    assert page.evaluate("() => globalThis.ticks") == [{"n": 1}]

    app.call(GATES.open, "feed")

    page.wait_for_function("() => globalThis.ticks.length === 2", timeout=15_000)
    assert page.evaluate("() => globalThis.ticks") == [{"n": 1}, {"n": 2}]
    page.evaluate("() => globalThis.feedSource.close()")


def test_a_link_to_a_protocol_url_navigates_to_what_the_worker_serves(page: Page) -> None:
    page.evaluate("() => (import('oro:protocol-handlers')).then((m) => m.ready('web+demo'))")

    with page.expect_navigation():
        page.click("#link")

    assert page.url.endswith("/oro/protocol/web+demo/page/hello?x=1")
    assert page.text_content("#served") == "page/hello?x=1"


def test_a_first_navigation_installs_the_worker_and_is_then_served(
    chromium_browser: Browser, app: ServedApp
) -> None:
    context = new_context(chromium_browser, app)
    try:
        page = context.new_page()

        page.goto(app.server.origin + "/oro/protocol/web+demo/first/visit")

        page.wait_for_selector("#served", timeout=15_000)
        assert page.text_content("#served") == "first/visit"
    finally:
        context.close()


def test_requests_no_worker_answers_get_not_found(page: Page, app: ServedApp) -> None:
    answers = page.evaluate(
        """async (origin) => {
            const unknown = await fetch(origin + '/oro/protocol/web+nothing/x')
            return { status: unknown.status, text: await unknown.text() }
        }""",
        app.server.origin,
    )

    assert answers["status"] == 404
    assert answers["text"].startswith("404 NotFoundError: ")
    assert "web+nothing" in answers["text"]


def test_bad_protocol_urls_reject_with_typed_errors(page: Page) -> None:
    errors = page.evaluate(
        """async () => {
            const names = []
            for (const url of ['web+demo:a`b', 'web+demo://h/a b', 'web+demo://../x']) {
                try { await fetch(url) } catch (error) { names.push(error.name) }
            }
            return names
        }"""
    )

    assert errors == ["TypeError", "TypeError", "TypeError"]
