"""A Socket app's backend process seen from a real page (headless Chromium and WebKitGTK, over
the Conduit and over fetch): a Node program speaking ``@socketsupply/socket-node``'s protocol
(``scripts/socket_node_protocol.mjs``), started by ``application.backend.open()`` as Socket's
test app starts its own (test/src/application.js:584-640), sending to window 0 and answering
``window.send({ backend: true })``; and what a hostile page cannot do with it: choose the
command, start one the app did not declare, or hear its messages from another origin."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_process.plugin
import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.application
import oro_framework.core.ping
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app, until

SCRIPTS = Path(__file__).with_name("scripts")
CMD = "node backend/backend.js"
ENVIRON = {"PATH": os.environ["PATH"]}
PLUGINS = (oro_framework.core.application, oro_framework.core.ping, oro_process.plugin)
"""``socket:application`` (its windows and the backend's page API), ``ping`` and oro-process."""


def write_app(root: Path) -> Path:
    """Socket's layout: ``backend/backend.js`` beside the page, an ES module (``type:
    module``), run from the app's resources."""
    (root / "backend").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>backend</title>", encoding="utf-8")
    (root / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    shutil.copy(SCRIPTS / "socket_backend.mjs", root / "backend" / "backend.js")
    shutil.copy(SCRIPTS / "socket_node_protocol.mjs", root / "backend")
    return root


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_app(tmp_path_factory.mktemp("socket-backend") / "app")


@pytest.fixture(scope="module", params=["conduit", "fetch"])
def app(request: pytest.FixtureRequest, app_dir: Path) -> Iterator[ServedApp]:
    with served_app(
        PLUGINS,
        config={"process.backend.cmd": CMD},
        app_dir=app_dir,
        environ=ENVIRON,
        transport=request.param,
    ) as served:
        yield served


@pytest.fixture
def page(browser: Browser | WebKitBrowser, app: ServedApp) -> Iterator[Page]:
    with app_page(browser, app) as page:
        yield page


# Every test's page records these events and waits for them by name, whenever they came.
PRELUDE = """
const application = (await import('socket:application')).default
if (!globalThis.heard) {
  globalThis.heard = []
  for (const name of ['backend:ready', 'character', '20 minutes adventure', 'probe',
    'process-error', 'backend-exit', 'backend:data']) {
    globalThis.addEventListener(name, (event) => globalThis.heard.push([name, event.detail]))
  }
}
const got = (name) => globalThis.heard.filter(([n]) => n === name).map(([, detail]) => detail)
const waitFor = (name, count = 1) => new Promise((resolve) => {
  const check = () => got(name).length >= count ? resolve(got(name)) : setTimeout(check, 10)
  check()
})
const info = (e) => e && ({ name: e.name, code: e.code ?? null })
"""


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(f"async (arg) => {{ {PRELUDE} {body} }}", arg)


def gone(pid: int) -> bool:
    """No process ``pid``, or only its zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def test_open_force_send_and_close_answer_as_socket(page: Page, app_dir: Path) -> None:
    opened = in_page(
        page,
        """
        const opened = await application.backend.open()
        const [character] = await waitFor('character')
        await waitFor('backend:ready')
        return { keys: Object.keys(opened.data).sort(), data: opened.data, err: opened.err,
          character, pid: (await application.backend.status()).pid }
        """,
    )
    # Socket's answer (src/desktop/main.cc:837-841), in a Result (api/application.js:635-638).
    assert opened["keys"] == ["argv", "cmd", "path"]
    assert opened["err"] is None
    assert opened["data"] == {"cmd": CMD, "argv": "", "path": str(app_dir.resolve())}
    assert opened["character"] == {"firstname": "Morty", "secondname": "Smith"}

    again = in_page(
        page,
        """
        const again = await application.backend.open()
        const { pid } = await application.backend.status()
        return { keys: Object.keys(again.data).sort(), pid }
        """,
    )
    # A running backend is not started again.
    assert again == {"keys": ["argv", "cmd", "path"], "pid": opened["pid"]}

    forced = in_page(
        page,
        """
        const forced = await application.backend.open({ force: true })
        await waitFor('backend:ready', 2)
        return { err: forced.err, pid: (await application.backend.status()).pid }
        """,
    )
    assert forced["err"] is None
    assert forced["pid"] != opened["pid"]
    until(lambda: gone(opened["pid"]), "the first backend ended by force")

    sent = in_page(
        page,
        """
        const me = await application.getCurrentWindow()
        const value = { firstname: 'Rick', secondname: 'Sanchez' }
        await me.send({ event: '20 minutes adventure', value, backend: true })
        const [back] = await waitFor('20 minutes adventure')
        await me.send({ event: 'probe', value: { a: 1 }, backend: true })
        await me.send({ event: 'probe', value: '12', backend: true })
        await me.send({ event: 'probe', value: 'a b&c=d\\u00e9', backend: true })
        return { back, probes: await waitFor('probe', 3), data: got('backend:data'),
          errors: got('process-error') }
        """,
    )
    assert sent["back"] == {"firstname": "Rick", "secondname": "Sanchez"}
    # The handler gets text, as under Socket (api/window.js:512-519): the JSON of an object, a
    # string as it is (never a number), whatever the line's escaping.
    assert sent["probes"] == [
        {"type": "string", "value": '{"a":1}'},
        {"type": "string", "value": "12"},
        {"type": "string", "value": "a b&c=dé"},
    ]
    # socket-node's own lines (its console.log as ipc://stdout, its heartbeat) are no events.
    assert sent["data"] == []
    assert sent["errors"] == []

    failed = in_page(
        page,
        """
        const me = await application.getCurrentWindow()
        await me.send({ event: 'fail', value: 'boom', backend: true })
        return { errors: await waitFor('process-error'), exits: await waitFor('backend-exit', 2),
          closed: await application.backend.close() }
        """,
    )
    # Its own stderr is Socket's process-error (src/desktop/main.cc:672-682), its exit code
    # backend-exit (after the forced one's, ended by SIGTERM); closing one that already exited
    # is no error.
    assert failed["errors"] == ["raw boom"]
    assert failed["exits"] == [128 + 15, 3]
    assert failed["closed"]["err"] is None

    closed = in_page(
        page,
        """
        await application.backend.open()
        await waitFor('backend:ready', 3)
        const { pid } = await application.backend.status()
        const closed = await application.backend.close()
        const status = await application.backend.status()
        return { pid, err: closed.err, data: closed.data, status }
        """,
    )
    assert closed["err"] is None
    assert closed["data"] == {"closed": True, "pid": closed["pid"]}
    assert closed["status"]["running"] is False
    assert gone(closed["pid"])


# --------------------------------------------------------------------------------------------
# A hostile page
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_app() -> Iterator[ServedApp]:
    """An app that declares no backend process."""
    with served_app(PLUGINS, environ=ENVIRON) as served:
        yield served


def test_a_page_cannot_start_a_command_the_app_did_not_declare(
    chromium_browser: Browser, bare_app: ServedApp, app_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    with app_page(chromium_browser, bare_app) as bare:
        refused = in_page(
            bare,
            """
            const { request } = await import('socket:ipc')
            const opened = await application.backend.open()
            const me = await application.getCurrentWindow()
            const sent = await me.send({ event: 'x', value: 1, backend: true }).catch(info)
            const named = await request('application.backend.open', { cmd: arg, force: true })
              .catch(info)
            return { opened: info(opened.err), data: opened.data, sent, named,
              pong: await request('ping') }
            """,
            f"touch {marker}",
        )
    assert refused["opened"] == {"name": "NotFoundError", "code": "ERR_NO_BACKEND_CMD"}
    assert refused["data"] is None
    assert refused["sent"] == {"name": "NotFoundError", "code": "ERR_NO_BACKEND_CMD"}
    assert refused["named"] == {"name": "NotFoundError", "code": "ERR_NO_BACKEND_CMD"}
    assert refused["pong"] == "pong"

    # With one declared, the page's cmd, argv and path are not read: the declared one runs.
    with (
        served_app(
            PLUGINS,
            config={"process.backend.cmd": CMD},
            app_dir=app_dir,
            environ=ENVIRON,
        ) as declared,
        app_page(chromium_browser, declared) as page,
    ):
        ran = in_page(
            page,
            """
            const { request } = await import('socket:ipc')
            const opened = await request('application.backend.open',
              { cmd: arg, argv: arg, path: '/', force: true })
            await waitFor('backend:ready')
            const status = await application.backend.status()
            await application.backend.close()
            return { cmd: opened.cmd, path: opened.path, status: status.cmd }
            """,
            f"touch {marker}",
        )
    assert ran == {"cmd": CMD, "path": str(app_dir.resolve()), "status": CMD}
    assert not marker.exists()


class _Foreign(BaseHTTPRequestHandler):
    """A page of another origin that listens for the backend's events, opens the app's event
    channel and asks the app to start its backend, with the browser's credentials."""

    PAGE = b"""<!doctype html><script>
    const app = new URLSearchParams(location.search).get('app')
    globalThis.heard = []
    for (const name of ['backend:ready', 'character']) {
      addEventListener(name, () => heard.push(name))
    }
    globalThis.channel = 'open'
    const source = new EventSource(app + '/oro/events', { withCredentials: true })
    source.onmessage = (event) => heard.push('message ' + event.data)
    source.onerror = () => { globalThis.channel = source.readyState === 2 ? 'refused' : 'retrying' }
    globalThis.asked = 'pending'
    const asking = fetch(app + '/ipc/application.backend.open?force=true&seq=R1&index=0',
      { mode: 'no-cors', credentials: 'include' })
    asking.then(() => { globalThis.asked = 'settled' }, () => { globalThis.asked = 'settled' })
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Foreign)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "site",
    [
        pytest.param("localhost", id="cross-site"),
        # Another port of the app's own host: the same site, so SameSite=Strict sends the cookie.
        pytest.param("127.0.0.1", id="same-site"),
    ],
)
def test_the_backends_messages_reach_no_page_of_another_origin(
    chromium_browser: Browser, app_dir: Path, foreign_port: int, site: str
) -> None:
    with (
        served_app(
            [oro_conduit.plugin, *PLUGINS],
            config={"process.backend.cmd": CMD},
            app_dir=app_dir,
            environ=ENVIRON,
        ) as served,
        app_page(chromium_browser, served) as page,
    ):
        foreign = f"http://{site}:{foreign_port}/?app={served.server.origin}"
        # An iframe of another origin in the app's own window, and a page of that origin beside
        # it in the same browser, holding the app's session cookie.
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
        for other in (beside, frame):
            until(lambda other=other: other.evaluate("channel") == "refused", "channel refused")
            until(lambda other=other: other.evaluate("asked") == "settled", "the ask answered")
        # Neither started the backend.
        assert in_page(page, "return (await application.backend.status()).running") is False

        heard = in_page(
            page,
            """
            await application.backend.open()
            const [character] = await waitFor('character')
            await application.backend.close()
            return character
            """,
        )
        assert heard == {"firstname": "Morty", "secondname": "Smith"}
        # Sent to window 0 (and a broadcast would be too): only the app's own page heard it.
        assert frame.evaluate("heard") == []
        assert beside.evaluate("heard") == []
