"""What the bridge takes from ``oro_framework.host.exchange``, on the wire: wire parameters nobody
planned for, refusals before dispatch, and reserved prefixes compared by whole segments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from oro_framework import MountTable, Request, hookimpl
from oro_framework.testing import RoutePlugin, live_server, make_host
from oro_framework.web.asgi import Receive, Scope, Send, send_response

pytestmark = pytest.mark.anyio


async def echo(request: Request) -> dict[str, Any]:
    return {"params": dict(request.params), "window": request.window, "id": request.id}


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    await send_response(send, 200, b"hello", [], media_type="text/plain")


class NymPlugin:
    """Mounts an app whose prefix starts like a reserved one (``/oronym``), with a key."""

    name = "nym"

    @hookimpl
    def oro_register_mounts(self, mounts: MountTable) -> None:
        def authenticate(headers: Mapping[str, str]) -> bool:
            return headers.get("authorization") == "Bearer nym-key"

        mounts.mount("/oronym", hello, doc="Hello.", authenticate=authenticate)


async def test_an_absurd_window_index_is_no_index_not_a_crash() -> None:
    huge = "9" * 5000
    async with (
        make_host([RoutePlugin({"test.echo": echo})]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get(
            "/ipc/test.echo",
            params={"index": huge, "seq": "R1"},
            headers={"X-IPC-Window-Index": huge},
        )

    assert response.status_code == 200
    assert response.json()["data"]["window"] is None
    assert response.json()["id"] == "R1"


async def test_unparsable_x_ipc_uri_is_an_invalid_argument_envelope() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/ipc?seq=R3", headers={"X-IPC-URI": "ipc://[fs.stat"})

    assert response.status_code == 400
    assert response.json()["source"] == "ipc"
    assert response.json()["id"] == "R3"
    assert response.json()["err"]["type"] == "TypeError"


async def test_refused_request_with_a_malformed_target_keeps_its_seq() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.get("/ipc?seq=R4")

    assert response.status_code == 403
    assert (response.json()["source"], response.json()["id"]) == ("ipc", "R4")


async def test_a_mount_beside_a_reserved_prefix_accepts_its_own_credential() -> None:
    async with (
        make_host([NymPlugin()]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        with_key = await client.get("/oronym/x", headers={"Authorization": "Bearer nym-key"})
        without = await client.get("/oronym/x")

    assert (with_key.status_code, with_key.text) == (200, "hello")
    assert without.status_code == 403
