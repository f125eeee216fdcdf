"""What the tests share: the test app's files, hosts that keep their data directory across
restarts (the store lives there), a streaming mount, and pages that wait for the runtime."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Mapping
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
)
from pathlib import Path
from typing import Any, Final

import anyio
import oro_sw.plugin
from playwright.sync_api import BrowserContext, Page

from oro_framework import Host, MountTable, hookimpl
from oro_framework.testing import ServedApp, make_host, served_app

APP: Final = Path(__file__).parent / "app"


RUNTIME_READY: Final = "() => globalThis[Symbol.for('oro.runtime.bootstrap')]?.ready === true"
"""True once the page's bootstrap ran (``runtimeinit``): oro:bootstrap's own state, which every
engine can read (WebDriver has no init script to record the event)."""


RELOADED_INTO_WORKER = (
    "performance.getEntriesByType('navigation')[0].type === 'reload'"
    " && navigator.serviceWorker.controller !== null"
    " && globalThis[Symbol.for('oro.runtime.bootstrap')]?.ready === true"
)
"""True in a page of a configured worker's scope once it reloaded into that worker, which its
first load does as soon as the worker is active (oro-sw's preload), and the reloaded page's
bootstrap ran (``runtimeinit``: oro:bootstrap's state says so, on every engine)."""


def copy_app(target: Path) -> Path:
    shutil.copytree(APP, target)
    return target


class StreamingMount:
    """A plugin mounting ``/sse``: ``/sse/events`` sends one event, waits for :attr:`release`
    (set by the test once the page has read it), then sends a second and ends. The page can only
    read the first before the release if chunks arrive as they are written."""

    def __init__(self) -> None:
        self.release = threading.Event()

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        mounts.mount("/sse", self.app, doc="A two-event stream released by the test.")

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
        await anyio.to_thread.run_sync(self.release.wait, abandon_on_cancel=True)
        await send({"type": "http.response.body", "body": b"data: second\n\n", "more_body": False})


def open_launch_url(context: BrowserContext, launch_url: str, path: str = "/") -> Page:
    """A page of ``context`` opened through ``launch_url`` (redeeming this run's token), once
    the runtime is ready; then moved to ``path`` when it is not ``/``."""
    page = context.new_page()
    page.goto(launch_url)
    page.wait_for_function(RUNTIME_READY, timeout=15_000)
    if path != "/":
        goto_ready(page, path)
    return page


def goto_ready(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(RUNTIME_READY, timeout=15_000)


REGISTER: Final = """async ([script, options]) => {
  const { serviceWorker } = await import('oro:service-worker')
  const registration = await serviceWorker.register(script, options)
  const worker = registration.installing ?? registration.waiting ?? registration.active
  if (worker.state !== 'activated') {
    await new Promise((resolve) => worker.addEventListener('statechange',
      () => { if (worker.state === 'activated') resolve() }))
  }
  return { id: registration.id, scope: registration.scope }
}"""
"""Register a worker through oro:service-worker and wait until it is activated."""

CONTROLLED: Final = """async () => {
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
  }
  return navigator.serviceWorker.controller.scriptURL
}"""
"""Wait until the page is controlled by a worker; its script URL."""

TEXT: Final = "async (url) => { const r = await fetch(url); return [r.status, await r.text()] }"


def kept_host(
    app_dir: Path, data_dir: Path, config: Mapping[str, Any] | None = None
) -> AbstractAsyncContextManager[Host]:
    """A running host of ``app_dir`` with oro-sw whose data directory is ``data_dir``, which
    outlives it."""
    return make_host([oro_sw.plugin], app_dir=app_dir, data_dir=data_dir, config=config)


def served_kept(
    app_dir: Path, data_dir: Path, *, port: int = 0, config: Mapping[str, Any] | None = None
) -> AbstractContextManager[ServedApp]:
    """:func:`kept_host` served on ``port`` (0: a free one) from a background trio loop."""
    return served_app([oro_sw.plugin], app_dir=app_dir, data_dir=data_dir, port=port, config=config)
