"""oro-sw's first page (``/oro-sw/first-page``), which a native main window opens before the
app's page when workers are configured, here in real headless Chromium over a real server: the
app's page it goes on to is controlled from its first load, with no reload; its report of a
worker that failed is one warning per configured script, whatever a page sends; without the
session it serves nothing; an app without configured workers has no such page. The same in
real WebKitGTK and Qt windows: tests/test_sw_first_page_native.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import oro_sw.plugin
import pytest
from _sw_support import CONTROLLED, RUNTIME_READY, TEXT, copy_app
from oro_sw.first_page import FIRST_PAGE
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, served_app

CONFIG = {"webview.service-workers": "./sw.js"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedApp]:
    with served_app([oro_sw.plugin], app_dir=copy_app(tmp_path / "app"), config=CONFIG) as app:
        yield app


@pytest.fixture
def first_page(chromium_browser: Browser, served: ServedApp) -> Iterator[Page]:
    """A tab opened as the native main window opens: the launch URL's token on the first
    page, which goes on to the app's page."""
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(served.server.launch_url.replace("/?", f"{FIRST_PAGE}?", 1))
    page.wait_for_function(RUNTIME_READY, timeout=15_000)
    yield page
    context.close()


def test_the_app_s_page_is_the_configured_worker_s_from_its_first_load(
    first_page: Page, served: ServedApp
) -> None:
    shell = "/oro/service-worker/shell.js?script=%2Fsw.js"
    assert first_page.url.startswith(served.server.origin + "/")
    assert first_page.evaluate("location.pathname") == "/"
    assert first_page.evaluate(CONTROLLED) == served.server.origin + shell
    navigation = "performance.getEntriesByType('navigation')[0].type"
    assert first_page.evaluate(navigation) == "navigate"
    # The preload found its worker in control: it did not reload into it.
    assert first_page.evaluate("sessionStorage.getItem('oro:service-worker:reloaded')") is None
    assert first_page.evaluate(TEXT, "/missing") == [200, "worker answered missing"]


REPORT = """async ([script, reason]) => {
  const query = new URLSearchParams({ script, reason })
  return (await fetch(`/oro-sw/failed?${query}`, { method: 'POST' })).status
}"""


def test_reports_of_a_failed_worker_are_one_warning_per_configured_script(
    first_page: Page, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="oro_sw")
    reports = [
        ("/sw.js", "it failed to install\n\x1b[31m" + "x" * 10_000),
        ("/sw.js", "again"),
        ("/not-configured.js", "made up"),
        ("", ""),
    ]
    assert [first_page.evaluate(REPORT, list(report)) for report in reports] == [204] * 4
    warned = [record.getMessage() for record in caplog.records if record.name == "oro_sw"]
    assert len(warned) == 1, warned
    assert "/sw.js did not activate" in warned[0]
    assert "\x1b" not in warned[0]
    assert len(warned[0]) < 400


def test_without_the_session_the_first_page_serves_nothing(served: ServedApp) -> None:
    with httpx.Client(base_url=served.server.origin) as client:
        assert client.get(FIRST_PAGE).status_code == 403
        failed = client.post("/oro-sw/failed", params={"script": "/sw.js", "reason": "x"})
        assert failed.status_code == 403


def test_an_app_without_configured_workers_has_no_first_page(
    chromium_browser: Browser, tmp_path: Path
) -> None:
    with served_app([oro_sw.plugin], app_dir=copy_app(tmp_path / "app")) as served:
        context = chromium_browser.new_context()
        try:
            page = context.new_page()
            answer = page.goto(served.server.launch_url.replace("/?", f"{FIRST_PAGE}?", 1))
            assert answer is not None
            assert answer.status == 404
        finally:
            context.close()
