"""A page that imports a module whose plugin the app lacks is told which one to install, and so
is the terminal; the host keeps serving whatever a page asks for."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from oro_framework.testing import ServedApp, app_page, served_app

# oro-ai is installed in the test environment but not loaded by this host: the message says so.
NOT_LOADED = (
    "oro:ai needs the plugin oro-ai, which is installed but not loaded (ORO_LOAD_PLUGINS, "
    "ORO_DISABLE_PLUGINS or [plugins] disable leave it out)"
)
PAGE = """<!doctype html>
<script>
  globalThis.errors = []
  addEventListener('error', (event) => globalThis.errors.push(event.message))
</script>
<script type="module" src="main.js"></script>
"""
# As the app wrote it: named imports, which must link for the page to see the message.
MAIN = "import { chat, AIError } from 'oro:ai'\nglobalThis.ran = true\n"


@pytest.fixture
def app(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[ServedApp]:
    (tmp_path / "oro.toml").write_text('[meta]\nname = "T"\nbundle_identifier = "dev.oro.t"\n')
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "main.js").write_text(MAIN)
    caplog.set_level(logging.WARNING, logger="oro_framework.bridge")
    with served_app(app_dir=tmp_path) as served:
        yield served


def test_a_static_import_fails_in_the_page_naming_the_plugin_and_the_terminal_says_it_once(
    chromium_browser: Browser, app: ServedApp, caplog: pytest.LogCaptureFixture
) -> None:
    with app_page(chromium_browser, app, "/index.html") as page:
        page.wait_for_function("globalThis.errors.length > 0")
        assert page.evaluate("globalThis.errors") == [f"Uncaught Error: {NOT_LOADED}"]
        assert page.evaluate("globalThis.ran") is None
        dynamic = page.evaluate("import('socket:ai').then(() => 'loaded', (e) => e.message)")
        assert dynamic == NOT_LOADED
    lines = [record.getMessage() for record in caplog.records if "oro:ai" in record.getMessage()]
    assert lines == [f"{NOT_LOADED} (imported by main.js:1)"]


def test_hostile_module_requests_get_a_clear_error_and_the_host_keeps_serving(
    chromium_browser: Browser, app: ServedApp
) -> None:
    probes = [
        "/oro/" + "a" * 100_000 + ".js",
        "/oro/%2e%2e/%2e%2e/etc/passwd.js",
        "/oro/ai.js/..%2f..%2foro.toml",
        "/oro/ai%00.js",
        "/oro/nope.js",
    ]
    with app_page(chromium_browser, app, "/index.html") as page:
        statuses = page.evaluate(
            """async (paths) => Promise.all(paths.map((path) =>
                fetch(path).then((r) => r.status, () => 'refused')))""",
            probes,
        )
        assert all(status in (400, 403, 404, 414, 431, "refused") for status in statuses)
        assert statuses[-1] == 404  # an unknown module keeps its 404
        specifiers = ["oro:../../etc/passwd", "oro:" + "a" * 5000, "oro:ai\\u0000"]
        for specifier in specifiers:
            message = page.evaluate(
                "(s) => import(s).then(() => 'loaded', (e) => e.message)", specifier
            )
            assert message != "loaded"
        after = page.evaluate("import('oro:ai').then(() => 'loaded', (e) => e.message)")
        assert after == NOT_LOADED
