"""README's first command, ``oro run examples/showcase``, as a user sees it: every panel that
fills itself on load shows an answer, none an error, and nothing goes uncaught; in headless
Chromium and in WebKit, against a real ``oro run`` with every installed plugin."""

from __future__ import annotations

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
