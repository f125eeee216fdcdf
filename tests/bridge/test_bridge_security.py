"""Who may talk to the bridge: session, Host, Origin, Sec-Fetch-Site, CORS, the HTTP IPC key."""

from __future__ import annotations

from typing import Any

import httpx
import psutil
import pytest

from oro_framework import ConfigError, Host
from oro_framework.testing import live_server, make_host

pytestmark = pytest.mark.anyio

SHARED_KEY = "k" * 24
BRIDGE = {"http.ipc.enable": True, "http.ipc.shared_key": SHARED_KEY}


def build_host(config: dict[str, Any]) -> None:
    """Build (and close) a host from ``config`` alone, for config validation."""
    Host(autoload=False, environ={}, use_config_file=False, config=config).close()


async def test_ipc_without_session_is_security_error_envelope() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.get("/ipc/ping?seq=R1")

    assert response.status_code == 403
    assert response.json()["id"] == "R1"
    assert response.json()["err"]["type"] == "SecurityError"
    assert response.json()["err"]["code"] == "SECURITY_ERR"


async def test_resource_without_session_is_a_plain_403_page() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.get("/")

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain")
    assert "launch URL" in response.text


async def test_wrong_session_cookie_is_403() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        server.client(session=False, cookies={server.cookie_name: "guess"}) as client,
    ):
        response = await client.get("/ipc/ping")

    assert response.status_code == 403


async def test_wrong_host_header_is_403() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/ipc/ping", headers={"Host": f"evil.example:{server.port}"})

    assert response.status_code == 403
    assert response.json()["err"]["type"] == "SecurityError"


async def test_host_header_with_another_port_is_403() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/ipc/ping", headers={"Host": "127.0.0.1:1"})

    assert response.status_code == 403


async def test_localhost_host_header_is_accepted() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/ipc/ping", headers={"Host": f"localhost:{server.port}"})

    assert response.status_code == 404  # past the checks: no ping plugin in this host


async def test_foreign_origin_is_403() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.post("/ipc/ping", headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert "evil.example" in response.json()["err"]["message"]


async def test_other_loopback_port_origin_is_403() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.post("/ipc/ping", headers={"Origin": "http://127.0.0.1:8080"})

    assert response.status_code == 403


async def test_own_origin_is_accepted() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.post("/ipc/ping", headers={"Origin": server.origin})

    assert response.status_code == 404


async def test_same_site_request_from_another_port_is_403() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/", headers={"Sec-Fetch-Site": "same-site"})

    assert response.status_code == 403


async def test_launch_url_sets_the_session_cookie_and_redirects() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        httpx.AsyncClient() as browser,
    ):
        response = await browser.get(server.launch_url)

    assert response.status_code == 303
    location, _, credential = response.headers["location"].partition("#oro_window=")
    assert location == "/"
    assert host.windows.credentials.verify(credential) == 0  # the main window's, for this page
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{server.cookie_name}=")
    assert server.cookie_name == "oro_session_com.example.oro-app"  # the kit's bundle identifier
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/" in cookie


async def test_two_apps_in_one_browser_keep_their_sessions() -> None:
    """Cookies ignore the port: with one cookie name for every app, launching the second app in
    the same browser replaced the first one's session."""
    async with (
        make_host(config={"meta.bundle_identifier": "dev.oro.first"}) as first_host,
        live_server(first_host) as first,
        make_host(config={"meta.bundle_identifier": "dev.oro.second"}) as second_host,
        live_server(second_host) as second,
        httpx.AsyncClient(follow_redirects=True) as browser,
    ):
        assert (await browser.get(first.launch_url)).status_code == 200
        assert (await browser.get(second.launch_url)).status_code == 200
        first_again = await browser.get(first.origin + "/")
        second_again = await browser.get(second.origin + "/")

    assert {cookie.name for cookie in browser.cookies.jar} == {
        "oro_session_dev.oro.first",
        "oro_session_dev.oro.second",
    }
    assert (first_again.status_code, second_again.status_code) == (200, 200)


async def test_launch_redirect_keeps_the_other_query_parameters() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        httpx.AsyncClient(base_url=server.origin) as browser,
    ):
        response = await browser.get(
            "/page.html", params={"oro_launch": server.info.launch_token, "x": "1"}
        )

    assert response.headers["location"].partition("#")[0] == "/page.html?x=1"


async def test_session_cookie_opens_the_app() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        httpx.AsyncClient(follow_redirects=True) as browser,
    ):
        response = await browser.get(server.launch_url)

    assert response.url.copy_with(fragment=None) == httpx.URL(server.origin + "/")
    assert response.status_code == 200  # the session works: the test kit's default page
    assert "<title>oro test app</title>" in response.text


async def test_launch_token_is_single_use() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        httpx.AsyncClient() as first,
        httpx.AsyncClient() as second,
    ):
        await first.get(server.launch_url)
        response = await second.get(server.launch_url)

    assert response.status_code == 403
    assert "already used" in response.text


async def test_wrong_launch_token_is_403() -> None:
    async with (
        make_host() as host,
        live_server(host) as server,
        httpx.AsyncClient(base_url=server.origin) as browser,
    ):
        response = await browser.get("/?oro_launch=not-the-token")

    assert response.status_code == 403
    assert "set-cookie" not in response.headers


async def test_no_cors_headers_unless_configured() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/ipc/ping", headers={"Origin": server.origin})

    assert not any(name.startswith("access-control-") for name in response.headers)


async def test_configured_cors_origin_may_call_with_credentials() -> None:
    dev_server = "http://127.0.0.1:5173"
    config = {"webview.cors_allowed_origins": [dev_server]}
    async with (
        make_host(config=config) as host,
        live_server(host) as server,
        server.client(headers={"Origin": dev_server}) as client,
    ):
        response = await client.get("/ipc/ping", headers={"Sec-Fetch-Site": "same-site"})

    assert response.status_code == 404
    assert response.headers["access-control-allow-origin"] == dev_server
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_configured_cors_origin_gets_a_preflight_without_session() -> None:
    dev_server = "http://127.0.0.1:5173"
    config = {"webview.cors_allowed_origins": [dev_server]}
    async with (
        make_host(config=config) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.options(
            "/ipc/ping",
            headers={"Origin": dev_server, "Access-Control-Request-Method": "POST"},
        )

    assert response.status_code == 204
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "x-ipc-uri" in response.headers["access-control-allow-headers"]


def test_cors_origin_with_a_path_is_config_error() -> None:
    with pytest.raises(ConfigError, match="must be an origin"):
        build_host({"webview.cors_allowed_origins": ["http://a.example/path"]})


async def test_bridge_key_reaches_ipc_without_session() -> None:
    async with (
        make_host(config=BRIDGE) as host,
        live_server(host) as server,
        server.client(session=False, headers={"X-ORO-Auth": SHARED_KEY}) as client,
    ):
        response = await client.get("/ipc/ping")

    assert response.status_code == 404  # past the checks


async def test_wrong_bridge_key_is_403() -> None:
    async with (
        make_host(config=BRIDGE) as host,
        live_server(host) as server,
        server.client(headers={"X-ORO-Auth": "x" * 24}) as client,
    ):
        response = await client.get("/ipc/ping")

    assert response.status_code == 403
    assert "X-ORO-Auth" in response.json()["err"]["message"]


async def test_bridge_key_grants_nothing_when_the_bridge_is_disabled() -> None:
    config = {"http.ipc.shared_key": SHARED_KEY}
    async with (
        make_host(config=config) as host,
        live_server(host) as server,
        server.client(session=False, headers={"X-ORO-Auth": SHARED_KEY}) as client,
    ):
        response = await client.get("/ipc/ping")

    assert response.status_code == 403


async def test_bridge_key_does_not_open_resources() -> None:
    async with (
        make_host(config=BRIDGE) as host,
        live_server(host) as server,
        server.client(session=False, headers={"X-ORO-Auth": SHARED_KEY}) as client,
    ):
        response = await client.get("/")

    assert response.status_code == 403


def test_enabled_bridge_with_a_short_key_is_config_error() -> None:
    with pytest.raises(ConfigError, match="at least 16 characters"):
        build_host({"http.ipc.enable": True, "http.ipc.shared_key": "short"})


async def test_server_listens_on_loopback_only() -> None:
    async with make_host() as host, live_server(host) as server:
        listening = [
            connection.laddr
            for connection in psutil.Process().net_connections(kind="tcp")
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == server.port
        ]

    assert [address.ip for address in listening] == ["127.0.0.1"]
    assert server.origin == f"http://127.0.0.1:{server.port}"
