"""``/oro/events`` as a WebSocket, the channel pages use (it leaves the 6 HTTP connections every
window of the app shares), tried as a hostile page would: admitted as the event stream is
(session cookie, app origin; never the bridge key), a window's events only to the page that
proves the window, a page's message ends the channel, one page holds only so many channels,
and the host keeps serving everyone. A real server over real sockets, a real WebSocket client."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
import trio_websocket
from _handshake import handshake_status

import oro_framework.core.ping
from oro_framework import hookimpl
from oro_framework.host.app import Host
from oro_framework.testing import LiveServer, live_server, make_host

pytestmark = pytest.mark.anyio
KEY = "k" * 40


async def cookie(server: LiveServer) -> tuple[bytes, bytes]:
    return (b"cookie", f"{server.cookie_name}={await server.session_cookie()}".encode())


def url(server: LiveServer, window: int | None = None) -> str:
    query = "" if window is None else f"?oro_window={server.window_credential(window)}"
    return f"ws://127.0.0.1:{server.port}/oro/events{query}"


async def frame(socket: trio_websocket.WebSocketConnection) -> dict[str, Any]:
    with anyio.fail_after(10):
        message = await socket.get_message()
    assert isinstance(message, str)
    decoded: dict[str, Any] = json.loads(message)
    return decoded


async def test_a_window_hears_its_own_events_and_broadcasts_and_no_other_windows() -> None:
    async with make_host([oro_framework.core.ping]) as host, live_server(host) as server:
        headers = [await cookie(server)]
        async with (
            trio_websocket.open_websocket_url(url(server, 1), extra_headers=headers) as one,
            trio_websocket.open_websocket_url(url(server), extra_headers=headers) as anonymous,
        ):
            host.emit("secret", {"for": 2}, window=2)
            host.emit("mine", {"text": "h\u00e9 \ud800"}, window=1)
            host.emit("everyone", [1, 2])
            first, second = await frame(one), await frame(one)
            only = await frame(anonymous)

    assert (first["event"], json.loads(first["data"])) == ("mine", {"text": "h\u00e9 \ud800"})
    assert (second["event"], json.loads(second["data"])) == ("everyone", [1, 2])
    assert int(second["id"]) > int(first["id"])
    # A page that proves no window hears broadcasts only.
    assert (only["event"], json.loads(only["data"])) == ("everyone", [1, 2])


@pytest.mark.parametrize(
    ("case", "extra"),
    [
        ("no session", []),
        ("a foreign origin", ["Origin: https://evil.example"]),
        ("a cross-site fetch", ["Sec-Fetch-Site: cross-site"]),
        ("the bridge key alone", [f"X-ORO-Auth: {KEY}"]),
    ],
)
async def test_a_handshake_without_the_session_or_from_elsewhere_is_refused(
    case: str, extra: list[str]
) -> None:
    # The HTTP IPC bridge on, with its key: valid for /ipc only.
    config = {"http.ipc.enable": True, "http.ipc.shared_key": KEY}
    async with (
        make_host([oro_framework.core.ping], config=config) as host,
        live_server(host) as server,
    ):
        session = [] if case in ("no session", "the bridge key alone") else [
            f"Cookie: {server.cookie_name}={await server.session_cookie()}"
        ]  # fmt: skip
        status = await handshake_status(server, "/oro/events", [*session, *extra])

    assert status.startswith(b"HTTP/1.1 403"), (case, status)


async def test_a_message_from_the_page_ends_its_channel_and_the_host_serves_on() -> None:
    async with make_host([oro_framework.core.ping]) as host, live_server(host) as server:
        headers = [await cookie(server)]
        async with trio_websocket.open_websocket_url(
            url(server, 0), extra_headers=headers
        ) as socket:
            await socket.send_message("x" * 100_000)
            with anyio.fail_after(10), pytest.raises(trio_websocket.ConnectionClosed) as closed:
                await socket.get_message()
        async with server.client() as client:
            answer = (await client.get("/ipc/ping")).json()

    assert closed.value.reason.code == 1003
    assert answer["data"] == "pong"


async def test_one_page_holds_only_so_many_channels_and_is_told_when_to_come_back() -> None:
    config = {"ipc.max_held_connections_per_page": 2}
    async with (
        make_host([oro_framework.core.ping], config=config) as host,
        live_server(host) as server,
    ):
        headers = [await cookie(server)]
        async with (
            trio_websocket.open_websocket_url(url(server, 3), extra_headers=headers),
            trio_websocket.open_websocket_url(url(server, 3), extra_headers=headers),
            trio_websocket.open_websocket_url(url(server, 3), extra_headers=headers) as third,
            trio_websocket.open_websocket_url(url(server, 4), extra_headers=headers) as other,
        ):
            with anyio.fail_after(10), pytest.raises(trio_websocket.ConnectionClosed) as closed:
                await third.get_message()
            host.emit("still", True, window=4)
            heard = await frame(other)

    assert closed.value.reason.code == 1013
    assert closed.value.reason.reason.startswith("retry=")
    assert int(closed.value.reason.reason.split()[0].removeprefix("retry=")) > 0
    assert heard["event"] == "still"


class PageWatch:
    def __init__(self) -> None:
        self.closed: list[int] = []
        self.page_closed = anyio.Event()

    @hookimpl
    def oro_page_closed(self, host: Host, window: int) -> None:
        self.closed.append(window)
        self.page_closed.set()


async def test_the_last_channel_of_a_window_closing_is_its_page_closing() -> None:
    watch = PageWatch()
    async with make_host([oro_framework.core.ping, watch]) as host, live_server(host) as server:
        headers = [await cookie(server)]
        async with trio_websocket.open_websocket_url(url(server, 5), extra_headers=headers) as one:
            async with trio_websocket.open_websocket_url(url(server, 5), extra_headers=headers):
                pass
            # The page still has a channel: it hears its events, and is not closed.
            host.emit("alive", None, window=5)
            assert (await frame(one))["event"] == "alive"
        with anyio.fail_after(10):
            await watch.page_closed.wait()

    # Once, for the last of the window's two channels.
    assert watch.closed == [5]
