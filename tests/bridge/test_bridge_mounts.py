"""ASGI apps mounted by plugins under a path prefix, behind the bridge's checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio_websocket
from _handshake import handshake_status

import oro_framework.core.ping
from oro_framework import MountTable, Request, ServiceUnavailableError, hookimpl
from oro_framework.testing import LiveServer, live_server, make_host
from oro_framework.web.asgi import Receive, Scope, Send, send_response

pytestmark = pytest.mark.anyio


async def describe_scope(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app answering with what it was given; it accepts WebSockets."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})
        return
    seen = {
        "path": scope["path"],
        "root_path": scope["root_path"],
        "query": scope["query_string"].decode(),
    }
    await send_response(send, 200, json.dumps(seen).encode(), [], media_type="application/json")


async def echo_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app echoing WebSocket messages until the client leaves."""
    assert scope["type"] == "websocket"
    await receive()
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "bytes": message.get("bytes")})


class EchoMountPlugin:
    name = "echo-mounter"

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        mounts.mount("/echo", echo_websocket, doc="Echoes WebSocket messages.")


class MountPlugin:
    name = "mounter"

    def __init__(self, *, permission: str | None = None) -> None:
        self.permission = permission

    @hookimpl
    def oro_register_permissions(self, permissions: Any) -> None:
        if self.permission is not None:
            permissions.add(self.permission, "Test mount permission.")

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        mounts.mount(
            "/ai/llama", describe_scope, doc="Echo of the ASGI scope.", permission=self.permission
        )


async def test_mounted_app_sees_the_path_below_its_prefix() -> None:
    async with (
        make_host([MountPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama/v1/models?limit=2")

    assert response.json() == {"path": "/v1/models", "root_path": "/ai/llama", "query": "limit=2"}


async def test_mount_prefix_itself_is_the_mounted_root() -> None:
    async with (
        make_host([MountPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama")

    assert response.json()["path"] == "/"


async def test_mounted_app_needs_the_session() -> None:
    async with (
        make_host([MountPlugin()]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.get("/ai/llama/health")

    assert response.status_code == 403


async def test_mounted_app_refuses_a_foreign_origin() -> None:
    async with (
        make_host([MountPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.post("/ai/llama/health", headers={"Origin": "https://evil.example"})

    assert response.status_code == 403


async def test_mount_with_a_disabled_permission_is_not_allowed() -> None:
    plugin = MountPlugin(permission="llm")
    async with (
        make_host([plugin], config={"permissions.allow_llm": False}) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama/health")

    assert response.status_code == 403
    assert "NotAllowedError" in response.text


class Gate:
    """A plugin whose ``oro_permission_check`` refuses, or answers an error of its own, and
    records what it was asked."""

    name = "gate"

    def __init__(self, decision: bool | Exception | None) -> None:
        self.decision = decision
        self.asked: list[tuple[str, str, str, dict[str, str]]] = []

    @hookimpl
    def oro_permission_check(self, request: Request, permission: str) -> bool | None:
        self.asked.append((request.route, permission, request.transport, dict(request.headers)))
        if isinstance(self.decision, Exception):
            raise self.decision
        return self.decision


async def test_the_permission_hook_refuses_a_mount_as_it_refuses_a_route() -> None:
    """Issue 39 item 6: ``oro_permission_check`` covers mounted apps (``/ai/llama``) too; it
    used to judge IPC routes only, so a hook denying a permission left its mount open."""
    gate = Gate(False)
    async with (
        make_host([MountPlugin(permission="llm"), gate]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama/v1/models", headers={"Authorization": "Bearer k"})
        status = await websocket_status(server, "/ai/llama/ws", session=True)

    assert response.status_code == 403
    assert response.text.startswith("403 NotAllowedError: Permission 'llm' was refused")
    assert "root_path" not in response.text  # the mounted app never ran
    assert status.startswith(b"HTTP/1.1 403")
    route, permission, transport, headers = gate.asked[0]
    assert (route, permission, transport) == ("/ai/llama/v1/models", "llm", "http")
    # The hook judges the request, not its credentials.
    assert "cookie" not in headers
    assert "authorization" not in headers
    assert [asked[0] for asked in gate.asked] == ["/ai/llama/v1/models", "/ai/llama/ws"]


async def test_a_permission_hook_may_answer_a_mount_with_its_own_error() -> None:
    gate = Gate(ServiceUnavailableError("Not now"))
    async with (
        make_host([MountPlugin(permission="llm"), gate]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama/health")

    assert response.status_code == 503
    assert "Not now" in response.text


async def test_a_mount_the_permission_hook_allows_is_served() -> None:
    gate = Gate(None)
    async with (
        make_host([MountPlugin(permission="llm"), gate]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llama/health")

    assert response.json()["path"] == "/health"
    assert gate.asked


async def test_path_that_only_shares_the_prefix_text_is_not_mounted() -> None:
    async with (
        make_host([MountPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/ai/llamas.html")

    assert response.status_code == 404


async def websocket_status(server: LiveServer, path: str, *, session: bool) -> bytes:
    """The status line the server answers a WebSocket handshake with."""
    cookie = [f"Cookie: {server.cookie_name}={await server.session_cookie()}"] if session else []
    return await handshake_status(server, path, cookie)


async def test_websocket_reaches_the_mounted_app_with_the_session() -> None:
    async with make_host([MountPlugin()]) as host, live_server(host) as server:
        status = await websocket_status(server, "/ai/llama/ws", session=True)

    assert status.startswith(b"HTTP/1.1 101")


async def test_websocket_without_the_session_is_refused() -> None:
    async with make_host([MountPlugin()]) as host, live_server(host) as server:
        status = await websocket_status(server, "/ai/llama/ws", session=False)

    assert status.startswith(b"HTTP/1.1 403")


async def test_websocket_outside_a_mount_is_refused() -> None:
    async with make_host([MountPlugin()]) as host, live_server(host) as server:
        status = await websocket_status(server, "/ipc/ping", session=True)

    assert status.startswith(b"HTTP/1.1 403")


async def test_an_oversized_websocket_message_closes_with_1009_and_others_are_served() -> None:
    async with (
        make_host(
            [oro_framework.core.ping, EchoMountPlugin()], config={"ipc.max_body_bytes": 1024}
        ) as host,
        live_server(host) as server,
    ):
        cookie = f"{server.cookie_name}={await server.session_cookie()}".encode()
        url = f"ws://127.0.0.1:{server.port}/echo/"
        headers = [(b"cookie", cookie)]
        async with (
            trio_websocket.open_websocket_url(url, extra_headers=headers) as flooding,
            trio_websocket.open_websocket_url(url, extra_headers=headers) as other,
        ):
            await flooding.send_message(b"x" * 1025)
            with pytest.raises(trio_websocket.ConnectionClosed) as closed:
                await flooding.get_message()
            assert closed.value.reason.code == 1009
            await other.send_message(b"y" * 1024)
            assert await other.get_message() == b"y" * 1024
        async with server.client() as client:
            response = await client.get("/ipc/ping")
        assert response.json()["data"] == "pong"
