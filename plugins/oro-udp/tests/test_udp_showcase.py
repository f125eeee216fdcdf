"""The showcase's UDP panel in a real headless Chromium: two node:dgram sockets of the page
echo through 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser

from conftest import UDP_PLUGINS
from oro_framework.core import diagnostics
from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def test_showcase_panel_echoes_through_loopback(chromium_browser: Browser) -> None:
    with (
        served_app([*UDP_PLUGINS, diagnostics], app_dir=SHOWCASE) as served,
        app_page(chromium_browser, served) as page,
    ):
        page.wait_for_function(
            "() => document.getElementById('udp-result').textContent.includes('client')"
        )
        sockets = json.loads(page.text_content("#udp-result") or "{}")
        assert sockets["server"]["address"] == "127.0.0.1"
        page.fill("#udp-text", "ping over udp")
        page.click("#udp-send")
        page.wait_for_function(
            "() => document.getElementById('udp-result').textContent.includes('echoed')"
        )
        echo = json.loads(page.text_content("#udp-result") or "{}")
        assert echo["echoed"] == "PING OVER UDP"
        assert echo["from"] == {
            "address": "127.0.0.1",
            "family": "IPv4",
            "port": sockets["server"]["port"],
            "size": len("ping over udp"),
        }
        assert echo["droppedByHost"] == 0
