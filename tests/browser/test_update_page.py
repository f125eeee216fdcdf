"""A page in headless Chromium updates its app through oro:application against an update server
on 127.0.0.1: check, download with progress, install; and a refused update reaches the page as
an Error with its code."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

import oro_framework.core.application
import oro_framework.core.update
from oro_framework.testing import ServedApp, app_page, served_app
from tests._update_server import BUNDLE, NAME, UpdateServer, make_folder, serve_updates

CYCLE = """async () => {
  const { update } = await import('oro:application')
  const progress = []
  const checked = await update.check()
  const downloaded = await update.download({ onProgress: (step) => progress.push(step) })
  const installed = await update.install()
  return { checked, downloaded, progress, installed }
}"""
CHECK_ERROR = """async () => {
  const { update } = await import('oro:application')
  try {
    await update.check()
    return null
  } catch (error) {
    return { name: error.name, code: error.code }
  }
}"""


def _runs(folder: Path) -> str:
    return subprocess.run(
        [str(folder / NAME)], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def update_server(tmp_path: Path) -> Iterator[UpdateServer]:
    with serve_updates(tmp_path / "updates") as server:
        yield server


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    return make_folder(tmp_path / "opt", "1.0.0")


@pytest.fixture
def app(update_server: UpdateServer, installed: Path) -> Iterator[ServedApp]:
    config = {
        "meta.version": "1.0.0",
        "meta.bundle_identifier": BUNDLE,
        "build.update_public_key": update_server.public_key,
        "update.manifest_url": f"{update_server.url}/update.json",
        "update.install_dir": str(installed),
    }
    plugins = [oro_framework.core.application, oro_framework.core.update]
    with served_app(plugins, config=config) as served:
        yield served


def test_a_page_checks_downloads_and_installs_an_update(
    chromium_browser: Browser, app: ServedApp, update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0", padding=2_000_000)

    with app_page(chromium_browser, app) as page:
        result = page.evaluate(CYCLE)

    size = result["downloaded"]["size"]
    assert result["checked"]["available"] is True
    assert result["checked"]["manifest"]["version"] == "1.1.0"
    assert result["progress"][-1] == {"downloaded": size, "total": size}
    assert result["installed"]["installed"] == "1.1.0"
    assert _runs(installed) == "1.1.0"
    assert _runs(Path(result["installed"]["previous"])) == "1.0.0"


def test_a_tampered_manifest_reaches_the_page_as_a_security_error(
    chromium_browser: Browser, app: ServedApp, update_server: UpdateServer, installed: Path
) -> None:
    update_server.publish("1.1.0")
    manifest = update_server.root / "update.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"1.1.0"', b'"1.1.1"'))

    with app_page(chromium_browser, app) as page:
        error = page.evaluate(CHECK_ERROR)

    assert error == {"name": "SecurityError", "code": "UPDATE_SIGNATURE_INVALID"}
    assert _runs(installed) == "1.0.0"
