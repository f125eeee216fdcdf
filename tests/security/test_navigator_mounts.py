"""Navigator mounts (``[webview.navigator_mounts]``, Oro's ``webview_navigator_mounts_*``): a
host folder served read-only to the app's own pages at a URL path, and nothing else: not what
lies outside the folder (``..``, links out), not its dot, Python or config files, never a
write, never to a request without the session or from another origin."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Page

from oro_framework.host.errors import ConfigError
from oro_framework.testing import (
    LiveServer,
    WebKitBrowser,
    app_page,
    live_server,
    make_host,
    served_app,
    until,
)
from oro_framework.web.navigator_mounts import host_folder

NOTES = "notes in the mounted folder"
SECRET = "outside the mounted folder"


def write_folders(root: Path) -> tuple[Path, Path]:
    """An app with its own page, and a folder to mount with files, a sub-folder, the names
    never served, and links that lead out of it to a secret beside it."""
    app = root / "app"
    app.mkdir()
    (app / "index.html").write_text("<!doctype html><html><head></head><body>app</body></html>")
    folder = root / "shared"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text(NOTES)
    (folder / "index.html").write_text("<!doctype html><p>mounted index</p>")
    (folder / "sub" / "index.html").write_text("<p>sub</p>")
    (folder / "view.js").write_text("export const seen = true")
    (folder / ".env").write_text("TOKEN=1")
    (folder / "tool.py").write_text("print('never served')")
    (folder / "oro.toml").write_text("[meta]\n")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (folder / "escape.txt").symlink_to(outside / "secret.txt")
    (folder / "away").symlink_to(outside)
    return app, folder


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    app, folder = write_folders(tmp_path)
    config = {f"webview.navigator_mounts.{folder}": "/docs"}
    async with make_host(app_dir=app, config=config) as host, live_server(host) as served:
        yield served


@pytest.mark.anyio
async def test_a_mount_serves_its_folder_read_only_at_its_path(server: LiveServer) -> None:
    async with server.client() as client:
        notes = await client.get("/docs/notes.txt")
        head = await client.head("/docs/notes.txt")
        index = await client.get("/docs/")
        bare = await client.get("/docs")
        sub = await client.get("/docs/sub")
        beside = await client.get("/docsx/notes.txt")
        app_page_itself = await client.get("/")

    assert (notes.status_code, notes.text) == (200, NOTES)
    assert notes.headers["content-type"].startswith("text/plain")
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(NOTES)
    assert "mounted index" in index.text
    # A folder's path without its slash goes to the folder, below the mount's path.
    assert bare.headers["location"] == "/docs/"
    assert sub.headers["location"] == "/docs/sub/"
    assert beside.status_code == 404
    assert ">app<" in app_page_itself.text


@pytest.mark.anyio
@pytest.mark.parametrize(
    "target",
    [
        b"/docs/../outside/secret.txt",
        b"/docs/%2e%2e/outside/secret.txt",
        b"/docs/sub/../../outside/secret.txt",
        b"/docs/escape.txt",
        b"/docs/away/secret.txt",
    ],
)
async def test_nothing_outside_the_mounted_folder_is_reached(
    server: LiveServer, target: bytes
) -> None:
    async with server.client() as client:
        response = await client.get("/", extensions={"target": target})

    assert response.status_code == 403
    assert SECRET not in response.text


@pytest.mark.anyio
@pytest.mark.parametrize("name", [".env", "tool.py", "oro.toml", "missing.txt"])
async def test_the_never_served_names_are_missing_in_a_mount_too(
    server: LiveServer, name: str
) -> None:
    async with server.client() as client:
        response = await client.get(f"/docs/{name}")

    assert (response.status_code, response.text) == (404, "Not found\n")


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
async def test_a_mount_is_never_written(server: LiveServer, tmp_path: Path, method: str) -> None:
    async with server.client() as client:
        written = await client.request(method, "/docs/notes.txt", content=b"overwritten")
        created = await client.request(method, "/docs/new.txt", content=b"created")

    assert (written.status_code, created.status_code) == (405, 405)
    assert (tmp_path / "shared" / "notes.txt").read_text() == NOTES
    assert not (tmp_path / "shared" / "new.txt").exists()


@pytest.mark.anyio
async def test_a_mount_needs_the_session_and_the_apps_origin(server: LiveServer) -> None:
    async with server.client(session=False) as stranger, server.client() as client:
        no_session = await stranger.get("/docs/notes.txt")
        # A Service Worker script fetch is admitted without the session for the app's scripts;
        # a mount's are the user's files and stay out of it.
        worker = await stranger.get(
            "/docs/view.js", headers={"Sec-Fetch-Dest": "serviceworker", "Service-Worker": "script"}
        )
        foreign = await client.get("/docs/notes.txt", headers={"Origin": "https://evil.example"})
        cross_site = await client.get("/docs/notes.txt", headers={"Sec-Fetch-Site": "cross-site"})
        rebound = await client.get(
            "/docs/notes.txt", headers={"Host": f"evil.example:{server.port}"}
        )

    for refused in (no_session, worker, foreign, cross_site, rebound):
        assert NOTES not in refused.text
    assert worker.status_code == 404
    assert {
        no_session.status_code,
        foreign.status_code,
        cross_site.status_code,
        rebound.status_code,
    } == {403}


def test_a_mounts_folder_is_named_as_oros_are(tmp_path: Path) -> None:
    home, app = tmp_path / "home", tmp_path / "app"
    assert host_folder("$HOST_HOME/docs/", app_dir=app, home=home) == home / "docs"
    assert host_folder("~/docs", app_dir=app, home=home) == home / "docs"
    assert host_folder("~", app_dir=app, home=home) == home
    assert host_folder("$HOST_PROCESS_WORKING_DIRECTORY/data", app_dir=app, home=home) == (
        app / "data"
    )
    assert host_folder("data", app_dir=app, home=home) == app / "data"
    assert host_folder("/srv/data", app_dir=app, home=home) == Path("/srv/data")
    # Oro's $HOST_CONTAINER is the process's working directory on Linux (resource.cc:228-229).
    assert host_folder("$HOST_CONTAINER/x", app_dir=app, home=home) == app / "x"
    assert host_folder("$HOST_ELSEWHERE/x", app_dir=app, home=home) is None


@pytest.mark.anyio
async def test_a_mount_of_an_unknown_variable_is_warned_and_the_app_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "a.txt").write_text("kept")
    config = {
        "webview.navigator_mounts.$HOST_ELSEWHERE/x": "/gone",
        f"webview.navigator_mounts.{tmp_path / 'kept'}": "/kept",
    }
    async with (
        make_host(app_dir=tmp_path, config=config) as host,
        live_server(host) as served,
        served.client() as client,
    ):
        kept = await client.get("/kept/a.txt")
        gone = await client.get("/gone/")
    assert (kept.status_code, kept.text) == (200, "kept")
    assert gone.status_code == 404
    assert "$HOST_ELSEWHERE names no folder on this host" in caplog.text
    assert "/gone is not mounted" in caplog.text


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/", "/ipc", "/oro/x", "docs", "/a/../b", "/a//b"])
async def test_a_mount_path_the_host_keeps_or_a_page_cannot_name_is_a_config_error(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(ConfigError, match=r"webview\.navigator_mounts"):
        async with make_host(
            app_dir=tmp_path, config={f"webview.navigator_mounts.{tmp_path}": path}
        ):
            pass


class _Foreign(BaseHTTPRequestHandler):
    """A page of another origin that tries to read the app's mount with the browser's
    credentials, by fetch and as a frame's document."""

    PAGE = b"""<!doctype html><script>
    const app = new URLSearchParams(location.search).get('app')
    globalThis.read = 'pending'
    fetch(app + '/docs/notes.txt', { credentials: 'include' })
      .then((response) => response.text()).then((text) => { globalThis.read = text },
        (error) => { globalThis.read = error.name })
    </script>"""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.PAGE)))
        self.end_headers()
        self.wfile.write(self.PAGE)


@pytest.fixture(scope="module")
def foreign_port() -> Iterator[int]:
    foreign = ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    thread = threading.Thread(target=foreign.serve_forever, daemon=True)
    thread.start()
    try:
        yield foreign.server_address[1]
    finally:
        foreign.shutdown()
        foreign.server_close()


READ_AND_LIST = """async () => {
  const path = await import('oro:path')
  const mounts = await import('oro:path/mounts')
  const response = await fetch('/docs/notes.txt')
  const written = await fetch('/docs/notes.txt', { method: 'PUT', body: 'x' })
  return {
    text: await response.text(),
    written: written.status,
    listed: { ...path.mounts.default },
    same: path.mounts.default === mounts.default,
    resolved: mounts.resolve('/docs/sub/index.html'),
    none: mounts.resolve('/elsewhere')
  }
}"""


def test_pages_read_a_mount_and_list_it(browser: Browser | WebKitBrowser, tmp_path: Path) -> None:
    app, folder = write_folders(tmp_path)
    config = {f"webview.navigator_mounts.{folder}": "/docs"}
    with served_app(app_dir=app, config=config) as served, app_page(browser, served) as page:
        seen = page.evaluate(READ_AND_LIST)
    assert seen == {
        "text": NOTES,
        "written": 405,
        "listed": {"/docs": str(folder)},
        "same": True,
        "resolved": {
            "path": "/docs",
            "folder": str(folder),
            "filename": f"{folder}/sub/index.html",
        },
        "none": None,
    }


@pytest.mark.parametrize("site", ["localhost", "127.0.0.1"], ids=["cross-site", "same-site"])
def test_another_origins_frame_or_page_cannot_read_a_mount(
    chromium_browser: Browser, tmp_path: Path, foreign_port: int, site: str
) -> None:
    app, folder = write_folders(tmp_path)
    config = {f"webview.navigator_mounts.{folder}": "/docs"}
    with (
        served_app(app_dir=app, config=config) as served,
        app_page(chromium_browser, served) as page,
    ):
        foreign = f"http://{site}:{foreign_port}/?app={served.server.origin}"
        page.evaluate(
            """(url) => new Promise((resolve) => {
              const frame = document.createElement('iframe')
              frame.onload = resolve
              frame.src = url
              document.body.append(frame)
            })""",
            foreign,
        )
        beside = page.context.new_page()
        beside.goto(foreign)
        frame = page.frames[1]
        for other in (frame, beside):

            def settled(other: Frame | Page = other) -> str:
                read: str = other.evaluate("read")
                return "" if read == "pending" else read

            assert until(settled, "the foreign fetch settled") == "TypeError"
        # The app's own page still reads it.
        assert page.evaluate("async () => (await fetch('/docs/notes.txt')).text()") == NOTES


def test_an_ini_apps_navigator_mounts_are_served_at_their_path(tmp_path: Path) -> None:
    app, folder = write_folders(tmp_path)
    (app / "socket.ini").write_text(f"[webview.navigator.mounts]\n{folder}/ = /docs\n")
    with served_app(app_dir=app) as served:

        async def read() -> httpx.Response:
            async with served.server.client() as client:
                return await client.get("/docs/notes.txt")

        response = served.call(read)
    assert (response.status_code, response.text) == (200, NOTES)
