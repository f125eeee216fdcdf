"""The showcase's Data panel in a real headless Chromium: its notes, gzipped by the host's zlib
through oro:zlib, come back the same and smaller."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import oro_sqlite.plugin
import oro_zlib.plugin
from playwright.sync_api import Browser

from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def test_showcase_panel_gzips_the_notes_and_back(chromium_browser: Browser) -> None:
    with (
        served_app([oro_sqlite.plugin, oro_zlib.plugin], app_dir=SHOWCASE) as served,
        app_page(chromium_browser, served) as page,
    ):
        page.wait_for_function("() => document.getElementById('data').dataset.ready === 'true'")
        page.fill("#data-notes", "pear\napple\nfig")
        page.click("#data-gzip")
        page.wait_for_function(
            "() => document.getElementById('data-result').textContent.includes('gzipped')"
        )
        answer = json.loads(page.text_content("#data-result") or "")
    text = ("pear\napple\nfig" * 20).encode()
    assert answer["bytes"] == len(text)
    assert answer["sameBack"] is True
    # The host's zlib at its default level: what Python's gzip makes of the same text.
    assert 0 < answer["gzipped"] < len(text)
    assert abs(answer["gzipped"] - len(gzip.compress(text))) <= 20
