"""Oro's File System Access globals in real headless browsers (Chromium, which has the engine's
own classes, and WebKitGTK's MiniBrowser, which has none) against the real host with the oro-fs
plugin: what ``tests/_fs_web_page.py`` says every page with ``webview.oro_globals`` has, and
that without that key oro-fs preloads nothing into pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_desktop.plugin
import oro_fs.plugin
import pytest
from _fs_web_page import CONFIG, INDEX, SCRIPT, check
from playwright.sync_api import Browser

import oro_framework.core.application
import oro_framework.core.platform
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

# oro:fs/web's media types are oro:mime's (platform), the pickers' dialogs oro:window's.
PLUGINS = [
    oro_fs.plugin,
    oro_desktop.plugin,
    oro_framework.core.application,
    oro_framework.core.platform,
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    app_dir: Path = tmp_path_factory.mktemp("app")
    (app_dir / "oro.toml").write_text(CONFIG.format(bundle="dev.oro.test.fs-web-globals"))
    (app_dir / "index.html").write_text(INDEX)
    with served_app(PLUGINS, app_dir=app_dir) as served:
        yield served


def test_the_pages_file_system_access_classes_are_oro_fs_webs(
    browser: Browser | WebKitBrowser, app: ServedApp
) -> None:
    with app_page(browser, app) as page:
        answer: dict[str, Any] = page.evaluate(f"async () => {{ {SCRIPT} }}")
    check(answer, app.host.paths.data)


def test_oro_fs_web_is_in_every_page_only_with_oro_globals(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "index.html").write_text("<!doctype html><title>off</title>")
    preloaded = []
    for on in (True, False):
        with served_app(PLUGINS, app_dir=app_dir, config={"webview.oro_globals": on}) as served:
            module = served.host.js_modules.get("oro:fs/web")
            assert module is not None
            preloaded.append(module.preload)
    assert preloaded == [True, False]
