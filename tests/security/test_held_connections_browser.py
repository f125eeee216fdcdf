"""Issue 50, one page cannot starve the others, in real browsers: a browser opens at most 6
connections to the app and all of its windows share them (one profile, as the windows of a
WebKitGTK or QtWebEngine app share one network stack). Window 0's page opens event sources and
calls that never answer, far past 6; window 1's page keeps loading modules and resources and
answering IPC meanwhile, on Chromium and on WebKitGTK."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import anyio
import pytest
from playwright.sync_api import Browser, Page

from oro_framework import Request
from oro_framework.testing import RoutePlugin, ServedApp, served_app
from oro_framework.testing.browser import RUNTIME_READY, open_app_page
from oro_framework.testing.webkit import WebKitBrowser
from oro_framework.testing.webkit_page import WebKitPage

EXTRA_SOURCES: Final = 6
"""Event sources window 0's page opens with its window credential, and again without (the
session's places): beyond its own channel, as many as the browser has connections."""
SLOW_CALLS: Final = 6
"""Calls window 0's page makes to a route that never answers, with and without its window."""
ROUNDS: Final = 3
"""Times window 1's page loads a module and a resource and calls a route while window 0 holds
its connections."""
STALLED_MS: Final = 25_000
"""How long window 1's page waits for one round before it reports "stalled" (the test's
deadline; never reached when it passes)."""


async def slow(request: Request) -> str:
    await anyio.sleep_forever()
    return "never"


async def whoami(request: Request) -> Any:
    return request.window


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    routes = RoutePlugin({"test.slow": slow, "test.whoami": whoami}, timeout=3600)
    with served_app([routes]) as served:
        yield served


@contextmanager
def two_windows(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> Iterator[tuple[Page | WebKitPage, Page | WebKitPage]]:
    """The pages of windows 0 and 1 in one browser profile: one Playwright context for
    Chromium (a context is a profile, with its own connection pool); WebKit's contexts are
    windows of one profile already."""
    if isinstance(browser, WebKitBrowser):
        webkit_pages = [open_app_page(browser, app, window=window) for window in (0, 1)]
        try:
            yield webkit_pages[0], webkit_pages[1]
        finally:
            for webkit_page in webkit_pages:
                webkit_page.context.close()
        return
    context = browser.new_context()
    try:
        context.add_cookies(
            [
                {
                    "name": app.server.cookie_name,
                    "value": app.call(app.server.session_cookie),
                    "url": app.server.origin,
                }
            ]
        )
        chromium_pages = []
        for window in (0, 1):
            page = context.new_page()
            page.goto(app.server.window_launch_url("/", window=window))
            page.wait_for_function(RUNTIME_READY, timeout=15_000)
            chromium_pages.append(page)
        yield chromium_pages[0], chromium_pages[1]
    finally:
        context.close()


HOLD: Final = """([sources, calls]) => {
  const credential = sessionStorage.getItem('oro:window')
  const own = '?oro_window=' + encodeURIComponent(credential)
  globalThis.__sources = []
  globalThis.__answers = []
  for (let i = 0; i < sources; i++) {
    globalThis.__sources.push(new EventSource('/oro/events' + own))
    globalThis.__sources.push(new EventSource('/oro/events'))
  }
  const note = (promise) => promise.then(
    (response) => globalThis.__answers.push(response.status),
    (error) => globalThis.__answers.push(String(error)))
  for (let i = 0; i < calls; i++) {
    note(fetch('/ipc/test.slow?n=' + i, { headers: { 'X-Oro-Window': credential } }))
    note(fetch('/ipc/test.slow?m=' + i))
  }
  return credential !== null
}"""

PLACES: Final = 3
"""What window 0's page may hold beyond its own channel: two more places of its window's three,
and the one place of the requests without a window."""

SETTLED: Final = """([calls, places]) => {
  const open = globalThis.__sources.filter((source) => source.readyState === 1).length
  return globalThis.__answers.length === calls - (places - open)
}"""

ROUND: Final = """async ([round, stalledMs]) => {
  const stalled = new Promise((resolve) => setTimeout(() => resolve('stalled'), stalledMs))
  const work = (async () => {
    const { request } = await import('oro:ipc')
    const module = await import('/oro/path.js?round=' + round)
    const resource = await fetch('/index.html?round=' + round, { cache: 'no-store' })
    const window = await request('test.whoami')
    return { module: typeof module.join, resource: resource.status, window }
  })()
  return await Promise.race([work, stalled])
}"""


def test_a_page_holding_more_than_the_browsers_connections_leaves_other_windows_working(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with two_windows(browser, app) as (holder, other):
        assert holder.evaluate(HOLD, [EXTRA_SOURCES, SLOW_CALLS]) is True
        for round_number in range(ROUNDS):
            done = other.evaluate(ROUND, [round_number, STALLED_MS])
            assert done == {"module": "function", "resource": 200, "window": 1}, done

        # Window 0's page was answered too rather than held: each of its places holds one
        # of its extra event sources or slow calls, and every call beyond them got 429.
        holder.wait_for_function(SETTLED, arg=[2 * SLOW_CALLS, PLACES])
        answers = holder.evaluate("globalThis.__answers")
        assert answers, "every call of window 0 took a place and none was answered"
        assert set(answers) == {429}, answers
