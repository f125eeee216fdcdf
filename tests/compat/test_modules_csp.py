"""Socket apps' module resolution and page CSP, run as their authors run them.

``apps/modules-csp`` is shaped like the public Socket apps that chart data: ``[webview]
importmap = "/importmap.json"`` (the app root's file), a UMD charting bundle in the image of
chart.js 2.x imported through ``npm:`` (its ``module.exports`` the default export), and a meta
CSP whose ``img-src``/``style-src`` name ``file:`` (Socket serves the app's files from
``socket://<bundle id>/``; here they come from the app's origin). It runs under the real ``oro
run --headless`` and a real headless Chromium.

A hostile app folder names an import map outside itself (``../../etc/passwd``, ``file:`` URLs,
a symlink out of the app): each is refused with one warning and never read, and the app still
serves its pages.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from oro_framework.testing import live_server, make_host
from oro_framework.testing.process import OroProcess, headless_environ
from oro_framework.web.csp import adapt_policy
from oro_framework.web.import_maps import import_map_candidates

APPS = Path(__file__).with_name("apps")


@pytest.fixture(scope="module")
def modules_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OroProcess]:
    root = tmp_path_factory.mktemp("modules-csp")
    app = root / "modules-csp"
    shutil.copytree(APPS / "modules-csp", app, symlinks=True)
    environ = headless_environ({"XDG_DATA_HOME": str(root / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        yield oro


@pytest.fixture(scope="module")
def app_state(modules_app: OroProcess, chromium_browser: Browser) -> Iterator[dict[str, Any]]:
    context = chromium_browser.new_context()
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(modules_app.launch_url())
    try:
        page.wait_for_function("globalThis.modulesApp !== undefined", timeout=60_000)
    except Exception:
        pytest.fail(f"the app's module did not finish: {errors}\n{modules_app.stderr()}")
    state: dict[str, Any] = page.evaluate("globalThis.modulesApp")
    yield state
    context.close()


def test_the_umd_bundles_default_export_is_its_module_exports(app_state: dict[str, Any]) -> None:
    assert app_state["chart"] == "function"
    assert app_state["version"] == "2.9.9"
    assert app_state["type"] == "line"
    assert app_state["clamped"] == 10
    # The CommonJS branch of the UMD header ran: no global was set instead.
    assert app_state["global"] == "undefined"


def test_the_import_map_named_from_the_app_root_resolves(app_state: dict[str, Any]) -> None:
    assert app_state["greeting"] == "HELLO!"
    assert app_state["sameThroughImportMap"] is True, "npm: values in the import map"


def test_an_image_and_a_stylesheet_under_a_file_csp_load(
    app_state: dict[str, Any], modules_app: OroProcess
) -> None:
    assert app_state["image"] == 24, app_state["violations"]
    assert app_state["stylesheet"] == "loaded", app_state["violations"]
    assert app_state["violations"] == []
    output = "\n".join(modules_app.lines) + modules_app.stderr()
    assert "webview.importmap" not in output, output
    assert "Traceback" not in output, output


def _files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


LEAK = '{"imports": {"leaked": "/leaked.js"}}'


@pytest.mark.anyio
@pytest.mark.parametrize(
    "value",
    ["../../etc/passwd", "../outside/map.json", "file:///etc/passwd", "linked/map.json"],
)
async def test_an_import_map_outside_the_app_is_refused_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    _files(tmp_path / "outside", {"map.json": LEAK})
    app = _files(
        tmp_path / "app",
        {
            "index.html": "<title>hostile</title>",
            "oro.toml": f'[webview]\nimportmap = "{value}"\n',
        },
    )
    (app / "linked").symlink_to(tmp_path / "outside")
    with caplog.at_level(logging.WARNING, logger="oro_framework.bridge"):
        async with (
            make_host(app_dir=app) as host,
            live_server(host) as server,
            server.client() as client,
        ):
            pages = [await client.get("/") for _ in range(2)]
    assert [page.status_code for page in pages] == [200, 200], "the app keeps serving"
    assert all("leaked" not in page.text for page in pages), "never read"
    lines = [record.getMessage() for record in caplog.records if "importmap" in record.getMessage()]
    assert len(lines) == 1, lines
    assert "ignored" in lines[0]


@pytest.mark.anyio
async def test_the_import_map_forms_socket_apps_write_name_the_app_root(tmp_path: Path) -> None:
    app = _files(
        tmp_path / "app",
        {
            "index.html": "<title>forms</title>",
            "maps/importmap.json": '{"imports": {"own": "/own.js"}}',
        },
    )
    for value in (
        "/maps/importmap.json",
        "maps/importmap.json",
        "./maps/importmap.json",
        "socket://org.example.app/maps/importmap.json",
        (app / "maps" / "importmap.json").as_uri(),
    ):
        (app / "oro.toml").write_text(f'[webview]\nimportmap = "{value}"\n', encoding="utf-8")
        async with (
            make_host(app_dir=app) as host,
            live_server(host) as server,
            server.client() as client,
        ):
            page = await client.get("/")
        assert '"own": "/own.js"' in page.text or '"own":"/own.js"' in page.text, value


@given(st.lists(st.sampled_from(["..", ".", "a", "b.json", "", "~", "%2e%2e"]), max_size=6))
def test_no_import_map_value_names_a_file_outside_the_roots(parts: list[str]) -> None:
    roots = [Path("/srv/app/build"), Path("/srv/app")]
    for value in ("/".join(parts), "/" + "/".join(parts), "socket://x/" + "/".join(parts)):
        candidates, refused = import_map_candidates(value, roots)
        for candidate in candidates:
            resolved = candidate.resolve(strict=False)
            assert any(resolved.is_relative_to(root) for root in roots), (value, candidate)
        assert not (candidates and refused)


CONNECT: Final = ["http://127.0.0.1:4000", "ws://127.0.0.1:4000"]


@pytest.mark.parametrize(
    "directive", ["img-src", "media-src", "font-src", "style-src", "connect-src", "default-src"]
)
@pytest.mark.parametrize(
    "source", ["file:", "file://*", "socket:", "https://localhost:*", "http://app.localhost"]
)
def test_socket_sources_of_the_apps_files_are_its_origin_and_nothing_more(
    directive: str, source: str
) -> None:
    policy = adapt_policy(f"{directive} {source} data:; object-src 'none'", connect=CONNECT).policy
    assert policy.startswith(f"{directive} {source} data: 'self'"), policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize(
    "source", ["https:", "http://localhost.example.com", "https://example.com", "*", "data:"]
)
def test_other_sources_get_no_app_origin(source: str) -> None:
    assert adapt_policy(f"img-src {source}", connect=CONNECT).policy == f"img-src {source}"
