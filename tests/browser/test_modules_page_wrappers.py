"""Oro's modules that wrap what a page already has, in a real headless Chromium against the
real bridge: ``oro:location`` (the page's URL parts), ``oro:navigation`` (the Navigation API),
``oro:tty`` (a page has no terminal), also under ``socket:`` and ``node:`` names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, served_app


@pytest.fixture(scope="module")
def page(chromium_browser: Browser) -> Iterator[Page]:
    app: ServedApp
    with served_app([]) as app, app_page(chromium_browser, app, "/?q=1") as page:
        yield page


def in_page(page: Page, body: str) -> Any:
    return page.evaluate(
        f"async () => JSON.parse(JSON.stringify(await (async () => {{ {body} }})()) ?? null)"
    )


def test_location_is_the_pages_url(page: Page) -> None:
    answer = in_page(
        page,
        """const { default: where, Location } = await import('socket:location')
        return { parts: [where.href, where.origin, where.protocol, where.host, where.hostname,
                         where.port, where.pathname, where.search, where.hash],
                 page: [location.href, location.origin, location.protocol, location.host,
                        location.hostname, location.port, location.pathname, location.search,
                        location.hash],
                 instance: where instanceof Location, text: String(where) === location.href }""",
    )
    assert answer["parts"] == answer["page"]
    assert answer["parts"][7] == "?q=1"
    assert answer["instance"] is True
    assert answer["text"] is True


def test_navigation_is_the_pages_navigation_api(page: Page) -> None:
    answer = in_page(
        page,
        """const { default: navigation, NavigationHistoryEntry } = await import('oro:navigation')
        return [navigation === globalThis.navigation,
                navigation.currentEntry instanceof NavigationHistoryEntry,
                navigation.currentEntry.url === location.href]""",
    )
    assert answer == [True, True, True]


def test_a_page_has_no_terminal(page: Page) -> None:
    answer = in_page(
        page,
        """const tty = await import('node:tty')
        const same = tty === await import('oro:tty')
        const refused = []
        for (const make of [() => tty.ReadStream(0), () => new tty.WriteStream(1)]) {
          try { make() } catch (error) { refused.push(error.name) }
        }
        return { same, isatty: [0, 1, 2, 'x', -1].map((fd) => tty.isatty(fd)), refused }""",
    )
    assert answer == {
        "same": True,
        "isatty": [False, False, False, False, False],
        "refused": ["NotSupportedError", "NotSupportedError"],
    }
