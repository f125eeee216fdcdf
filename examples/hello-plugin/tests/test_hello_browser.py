"""oro:hello in a real headless Chromium: a page greets through the plugin's JS module.

``chromium_browser`` is a fixture of oro-framework's pytest plugin: one system Chromium for the
whole session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oro_framework.testing import ServedApp, app_page, installed_plugin, served_app
from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, oro_transport: str) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>hello</title>\n")
    (app_dir / "oro.toml").write_text('[hello]\ngreeting = "Ahoy"\n')
    # Once per transport a page may use (fetch, and the Conduit where oro-conduit is installed).
    plugins = [installed_plugin("hello")]
    with served_app(plugins, app_dir=app_dir, transport=oro_transport) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def test_page_greets_with_the_configured_greeting(page: Page) -> None:
    reply = page.evaluate("async () => (await import('oro:hello')).greet('Ada', { excited: true })")
    assert reply["message"] == "Ahoy, Ada!"


def test_page_gets_a_blank_name_as_a_type_error(page: Page) -> None:
    error = page.evaluate(
        """async () => {
            const hello = await import('oro:hello')
            try { await hello.greet(' ') } catch (e) { return [e.name, e.code] }
        }"""
    )
    assert error == ["TypeError", "ERR_INVALID_ARG_TYPE"]
