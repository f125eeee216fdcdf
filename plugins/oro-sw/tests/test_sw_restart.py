"""Workers and their storage across host restarts, in a persistent Chromium profile: the same
port (the same origin) keeps the worker and its storage and the new launch URL still opens a
session through the old worker; another port finds neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from _sw_support import CONTROLLED, REGISTER, TEXT, copy_app, open_launch_url, served_kept
from playwright.sync_api import Browser, BrowserContext

from oro_framework.testing import CHROMIUM_ARGS, ServedApp, find_chromium


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return copy_app(tmp_path / "app"), tmp_path / "data"


def persistent(browser: Browser, profile: Path) -> BrowserContext:
    return browser.browser_type.launch_persistent_context(
        profile, executable_path=find_chromium(), args=list(CHROMIUM_ARGS), headless=True
    )


@pytest.fixture
def first_run(chromium_browser: Browser, profile: Path, dirs: tuple[Path, Path]) -> int:
    """Run 1: a worker installed and a value stored through it; the port it ran on."""
    app_dir, data_dir = dirs
    with served_kept(app_dir, data_dir) as app:
        context = persistent(chromium_browser, profile)
        try:
            page = open_launch_url(context, app.server.launch_url)
            page.evaluate(REGISTER, ["/sw.js", {}])
            page.evaluate(CONTROLLED)
            assert page.evaluate(TEXT, "/env-set?value=kept") == [200, "set"]
        finally:
            context.close()
        port = app.server.port
    return port


def ipc_works(app: ServedApp, context: BrowserContext) -> list[object]:
    page = open_launch_url(context, app.server.launch_url)
    return page.evaluate(
        """async () => {
          const { request } = await import('oro:ipc')
          const { registrations } = await request('serviceWorker.getRegistrations')
          return [registrations.length, navigator.serviceWorker.controller?.scriptURL ?? null]
        }"""
    )


def test_same_port_keeps_the_worker_its_storage_and_the_launch_works(
    chromium_browser: Browser, profile: Path, dirs: tuple[Path, Path], first_run: int
) -> None:
    app_dir, data_dir = dirs
    with served_kept(app_dir, data_dir, port=first_run) as app:
        context = persistent(chromium_browser, profile)
        try:
            # The old worker controls the launch navigation's page; the launch URL still
            # traded this run's token for a session (the helper let it through), so IPC works.
            assert ipc_works(app, context) == [1, app.server.origin + "/sw.js"]
            page = context.pages[-1]
            assert page.evaluate(TEXT, "/missing") == [200, "worker answered missing"]
            answer = page.evaluate("async () => (await fetch('/env-get')).json()")
            assert answer["value"] == "kept"
        finally:
            context.close()


def test_another_port_has_neither_the_worker_nor_its_storage(
    chromium_browser: Browser, profile: Path, dirs: tuple[Path, Path], first_run: int
) -> None:
    app_dir, data_dir = dirs
    with served_kept(app_dir, data_dir) as app:
        assert app.server.port != first_run
        context = persistent(chromium_browser, profile)
        try:
            assert ipc_works(app, context) == [0, None]
            page = context.pages[-1]
            assert page.evaluate(TEXT, "/missing")[0] == 404
            page.evaluate(REGISTER, ["/sw.js", {}])
            page.evaluate(CONTROLLED)
            answer = page.evaluate("async () => (await fetch('/env-get')).json()")
            assert answer["value"] is None
        finally:
            context.close()


UPDATED = """async () => {
  const registration = await navigator.serviceWorker.ready
  // Fetched without cookies (module workers are), perhaps already done by the browser's own
  // check after the launch navigation; a refused script would reject here.
  await registration.update()
  const worker = registration.installing ?? registration.waiting
  if (worker) {
    await new Promise((resolve) => {
      const check = () => { if (worker.state === 'activated') resolve() }
      worker.addEventListener('statechange', check)
      check()
    })
  }
  if (navigator.serviceWorker.controller !== registration.active) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  }
  return await (await fetch('/missing')).text()
}"""


def test_a_changed_script_replaces_the_worker_after_a_restart(
    chromium_browser: Browser, profile: Path, dirs: tuple[Path, Path], first_run: int
) -> None:
    app_dir, data_dir = dirs
    script = app_dir / "sw.js"
    script.write_text(script.read_text().replace("worker answered missing", "version 2"))
    with served_kept(app_dir, data_dir, port=first_run) as app:
        context = persistent(chromium_browser, profile)
        try:
            page = open_launch_url(context, app.server.launch_url)
            assert page.evaluate(UPDATED) == "version 2"
        finally:
            context.close()
