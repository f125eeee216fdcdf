"""Issue 39, window identity: the window a request acts for comes from a credential the host
gave that window's page, never from a header or parameter the page writes. Before, a page that
sent `X-IPC-Window-Index: N` (or `?index=N`) was window N: it ran children past its window's
limit, and listed and killed another window's children and used its picked files."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from oro_framework import Request, WindowOptions
from oro_framework.host.launch import WindowCredentials
from oro_framework.testing import RoutePlugin, live_server, make_host, read_sse
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio


async def whoami(request: Request) -> dict[str, Any]:
    return {"window": request.window, "headers": sorted(request.headers)}


@pytest.fixture
async def server() -> AsyncIterator[LiveServer]:
    async with (
        make_host([RoutePlugin({"test.whoami": whoami})]) as host,
        live_server(host) as served,
    ):
        yield served


async def window_of(client: httpx.AsyncClient, **options: Any) -> Any:
    response = await client.get("/ipc/test.whoami", **options)
    assert response.status_code == 200, response.text
    return response.json()["data"]["window"]


@pytest.mark.parametrize(
    "forged",
    [
        {"headers": {"X-IPC-Window-Index": "1"}},
        {"params": {"index": "1"}},
        {"params": {"window": "1"}},
        {"headers": {"X-IPC-Window-Index": "1"}, "params": {"index": "1"}},
    ],
)
async def test_no_header_or_parameter_the_page_writes_makes_it_a_window(
    server: LiveServer, forged: dict[str, Any]
) -> None:
    async with server.client() as client:
        assert await window_of(client, **forged) is None


async def test_a_credential_proves_its_window_whatever_else_the_request_says(
    server: LiveServer,
) -> None:
    credential = server.window_credential(2)
    async with server.client() as client:
        assert await window_of(client, headers={"X-Oro-Window": credential}) == 2
        assert await window_of(client, params={"oro_window": credential}) == 2
        forged = {"X-Oro-Window": credential, "X-IPC-Window-Index": "5"}
        assert await window_of(client, headers=forged, params={"index": "5"}) == 2


async def test_the_credential_stays_away_from_handlers(server: LiveServer) -> None:
    async with server.client() as client:
        response = await client.get(
            "/ipc/test.whoami", headers={"X-Oro-Window": server.window_credential(0)}
        )
    assert "x-oro-window" not in response.json()["data"]["headers"]


async def test_a_credential_cannot_be_retargeted_or_forged(server: LiveServer) -> None:
    _, nonce, mac = server.window_credential(1).split(".")
    other_run = WindowCredentials().issue(1)
    attempts = [
        f"0.{nonce}.{mac}",  # another window's index on window 1's credential
        f"1.{nonce}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
        f"1.{nonce[:-1]}{'x' if nonce[-1] != 'x' else 'y'}.{mac}",  # (1 in 64 nonces ends in x)
        other_run,  # signed with another key
        "1",
        "",
        "1." + "A" * 32 + "." + "A" * 43,
    ]
    async with server.client() as client:
        for attempt in attempts:
            assert await window_of(client, headers={"X-Oro-Window": attempt}) is None, attempt


async def test_a_closed_windows_credential_proves_nothing(server: LiveServer) -> None:
    server.host.windows.open_main_window()  # closing window 3 then does not end the app
    window, _ = await server.host.windows.create(WindowOptions(index=3))
    credential = server.window_credential(3)
    async with server.client() as client:
        assert await window_of(client, headers={"X-Oro-Window": credential}) == 3
        await server.host.windows.close(window)
        await server.host.windows.create(WindowOptions(index=3))
        # The page left open (a browser tab) does not become the next window 3.
        assert await window_of(client, headers={"X-Oro-Window": credential}) is None


def fragment_credential(location: str) -> str:
    fragment = urlsplit(location).fragment
    values = parse_qs(fragment).get("oro_window")
    assert values, f"no credential in {location!r}"
    return values[0]


async def test_the_launch_redirect_hands_the_window_its_credential_once(
    server: LiveServer,
) -> None:
    launch = server.window_launch_url("/page.html?x=1", window=4)
    async with httpx.AsyncClient() as browser:
        first = await browser.get(launch)
        assert first.status_code == 303
        location = first.headers["location"]
        assert urlsplit(location).path == "/page.html"
        assert "oro_launch" not in location
        credential = fragment_credential(location)
        assert server.host.windows.credentials.verify(credential) == 4
        # The token is single-use: opened again (a reload of the launch URL, another tab that
        # saw it), it gives no credential, even to a browser that holds the session.
        again = await browser.get(launch)
        assert again.status_code == 303
        assert "#" not in again.headers["location"]


async def test_the_runs_launch_url_makes_the_main_window(server: LiveServer) -> None:
    async with httpx.AsyncClient() as browser:
        response = await browser.get(server.launch_url)
    assert response.status_code == 303
    assert (
        server.host.windows.credentials.verify(fragment_credential(response.headers["location"]))
        == 0
    )


async def test_another_windows_events_need_its_credential(server: LiveServer) -> None:
    """Before: `/oro/events?window=1` gave any page window 1's events."""
    seen: dict[str, list[str]] = {}
    listening = {"forged": anyio.Event(), "proven": anyio.Event()}

    async def listen(name: str, **options: Any) -> None:
        async with (
            server.client(timeout=10) as client,
            client.stream("GET", "/oro/events", **options) as response,
        ):
            # The bridge subscribes before it answers: the headers mean "listening".
            assert response.status_code == 200
            listening[name].set()
            lines = seen.setdefault(name, [])
            async for event in read_sse(response):
                lines.append(event.event or "")
                if event.event == "done":
                    return

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(
            lambda: listen("forged", params={"window": "1"}, headers={"X-IPC-Window-Index": "1"})
        )
        tasks.start_soon(
            lambda: listen("proven", params={"oro_window": server.window_credential(1)})
        )
        with anyio.fail_after(10):
            for event in listening.values():
                await event.wait()
        server.host.emit("secret", {"for": "window 1"}, window=1)
        server.host.emit("done", None)
    assert "secret" in seen["proven"]
    assert "secret" not in seen["forged"]


def test_credentials_never_parse_to_a_window_they_do_not_sign() -> None:
    credentials = WindowCredentials()
    issued = credentials.issue(7)
    assert re.fullmatch(r"7\.[\w-]+\.[\w-]{43}", issued)
    assert credentials.verify(issued) == 7
    credentials.revoke(7)
    assert credentials.verify(issued) is None
    stable = WindowCredentials("a key that outlives the host process")
    kept = stable.issue(1)
    # Another host process given the same key (oro dev's restarts) accepts it.
    assert WindowCredentials("a key that outlives the host process").verify(kept) == 1
