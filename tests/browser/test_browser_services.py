"""A crashing plugin service seen from a real page in headless Chromium: the
``servicestatechange`` event arrives on the host event channel, and the plugin's routes reject
with a typed ``ServiceUnavailableError`` while the other routes keep answering."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from anyio.abc import TaskStatus
from playwright.sync_api import Browser, Page

import oro_framework.core.ping
from oro_framework import Request, RouteTable, ServiceRegistry, hookimpl
from oro_framework.testing import ServedApp, app_page, served_app


class CrashingPlugin:
    """A service that crashes when ``crash()`` is called, and a route of the same plugin."""

    name = "crashing"

    def __init__(self) -> None:
        self._crash: anyio.Event | None = None

    @hookimpl
    def oro_register_routes(self, routes: RouteTable) -> None:
        async def status(request: Request) -> str:
            return "up"

        routes.add("crashing.status", status, permission="runtime")

    @hookimpl
    def oro_register_services(self, services: ServiceRegistry) -> None:
        async def run(*, task_status: TaskStatus[None]) -> None:
            self._crash = anyio.Event()
            task_status.started()
            await self._crash.wait()
            raise RuntimeError("lost the device")

        services.add("crashing.device", run, doc="Crashes when told to.")

    async def crash(self) -> None:
        assert self._crash is not None
        self._crash.set()


@pytest.fixture
def plugin() -> CrashingPlugin:
    return CrashingPlugin()


@pytest.fixture
def app(plugin: CrashingPlugin) -> Iterator[ServedApp]:
    # The restart never comes during the test: the page sees the service down.
    config = {"services.restart_backoff_ms": 600_000, "services.restart_backoff_max_ms": 600_000}
    with served_app([oro_framework.core.ping, plugin], config=config) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def test_a_page_sees_the_crash_and_the_plugins_routes_reject_typed(
    page: Page, app: ServedApp, plugin: CrashingPlugin
) -> None:
    page.evaluate(
        """() => {
            globalThis.__restarting = new Promise(resolve => {
                globalThis.addEventListener('servicestatechange', event => {
                    if (event.detail.state === 'restarting') resolve(event.detail)
                })
            })
        }"""
    )
    app.call(plugin.crash)

    detail: dict[str, Any] = page.evaluate("() => globalThis.__restarting")
    assert 0 < detail.pop("retryAfter") <= 600_000
    assert detail == {
        "service": "crashing.device",
        "plugin": "crashing",
        "state": "restarting",
        "restarts": 1,
        "error": {"type": "RuntimeError", "message": "lost the device"},
    }
    rejected = page.evaluate(
        """async () => {
            const { request } = await import('oro:ipc')
            try { await request('crashing.status') } catch (e) {
                return { name: e.name, code: e.code, service: e.service, state: e.state,
                         hasRetryAfter: typeof e.retryAfter === 'number' }
            }
        }"""
    )
    assert rejected == {
        "name": "ServiceUnavailableError",
        "code": "SERVICE_UNAVAILABLE_ERR",
        "service": "crashing.device",
        "state": "restarting",
        "hasRetryAfter": True,
    }
    assert page.evaluate("async () => (await import('oro:ipc')).request('ping')") == "pong"
