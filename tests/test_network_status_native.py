"""Oro's NetworkStatus on a real network: ``oro run`` inside a network namespace of its own
goes offline when the namespace's default route is removed and online when it is back, and its
page sees exactly that: one ``offline`` then one ``online`` event on the window (Oro's
``CustomEvent``, ``detail`` ``{name, message}``), ``navigator.onLine`` agreeing at each, and
never the engine's own events (WebKit's GNetworkMonitor and Chromium's notifier also watch the
namespace, each with its own idea of "online").

The page is a real headless Chromium started inside the namespace (the bridge is the
namespace's 127.0.0.1) and a real window of each engine (WebKitGTK, QtWebEngine) on an Xvfb
display of the machine (its unix-path socket is reachable from the namespace). The page's
listeners are registered by an inline script, before oro's modules run.

Chromium's own events (its network emulation) are stopped for listeners added after oro's
modules ran. A hostile page: ``network.status`` takes nothing that could hurt; a huge or
malformed body gets a typed error and the host keeps answering.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from _netns import Namespace, network_namespace
from _oro_process import ORO
from _window_app import (  # noqa: F401 (fixtures, found by their names)
    bridge_client,
    bridge_of,
    display_fixture,
    evaluate,
    new_key,
    window_environ,
)

from oro_framework.testing import OroProcess, headless_environ, until
from oro_framework.testing.browser import CHROMIUM_ARGS, find_chromium

NAME: Final = "Oro Network"
MODES: Final = ("headless", "system", "qt")
"""Where the page runs: headless Chromium, a WebKitGTK window, a QtWebEngine window."""

PAGE: Final = """<!doctype html><title>network</title>
<script>
globalThis.seen = [];
for (const name of ['online', 'offline']) {
  addEventListener(name, (event) => seen.push({
    type: event.type, trusted: event.isTrusted, detail: event.detail ?? null,
    onLine: navigator.onLine
  }));
}
</script>
<script type=module>
const { request } = await import('oro:ipc');
globalThis.ready = true;
await request('window.ready');
</script>"""

ASK_STATUS: Final = (
    "globalThis.statusReply = '';"
    "import('oro:network-status').then(m => m.status()).then(s => JSON.stringify(s),"
    " e => JSON.stringify({ error: e.name, code: e.code })).then(r => { statusReply = r }); 1"
)
"""Asks ``oro:network-status`` (``window.eval`` does not wait for a promise): the answer is
``globalThis.statusReply`` once there."""

EVENTS: Final = {
    "offline": {"name": "offline", "message": "Network is not usable"},
    "online": {"name": "online", "message": "Network is usable"},
}


@pytest.fixture(scope="module", params=MODES, name="mode")
def mode_fixture(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(name="app")
def app_fixture(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "oro.toml").write_text(
        f'[meta]\nname = "{NAME}"\nbundle_identifier = "dev.oro.network"\n', encoding="utf-8"
    )
    (app / "index.html").write_text(PAGE, encoding="utf-8")
    return app


@pytest.fixture(name="namespace")
def namespace_fixture() -> Iterator[Namespace]:
    with network_namespace() as namespace:
        namespace.online()
        yield namespace


def _start(namespace: Namespace, app: Path, environ: dict[str, str]) -> OroProcess:
    ip, *arguments = namespace.command(str(ORO), "run", str(app))
    return OroProcess(*arguments, environ=environ, timeout=120, executable=Path(ip))


def _status(page: Callable[[str], Any]) -> Any:
    page(ASK_STATUS)
    return json.loads(until(lambda: page("globalThis.statusReply"), "oro:network-status"))


def _scenario(namespace: Namespace, page: Callable[[str], Any]) -> None:
    """The page starts online; offline, then online again, each seen once."""
    assert page("navigator.onLine") is True
    assert _status(page) == {**EVENTS["online"], "online": True, "watching": True}
    namespace.offline()
    seen = until(lambda: page("seen.length ? JSON.stringify(seen) : ''"), "the offline event")
    assert json.loads(seen) == [
        {"type": "offline", "trusted": False, "detail": EVENTS["offline"], "onLine": False}
    ]
    assert page("navigator.onLine") is False
    assert _status(page)["online"] is False
    namespace.online()
    seen = until(lambda: page("seen.length > 1 ? JSON.stringify(seen) : ''"), "the online event")
    assert json.loads(seen)[1:] == [
        {"type": "online", "trusted": False, "detail": EVENTS["online"], "onLine": True}
    ]
    assert page("navigator.onLine") is True


def _hostile(namespace: Namespace, origin: str, key: str) -> None:
    """What a page or a local process can send ``network.status``: nothing it takes."""
    with bridge_client(origin, key) as client:

        def post(body: bytes, **params: str) -> dict[str, Any]:
            reply = client.post("/ipc/network.status", params=params, content=body)
            answer: dict[str, Any] = reply.json()
            return answer

        huge = namespace.call(lambda: post(b"x" * (64 * 1024 * 1024)))
        assert huge["err"]["type"] == "RangeError", huge
        malformed = namespace.call(lambda: post(b"{\x00\xff", online="false"))
        assert malformed["err"]["type"] == "TypeError", malformed
        # Parameters change nothing; the host answers on.
        answer = namespace.call(lambda: post(b"", online="false", index="7"))
        assert answer["data"]["online"] is True, answer


def test_online_offline_in_the_page(
    mode: str, app: Path, namespace: Namespace, request: pytest.FixtureRequest
) -> None:
    key = new_key()
    if mode == "headless":
        environ = headless_environ({"ORO_HTTP_IPC_ENABLE": "true", "ORO_HTTP_IPC_SHARED_KEY": key})
        # The session's Playwright launches it: a second sync Playwright in this thread would
        # run inside the first one's event loop, which Playwright refuses.
        browser_type = request.getfixturevalue("chromium_browser").browser_type
        with _start(namespace, app, environ) as oro:
            _headless(namespace, oro, key, browser_type)
        return
    display: str = request.getfixturevalue("display")
    with _start(namespace, app, window_environ(display, mode, key)) as oro:
        bridge = bridge_of(oro, key, NAME)

        def page(script: str) -> Any:
            return namespace.call(lambda: evaluate(bridge, script))

        _scenario(namespace, page)
        _hostile(namespace, str(bridge.base_url).rstrip("/"), key)
        bridge.close()


def _headless(namespace: Namespace, oro: OroProcess, key: str, browser_type: Any) -> None:
    launch = oro.launch_url()
    chromium = namespace.executable(find_chromium())
    browser = browser_type.launch(
        executable_path=str(chromium), args=list(CHROMIUM_ARGS), headless=True
    )
    try:
        tab = browser.new_page()
        tab.goto(launch)
        tab.wait_for_function("globalThis.ready === true")

        def page(script: str) -> Any:
            return tab.evaluate(script)

        _scenario(namespace, page)
        _hostile_page(tab)
        _engine_events_stopped(tab)
    finally:
        browser.close()
    origin = launch.split("/?", 1)[0]
    _hostile(namespace, origin, key)


def _hostile_page(tab: Any) -> None:
    """The page's own requests, without its window credential (what a worker sends), with
    another window's index, a malformed and a huge body: answers or typed errors."""
    answers = tab.evaluate(
        """async () => {
          const ask = (query, init) => fetch('/ipc/network.status' + query, init)
            .then((response) => response.json())
          return [
            await ask('', {}),
            await ask('?index=7&targetWindowIndex=3&online=false', {}),
            await ask('', { method: 'POST', body: '{' }),
            await ask('', { method: 'POST', body: new Uint8Array(64 * 1024 * 1024) }),
          ]
        }"""
    )
    bare, other, malformed, huge = answers
    assert bare["data"]["online"] is True, bare
    assert other["data"]["online"] is True, other
    assert malformed["err"]["type"] == "TypeError", malformed
    assert huge["err"]["type"] == "RangeError", huge


def _engine_events_stopped(tab: Any) -> None:
    """Chromium's own ``offline``/``online`` (trusted events, from Playwright's network
    emulation) reach no listener added once oro's modules ran, and ``navigator.onLine`` stays
    the host's."""
    tab.evaluate(
        "globalThis.late = [];"
        "for (const name of ['online', 'offline']) addEventListener(name, (e) => late.push(e.type))"
    )
    tab.context.set_offline(True)
    assert tab.evaluate("navigator.onLine") is True
    tab.context.set_offline(False)
    assert tab.evaluate("late") == []
