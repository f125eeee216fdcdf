"""A Socket app of the second kind runs unchanged with the real ``oro run --headless`` and real
headless Chromium (``apps/sw-conduit``, written in the image of Socket's docs, not copied): its
page registers its own service worker with ``navigator.serviceWorker.register`` (a module whose
default export answers fetches, with and without ``type: 'module'``), asks workers through
ipc ``serviceWorker.fetch``, gives the Conduit a fixed key and port in
``[application.conduit]``, and posts a ``message`` to its second window. Hostile callers (no
credential, a forged sender, another origin, malformed parameters) get typed refusals while
the app keeps serving. The page-registered workers answer on WebKitGTK too. One running app
serves every test of the module."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute

from oro_framework.testing.process import OroProcess, headless_environ, until
from oro_framework.testing.webkit import WebKitBrowser

APP = Path(__file__).with_name("apps") / "sw-conduit"
KEY = "sw-conduit-key"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OroProcess, int]]:
    root = tmp_path_factory.mktemp("sw-conduit")
    app = root / "sw-conduit"
    shutil.copytree(APP, app)
    port = _free_port()
    ini = app / "socket.ini"
    ini.write_text(ini.read_text().replace("port = 0", f"port = {port}"), encoding="utf-8")
    environ = headless_environ({"XDG_DATA_HOME": str(root / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        yield oro, port


@pytest.fixture(scope="module")
def context(chromium_browser: Browser) -> Iterator[BrowserContext]:
    context = chromium_browser.new_context()
    yield context
    context.close()


@pytest.fixture(scope="module")
def first(running: tuple[OroProcess, int], context: BrowserContext) -> Page:
    oro, _ = running
    page = context.new_page()
    page.goto(oro.launch_url())
    page.wait_for_function("globalThis.swApp !== undefined", timeout=60_000)
    return page


def _origin(page: Page) -> str:
    origin: str = page.evaluate("location.origin")
    return origin


def test_a_module_worker_registered_by_the_page_answers_with_its_default_export(
    first: Page,
) -> None:
    app: dict[str, Any] = first.evaluate("globalThis.swApp")
    assert app["scope"] == _origin(first) + "/"
    assert app["hello"] == "hello socket from the worker"
    assert first.evaluate("navigator.serviceWorker.controller !== null")


def test_a_worker_registered_without_options_is_a_module_with_its_directory_as_scope(
    first: Page, context: BrowserContext
) -> None:
    legacy = context.new_page()
    legacy.goto(_origin(first) + "/legacy/index.html")
    legacy.wait_for_function("globalThis.legacyApp !== undefined", timeout=60_000)
    app: dict[str, Any] = legacy.evaluate("globalThis.legacyApp")
    assert app == {
        "scope": _origin(first) + "/legacy/",
        "pong": {"pong": True, "method": "POST"},
    }
    legacy.close()


def test_service_worker_fetch_asks_the_app_s_worker_and_a_scheme_s_handler(first: Page) -> None:
    app: dict[str, Any] = first.evaluate("globalThis.swApp")
    assert app["viaRoute"] == "hello ipc from the worker"
    assert app["viaScheme"] == {"scheme": "greet:", "path": "/hi", "query": "?a=1"}


def test_service_worker_fetch_refuses_malformed_calls_with_typed_errors(first: Page) -> None:
    refusals = first.evaluate(
        """async () => {
          const { default: ipc } = await import('socket:ipc')
          const calls = [
            { scheme: 'ht tp', pathname: '/' },
            { scheme: 'socket', pathname: 'relative' },
            { scheme: 'socket', pathname: '//evil.example/x' },
            { scheme: 'nope', pathname: '/x' },
          ]
          const out = []
          for (const params of calls) {
            const { err } = await ipc.send('serviceWorker.fetch', params)
            out.push(err ? `${err.name} ${err.code}` : 'answered')
          }
          // A caller that is not the page (no page route: a worker, another process) is told so.
          const raw = await (await fetch('/ipc/serviceWorker.fetch?scheme=socket')).json()
          out.push(raw.err.code)
          return out
        }"""
    )
    assert refusals == [
        "TypeError ERR_INVALID_ARG_VALUE",
        "TypeError ERR_INVALID_ARG_VALUE",
        "TypeError ERR_INVALID_ARG_VALUE",
        "NotFoundError NOT_FOUND_ERR",
        "ERR_NOT_IN_PAGE",
    ]


def test_a_message_reaches_the_second_window_with_an_unforgeable_sender(
    running: tuple[OroProcess, int], first: Page, context: BrowserContext
) -> None:
    oro, _ = running
    second = context.new_page()
    second.goto(oro.window_launch_url("/second.html", window=1))
    second.wait_for_function("globalThis.secondApp !== undefined", timeout=60_000)
    answers = first.evaluate(
        """async () => {
          const application = (await import('socket:application')).default
          const { default: ipc } = await import('socket:ipc')
          const target = await application.getWindow(1)
          await target.postMessage({ hello: 'from window 0' })
          // The page names another sender every way it can: still window 0's message.
          await ipc.request('window.send', {
            event: 'message', targetWindowIndex: 1, value: 'spoof', index: 5, from: 5
          })
          // Without the window's credential (as a Worker or another process): refused.
          const query = 'event=message&targetWindowIndex=1&value=1'
          const bare = await (await fetch(`/ipc/window.send?${query}`)).json()
          const carrier = await ipc.send('window.send', {
            event: 'windowmessage', targetWindowIndex: 1, value: { data: 'x', from: 5 }
          })
          return [bare.err.code, carrier.err.code]
        }"""
    )
    second.wait_for_function("globalThis.secondApp.received.length >= 2")
    assert answers == ["ERR_NO_WINDOW", "ERR_RESERVED_EVENT"]
    assert second.evaluate("globalThis.secondApp.received") == [
        {"data": {"hello": "from window 0"}, "from": 0},
        {"data": "spoof", "from": 0},
    ]
    second.close()


def test_a_message_sent_before_the_target_page_connects_reaches_it_when_it_does(
    running: tuple[OroProcess, int], first: Page, context: BrowserContext
) -> None:
    # The second window's page has run its script (its listener is in) while its sockets (the
    # event channel and the Conduit, which both carry events) are still connecting: held here
    # until the message has been sent.
    oro, _ = running
    sockets: list[WebSocketRoute] = []
    second = context.new_page()
    second.route_web_socket(re.compile(r"^ws:"), lambda route: sockets.append(route))
    second.goto(oro.window_launch_url("/second.html", window=1))
    second.wait_for_function("globalThis.secondApp !== undefined", timeout=60_000)

    def channel_opened() -> bool:
        second.evaluate("0")  # lets the route's handler run
        return any("/oro/events?" in route.url for route in sockets)

    until(channel_opened, "the page opens its event channel")
    sent = first.evaluate(
        """async () => {
          const application = (await import('socket:application')).default
          const target = await application.getWindow(1)
          await target.postMessage({ early: true })
          return true
        }"""
    )
    assert sent
    assert second.evaluate("globalThis.secondApp.received") == []
    for route in sockets:
        route.connect_to_server()
    second.wait_for_function("globalThis.secondApp.received.length >= 1")
    assert second.evaluate("globalThis.secondApp.received") == [
        {"data": {"early": True}, "from": 0}
    ]
    second.close()


def test_the_same_workers_answer_in_webkit(
    running: tuple[OroProcess, int], first: Page, webkit_browser: WebKitBrowser
) -> None:
    oro, _ = running
    context = webkit_browser.new_context()
    try:
        page = context.new_page()
        page.goto(oro.window_launch_url("/", window=0))
        page.wait_for_function("globalThis.swApp !== undefined", timeout=60_000)
        app: dict[str, Any] = page.evaluate("globalThis.swApp")
        assert (app["hello"], app["viaRoute"]) == (
            "hello socket from the worker",
            "hello ipc from the worker",
        )
        page.goto(_origin(first) + "/legacy/index.html")
        page.wait_for_function("globalThis.legacyApp !== undefined", timeout=60_000)
        legacy: dict[str, Any] = page.evaluate("globalThis.legacyApp")
        assert legacy["pong"] == {"pong": True, "method": "POST"}
    finally:
        context.close()


def _handshake(port: int, path: str, origin: str | None) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        *([f"Origin: {origin}"] if origin else []),
    ]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as stream:
        stream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while b"\r\n" not in received:
            chunk = stream.recv(4096)
            if not chunk:
                break
            received += chunk
    return received.split(b"\r\n", 1)[0]


def test_the_conduit_takes_socket_s_key_and_port_and_refuses_other_origins(
    running: tuple[OroProcess, int], first: Page
) -> None:
    oro, port = running
    conduit: dict[str, Any] = first.evaluate("globalThis.swApp.conduit")
    assert (conduit["port"], conduit["sharedKey"]) == (port, KEY)
    # The app's own program (no Origin) with the key; the page's own origin.
    assert b" 101 " in _handshake(port, f"/backend/1?key={KEY}", None)
    assert b" 101 " in _handshake(port, f"/page/2?key={KEY}", _origin(first))
    # A website that knows the fixed key, an opaque origin, a wrong key: refused.
    assert b" 403 " in _handshake(port, f"/evil/3?key={KEY}", "https://evil.example")
    assert b" 403 " in _handshake(port, f"/opaque/4?key={KEY}", "null")
    assert b" 403 " in _handshake(port, "/backend/1?key=wrong-key-1234", None)
    assert first.evaluate("fetch('/api/hello?name=again').then((r) => r.text())") == (
        "hello again from the worker"
    )
    output = "\n".join(oro.lines) + oro.stderr()
    # Socket's other behaviour for other origins is named once, with its override.
    assert output.count("list others in conduit.allow_origins") == 1, output
    assert "conduit.shared_key has 14 characters" in output, output
    assert "Traceback" not in output, output
