"""The bridge's part, over a real server: Service-Worker-Allowed on worker script fetches, and
what a worker script fetch without a session may and may not reach."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import oro_sw.plugin
import pytest
from _sw_support import APP

from oro_framework.testing import LiveServer, live_server, make_host

pytestmark = pytest.mark.anyio

SCRIPT_FETCH = {
    "sec-fetch-site": "same-origin",
    "sec-fetch-dest": "serviceworker",
    "service-worker": "script",
}
IMPORT_FETCH = {"sec-fetch-site": "same-origin", "sec-fetch-dest": "serviceworker"}


@pytest.fixture
async def server() -> AsyncIterator[LiveServer]:
    async with make_host([oro_sw.plugin], app_dir=APP) as host, live_server(host) as served:
        yield served


async def get(server: LiveServer, path: str, headers: dict[str, str]) -> httpx.Response:
    async with server.client(session=False) as client:
        return await client.get(path, headers=headers)


@pytest.mark.parametrize("path", ["/sw.js", "/prefer/sw.js", "/oro/service-worker/worker.js"])
async def test_a_worker_script_is_served_without_a_session_and_may_take_any_scope(
    server: LiveServer, path: str
) -> None:
    response = await get(server, path, SCRIPT_FETCH)

    assert response.status_code == 200
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["content-type"].startswith("text/javascript")


async def test_modules_a_worker_imports_are_served_without_a_session(server: LiveServer) -> None:
    response = await get(server, "/oro/errors.js", IMPORT_FETCH)

    assert response.status_code == 200
    assert "service-worker-allowed" not in response.headers


@pytest.mark.parametrize(
    "path", ["/ipc/serviceWorker.getRegistrations", "/oro/events?window=0", "/ipc"]
)
async def test_the_bridge_is_not_a_worker_script(server: LiveServer, path: str) -> None:
    assert (await get(server, path, SCRIPT_FETCH)).status_code == 403


async def test_without_the_fetch_dest_nothing_is_served(server: LiveServer) -> None:
    response = await get(server, "/sw.js", {"service-worker": "script"})

    assert response.status_code == 403
    # The header is about the request, not the answer: even a refusal says it.
    assert response.headers["service-worker-allowed"] == "/"


async def test_other_sites_cannot_fetch_a_worker_script(server: LiveServer) -> None:
    response = await get(server, "/sw.js", {**SCRIPT_FETCH, "sec-fetch-site": "same-site"})

    assert response.status_code == 403


async def test_a_page_fetch_gets_no_service_worker_allowed(server: LiveServer) -> None:
    async with server.client() as client:
        response = await client.get("/sw.js")

    assert response.status_code == 200
    assert "service-worker-allowed" not in response.headers
