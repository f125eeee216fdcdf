"""Issue 50, window control: a window's page controls its own window only. Before, `window.eval`
and `window.navigate` acted on any `targetWindowIndex` and, for a request proving no window,
on window 0: window 1's page (or a worker) could run script in window 0's page, read its
credential and be window 0 from then on. Headless, the session cookie alone created windows
and got their launch URLs.

Over the real bridge and sockets; the real windows of both engines are in
``tests/test_window_control_native.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

import oro_framework.core.application
from oro_framework.testing import live_server, make_host
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio

APPLICATION = oro_framework.core.application
KEY = "an outside process's key, long enough"

# Every route that changes a window or its page, with what it needs besides the target.
CONTROLS: dict[str, dict[str, Any]] = {
    "window.eval": {"value": "1"},
    "window.navigate": {"url": "/other.html"},
    "window.close": {},
    "window.show": {},
    "window.hide": {},
    "window.setTitle": {"value": "forged"},
    "window.setSize": {"width": 300, "height": 200},
    "window.setPosition": {"x": 1, "y": 1},
    "window.maximize": {},
    "window.minimize": {},
    "window.restore": {},
    "window.focus": {},
    "window.blur": {},
    "window.showInspector": {},
    "window.setAlwaysOnTop": {"value": True},
    "window.setBackgroundColor": {"red": 1, "green": 2, "blue": 3},
    "window.ready": {},
}


@asynccontextmanager
async def served(**config: Any) -> AsyncIterator[LiveServer]:
    async with (
        make_host([APPLICATION], config=config) as host,
        live_server(host) as server,
    ):
        yield server


async def reply(
    client: httpx.AsyncClient, route: str, params: dict[str, Any], credential: str | None
) -> dict[str, Any]:
    headers = {} if credential is None else {"X-Oro-Window": credential}
    response = await client.get(f"/ipc/{route}", params=params, headers=headers)
    answer: dict[str, Any] = response.json()
    return answer


def code_of(answer: dict[str, Any]) -> str | None:
    error = answer.get("err")
    return None if error is None else str(error.get("code"))


@pytest.mark.parametrize("route", [*CONTROLS, "window.send"])
async def test_a_request_proving_no_window_controls_none(route: str) -> None:
    """A worker, a tab opened without its launch URL: the session, no window credential.
    Neither with an index nor without one does it reach window 0."""
    params = CONTROLS.get(route, {"event": "hello"})
    async with served() as server, server.client() as client:
        named = await reply(client, route, {**params, "targetWindowIndex": 0}, None)
        unnamed = await reply(client, route, params, None)
        window = server.host.windows.get(0)

    assert (code_of(named), code_of(unnamed)) == ("ERR_NO_WINDOW", "ERR_NO_WINDOW")
    assert named["err"]["type"] == "SecurityError"
    assert (window.status.value, window.title != "forged") == ("shown", True)
    assert window.url is None or "other.html" not in window.url


@pytest.mark.parametrize("route", list(CONTROLS))
async def test_a_window_cannot_control_another_window(route: str) -> None:
    async with served() as server, server.client() as client:
        await server.host.windows.create(oro_framework.WindowOptions(index=1))
        answer = await reply(
            client, route, {**CONTROLS[route], "targetWindowIndex": 0}, server.window_credential(1)
        )
        window = server.host.windows.get(0)

    assert code_of(answer) == "ERR_WINDOW_CONTROL", answer
    assert answer["err"]["type"] == "SecurityError"
    assert (window.status.value, window.title != "forged") == ("shown", True)


async def test_a_window_controls_itself_reads_others_and_messages_them() -> None:
    async with served() as server, server.client() as client:
        await server.host.windows.create(oro_framework.WindowOptions(index=1, title="one"))
        one = server.window_credential(1)
        titled = await reply(client, "window.setTitle", {"value": "mine"}, one)
        resized = await reply(
            client, "window.setSize", {"width": 300, "height": 200, "targetWindowIndex": 1}, one
        )
        read = await reply(client, "window.getTitle", {"targetWindowIndex": 0}, one)
        own = await reply(client, "window.getTitle", {}, one)
        async with server.host.events.subscribe(window=0) as events:
            sent = await reply(
                client, "window.send", {"event": "hello", "value": 1, "targetWindowIndex": 0}, one
            )
            heard = await events.receive()

    assert "err" not in titled
    assert titled["data"]["title"] == "mine"
    assert "err" not in resized
    assert resized["data"]["width"] == 300
    assert (read["data"], own["data"]) == (server.host.windows.get(0).title, "mine")
    assert sent["data"] == {"index": 0, "event": "hello"}
    assert (heard.name, heard.window) == ("hello", 0)


FRAME = ["window.hide", "window.show", "window.setTitle", "window.setSize", "window.close"]


async def test_a_window_moves_and_closes_the_windows_it_created_but_never_reaches_their_page() -> (
    None
):
    """Oro's `createWindow()` hands back a window to show, hide, close...: that stays, for the
    window that created it alone, and never eval or navigate."""
    async with served() as server, server.client() as client:
        zero = server.window_credential(0)
        made = [await reply(client, "window.create", {"url": "/"}, zero) for _ in range(2)]
        one, two = server.window_credential(1), server.window_credential(2)
        reached = {
            route: await reply(client, route, {**CONTROLS[route], "targetWindowIndex": 1}, zero)
            for route in ("window.eval", "window.navigate")
        }
        sibling = await reply(client, "window.close", {"targetWindowIndex": 1}, two)
        child = await reply(client, "window.close", {"targetWindowIndex": 0}, one)
        framed = [
            await reply(client, route, {**CONTROLS[route], "targetWindowIndex": 1}, zero)
            for route in FRAME
        ]

    assert [created["data"]["index"] for created in made] == [1, 2]
    assert {route: code_of(answer) for route, answer in reached.items()} == {
        "window.eval": "ERR_WINDOW_CONTROL",
        "window.navigate": "ERR_WINDOW_CONTROL",
    }
    assert (code_of(sibling), code_of(child)) == ("ERR_WINDOW_CONTROL", "ERR_WINDOW_CONTROL")
    assert [code_of(answer) for answer in framed] == [None] * len(FRAME)
    assert framed[-1]["data"]["status"] == "closed"


async def test_allow_window_control_lets_a_window_control_the_others() -> None:
    async with (
        served(**{"permissions.allow_window_control": True}) as server,
        server.client() as client,
    ):
        await server.host.windows.create(oro_framework.WindowOptions(index=1))
        one = server.window_credential(1)
        navigated = await reply(
            client, "window.navigate", {"url": "/other.html", "targetWindowIndex": 0}, one
        )
        titled = await reply(
            client, "window.setTitle", {"value": "from 1", "targetWindowIndex": 0}, one
        )
        # Still: without a window, nothing, whatever the permission.
        unproven = await reply(
            client, "window.navigate", {"url": "/", "targetWindowIndex": 0}, None
        )

    assert "err" not in navigated
    assert navigated["data"]["url"].endswith("/other.html")
    assert titled["data"]["title"] == "from 1"
    assert code_of(unproven) == "ERR_NO_WINDOW"


async def test_the_permission_is_off_by_default_and_declared() -> None:
    async with served() as server:
        assert server.host.is_permission_allowed("window_control") is False
        assert server.host.config.get("permissions.allow_window_control") is False


async def test_headless_the_session_alone_creates_no_window() -> None:
    """Issue 50: the cookie alone got `window.create`'s launch URL, and with it a window."""
    async with served() as server, server.client() as client:
        refused = await reply(client, "window.create", {"url": "/"}, None)
        made = await reply(client, "window.create", {"url": "/"}, server.window_credential(0))
        windows = [window.index for window in server.host.windows.windows]

    assert code_of(refused) == "ERR_NO_WINDOW"
    assert windows == [0, 1]
    assert made["data"]["index"] == 1
    assert "oro_launch=" in made["data"]["launchUrl"]


async def test_the_bridge_keys_outside_process_still_controls_the_windows() -> None:
    """`http.ipc`'s key is another process of the user the app let in, not a page."""
    config = {"http.ipc.enable": True, "http.ipc.shared_key": KEY}
    async with (
        served(**config) as server,
        server.client(session=False, headers={"X-ORO-Auth": KEY}) as client,
    ):
        titled = await reply(client, "window.setTitle", {"value": "outside"}, None)
        created = await reply(client, "window.create", {}, None)
        closed = await reply(client, "window.close", {"targetWindowIndex": 1}, None)

    assert titled["data"] == {**titled["data"], "index": 0, "title": "outside"}
    assert created["data"]["index"] == 1
    assert closed["data"]["status"] == "closed"
