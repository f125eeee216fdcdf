"""The plugin's JS module in a real headless Chromium: page JavaScript calls the plugin's routes
through it, over the real bridge.

``chromium_browser`` is a fixture of oro-framework's pytest plugin: one system Chromium for the
whole session (``oro doctor`` says whether one is installed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from oro_framework.testing import ServedApp, app_page, installed_plugin, served_app
from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, oro_transport: str) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>A page</title>\n")
    # Once per transport a page may use (fetch, and the Conduit where oro-conduit is installed).
    plugins = [installed_plugin("template")]
    with served_app(plugins, app_dir=app_dir, transport=oro_transport) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


MODULE = "oro:template"


def run(page: Page, body: str) -> Any:
    """Run ``body`` in the page with ``api``, the plugin's JS module, in scope."""
    return page.evaluate(f"async () => {{ const api = await import('{MODULE}'); {body} }}")


def test_page_echoes_a_value_through_the_js_module(page: Page) -> None:
    assert run(page, "return await api.echo('hi')") == {"value": "hi", "greeting": "Hello"}


def test_page_digests_bytes_through_the_js_module(page: Page) -> None:
    result = run(page, "return await api.digest(new TextEncoder().encode('oro'))")
    assert result == {"sha256": hashlib.sha256(b"oro").hexdigest(), "size": 3}


def test_page_gets_a_missing_value_as_a_type_error(page: Page) -> None:
    error = run(page, "try { await api.echo() } catch (e) { return [e.name, e.code] }")
    assert error == ["TypeError", "ERR_MISSING_ARGS"]
