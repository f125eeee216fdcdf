"""The showcase's Data panel in a real headless Chromium: its notes go into a SQLite database in
memory through oro:sqlite and come back sorted, with their lengths as SQLite counts them."""

from __future__ import annotations

import json
from pathlib import Path

import oro_sqlite.plugin
import oro_zlib.plugin
from playwright.sync_api import Browser, Page

from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def click_and_read(page: Page, button: str, expected: str) -> str:
    """Click a Data panel button once its listeners are attached; the panel's answer."""
    page.wait_for_function("() => document.getElementById('data').dataset.ready === 'true'")
    page.evaluate("() => { document.getElementById('data-result').textContent = '' }")
    page.click(button)
    page.wait_for_function(
        f"() => document.getElementById('data-result').textContent.includes({expected!r})"
    )
    return page.text_content("#data-result") or ""


def test_showcase_panel_stores_and_queries_notes(chromium_browser: Browser) -> None:
    with (
        served_app([oro_sqlite.plugin, oro_zlib.plugin], app_dir=SHOWCASE) as served,
        app_page(chromium_browser, served) as page,
    ):
        page.fill("#data-notes", "pear\nüber\nfig")
        answer = json.loads(click_and_read(page, "#data-query", "sorted"))
    assert answer == {"sorted": ["fig", "pear", "über"], "sizes": [3, 4, 4]}
