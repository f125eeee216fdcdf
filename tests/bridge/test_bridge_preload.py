"""The preload injected into HTML pages, the import map, and the JS modules under /oro/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from oro_framework import JSModuleTable, hookimpl
from oro_framework.host.builtin import find_js_api
from oro_framework.testing import live_server, make_host
from oro_framework.web.preload import inject_preload, with_script_nonce

pytestmark = pytest.mark.anyio

PAGE = "<!doctype html><html><head><title>t</title></head><body><script>go()</script></body></html>"


class ModulePlugin:
    """Registers ``oro:widget`` from ``directory/widget.js``; ``directory`` also holds a file
    the module imports by relative URL, and a Python file."""

    name = "widget"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "widget.js").write_text("export * from './vendor/helper.js'")
        (directory / "vendor").mkdir(exist_ok=True)
        (directory / "vendor" / "helper.js").write_text("export const helper = 1")
        (directory / "plugin.py").write_text("SECRET = 1")

    @hookimpl
    def oro_register_js_modules(self, modules: JSModuleTable) -> None:
        modules.add("oro:widget", self.directory / "widget.js", aliases=("node:widget",))


def app_with_page(root: Path, page: str = PAGE) -> Path:
    app = root / "app"
    app.mkdir()
    (app / "index.html").write_text(page)
    return app


def preload_args(page: str) -> dict[str, Any]:
    found = re.search(r'"__args",\{value:(.*?),enumerable:true\}\);</script>', page)
    assert found is not None, page
    decoded: dict[str, Any] = json.loads(found.group(1))
    return decoded


def page_import_map(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', page)
    assert found is not None, page
    decoded: dict[str, Any] = json.loads(found.group(1))
    return decoded


async def test_preload_comes_first_in_head(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        page = (await client.get("/")).text

    head = page.split("<head>", 1)[1]
    assert head.startswith('<script>Object.defineProperty(globalThis,"isOroRuntime"')
    assert head.index('type="importmap"') < head.index("<title>")
    assert '<script type="module" src="/oro/bootstrap.js">' in head


async def test_preload_args_describe_the_window_and_the_app(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path), config={"meta.name": "Demo"}) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        args = preload_args((await client.get("/?index=2")).text)

    assert args["index"] == 2
    assert args["config"]["meta_name"] == "Demo"
    assert args["origin"] == server.origin
    assert args["capabilities"] == {
        "streaming": {"sseIncremental": True, "chunkedIncremental": True}
    }
    assert args["conduit"] is None


async def test_preload_args_take_extra_entries(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host, preload_args=lambda index: {"windowCount": index + 5}) as server,
        server.client() as client,
    ):
        args = preload_args((await client.get("/?index=1")).text)

    assert args["windowCount"] == 6


async def test_preload_keeps_secrets_out_of_the_page(tmp_path: Path) -> None:
    config = {"http.ipc.enable": True, "http.ipc.shared_key": "s" * 20}
    async with (
        make_host(app_dir=app_with_page(tmp_path), config=config) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        page = (await client.get("/")).text

    assert "s" * 20 not in page
    assert preload_args(page)["config"]["http_ipc_enable"] is True


async def test_preload_is_skipped_when_the_request_disables_it(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/", headers={"runtime-preload-injection": "disabled"})

    assert response.text == PAGE


async def test_import_map_lists_the_core_modules(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        imports = page_import_map((await client.get("/")).text)["imports"]

    assert imports["oro:ipc"] == "/oro/ipc.js"
    assert imports["node:events"] == "/oro/events.js"
    assert imports["oro:bootstrap"] == "/oro/bootstrap.js"


async def test_core_module_is_served_as_javascript() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/oro/ipc.js")

    js_api = find_js_api()
    assert js_api is not None
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == (js_api / "ipc.js").read_bytes()


async def test_ipc_parts_are_served_beside_it_but_are_no_modules(tmp_path: Path) -> None:
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        imports = page_import_map((await client.get("/")).text)["imports"]
        part = await client.get("/oro/internal/calls.js")

    js_api = find_js_api()
    assert js_api is not None
    # Only Oro's two internal modules, which its pages import; oro:ipc's parts are none.
    assert sorted(specifier for specifier in imports if "internal" in specifier) == [
        "oro:internal/events",
        "oro:internal/pickers",
        "socket:internal/events",
        "socket:internal/pickers",
    ]
    assert part.status_code == 200
    assert part.headers["content-type"].startswith("text/javascript")
    assert part.content == (js_api / "internal" / "calls.js").read_bytes()


async def test_a_page_fetches_its_modules_as_it_imports_them_not_ahead(tmp_path: Path) -> None:
    # oro:ipc's parts were once named as modulepreload links. In windows of both engines they
    # made the page's own files wait behind them at the host (the showcase's first paint ~0.1 s
    # later), and WebKitGTK, whose cache keeps nothing, fetched each part twice.
    async with (
        make_host(app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        page = (await client.get("/")).text

    assert 'src="/oro/bootstrap.js"' in page
    assert "modulepreload" not in page


async def test_plugin_module_is_in_the_import_map_and_served(tmp_path: Path) -> None:
    plugin = ModulePlugin(tmp_path / "js")
    async with (
        make_host([plugin], app_dir=app_with_page(tmp_path)) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        imports = page_import_map((await client.get("/")).text)["imports"]
        module = await client.get("/oro/widget.js")
        beside = await client.get("/oro/vendor/helper.js")

    assert imports["oro:widget"] == imports["node:widget"] == "/oro/widget.js"
    assert module.headers["content-type"].startswith("text/javascript")
    assert beside.text == "export const helper = 1"


async def test_non_web_files_beside_modules_are_not_served(tmp_path: Path) -> None:
    plugin = ModulePlugin(tmp_path / "js")
    async with (
        make_host([plugin]) as host,
        live_server(host) as server,
        server.client() as client,
    ):
        response = await client.get("/oro/plugin.py")

    assert response.status_code == 404


async def test_unknown_path_under_oro_is_404() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        response = await client.get("/oro/nothing-here.js")

    assert response.status_code == 404


async def test_module_revalidates_by_etag() -> None:
    async with make_host() as host, live_server(host) as server, server.client() as client:
        first = await client.get("/oro/ipc.js")
        second = await client.get("/oro/ipc.js", headers={"If-None-Match": first.headers["etag"]})

    assert second.status_code == 304


# -------------------------------------------------------------------------------------------------
# The pure parts
# -------------------------------------------------------------------------------------------------


def test_page_import_map_is_merged_into_ours_and_moved_first() -> None:
    page = (
        "<html><head><script type=module src=app.js></script>"
        '<script type="importmap">{"imports":{"lit":"/lit.js","oro:ipc":"/mine.js"}}</script>'
        "</head></html>"
    )

    injected = inject_preload(
        page, args={}, imports={"oro:ipc": "/oro/ipc.js", "oro:os": "/oro/os.js"}
    )

    assert injected.count('type="importmap"') == 1
    assert page_import_map(injected)["imports"] == {
        "oro:ipc": "/mine.js",
        "oro:os": "/oro/os.js",
        "lit": "/lit.js",
    }
    assert injected.index("importmap") < injected.index("app.js")


def test_fragment_without_head_gets_the_preload_at_the_start() -> None:
    injected = inject_preload("<p>hi</p>", args={"index": 0}, imports={})

    assert injected.startswith("<script>")
    assert injected.endswith("<p>hi</p>")


def test_data_cannot_close_the_preload_script() -> None:
    injected = inject_preload("<head></head>", args={"x": "</script><b>"}, imports={})

    assert "</script><b>" not in injected


def test_nonce_reaches_the_page_scripts_but_not_their_text() -> None:
    page = '<head></head><script>document.write("<script src=x></script>")</script>'

    injected = inject_preload(page, args={}, imports={}, nonce="abc")

    assert 'document.write("<script src=x></script>")' in injected
    assert (
        injected.count('nonce="abc"') == 4
    )  # define, window identity, import map, the page's script


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("script-src 'self'", "script-src 'self' 'nonce-n'"),
        ("default-src 'none'", "default-src 'none'; script-src 'nonce-n'"),
        ("script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-inline'"),
        ("img-src *", "img-src *"),
    ],
)
def test_script_nonce_joins_the_policy(policy: str, expected: str) -> None:
    assert with_script_nonce(policy, "n") == expected
