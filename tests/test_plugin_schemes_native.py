"""A plugin's URL scheme (``clip:``) in real windows under Xvfb, on each web engine (WebKitGTK
and QtWebEngine): the app's ``backend.py`` serves it through ``oro_register_schemes`` and its
page fetches ``clip:`` URLs two ways, with the same results: the page's ``fetch`` (mapped by the
preload to the bridge, the window proven by its credential) and the engine's own ``fetch``,
kept by the page before the preload maps it (the engine's scheme handler: WebKitGTK's URI
scheme, QtWebEngine's ``QWebEngineUrlSchemeHandler``). GET, a POST body, a streamed reply, an
abort the handler sees, and an ``import`` of a module from the scheme, which only the engine
can serve (no import map maps ``clip:``).

Needs what ``tests/_window_app.py`` says (Xvfb, both engines).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _oro_process import OroProcess, until
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_of,
    display_fixture,
    engine_fixture,
    evaluate,
    new_key,
    start,
)

BACKEND = """
import json

import anyio

from oro_framework import SchemeRequest, SchemeResponse, hookimpl

CANCELLED = []
GATES = {}
SEEN = []


def gate(name):
    return GATES.setdefault(name, anyio.Event())


@hookimpl
def oro_register_schemes(schemes):
    schemes.add("clip", serve, doc="Clips.")


async def serve(request: SchemeRequest) -> SchemeResponse:
    name = request.query
    SEEN.append(request.url)
    if request.path == "/boom":
        raise ValueError("torn")
    if request.path == "/seen":
        return SchemeResponse(json.dumps(SEEN).encode(), content_type="application/json")
    if request.path == "/lib/hello.js":
        module = b"export const greeting = 'hello from clip'"
        return SchemeResponse(module, content_type="text/javascript")
    if request.path == "/stream":
        return SchemeResponse(stream(name), content_type="text/plain")
    if request.path == "/release":
        gate(name).set()
        return SchemeResponse(b"released")
    if request.path == "/hang":
        return SchemeResponse(hang(name), content_type="text/plain")
    if request.path == "/cancelled":
        return SchemeResponse(json.dumps(CANCELLED).encode(), content_type="application/json")
    seen = {
        "url": request.url, "method": request.method, "body": request.body.decode(),
        "window": request.window, "transport": request.transport,
    }
    return SchemeResponse(json.dumps(seen).encode(), content_type="application/json")


async def stream(name):
    yield b"first;"
    await gate(name).wait()
    yield b"last"


async def hang(name):
    yield b"started;"
    try:
        await anyio.sleep_forever()
    finally:
        CANCELLED.append(name)
"""

PAGE = """<!doctype html>
<html>
<head><title>clip</title>
<script>
// A classic script runs before the preload's module maps fetch: this is the engine's own.
globalThis.engineFetch = fetch.bind(globalThis)
</script>
</head>
<body>
<script type="module">
import { getCurrentWindow } from 'oro:window'
getCurrentWindow().ready()
</script>
</body>
</html>
"""

CONFIG = """[meta]
name = "clips"
bundle_identifier = "dev.oro.test.plugin-schemes"

[window]
remember_state = false
"""

TIMEOUT = 60.0
FETCHES = ("fetch", "engineFetch")


@pytest.fixture(scope="module")
def clips(
    display: str, engine: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    app = tmp_path_factory.mktemp(f"clips-{engine}")
    (app / "oro.toml").write_text(CONFIG)
    (app / "index.html").write_text(PAGE)
    (app / "backend.py").write_text(BACKEND)
    key = new_key()
    oro: OroProcess
    with start(display, engine, key, app) as oro, bridge_of(oro, key, "clips") as bridge:
        yield bridge


def settled(bridge: httpx.Client, script: str, label: str) -> Any:
    """What the promise ``script`` makes resolves to (or its error's ``name: message``), once
    it settled; polled, the deadline only bounds a failure."""
    slot = f"__clip{abs(hash(script))}"
    evaluate(
        bridge,
        f"globalThis.{slot} = undefined; Promise.resolve().then(() => {script})"
        f".then((v) => {{ globalThis.{slot} = {{ v }} }},"
        f" (e) => {{ globalThis.{slot} = {{ e: e.name + ': ' + e.message }} }}); true",
    )
    outcome: dict[str, Any] = until(
        lambda: evaluate(bridge, f"globalThis.{slot} ?? null"), label, TIMEOUT
    )
    assert "e" not in outcome, outcome
    return outcome["v"]


@pytest.mark.parametrize("how", FETCHES)
def test_a_get_reaches_the_handler(clips: httpx.Client, engine: str, how: str) -> None:
    seen = json.loads(settled(clips, f"{how}('clip:hello?x=1').then((r) => r.text())", "GET"))

    assert (seen["url"], seen["method"]) == ("clip:hello?x=1", "GET")
    native = {"system": "webkitgtk", "qt": "qtwebengine"}[engine]
    # Over HTTP the credential proves the window; WebKitGTK knows the view that asked, while
    # QtWebEngine's windows share one profile, whose requests prove none.
    expected = {"fetch": ("http", 0), "engineFetch": (native, 0 if engine == "system" else None)}
    assert (seen["transport"], seen["window"]) == expected[how]


@pytest.mark.parametrize("how", FETCHES)
def test_a_post_body_reaches_the_handler(clips: httpx.Client, how: str) -> None:
    script = f"{how}('clip:echo', {{ method: 'POST', body: 'note one' }}).then((r) => r.text())"
    seen = json.loads(settled(clips, script, "POST"))

    assert (seen["method"], seen["body"]) == ("POST", "note one")


@pytest.mark.parametrize("how", FETCHES)
def test_a_streamed_reply_is_read_as_it_arrives(clips: httpx.Client, how: str) -> None:
    name = f"stream-{how}"
    first = settled(
        clips,
        f"{how}('clip:stream?{name}').then(async (r) => {{"
        " globalThis.clipReader = r.body.getReader();"
        " return new TextDecoder().decode((await clipReader.read()).value) })",
        "first chunk",
    )
    assert first == "first;"

    settled(clips, f"fetch('clip:release?{name}').then((r) => r.text())", "release")
    rest = settled(
        clips,
        "(async () => { let text = ''; for (;;) { const { value, done } ="
        " await clipReader.read(); if (done) return text;"
        " text += new TextDecoder().decode(value) } })()",
        "last chunk",
    )
    assert rest == "last"


@pytest.mark.parametrize("how", FETCHES)
def test_an_aborted_request_is_cancelled_in_the_handler(clips: httpx.Client, how: str) -> None:
    name = f"hang-{how}"
    aborted = settled(
        clips,
        f"(async () => {{ const c = new AbortController();"
        f" const r = await {how}('clip:hang?{name}', {{ signal: c.signal }});"
        " const reader = r.body.getReader(); await reader.read(); c.abort();"
        " try { await reader.read(); return 'read on' } catch (e) { return e.name } })()",
        "abort",
    )
    assert aborted == "AbortError"

    def cancelled() -> list[str]:
        found = json.loads(settled(clips, "fetch('clip:cancelled').then((r) => r.text())", "?"))
        return [item for item in found if item == name]

    assert until(cancelled, "the handler sees the abort", TIMEOUT) == [name]


def test_a_module_is_imported_from_the_scheme_by_the_engine(clips: httpx.Client) -> None:
    greeting = settled(clips, "import('clip:lib/hello.js').then((m) => m.greeting)", "import")

    assert greeting == "hello from clip"


def test_a_malformed_url_is_refused_and_the_app_serves_on(clips: httpx.Client) -> None:
    refused = settled(clips, "fetch('clip:a b').then((r) => r.status, (e) => e.name)", "bad")
    after = settled(clips, "fetch('clip:hello').then((r) => r.status)", "after")

    assert (refused, after) == ("TypeError", 200)


FRAME = b"""<!doctype html><script>
const tell = (outcome) => parent.postMessage(outcome, '*')
fetch('clip:from-frame').then((r) => r.text()).then((t) => tell({ text: t }),
  (e) => tell({ error: e.name }))
</script>"""


@contextlib.contextmanager
def another_origin() -> Iterator[str]:
    """A page on another origin (another port of 127.0.0.1) that fetches ``clip:from-frame``
    and posts what it got to its parent."""

    class Frame(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(FRAME)))
            self.end_headers()
            self.wfile.write(FRAME)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Frame)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/frame.html"
    finally:
        server.shutdown()
        server.server_close()


def test_an_iframe_of_another_origin_is_refused_before_the_handler(clips: httpx.Client) -> None:
    with another_origin() as frame:
        outcome = settled(
            clips,
            "new Promise((resolve) => {"
            " addEventListener('message', (event) => resolve(event.data), { once: true });"
            " const frame = document.createElement('iframe');"
            f" frame.src = {json.dumps(frame)}; document.body.append(frame) }})",
            "the frame's fetch",
        )
    seen = json.loads(settled(clips, "fetch('clip:seen').then((r) => r.text())", "seen"))

    assert outcome == {"error": "TypeError"}
    assert "clip:from-frame" not in seen


def test_a_failing_handler_fails_the_engines_load_and_the_app_serves_on(
    clips: httpx.Client, engine: str
) -> None:
    failed = settled(
        clips,
        "engineFetch('clip:boom').then(async (r) => [r.status, (await r.json()).err.plugin],"
        " (e) => e.name)",
        "a failing handler",
    )
    after = settled(clips, "engineFetch('clip:hello').then((r) => r.status)", "after")

    # WebKitGTK answers the status and the error naming the plugin; QtWebEngine answers a job
    # with 200 or not at all, so the load fails (a page's fetch, mapped, gets the status).
    assert failed == ([500, "backend"] if engine == "system" else "TypeError")
    assert after == 200
