"""oro:cookies without a window: the page's browser keeps its cookies, the host has no store,
so every route says to use document.cookie; a page's own mistakes are typed errors all the
same, and the host keeps serving."""

from __future__ import annotations

from typing import Any

import oro_desktop.plugin
import pytest

from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio


async def failure(client: MemoryClient, route: str, **params: Any) -> dict[str, Any]:
    reply = await client.call(route, b"", **params)
    assert reply.error is not None, reply
    return reply.error.to_dict()


@pytest.mark.parametrize(
    ("route", "params"),
    [
        ("cookies.get", {"url": "http://127.0.0.1:1/"}),
        ("cookies.set", {"url": "http://127.0.0.1:1/", "cookie": "a=1"}),
        ("cookies.remove", {"url": "http://127.0.0.1:1/", "name": "a"}),
        ("cookies.clear", {}),
    ],
)
async def test_headless_every_route_points_to_document_cookie(
    route: str, params: dict[str, Any]
) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        error = await failure(MemoryClient(host), route, **params)
        # and the host keeps serving
        assert (await MemoryClient(host).call("cookies.clear", b"")).error is not None
    assert (error["type"], error["code"]) == ("NotSupportedError", "ERR_HEADLESS")
    assert "document.cookie" in error["message"]


@pytest.mark.parametrize(
    ("route", "params", "parameter"),
    [
        ("cookies.get", {}, "url"),
        ("cookies.get", {"url": " "}, "url"),
        ("cookies.set", {"url": "http://127.0.0.1:1/", "cookie": ""}, "cookie"),
        ("cookies.remove", {"url": "http://127.0.0.1:1/"}, "name"),
    ],
)
async def test_missing_or_empty_arguments_are_invalid(
    route: str, params: dict[str, Any], parameter: str
) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        error = await failure(MemoryClient(host), route, **params)
    # InvalidArgumentError, which a page gets as a TypeError
    assert (error["type"], error["parameter"]) == ("TypeError", parameter), error


async def test_the_permission_turns_every_route_off() -> None:
    config = {"permissions.allow_cookies": False}
    async with make_host([oro_desktop.plugin], config=config) as host:
        error = await failure(MemoryClient(host), "cookies.clear")
    assert error["type"] == "NotAllowedError", error
