"""Issue 77, the HTTP IPC bridge of its own (Oro's ``[http.ipc] host/port/path/allow_cors``) and
``X-IPC-Window-Index`` for the bridge key's outside process; each tried as a hostile caller
would: another origin, no key, a wrong key, a window out of range or closed, huge headers.

Over real sockets: the app's server and the bridge's own, each a real HTTP server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import psutil
import pytest

from oro_framework import ConfigError, Host, Request, WindowOptions
from oro_framework.testing import RoutePlugin, live_server, make_host
from oro_framework.testing.process import free_port
from oro_framework.testing.server import LiveServer

pytestmark = pytest.mark.anyio

KEY = "an outside process's key, long enough"
AUTH = {"X-ORO-Auth": KEY}


async def whoami(request: Request) -> dict[str, Any]:
    return {
        "window": request.window,
        "bridge": request.by_bridge_key,
        "body": request.body.decode(),
    }


@asynccontextmanager
async def served(**ipc: Any) -> AsyncIterator[tuple[LiveServer, str]]:
    """The app served with the bridge enabled and ``ipc`` as further ``http.ipc`` keys; the
    bridge's own origin (``http://127.0.0.1:<http.ipc.port>``)."""
    config = {"http.ipc.enable": True, "http.ipc.shared_key": KEY, **ipc}
    config.setdefault("http.ipc.port", free_port())
    async with (
        make_host([RoutePlugin({"test.whoami": whoami})], config=config) as host,
        live_server(host) as server,
    ):
        yield server, f"http://127.0.0.1:{config['http.ipc.port']}"


def build_host(config: dict[str, Any]) -> None:
    Host(autoload=False, environ={}, use_config_file=False, config=config).close()


async def test_the_bridge_answers_on_its_own_port_and_path_with_the_key() -> None:
    async with (
        served(**{"http.ipc.path": "/bridge"}) as (server, origin),
        httpx.AsyncClient(base_url=origin, headers=AUTH) as client,
    ):
        by_path = await client.post("/bridge/test.whoami", content=b"hello")
        by_uri = await client.get("/bridge", headers={"X-IPC-URI": "ipc://test.whoami?seq=1"})
        elsewhere = await client.get("/ipc/test.whoami")
        page = await client.get("/index.html")
        # The app's port keeps /ipc for the key too.
        async with server.client(session=False, headers=AUTH) as app_client:
            on_app_port = await app_client.get("/ipc/test.whoami")

    assert by_path.status_code == 200, by_path.text
    assert by_path.json()["data"] == {"window": None, "bridge": True, "body": "hello"}
    assert by_uri.json()["data"]["bridge"] is True
    assert (elsewhere.status_code, page.status_code) == (404, 404)
    assert "serves /bridge alone" in page.text
    assert on_app_port.json()["data"]["bridge"] is True


async def test_the_own_server_listens_on_loopback_only() -> None:
    async with served() as (_, origin):
        port = int(origin.rsplit(":", 1)[1])
        listening = [
            connection.laddr.ip
            for connection in psutil.Process().net_connections(kind="tcp")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port
        ]

    assert listening == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "X-ORO-Auth: <http.ipc.shared_key>"),
        ({"X-ORO-Auth": "x" * len(KEY)}, "does not match http.ipc.shared_key"),
        ({"X-ORO-Auth": ""}, "does not match"),
        ({**AUTH, "Origin": "https://evil.example"}, "is not this app's origin"),
        ({**AUTH, "Host": "evil.example"}, "is not this app's address"),
        ({**AUTH, "Sec-Fetch-Site": "cross-site"}, "another site"),
    ],
)
async def test_a_caller_without_the_key_or_from_elsewhere_is_refused(
    headers: dict[str, str], message: str
) -> None:
    async with served() as (server, origin):
        # A page's session is no credential here: the own server issues none.
        cookies = {server.cookie_name: await server.session_cookie()}
        async with httpx.AsyncClient(base_url=origin, cookies=cookies) as client:
            response = await client.get("/ipc/test.whoami", headers=headers)

    assert response.status_code == 403, response.text
    assert response.json()["err"]["type"] == "SecurityError"
    assert message in response.json()["err"]["message"]
    assert not any(name.startswith("access-control-") for name in response.headers)


async def test_allow_cors_lets_any_origin_call_with_the_key_and_never_cookies() -> None:
    page = "https://tool.example"
    async with (
        served(**{"http.ipc.allow_cors": True}) as (_, origin),
        httpx.AsyncClient(base_url=origin) as client,
    ):
        asked = {"Origin": page, "Access-Control-Request-Method": "POST"}
        preflight = await client.options("/ipc/test.whoami", headers=asked)
        called = await client.get(
            "/ipc/test.whoami", headers={**AUTH, "Origin": page, "Sec-Fetch-Site": "cross-site"}
        )
        keyless = await client.get("/ipc/test.whoami", headers={"Origin": page})

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "x-ipc-window-index" in preflight.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in preflight.headers
    assert called.status_code == 200
    assert called.headers["access-control-allow-origin"] == "*"
    assert keyless.status_code == 403


async def test_without_allow_cors_no_preflight_is_granted() -> None:
    async with served() as (_, origin), httpx.AsyncClient(base_url=origin) as client:
        response = await client.options(
            "/ipc/test.whoami",
            headers={"Origin": "https://tool.example", "Access-Control-Request-Method": "GET"},
        )

    assert response.status_code == 403
    assert not any(name.startswith("access-control-") for name in response.headers)


async def test_the_key_names_the_window_it_acts_for() -> None:
    async with served() as (server, origin), httpx.AsyncClient(base_url=origin) as client:
        await server.host.windows.create(WindowOptions(index=1))
        named = await client.get("/ipc/test.whoami", headers={**AUTH, "X-IPC-Window-Index": "1"})
        unnamed = await client.get("/ipc/test.whoami", headers=AUTH)
        async with server.client(session=False, headers=AUTH) as app_client:
            on_app_port = await app_client.get(
                "/ipc/test.whoami", headers={"X-IPC-Window-Index": "1"}
            )

    assert named.json()["data"]["window"] == 1
    assert unnamed.json()["data"]["window"] is None
    assert on_app_port.json()["data"]["window"] == 1


async def test_without_the_key_the_window_header_names_nothing() -> None:
    async with served() as (server, _), server.client() as client:
        await server.host.windows.create(WindowOptions(index=1))
        response = await client.get("/ipc/test.whoami", headers={"X-IPC-Window-Index": "1"})

    assert response.json()["data"] == {"window": None, "bridge": False, "body": ""}


@pytest.mark.parametrize(
    ("index", "kind", "code"),
    [
        ("7", "NotFoundError", "ERR_NO_WINDOW"),
        ("999999999", "NotFoundError", "ERR_NO_WINDOW"),
        ("9" * 10, "TypeError", None),
        ("-1", "TypeError", None),
        ("1e3", "TypeError", None),
        ("9" * 200_000, "TypeError", None),
    ],
)
async def test_a_window_out_of_range_or_malformed_is_a_typed_error(
    index: str, kind: str, code: str | None
) -> None:
    async with served() as (_, origin), httpx.AsyncClient(base_url=origin) as client:
        response = await client.get(
            "/ipc/test.whoami?seq=R9", headers={**AUTH, "X-IPC-Window-Index": index}
        )
        after = await client.get("/ipc/test.whoami", headers=AUTH)

    error = response.json()["err"]
    assert (error["type"], response.json()["id"]) == (kind, "R9")
    assert code is None or error["code"] == code
    assert "X-IPC-Window-Index" in error["message"]
    assert after.status_code == 200  # the host keeps serving


async def test_a_closed_window_is_no_window_to_act_for() -> None:
    async with served() as (server, origin), httpx.AsyncClient(base_url=origin) as client:
        window, _ = await server.host.windows.create(WindowOptions(index=1))
        await server.host.windows.close(window)
        response = await client.get("/ipc/test.whoami", headers={**AUTH, "X-IPC-Window-Index": "1"})

    assert response.json()["err"]["code"] == "ERR_NO_WINDOW"


async def test_huge_headers_are_refused_and_the_bridge_keeps_serving() -> None:
    async with served() as (_, origin), httpx.AsyncClient(base_url=origin) as client:
        response = await client.get("/ipc/test.whoami", headers={**AUTH, "X-Big": "a" * 300_000})
        after = await client.get("/ipc/test.whoami", headers=AUTH)

    assert response.status_code == 431
    assert after.status_code == 200


async def test_a_taken_port_is_a_config_error_naming_the_key() -> None:
    async with make_host() as other, live_server(other) as taken:
        config = {"http.ipc.enable": True, "http.ipc.shared_key": KEY, "http.ipc.port": taken.port}
        # The server's task group carries it out (`oro run` shows the one error it holds).
        with pytest.raises(BaseExceptionGroup) as raised:
            async with make_host(config=config) as host, live_server(host):
                pass

    expected = rf"cannot listen on 127\.0\.0\.1:{taken.port}: .*choose another http\.ipc\.port"
    assert raised.group_contains(ConfigError, match=expected, depth=None)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"http.ipc.host": "0.0.0.0"}, "not the wildcard"),
        ({"http.ipc.host": "::"}, "not the wildcard"),
        ({"http.ipc.host": "evil.example"}, "an IP address or 'localhost'"),
        ({"http.ipc.path": "ipc"}, "must be a URL path"),
        ({"http.ipc.path": "/a/../b"}, "must be a URL path"),
        ({"http.ipc.port": 70000}, "must be 0"),
    ],
)
def test_bad_bridge_addresses_are_config_errors(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_host(config)


def test_a_non_loopback_host_warns(caplog: pytest.LogCaptureFixture) -> None:
    config = {
        "http.ipc.enable": True,
        "http.ipc.shared_key": KEY,
        "http.ipc.host": "192.0.2.7",
        "http.ipc.port": 27718,
    }
    with caplog.at_level(logging.WARNING):
        build_host(config)
        build_host({**config, "http.ipc.host": "::1"})

    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "192.0.2.7 is not a loopback address" in warnings[0]
    assert "http.ipc.shared_key alone" in warnings[0]


def test_a_path_without_a_port_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        build_host({"http.ipc.enable": True, "http.ipc.shared_key": KEY, "http.ipc.path": "/x"})

    assert any("set http.ipc.port" in record.getMessage() for record in caplog.records)
