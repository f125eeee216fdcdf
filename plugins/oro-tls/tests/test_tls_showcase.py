"""The showcase's TCP/TLS panel in a real headless Chromium: a node:net client of the page
talks to a node:net server of the same page through 127.0.0.1."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

from playwright.sync_api import Browser

from conftest import TLS_PLUGINS
from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def test_showcase_panel_echoes_through_a_page_server(chromium_browser: Browser) -> None:
    with (
        served_app(TLS_PLUGINS, app_dir=SHOWCASE) as served,
        app_page(chromium_browser, served) as page,
    ):
        page.wait_for_function(
            "() => document.getElementById('tcp-result').textContent.includes('client')"
        )
        ready = json.loads(page.text_content("#tcp-result") or "{}")
        assert ready["server"]["address"] == "127.0.0.1"
        assert ready["tls"]["provider"] == "openssl"
        assert ready["tls"]["version"] == ssl.OPENSSL_VERSION
        page.fill("#tcp-text", "ping over tcp")
        page.click("#tcp-send")
        page.wait_for_function(
            "() => document.getElementById('tcp-result').textContent.includes('echoed')"
        )
        echo = json.loads(page.text_content("#tcp-result") or "{}")
        assert echo["echoed"] == "PING OVER TCP"
        assert echo["client"]["remotePort"] == ready["server"]["port"]
