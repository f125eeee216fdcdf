"""URL schemes plugins serve (``oro_register_schemes``) over the bridge's HTTP path
``/oro/scheme/<name>/...``, a real server on a real socket: what a handler is given, streamed
replies, and what a hostile page meets (no credential, another window, another origin, a huge
body, malformed URLs, shadowing names)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from oro_framework import (
    Host,
    InvalidArgumentError,
    Plugin,
    PluginLoadError,
    RegistrationConflict,
    RegistrationError,
    SchemeRequest,
    SchemeResponse,
    SchemeTable,
    hookimpl,
)
from oro_framework.host.declaration import assemble
from oro_framework.host.schemes import answer, canonical_url, scheme_path, url_of_path
from oro_framework.testing import live_server, make_host

sys.path.insert(0, str(Path(__file__).parent.parent))
from _scheme_plugin import ClipPlugin

pytestmark = pytest.mark.anyio


async def test_a_get_reaches_the_handler_with_the_canonical_url_and_the_proven_window() -> None:
    plugin = ClipPlugin()
    async with make_host([plugin]) as host, live_server(host) as server:
        credential = server.window_credential(3)
        async with server.client(headers={"x-oro-window": credential}) as client:
            response = await client.get("/oro/scheme/clip//a/../hello?x=1")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    seen = response.json()
    assert seen["url"] == "clip:hello?x=1"
    assert (seen["host"], seen["path"], seen["query"]) == ("", "/hello", "x=1")
    assert (seen["window"], seen["transport"], seen["method"]) == (3, "http", "GET")
    # The page's credentials stay with the bridge.
    assert not {"cookie", "x-oro-window"} & set(seen["headers"])


async def test_a_post_body_reaches_the_handler_and_its_headers_the_page() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.post("/oro/scheme/clip//echo", content=b"\x00clip\xff")

    assert response.status_code == 200
    assert response.content == b"\x00clip\xff"
    assert response.headers["x-clip"] == "1"
    assert response.headers["content-type"] == "text/plain"
    assert "set-cookie" not in response.headers


async def test_a_url_with_a_host_keeps_it() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/oro/scheme/clip/board/1")

    assert response.json()["url"] == "clip://board/1"
    assert (response.json()["host"], response.json()["path"]) == ("board", "/1")


async def test_a_streamed_reply_arrives_chunk_by_chunk() -> None:
    plugin = ClipPlugin()
    async with (
        make_host([plugin]) as host,
        live_server(host) as server,
        server.client() as client,
        client.stream("GET", "/oro/scheme/clip//stream") as response,
    ):
        chunks = response.aiter_raw()
        # The first chunk is in while the handler still holds the last.
        assert await anext(chunks) == b"first;"
        plugin.release()
        assert b"".join([chunk async for chunk in chunks]) == b"last"


async def test_a_page_leaving_cancels_the_streamed_body() -> None:
    plugin = ClipPlugin()
    async with (
        make_host([plugin]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        async with client.stream("GET", "/oro/scheme/clip//hang") as response:
            assert await anext(response.aiter_raw()) == b"started;"
        await plugin.wait_cancelled()
        # The host keeps serving.
        assert (await client.get("/oro/scheme/clip//hello")).status_code == 200

    assert plugin.cancelled == ["clip:hang"]


async def test_a_handler_that_raises_is_a_500_naming_the_plugin_and_the_host_serves_on() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        failed = await client.get("/oro/scheme/clip//boom")
        after = await client.get("/oro/scheme/clip//hello")

    assert failed.status_code == 500
    error = failed.json()["err"]
    assert error["type"] == "InternalError"
    assert error["plugin"] == "clipboard-kit"
    assert "plugin 'clipboard-kit'" in error["message"]
    assert "ValueError" in error["message"]
    # The cause stays in the log, not in the page.
    assert "torn" not in error["message"]
    assert after.status_code == 200


async def test_a_handler_that_never_answers_is_a_timeout_naming_the_plugin() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        failed = await client.get("/oro/scheme/slowclip//x")
        after = await client.get("/oro/scheme/clip//hello")

    assert failed.status_code == 408
    assert failed.json()["err"]["type"] == "TimeoutError"
    assert "plugin 'clipboard-kit'" in failed.json()["err"]["message"]
    assert after.status_code == 200


# -------------------------------------------------------------------------------------------------
# A hostile page
# -------------------------------------------------------------------------------------------------


async def test_a_request_without_the_session_is_refused_before_the_handler() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client(session=False) as client,
    ):
        response = await client.post("/oro/scheme/clip//echo", content=b"x")

    assert response.status_code == 403


async def test_another_origin_is_refused_even_with_the_session() -> None:
    # What an iframe of another origin sends: its own Origin and a cross-site fetch.
    foreign = {"origin": "http://evil.example", "sec-fetch-site": "cross-site"}
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client(headers=foreign) as client,
    ):
        response = await client.get("/oro/scheme/clip//hello")

    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("credential", ["0.forged", "7", "", "1.2.3"])
async def test_a_credential_the_host_did_not_issue_proves_no_window(credential: str) -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client(headers={"x-oro-window": credential}) as client,
    ):
        response = await client.get("/oro/scheme/clip//hello?index=7")

    assert response.json()["window"] is None


async def test_another_windows_credential_proves_that_window_only() -> None:
    async with make_host([ClipPlugin()]) as host, live_server(host) as server:
        windows = []
        for index in (0, 1):
            headers = {"x-oro-window": server.window_credential(index)}
            async with server.client(headers=headers) as client:
                windows.append((await client.get("/oro/scheme/clip//hello")).json()["window"])

    assert windows == [0, 1]


async def test_a_body_over_the_cap_is_413_and_the_host_serves_on() -> None:
    config = {"ipc.max_body_bytes": 1024}
    async with (
        make_host([ClipPlugin()], config=config) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        declared = await client.post("/oro/scheme/clip//echo", content=b"x" * 4096)

        async def chunked() -> Any:
            for _ in range(8):
                yield b"y" * 512

        counted = await client.post("/oro/scheme/clip//echo", content=chunked())
        after = await client.post("/oro/scheme/clip//echo", content=b"small")

    assert (declared.status_code, counted.status_code) == (413, 413)
    assert declared.json()["err"]["type"] == "RangeError"
    assert after.content == b"small"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/oro/scheme/clip", 404),  # no URL after the scheme
        ("/oro/scheme/", 404),
        ("/oro/scheme/unknown//x", 404),  # no plugin serves it
        ("/oro/scheme/http//x", 404),
        ("/oro/scheme/CLIP//x", 404),  # browsers lowercase schemes: nobody registers this
    ],
)
async def test_malformed_or_unknown_scheme_urls_are_404(path: str, status: int) -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get(path)
        after = await client.get("/oro/scheme/clip//hello")

    assert response.status_code == status
    assert after.status_code == 200


async def test_a_method_outside_the_set_is_405() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.request("TRACE", "/oro/scheme/clip//hello")

    assert response.status_code == 405


async def test_the_page_is_told_which_schemes_to_map() -> None:
    async with (
        make_host([ClipPlugin()]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        page = (await client.get("/")).text

    assert '"schemes":["clip","slowclip"]' in page


# -------------------------------------------------------------------------------------------------
# Names a plugin may not take
# -------------------------------------------------------------------------------------------------


async def _answer(request: SchemeRequest) -> SchemeResponse:
    return SchemeResponse(b"")


class Shadowing:
    def __init__(self, scheme: str, name: str = "shadow") -> None:
        self.scheme = scheme
        self.name = name

    @hookimpl
    def oro_register_schemes(self, schemes: SchemeTable) -> None:
        schemes.add(self.scheme, _answer, doc="A scheme.")


SHADOWED = [
    "http", "https", "file", "data", "blob", "about", "javascript", "ws", "wss", "oro",
    "socket", "ipc", "npm", "node",
]  # fmt: skip


@pytest.mark.parametrize("scheme", SHADOWED)
def test_a_scheme_shadowing_one_with_a_meaning_is_refused_naming_the_plugin(
    tmp_path: Path, scheme: str
) -> None:
    with pytest.raises(PluginLoadError) as raised:
        Host(tmp_path, autoload=False, plugins=[Shadowing(scheme)], environ={})

    cause = raised.value.__cause__
    assert isinstance(cause, RegistrationError)
    assert cause.plugin == "shadow"
    assert f"scheme {scheme!r} is reserved" in str(raised.value)


@pytest.mark.parametrize("scheme", ["Clip", "1clip", "cl ip", "clé", "", "a" * 65, "clip:"])
def test_a_name_that_is_no_lowercase_url_scheme_is_refused(tmp_path: Path, scheme: str) -> None:
    with pytest.raises(PluginLoadError) as raised:
        Host(tmp_path, autoload=False, plugins=[Shadowing(scheme)], environ={})

    assert "is no URL scheme" in str(raised.value)
    assert "plugin 'shadow'" in str(raised.value)


def test_a_second_plugin_taking_a_scheme_conflicts_naming_both(tmp_path: Path) -> None:
    plugins = [Shadowing("clip", "first"), Shadowing("clip", "second")]
    with pytest.raises(PluginLoadError) as raised:
        Host(tmp_path, autoload=False, plugins=plugins, environ={})

    assert isinstance(raised.value.__cause__, RegistrationConflict)
    assert "scheme 'clip' from 'second' is already registered by 'first'" in str(raised.value)


def test_the_bridge_path_and_the_canonical_url_round_trip() -> None:
    assert scheme_path("clip:a/../b?q#f") == "/oro/scheme/clip//b?q"
    assert scheme_path("clip://board/x/./1") == "/oro/scheme/clip/board/x/1"
    assert url_of_path("clip//b?q") == "clip:b?q"
    assert canonical_url("clip:///b") == canonical_url("clip:/b") == "clip:b"
    with pytest.raises(InvalidArgumentError):
        scheme_path("clip:a b")


async def _declared_clip(request: SchemeRequest) -> SchemeResponse:
    """Clips, declared."""
    return SchemeResponse(request.path.encode())


async def test_a_declaration_serves_its_schemes_with_the_handlers_doc() -> None:
    module = sys.modules[__name__]
    declared = assemble(module, Plugin(schemes={"clip": f"{__name__}:_declared_clip"}))
    async with make_host([declared]) as host:
        response = await answer(host, SchemeRequest("clip:hello"))
        scheme = host.schemes.get("clip")

    assert response.body == b"/hello"
    assert scheme is not None
    assert scheme.doc == "Clips, declared."


class GuardedClip:
    """``clip:`` behind the permission ``clipboard``."""

    name = "guarded-clip"

    @hookimpl
    def oro_register_permissions(self, permissions: Any) -> None:
        permissions.add("clipboard", "Read the clipboard kit's clips.")

    @hookimpl
    def oro_register_schemes(self, schemes: SchemeTable) -> None:
        schemes.add("clip", _answer, doc="Clips.", permission="clipboard")


class RefusingCheck:
    name = "refusing-check"

    @hookimpl
    def oro_permission_check(self, request: Any, permission: str) -> bool | None:
        return False if request.route.startswith("clip:") else None


@pytest.mark.parametrize(
    ("plugins", "config"),
    [
        ([GuardedClip()], {"permissions.allow_clipboard": False}),
        ([GuardedClip(), RefusingCheck()], {}),
    ],
    ids=["turned-off", "refused-by-a-plugin"],
)
async def test_a_scheme_behind_a_permission_answers_403_when_it_is_refused(
    plugins: list[object], config: dict[str, Any]
) -> None:
    async with (
        make_host(plugins, config=config) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/oro/scheme/clip//x")

    assert response.status_code == 403
    assert response.json()["err"]["type"] == "NotAllowedError"
