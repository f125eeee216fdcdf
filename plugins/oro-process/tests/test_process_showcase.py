"""The showcase's Processes panel in a real headless Chromium: `uname -srm` and `sort` fed
through stdin run because the showcase's oro.toml lists them; `curl` is refused by the rule."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from playwright.sync_api import Browser, Page

from conftest import PROCESS_PLUGINS
from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def _click_and_read(page: Page, button: str, expected: str) -> str:
    page.evaluate("() => { document.getElementById('process-result').textContent = '' }")
    page.click(button)
    page.wait_for_function(
        f"() => document.getElementById('process-result').textContent.includes({expected!r})"
    )
    return page.text_content("#process-result") or ""


def test_showcase_panel_runs_what_oro_toml_allows_and_refuses_the_rest(
    chromium_browser: Browser,
) -> None:
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    with (
        served_app(PROCESS_PLUGINS, app_dir=SHOWCASE, environ=environ) as served,
        app_page(chromium_browser, served) as page,
    ):
        # The panel's buttons have listeners once its module has loaded.
        page.wait_for_function("() => document.getElementById('process').dataset.ready === 'true'")
        uname = json.loads(_click_and_read(page, "#process-uname", "stdout"))
        system = platform.uname()
        assert uname == {
            "command": "uname -srm",
            "stdout": f"{system.system} {system.release} {system.machine}",
        }

        page.fill("#process-lines", "pear\napple\nfig")
        sort = json.loads(_click_and_read(page, "#process-sort", "sorted"))
        assert sort["code"] == 0
        assert sort["sorted"] == ["apple", "fig", "pear"]
        assert sort["pid"] > 0

        refused = _click_and_read(page, "#process-refused", "SecurityError")
        assert "ERR_PROCESS_NOT_ALLOWED" in refused
        assert "'curl' is not in [process] allow" in refused
