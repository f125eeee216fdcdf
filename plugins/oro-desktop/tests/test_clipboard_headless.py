"""The clipboard routes without a window (in memory): no system clipboard, so every route says
to use navigator.clipboard; the page's mistakes (bad selection, not a PNG, too large, bad body)
are typed errors whatever the app runs on, and the app keeps serving."""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import oro_desktop.plugin
import pytest
from oro_desktop.state import STATE

from oro_framework.testing import MemoryClient, make_host

pytestmark = pytest.mark.anyio

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


async def failure(
    client: MemoryClient, route: str, body: bytes = b"", **params: Any
) -> dict[str, Any]:
    reply = await client.call(route, body, **params)
    assert reply.error is not None, reply
    return reply.error.to_dict()


@pytest.mark.parametrize(
    ("route", "params", "body"),
    [
        ("clipboard.readText", {}, b""),
        ("clipboard.writeText", {"value": "hello"}, b""),
        ("clipboard.writeText", {}, "über".encode()),
        ("clipboard.read", {"selection": "primary"}, b""),
        ("clipboard.write", {}, json.dumps({"text": "a", "html": "<b>a</b>"}).encode()),
        ("clipboard.write", {"text": "a"}, b""),
    ],
)
async def test_headless_every_route_points_to_navigator_clipboard(
    route: str, params: dict[str, Any], body: bytes
) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        assert host.windows.toolkit is None
        error = await failure(MemoryClient(host), route, body, **params)
    assert error["type"] == "NotSupportedError"
    assert error["code"] == "ERR_HEADLESS"
    assert "navigator.clipboard" in error["message"]


async def test_headless_host_never_loads_qt() -> None:
    async with make_host([oro_desktop.plugin]) as host:
        client = MemoryClient(host)
        for route in ("clipboard.readText", "clipboard.read"):
            await failure(client, route)
        await failure(client, "clipboard.write", text="a")
    # Other tests of the session may load Qt; this plugin's Qt side must not have been.
    assert "oro_desktop.clipboard.qt" not in sys.modules


async def test_disabled_permission_refuses_every_route() -> None:
    config = {"permissions.allow_clipboard": False}
    async with make_host([oro_desktop.plugin], config=config) as host:
        client = MemoryClient(host)
        for route in (
            "clipboard.readText",
            "clipboard.writeText",
            "clipboard.read",
            "clipboard.write",
        ):
            error = await failure(client, route, value="x")
            assert error["type"] == "NotAllowedError", error
            assert error["permission"] == "clipboard"


@pytest.mark.parametrize("selection", ["secondary", "", 3, "PRIMARY"])
async def test_an_unknown_selection_is_an_invalid_argument(selection: Any) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        error = await failure(MemoryClient(host), "clipboard.readText", selection=selection)
    assert error["type"] == "TypeError"
    assert error["parameter"] == "selection"


async def test_write_over_the_limit_is_too_large_and_the_app_keeps_serving() -> None:
    config = {"desktop.clipboard_max_bytes": 64}
    async with make_host([oro_desktop.plugin], config=config) as host:
        client = MemoryClient(host)
        big = {"text": "x" * 40, "html": "<p>" + "y" * 30 + "</p>"}
        error = await failure(client, "clipboard.write", json.dumps(big).encode())
        assert error["type"] == "RangeError"
        assert error["code"] == "ERR_CLIPBOARD_TOO_LARGE"
        assert (error["size"], error["limit"]) == (40 + 37, 64)
        error = await failure(client, "clipboard.writeText", ("é" * 33).encode())
        assert error["code"] == "ERR_CLIPBOARD_TOO_LARGE"
        assert error["size"] == 66
        # Exactly the limit is not too large: headless, it gets as far as the missing clipboard.
        error = await failure(client, "clipboard.writeText", b"z" * 64)
        assert error["code"] == "ERR_HEADLESS"
        assert host.stash[STATE].clipboard.diagnostics()["refused"] == 2


@pytest.mark.parametrize(
    "image",
    [
        base64.b64encode(b"GIF89a" + bytes(20)).decode(),
        base64.b64encode(PNG_1X1[1:]).decode(),
        "",
    ],
)
async def test_an_image_that_is_not_a_png_is_an_invalid_argument(image: str) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        body = json.dumps({"image": image}).encode()
        error = await failure(MemoryClient(host), "clipboard.write", body)
    assert error["type"] == "TypeError"
    assert error["code"] == "ERR_CLIPBOARD_INVALID_IMAGE"
    assert error["parameter"] == "image"


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        (b"[1, 2]", "ERR_INVALID_ARG_TYPE", None),
        (b"{not json", "ERR_INVALID_JSON", None),
        (json.dumps({"image": "***"}).encode(), "ERR_INVALID_ARG_TYPE", "image"),
        (json.dumps({"image": 12}).encode(), "ERR_INVALID_ARG_TYPE", "image"),
        (json.dumps({"text": ["a"]}).encode(), "ERR_INVALID_ARG_TYPE", "text"),
        (json.dumps({"html": "\ud800"}).encode(), "ERR_INVALID_ARG_TYPE", "html"),
        (
            json.dumps({"text": "a", "selection": "nope"}).encode(),
            "ERR_INVALID_ARG_TYPE",
            "selection",
        ),
    ],
)
async def test_a_bad_write_body_is_a_typed_error(
    body: bytes, code: str, parameter: str | None
) -> None:
    async with make_host([oro_desktop.plugin]) as host:
        error = await failure(MemoryClient(host), "clipboard.write", body)
    assert error["code"] == code, error
    assert error.get("parameter") == parameter


async def test_write_text_refuses_a_body_that_is_not_utf8() -> None:
    async with make_host([oro_desktop.plugin]) as host:
        error = await failure(MemoryClient(host), "clipboard.writeText", b"\xff\xfe")
    assert error["type"] == "TypeError"


async def test_headless_the_clipboard_says_it_cannot_read_or_write() -> None:
    """What Oro's canReadText/canWriteText (api/clipboard.d.ts) answer from: false headless."""
    async with make_host([oro_desktop.plugin]) as host:
        reply = await MemoryClient(host).call("clipboard.capabilities")
    assert reply.data == {"readText": False, "writeText": False}
