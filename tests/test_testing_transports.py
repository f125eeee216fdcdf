"""The test kit runs a plugin's page tests over each transport an app may use: the
``oro_transport`` fixture names each installed one, ``served_app(transport=...)`` serves the app
so, and the page really calls and listens over it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import oro_conduit.plugin
import pytest
from playwright.sync_api import Browser, Page

from oro_framework import Request
from oro_framework.testing import RoutePlugin, ServedApp, app_page, served_app
from oro_framework.testing.transports import installed_transports, with_transport


async def _echo(request: Request) -> dict[str, Any]:
    request.host.emit("echoed", {"value": request.params.get_str("value", "")})
    return {"value": request.params.get_str("value", ""), "transport": request.transport}


ROUTES = RoutePlugin({"kit.echo": _echo})
"""A small plugin, as a third party's would be."""


@pytest.fixture(scope="module")
def app(oro_transport: str) -> Iterator[ServedApp]:
    with served_app([ROUTES], transport=oro_transport) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def test_a_page_test_runs_over_the_transport_it_is_given(
    page: Page, app: ServedApp, oro_transport: str
) -> None:
    assert app.transport == oro_transport
    result = page.evaluate(
        """async () => {
            const ipc = await import('oro:ipc')
            const heard = new Promise((resolve) => {
                const once = { once: true }
                globalThis.addEventListener('echoed', (event) => resolve(event.detail), once)
            })
            const answer = await ipc.request('kit.echo', { value: 'hi' })
            return [ipc.getTransport().name, answer, await heard]
        }"""
    )
    # The host names the transport a request came over: the page really used it.
    expected_request = "conduit" if oro_transport == "conduit" else "http"
    assert result == [
        oro_transport,
        {"value": "hi", "transport": expected_request},
        {"value": "hi"},
    ]


def test_every_transport_installed_here_is_run() -> None:
    # oro-conduit is part of this workspace: its run must not silently drop out.
    assert installed_transports() == ("fetch", "conduit")


def test_fetch_with_the_conduit_among_the_plugins_is_refused() -> None:
    with pytest.raises(ValueError, match="transport 'fetch' with oro-conduit's plugin"):
        with_transport([ROUTES, oro_conduit.plugin], "fetch")


def test_an_unknown_transport_is_refused() -> None:
    with pytest.raises(ValueError, match="must be 'fetch' or 'conduit', not 'pigeon'"):
        with_transport([ROUTES], "pigeon")


def test_the_conduit_is_added_once() -> None:
    assert with_transport([ROUTES, oro_conduit.plugin], "conduit") == [ROUTES, oro_conduit.plugin]
    assert with_transport([ROUTES], "conduit") == [ROUTES, oro_conduit.plugin]
