"""Asking for the camera, the microphone or the location over the real bridge: the window the
broker prompts over is the one the host proved from the page's credential, never one the page
names, and a page with no window (no credential, a forged index, a huge or malformed body) is
answered without anyone being asked and without a grant.

The prompt stands in for the user (``host.windows.ask_permission`` replaced, counting who it
would be shown over): headless there is no dialog to show; the dialogs themselves are tried in
real windows of both engines in ``tests/test_window_media_native.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import oro_framework.core.permissions
from oro_framework.host.permission_broker import PermissionAnswer
from oro_framework.testing import live_server, make_host
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio


class Prompt:
    def __init__(self) -> None:
        self.shown_over: list[int] = []

    async def __call__(self, index: int, question: str) -> PermissionAnswer:
        self.shown_over.append(index)
        return PermissionAnswer(allowed=True)


@pytest.fixture
async def served() -> AsyncIterator[tuple[LiveServer, Prompt]]:
    async with make_host([oro_framework.core.permissions]) as host, live_server(host) as server:
        prompt = Prompt()
        host.windows.ask_permission = prompt  # type: ignore[method-assign]
        yield server, prompt


async def _ask(client: httpx.AsyncClient, **options: Any) -> httpx.Response:
    return await client.get("/ipc/permissions.request", **options)


@pytest.mark.parametrize(
    "forged",
    [
        {"params": {"name": "camera"}},
        {"params": {"name": "camera", "index": "1"}},
        {"params": {"name": "camera", "window": "1"}},
        {"params": {"name": "camera"}, "headers": {"X-IPC-Window-Index": "1"}},
    ],
)
async def test_a_page_with_no_window_is_asked_nothing_and_granted_nothing(
    served: tuple[LiveServer, Prompt], forged: dict[str, Any]
) -> None:
    server, prompt = served
    async with server.client() as client:
        response = await _ask(client, **forged)
        query = await client.get("/ipc/permissions.query", params={"name": "camera"})

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"name": "camera", "state": "denied"}
    assert query.json()["data"]["state"] == "prompt"
    assert prompt.shown_over == []


async def test_the_prompt_is_over_the_window_the_credential_proves(
    served: tuple[LiveServer, Prompt],
) -> None:
    server, prompt = served
    async with server.client() as client:
        credential = server.window_credential(2)
        response = await _ask(
            client,
            params={"name": "geolocation", "index": "0"},
            headers={"X-Oro-Window": credential, "X-IPC-Window-Index": "0"},
        )

    assert response.json()["data"] == {"name": "geolocation", "state": "granted"}
    assert prompt.shown_over == [2]


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"name": 7}', b'{"name": ["camera"]}', b'{"name": "' + b"a" * 100_000 + b'"}'],
)
async def test_malformed_and_huge_bodies_are_typed_errors_and_the_host_keeps_serving(
    served: tuple[LiveServer, Prompt], body: bytes
) -> None:
    server, prompt = served
    async with server.client() as client:
        response = await client.post(
            "/ipc/permissions.request",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        after = await client.get("/ipc/permissions.query", params={"name": "camera"})

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["err"]["type"] in ("TypeError", "NotFoundError", "InvalidArgumentError")
    assert after.status_code == 200
    assert prompt.shown_over == []
