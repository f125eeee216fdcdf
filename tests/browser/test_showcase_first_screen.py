"""README's first command, ``oro run examples/showcase``, as a user sees it: every panel that
fills itself on load shows an answer, none an error, and nothing goes uncaught; in headless
Chromium and in WebKit, against a real ``oro run`` with every installed plugin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from oro_framework.testing.webkit import WebKitBrowser
from tests._oro_process import SHOWCASE, OroProcess, headless_environ
from tests._showcase import LOADED, PANELS, errors_shown


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OroProcess]:
    home = tmp_path_factory.mktemp("home")
    with OroProcess(
        *("run", "--headless", "--port", "0", str(SHOWCASE)),
        # Its own data folders (the notes panel writes data:notes/).
        environ=headless_environ({"HOME": str(home), "XDG_DATA_HOME": str(home / "data")}),
        timeout=120,
    ) as app:
        app.launch_url()
        yield app


def test_no_panel_of_the_showcase_shows_an_error(
    browser: Browser | WebKitBrowser, showcase: OroProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page_errors: list[str] = []
    if isinstance(browser, Browser):
        # Chromium tells uncaught errors to the test too; the page's own line says them on both.
        page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        page.goto(showcase.window_launch_url("/"))
        page.wait_for_function(LOADED, timeout=30_000)
        panels: dict[str, str] = page.evaluate(PANELS)
    finally:
        context.close()

    assert page_errors == []
    assert "Uncaught" not in panels["first screen"], panels["first screen"]
    assert re.search(r"memory free\s+\d+\.\d\d GiB", panels["Live from the host"])
    assert errors_shown(panels) == {}


def test_the_web_platform_panel_shows_the_brokers_states_and_the_network(
    browser: Browser | WebKitBrowser, showcase: OroProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(showcase.window_launch_url("/"))
        page.wait_for_function(LOADED, timeout=30_000)
        permissions = page.text_content("#platform-permissions") or ""
        network = page.text_content("#platform-network") or ""
        online = page.evaluate("navigator.onLine")
        page.click("#platform-locate")
        page.wait_for_function(
            "!['\\u2013', 'asking\\u2026']"
            ".includes(document.getElementById('platform-location').textContent)",
            timeout=30_000,
        )
        location = page.text_content("#platform-location") or ""
    finally:
        context.close()

    # Nobody has decided and a browser tab has no window of the app's to ask in: the states are
    # "prompt", and asking for the location is the typed PERMISSION_DENIED (code 1).
    assert json.loads(permissions) == {
        "camera": "prompt",
        "microphone": "prompt",
        "geolocation": "prompt",
    }
    assert json.loads(network) == {"online": online}
    assert location.startswith("GeolocationPositionError 1: "), location
