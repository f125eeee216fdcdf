"""Issue 39, window identity in a real Chromium: two windows' pages in one browser profile (as
the windows of a Qt app share one) each prove their own window, and neither can act as the
other by writing headers or parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework import Request
from oro_framework.testing import RoutePlugin, ServedApp, served_app


async def whoami(request: Request) -> Any:
    return request.window


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([RoutePlugin({"test.whoami": whoami})]) as served:
        yield served


def open_window_page(page: Page, app: ServedApp, window: int) -> None:
    page.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    page.goto(app.server.window_launch_url("/", window=window))
    page.wait_for_function("() => globalThis.__oroInitialised === true", timeout=15_000)


ASK = """async () => {
  const { request } = await import('oro:ipc')
  const forged = { headers: { 'X-IPC-Window-Index': '1' } }
  const viaClient = await request('test.whoami', { index: 1 }, forged)
  const raw = await fetch('/ipc/test.whoami?index=1', { headers: { 'X-IPC-Window-Index': '1' } })
  const viaFetch = (await raw.json()).data
  const viaScheme = (await (await fetch('ipc://test.whoami?index=1')).json()).data
  return { viaClient, viaFetch, viaScheme, index: globalThis.__args.index,
    url: location.href, stored: sessionStorage.getItem('oro:window') }
}"""


def test_each_windows_page_is_its_window_and_cannot_be_another(
    chromium_browser: Browser, app: ServedApp
) -> None:
    context = chromium_browser.new_context()  # one profile, as a Qt app's windows share
    try:
        main, second = context.new_page(), context.new_page()
        open_window_page(main, app, 0)
        open_window_page(second, app, 1)

        from_main = main.evaluate(ASK)
        from_second = second.evaluate(ASK)

        # The page's own client and Oro's ipc:// URLs carry its credential: its own window,
        # whatever index it names. A bare fetch with the old header proves nothing.
        assert from_main["viaClient"] == 0
        assert from_main["viaScheme"] == 0
        assert from_main["viaFetch"] is None
        assert from_second["viaClient"] == 1
        assert from_second["viaScheme"] == 1
        assert (from_main["index"], from_second["index"]) == (0, 1)
        # The credential left the URL (no history entry, no Referer keeps it) and each window
        # keeps its own in its own sessionStorage.
        assert "oro_window" not in from_main["url"] + from_second["url"]
        assert from_main["stored"] != from_second["stored"]

        # A reload keeps the window: the credential is in this window's sessionStorage.
        second.reload()
        second.wait_for_function("() => globalThis.__args?.index === 1")
        assert second.evaluate(ASK)["viaClient"] == 1
    finally:
        context.close()


def test_a_page_opened_without_its_launch_url_is_no_window(
    chromium_browser: Browser, app: ServedApp
) -> None:
    """A tab opened on the app's URL (the session cookie alone) gets no window's resources."""
    context = chromium_browser.new_context()
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
        page = context.new_page()
        page.goto(app.server.origin + "/?index=1")
        page.wait_for_function("() => globalThis.__args !== undefined")
        assert page.evaluate(ASK)["viaClient"] is None
    finally:
        context.close()
