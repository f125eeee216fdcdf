"""An isolated plugin as a page meets it: its JS module and routes over each transport a page
may use (fetch, and the Conduit), in a real headless Chromium; the same answers and errors as
in process. (oro-zlib's own browser suite runs isolated too: test_suites_isolated.py.)"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from oro_framework.testing import ServedApp, app_page, installed_plugin, served_app


@pytest.fixture(scope="module", params=[False, True], ids=["in-process", "isolated"])
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, oro_transport: str
) -> Iterator[ServedApp]:
    app_dir = tmp_path_factory.mktemp("app")
    (app_dir / "index.html").write_text("<!doctype html><title>A page</title>\n")
    config = {"plugins.isolate": ["zlib"]} if request.param else {}
    plugins = [installed_plugin("zlib")]
    with served_app(plugins, app_dir=app_dir, config=config, transport=oro_transport) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def run(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(f"async (arg) => {{ const api = await import('oro:zlib'); {body} }}", arg)


TEXT = "isolated " * 50_000


def test_the_js_module_calls_the_plugin_over_the_transport(page: Page, app: ServedApp) -> None:
    packed = run(page, "return Array.from(await api.gzip(arg, { level: 6 }))", TEXT)
    assert gzip.decompress(bytes(packed)).decode() == TEXT
    assert run(page, "return (await api.gunzip(await api.gzip(arg))).toString()", TEXT) == TEXT
    error = run(
        page,
        "try { await api.gunzip(new Uint8Array([1, 2, 3])) } catch (e) { return [e.name, e.code] }",
    )
    assert error == ["Error", "Z_DATA_ERROR"]
    isolated = app.host.plugin_info("zlib").isolated
    assert isolated == bool(app.host.config["plugins.isolate"])
