"""Issue 77, the CORS knobs of Oro (``webview_cors_allow_all``, ``_allow_credentials``,
``_allow_methods``, ``_allow_headers``): what an app that sets them answers other origins, and
that the secure default stays (no grant unless configured). Tried as another origin's page:
with our session cookie (another port of 127.0.0.1 sends it), without it, with the bridge key.

Over the real bridge and sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oro_framework import ConfigError, Host, Request
from oro_framework.testing import RoutePlugin, live_server, make_host
from oro_framework.testing.server import LiveServer
from oro_framework.web.security import Access, Admitted, Gatekeeper, LaunchRedirect

pytestmark = pytest.mark.anyio

DEV_SERVER = "http://127.0.0.1:5173"
STRANGER = "http://127.0.0.1:8081"  # another port of 127.0.0.1: same site, our cookie goes along
KEY = "an outside process's key, long enough"


async def echo(request: Request) -> dict[str, Any]:
    return {"bridge": request.by_bridge_key}


@asynccontextmanager
async def served(**config: Any) -> AsyncIterator[LiveServer]:
    async with (
        make_host([RoutePlugin({"test.echo": echo})], config=config) as host,
        live_server(host) as server,
    ):
        yield server


def preflight_headers(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST"}


async def test_by_default_another_origin_gets_no_grant_and_no_answer() -> None:
    async with served() as server, server.client() as client:
        preflight = await client.options("/ipc/test.echo", headers=preflight_headers(STRANGER))
        called = await client.get("/ipc/test.echo", headers={"Origin": STRANGER})

    assert (preflight.status_code, called.status_code) == (403, 403)
    for response in (preflight, called):
        assert not any(name.startswith("access-control-") for name in response.headers)


async def test_allow_all_grants_any_origin_a_star_but_never_the_session() -> None:
    async with (
        served(**{"webview.cors_allow_all": True}) as server,
        server.client() as client,  # holds the session cookie, as the stranger's fetch would
    ):
        preflight = await client.options("/ipc/test.echo", headers=preflight_headers(STRANGER))
        with_cookie = await client.post(
            "/ipc/test.echo", headers={"Origin": STRANGER, "Sec-Fetch-Site": "same-site"}
        )
        own = await client.get("/ipc/test.echo", headers={"Origin": server.origin})

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
    assert with_cookie.status_code == 403
    assert "credential of its own" in with_cookie.json()["err"]["message"]
    assert own.status_code == 200  # the app's own pages keep their session


async def test_allow_all_lets_another_origin_call_with_the_bridge_key() -> None:
    config = {
        "webview.cors_allow_all": True,
        "http.ipc.enable": True,
        "http.ipc.shared_key": KEY,
    }
    async with served(**config) as server, server.client(session=False) as client:
        response = await client.get(
            "/ipc/test.echo",
            headers={"Origin": "https://tool.example", "X-ORO-Auth": KEY},
        )
        page = await client.get("/", headers={"Origin": "https://tool.example", "X-ORO-Auth": KEY})

    assert response.status_code == 200
    assert response.json()["data"] == {"bridge": True}
    assert response.headers["access-control-allow-origin"] == "*"
    assert page.status_code == 403  # the key opens /ipc alone


async def test_allow_all_still_refuses_a_cross_site_load_without_origin() -> None:
    # <img src> or <script src> from another port: no Origin, our cookie sent along.
    async with served(**{"webview.cors_allow_all": True}) as server, server.client() as client:
        response = await client.get("/ipc/test.echo", headers={"Sec-Fetch-Site": "same-site"})

    assert response.status_code == 403


async def test_configured_origin_without_credentials_and_own_methods_and_headers() -> None:
    config = {
        "webview.cors_allowed_origins": [DEV_SERVER],
        "webview.cors_allow_credentials": False,
        "webview.cors_allow_methods": "GET, POST",
        "webview.cors_allow_headers": "X-Custom, X-Trace-Id",
    }
    async with served(**config) as server, server.client(session=False) as client:
        preflight = await client.options("/ipc/test.echo", headers=preflight_headers(DEV_SERVER))

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == DEV_SERVER
    assert "access-control-allow-credentials" not in preflight.headers
    assert preflight.headers["access-control-allow-methods"] == "GET, POST"
    allowed = preflight.headers["access-control-allow-headers"]
    assert "x-oro-window" in allowed  # oro's own pages still work from the dev server
    assert allowed.endswith("X-Custom, X-Trace-Id")


async def test_configured_origin_keeps_credentials_by_default() -> None:
    config = {"webview.cors_allowed_origins": [DEV_SERVER]}
    async with served(**config) as server, server.client() as client:
        response = await client.get(
            "/ipc/test.echo", headers={"Origin": DEV_SERVER, "Sec-Fetch-Site": "same-site"}
        )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DEV_SERVER
    assert response.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"webview.cors_allow_headers": "X-Ok, X Bad"}, "separated by commas"),
        ({"webview.cors_allow_headers": "X-Ok\r\nSet-Cookie: a=b"}, "separated by commas"),
        ({"webview.cors_allow_methods": "GET;POST"}, "separated by commas"),
        ({"webview.cors_allow_methods": "GET, PÖST"}, "separated by commas"),
    ],
)
def test_a_bad_header_list_is_a_config_error(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Host(autoload=False, environ={}, use_config_file=False, config=config).close()


def test_oros_flattened_names_reach_the_keys() -> None:
    config = {"webview_cors_allow_all": True, "webview_cors_allow_methods": "GET"}
    host = Host(autoload=False, environ={}, use_config_file=False, config=config)
    try:
        assert host.config["webview.cors_allow_all"] is True
        assert host.config["webview.cors_allow_methods"] == "GET"
    finally:
        host.close()


ORIGINS = st.sampled_from([None, "http://127.0.0.1:8123", DEV_SERVER, STRANGER, "null"]) | st.text()


@given(
    origin=ORIGINS,
    fetch_site=st.sampled_from([None, "same-origin", "same-site", "cross-site", "none"]),
    method=st.sampled_from(["GET", "POST", "OPTIONS", "PUT"]),
    is_ipc=st.booleans(),
)
def test_allow_all_never_admits_a_stranger_by_the_session(
    origin: str | None, fetch_site: str | None, method: str, is_ipc: bool
) -> None:
    keeper = Gatekeeper(launch_token="t" * 32, cors_origins=[DEV_SERVER], cors_allow_all=True)
    opened = keeper.admit({"host": "127.0.0.1:8123"}, port=8123, launch_token="t" * 32)
    assert isinstance(opened, LaunchRedirect)
    assert opened.session is not None
    headers = {"host": "127.0.0.1:8123", "cookie": f"{keeper.cookie_name}={opened.session}"}
    headers |= {"origin": origin} if origin is not None else {}
    headers |= {"sec-fetch-site": fetch_site} if fetch_site is not None else {}

    decision = keeper.admit(headers, port=8123, method=method, is_ipc=is_ipc)

    if isinstance(decision, Admitted) and decision.access is Access.SESSION:
        assert origin in (None, "http://127.0.0.1:8123", DEV_SERVER)
