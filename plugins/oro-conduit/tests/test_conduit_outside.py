"""Conduit clients outside the app (a browser extension, a script with a WebSocket), as Socket
answers them (src/runtime/core/services/conduit.cc:498-520): replies carry the ``ipc-token``
they sent; one from an origin ``conduit.allow_origins`` names acts as the main window, any other
as no window (typed ``ERR_NO_WINDOW`` where a route needs one); an origin not allowed gets no
socket at all. Real host, real sockets, the real trio-websocket client (not a page); hostile
clients are refused or closed while a page's client keeps being served."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
import trio_websocket
from oro_conduit import STATE, ConduitServer, plugin
from oro_conduit.codec import Frame, decode_frame, encode_frame

import oro_framework.core.application
from oro_framework import ConfigWarning, Host, Request
from oro_framework.core import ping
from oro_framework.testing import MemoryClient, RoutePlugin, make_host, raise_for_error

pytestmark = pytest.mark.anyio

KEY = "outside-clients-key-0123456789"
EXTENSION = "chrome-extension://abcdefghijklmnop"
APP_ORIGIN = "http://127.0.0.1:4100"


async def _window(request: Request) -> dict[str, Any]:
    return {"window": request.window}


ROUTES = RoutePlugin({"test.window": _window}, permission="test", declare=True)


@asynccontextmanager
async def outside_host(*origins: str) -> AsyncIterator[tuple[Host, ConduitServer]]:
    config = {"conduit.shared_key": KEY, "conduit.allow_origins": list(origins)}
    plugins = [plugin, ping, ROUTES, oro_framework.core.application]
    # The app opens itself to these origins: said once at start, with what they may do.
    said = "act as the app's main window" if "*" not in origins else "any website"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with make_host(plugins, config=config) as host:
            warned = [str(w.message) for w in caught if issubclass(w.category, ConfigWarning)]
            assert any(said in line for line in warned), warned
            server = host.stash[STATE]
            server.page_args(APP_ORIGIN)  # the app's pages are served from here
            yield host, server


@asynccontextmanager
async def outside(
    server: ConduitServer, origin: str | None, path: str = "/4242/0", key: str = KEY
) -> AsyncIterator[trio_websocket.WebSocketConnection]:
    """A client that is not a page: no window credential, and ``origin`` (None: none)."""
    headers = [] if origin is None else [(b"Origin", origin.encode())]
    address = f"ws://127.0.0.1:{server.port}{path}?key={key}"
    async with trio_websocket.open_websocket_url(address, extra_headers=headers) as socket:
        yield socket


async def socket_call(
    socket: trio_websocket.WebSocketConnection, route: str, token: str, **params: Any
) -> tuple[Frame, dict[str, Any]]:
    """A call as Socket's outside clients make it: the route and ``ipc-token`` among the
    parameters; the reply frame and its JSON payload."""
    await socket.send_message(encode_frame({"route": route, "ipc-token": token, **params}))
    with anyio.fail_after(10):
        message = await socket.get_message()
    assert isinstance(message, bytes)
    frame = decode_frame(message)
    decoded: dict[str, Any] = json.loads(frame.payload)
    return frame, decoded


async def test_replies_carry_the_token_the_client_sent_answers_and_errors_alike() -> None:
    async with outside_host(EXTENSION) as (_, server), outside(server, EXTENSION) as socket:
        frame, answer = await socket_call(socket, "ping", "t-1")
        assert frame.options["token"] == "t-1"
        assert (answer["token"], answer["data"]) == ("t-1", "pong")
        frame, answer = await socket_call(socket, "no.such.route", "t-2")
        assert frame.options["token"] == "t-2"
        assert (answer["token"], answer["err"]["type"]) == ("t-2", "NotFoundError")
        # Refused before the router too (internal routes are not for the Conduit).
        frame, answer = await socket_call(socket, "internal.conduit.status", "t-3")
        assert frame.options["token"] == "t-3"
        assert (answer["token"], answer["err"]["type"]) == ("t-3", "SecurityError")


async def test_a_listed_origin_acts_as_the_main_window_and_messages_a_window() -> None:
    async with outside_host(EXTENSION) as (host, server):
        raise_for_error(await MemoryClient(host, window=0).call("window.create"))
        async with host.events.subscribe(window=1) as events, outside(server, EXTENSION) as socket:
            # Its clientId names no window it may act as: still the main window.
            _, answer = await socket_call(socket, "test.window", "w")
            assert answer["data"] == {"window": 0}
            value = json.dumps({"message": "hello from the extension", "id": 4242})
            _, sent = await socket_call(
                socket, "window.send", "s", event="message", value=value, targetWindowIndex=1
            )
            assert sent["data"] == {"index": 1, "event": "message"}
            with anyio.fail_after(10):
                received = await events.receive()
    assert (received.name, received.window) == ("windowmessage", 1)
    assert received.data == {"data": {"message": "hello from the extension", "id": 4242}, "from": 0}


@pytest.mark.parametrize("origin", [None, "https://any.example"])
async def test_a_program_or_an_origin_let_in_by_star_acts_as_no_window(origin: str | None) -> None:
    async with (
        outside_host("*") as (_, server),
        outside(server, origin, "/4243/1") as socket,
    ):
        _, answer = await socket_call(socket, "test.window", "w")
        assert answer["data"] == {"window": None}
        _, refused = await socket_call(
            socket, "window.send", "s", event="message", value=1, targetWindowIndex=0
        )
        assert (refused["token"], refused["err"]["code"]) == ("s", "ERR_NO_WINDOW")
        _, pong = await socket_call(socket, "ping", "p")
        assert pong["data"] == "pong"


async def _refused(server: ConduitServer, origin: str | None, key: str = KEY) -> int:
    with pytest.raises(trio_websocket.ConnectionRejected) as rejected:
        async with outside(server, origin, key=key):
            pass
    return rejected.value.status_code


async def test_an_origin_not_allowed_or_a_wrong_key_gets_no_socket() -> None:
    async with outside_host(EXTENSION) as (_, server):
        assert await _refused(server, "chrome-extension://someone-else") == 403
        assert await _refused(server, "null") == 403
        assert await _refused(server, EXTENSION, key="wrong-key-0123456789") == 403
        assert await _refused(server, EXTENSION, key="") == 403
        assert server.clients == {}


async def test_hostile_frames_close_only_that_client_and_pages_keep_being_served() -> None:
    async with outside_host(EXTENSION) as (host, server):
        credential = host.windows.credentials.issue(0)
        page_url = f"ws://127.0.0.1:{server.port}/page/0?key={KEY}&oro_window={credential}"
        page_origin = [(b"Origin", APP_ORIGIN.encode())]
        async with trio_websocket.open_websocket_url(page_url, extra_headers=page_origin) as page:
            hostile: list[tuple[bytes | str, int]] = [
                (b"\x01\x05ro", 1007),  # an option cut short
                ("not a frame", 1003),
                (b"\x00" * (server.settings.max_message_bytes + 1), 1009),
            ]
            for message, code in hostile:
                async with outside(server, EXTENSION) as socket:
                    await socket.send_message(message)
                    with pytest.raises(trio_websocket.ConnectionClosed) as closed:
                        with anyio.fail_after(20):
                            await socket.get_message()
                    assert closed.value.reason.code == code
                # The page's calls are the page's: its window, its own token name.
                await page.send_message(encode_frame({"route": "test.window", "seq": "R1"}))
                with anyio.fail_after(10):
                    reply = decode_frame(await page.get_message())  # type: ignore[arg-type]
                assert json.loads(reply.payload)["data"] == {"window": 0}
