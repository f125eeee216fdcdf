"""A Conduit client outside the app, as Socket's socket-conduit-rpc-example's browser extension
talks to its app (``apps/conduit-rpc``, written in its image, not copied), against the real
``oro run --headless`` and a real page in headless Chromium: a WebSocket client that is not a
page (trio-websocket), from the origin ``[conduit] allow_origins`` names, gets its
``serviceWorker.fetch`` answered by the page's worker and its ``window.send`` delivered, each
reply carrying its ``ipc-token``, and the page answers it over its own Conduit. The same client
from an origin not listed gets no socket; without an Origin it acts as no window (typed
refusals). The page keeps being served meanwhile."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trio
import trio_websocket
from oro_conduit.codec import Frame, decode_frame, encode_frame
from playwright.sync_api import Browser, Page

from oro_framework.testing.process import OroProcess, headless_environ

APP = Path(__file__).with_name("apps") / "conduit-rpc"
KEY = "conduit-rpc-shared-key"
EXTENSION = "chrome-extension://oro-test-extension"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OroProcess, int]]:
    root = tmp_path_factory.mktemp("conduit-rpc")
    app = root / "conduit-rpc"
    shutil.copytree(APP, app)
    port = _free_port()
    ini = app / "socket.ini"
    ini.write_text(ini.read_text().replace("port = 0", f"port = {port}"), encoding="utf-8")
    environ = headless_environ({"XDG_DATA_HOME": str(root / "data")})
    with OroProcess("run", "--headless", "--port", "0", str(app), environ=environ) as oro:
        yield oro, port


@pytest.fixture(scope="module")
def page(running: tuple[OroProcess, int], chromium_browser: Browser) -> Iterator[Page]:
    oro, _ = running
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(oro.launch_url())
    page.wait_for_function("globalThis.rpcApp !== undefined", timeout=60_000)
    yield page
    context.close()


class Extension:
    """The extension's side, as its conduit.js speaks: numeric id, clientId 0, the key in the
    URL, ``ipc-token`` among a call's options; a reply is the frame whose token is it."""

    def __init__(self, port: int, origin: str | None, socket_id: int = 4242) -> None:
        self.url = f"ws://127.0.0.1:{port}/{socket_id}/0?key={KEY}"
        self.headers = [] if origin is None else [(b"Origin", origin.encode())]
        self.socket_id = socket_id

    def run(self, calls: list[tuple[str, dict[str, Any]]], relayed: int = 0) -> list[Frame]:
        """Make ``calls`` in order, each answered before the next; then wait for ``relayed``
        frames the page sends this client. Every frame received, in order."""
        frames: list[Frame] = []

        async def talk() -> None:
            async with trio_websocket.open_websocket_url(
                self.url, extra_headers=self.headers
            ) as conduit:
                for index, (route, params) in enumerate(calls):
                    token = f"token-{index}"
                    options = {"route": route, "ipc-token": token, **params}
                    await conduit.send_message(encode_frame(options))
                    while True:
                        frame = await _next(conduit)
                        frames.append(frame)
                        if frame.options.get("token") == token:
                            break
                while sum("from" in frame.options for frame in frames) < relayed:
                    frames.append(await _next(conduit))

        async def bounded() -> None:
            with trio.fail_after(30):
                await talk()

        trio.run(bounded)
        return frames

    def refused(self) -> int:
        async def handshake() -> int:
            try:
                async with trio_websocket.open_websocket_url(self.url, extra_headers=self.headers):
                    return 101
            except trio_websocket.ConnectionRejected as rejected:
                return rejected.status_code

        return trio.run(handshake)


async def _next(conduit: trio_websocket.WebSocketConnection) -> Frame:
    message = await conduit.get_message()
    assert isinstance(message, bytes)
    return decode_frame(message)


def _json(frame: Frame) -> Any:
    return json.loads(frame.payload)


def test_a_listed_origin_s_calls_are_answered_and_the_page_answers_it(
    running: tuple[OroProcess, int], page: Page
) -> None:
    _, port = running
    extension = Extension(port, EXTENSION)
    value = json.dumps({"message": "hello from the extension", "id": extension.socket_id})
    calls = [
        ("serviceWorker.fetch", {"pathname": "/hello.json"}),
        ("window.send", {"event": "message", "value": value, "targetWindowIndex": 0}),
    ]
    frames = extension.run(calls, relayed=1)
    replies = {frame.options["token"]: frame for frame in frames if "token" in frame.options}
    assert _json(replies["token-0"]) == {"message": "hello browser extension from the worker"}
    sent = _json(replies["token-1"])
    assert (sent["token"], sent["data"]) == ("token-1", {"index": 0, "event": "message"})
    relayed = next(frame for frame in frames if "from" in frame.options)
    assert relayed.options["from"] == "rpc-page"
    assert _json(relayed) == {"message": "hello extension", "to": extension.socket_id}
    assert page.evaluate("globalThis.rpcApp.received") == [
        {"message": "hello from the extension", "id": extension.socket_id}
    ]


def test_an_origin_not_listed_gets_no_socket_and_a_program_acts_as_no_window(
    running: tuple[OroProcess, int], page: Page
) -> None:
    oro, port = running
    assert Extension(port, "chrome-extension://another-extension").refused() == 403
    assert Extension(port, "https://evil.example").refused() == 403
    calls = [
        ("serviceWorker.fetch", {"pathname": "/hello.json"}),
        ("window.send", {"event": "message", "value": "{}", "targetWindowIndex": 0}),
        ("internal.conduit.status", {}),
    ]
    frames = Extension(port, None, socket_id=4343).run(calls)
    codes = [_json(frame)["err"]["code"] for frame in frames]
    assert codes[:2] == ["ERR_NOT_IN_PAGE", "ERR_NO_WINDOW"]
    assert _json(frames[2])["err"]["type"] == "SecurityError"
    # The page is served as before, by its worker.
    assert page.evaluate("fetch('/hello.json').then((r) => r.json())") == {
        "message": "hello browser extension from the worker"
    }
    assert "Traceback" not in "\n".join(oro.lines) + oro.stderr()
