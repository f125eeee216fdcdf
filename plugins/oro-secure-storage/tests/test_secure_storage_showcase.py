"""The showcase's Secrets panel in a real headless Chromium against a real keyring: a value
stored, read back and removed through the panel's buttons, and kept in the keyring (read from
outside with libsecret's ``secret-tool``), not in the app's files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from _keyring import gnome_keyring
from oro_secure_storage import plugin
from playwright.sync_api import Browser, Page

from oro_framework.testing import app_page, served_app

SHOWCASE = Path(__file__).resolve().parents[3] / "examples" / "showcase"


def _click_and_read(page: Page, button: str, expected: str) -> dict[str, object]:
    page.evaluate("() => { document.getElementById('secrets-result').textContent = '' }")
    page.click(button)
    page.wait_for_function(
        f"() => document.getElementById('secrets-result').textContent.includes({expected!r})"
    )
    return dict(json.loads(page.text_content("#secrets-result") or "{}"))


def test_showcase_panel_stores_reads_and_removes_a_secret(
    chromium_browser: Browser, tmp_path: Path
) -> None:
    with (
        gnome_keyring(tmp_path / "keyring") as keyring,
        served_app([plugin], app_dir=SHOWCASE, environ=keyring.environ) as served,
        app_page(chromium_browser, served) as page,
    ):
        # The panel's buttons have listeners once its module has loaded.
        page.wait_for_function("() => document.getElementById('secrets').dataset.ready === 'true'")
        page.fill("#secrets-key", "showcase-token")
        page.fill("#secrets-value", "correct horse battery staple")

        stored = _click_and_read(page, "#secrets-set", "stored")
        assert stored == {"stored": "showcase-token", "keys": ["showcase-token"]}
        outside = subprocess.run(
            ["secret-tool", "search", "--all", "oro:key", "showcase-token"],
            capture_output=True,
            text=True,
            env=keyring.environ,
            check=True,
        )
        assert "oro:app = dev.oro.showcase" in outside.stdout + outside.stderr

        read = _click_and_read(page, "#secrets-get", "value")
        assert read == {"key": "showcase-token", "value": "correct horse battery staple"}

        removed = _click_and_read(page, "#secrets-remove", "removed")
        assert removed == {"removed": True, "keys": []}
