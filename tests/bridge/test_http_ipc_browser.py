"""Issue 77, the HTTP IPC bridge's own server (``http.ipc.port``) attacked by a real Chromium
page of another origin: a server on another port of 127.0.0.1, whose requests carry our cookies
(cookies ignore ports) but not the bridge key."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from oro_framework import Request
from oro_framework.testing import RoutePlugin, ServedApp, served_app
from oro_framework.testing.process import free_port

KEY = "an outside process's key, long enough"
CALLS: list[bool] = []


async def whoami(request: Request) -> Any:
    CALLS.append(request.by_bridge_key)
    return {"bridge": request.by_bridge_key}


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>elsewhere</title>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    """A page of another origin on 127.0.0.1, as another app or dev server would serve it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@functools.cache
def bridge_config(allow_cors: bool) -> dict[str, Any]:
    return {
        "http.ipc.enable": True,
        "http.ipc.shared_key": KEY,
        "http.ipc.port": free_port(),
        "http.ipc.allow_cors": allow_cors,
    }


ATTACK = """async ({ url, key }) => {
  const attempt = async (options) => {
    try {
      const response = await fetch(url, options)
      return response.type === 'opaque' ? 'opaque' : response.status
    } catch (error) {
      return error.name
    }
  }
  return {
    plain: await attempt({}),
    withCookies: await attempt({ credentials: 'include' }),
    noCors: await attempt({ mode: 'no-cors', method: 'POST', body: 'x' }),
    wrongKey: await attempt({ headers: { 'X-ORO-Auth': 'a guess of the same length!!!!!!!' } }),
    window: await attempt({ headers: { 'X-IPC-Window-Index': '0' } }),
    key: key === null ? null : await attempt({ headers: { 'X-ORO-Auth': key } }),
  }
}"""


def attack(browser: Browser, page_url: str, app: ServedApp, key: str | None) -> dict[str, Any]:
    context = browser.new_context()
    try:
        # The app's session in the same profile: the stranger's requests carry the cookie.
        page = context.new_page()
        page.goto(app.server.launch_url)
        page.goto(page_url)
        port = bridge_config(app.server.host.config["http.ipc.allow_cors"])["http.ipc.port"]
        url = f"http://127.0.0.1:{port}/ipc/test.whoami"
        result: dict[str, Any] = page.evaluate(ATTACK, {"url": url, "key": key})
        return result
    finally:
        context.close()


def test_another_origins_page_cannot_call_the_bridges_own_server(
    chromium_browser: Browser, elsewhere: str
) -> None:
    CALLS.clear()
    with served_app([RoutePlugin({"test.whoami": whoami})], config=bridge_config(False)) as app:
        result = attack(chromium_browser, elsewhere, app, KEY)

    # No CORS grant: the browser reads nothing, and nothing without the key reached a handler.
    assert result == {
        "plain": "TypeError",
        "withCookies": "TypeError",
        "noCors": "opaque",
        "wrongKey": "TypeError",
        "window": "TypeError",
        "key": "TypeError",
    }
    assert CALLS == []


def test_with_allow_cors_another_origin_needs_the_key(
    chromium_browser: Browser, elsewhere: str
) -> None:
    CALLS.clear()
    with served_app([RoutePlugin({"test.whoami": whoami})], config=bridge_config(True)) as app:
        result = attack(chromium_browser, elsewhere, app, KEY)

    assert result == {
        "plain": 403,
        "withCookies": "TypeError",  # '*' is never paired with credentials
        "noCors": "opaque",
        "wrongKey": 403,
        "window": 403,
        "key": 200,
    }
    assert CALLS == [True]  # the one call with the key, as the outside process
