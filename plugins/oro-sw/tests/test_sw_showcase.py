"""The showcase's windows and protocol-handler panel in a real headless Chromium: a second window
opened from the page answers a greeting sent to it alone, and a web+showcase:// fetch is answered
by the scheme's worker, which counts visits in its Environment."""

from __future__ import annotations

import json
from pathlib import Path

import oro_sw.plugin
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.platform
import oro_framework.core.protocols
from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"
PLUGINS = [
    oro_sw.plugin,
    oro_framework.core.application,
    oro_framework.core.platform,
    oro_framework.core.protocols,
]


def _result_after(page: Page, button: str, expected: str) -> dict[str, object]:
    page.evaluate("() => { document.getElementById('windows-result').textContent = '' }")
    page.click(f"#{button}")
    page.wait_for_function(
        "(text) => document.getElementById('windows-result').textContent.includes(text)",
        arg=expected,
    )
    result: dict[str, object] = json.loads(page.text_content("#windows-result") or "{}")
    return result


def test_the_panel_talks_to_a_second_window_and_fetches_its_protocol(
    chromium_browser: Browser,
) -> None:
    with (
        served_app(PLUGINS, app_dir=SHOWCASE) as served,
        app_page(chromium_browser, served) as page,
    ):
        opened = _result_after(page, "windows-open", "open")
        launch_url = str(opened["open"])
        assert launch_url.startswith(f"{served.server.origin}/second.html?index=1&oro_launch=")
        # Headless, the new window is a page the user opens: here, in a browser of its own.
        second = chromium_browser.new_context().new_page()
        try:
            second.goto(launch_url)
            second.wait_for_function("() => document.body.dataset.ready === 'true'")
            page.fill("#windows-text", "from window 0")
            answered = _result_after(page, "windows-open", "answered")
            heard = json.loads(second.text_content("#heard") or "{}")
        finally:
            second.context.close()
        first_visit = _result_after(page, "windows-fetch", "servedBy")
        second_visit = _result_after(page, "windows-fetch", "servedBy")

    assert heard == {"text": "from window 0"}
    assert answered == {
        "window": 1,
        "answered": {"from": 1, "text": "hello back to “from window 0”"},
    }
    assert first_visit["url"] == "web+showcase://note/from%20window%200"
    assert first_visit["servedBy"] == "showcase-sw.js"
    assert second_visit["visits"] == int(str(first_visit["visits"])) + 1
