"""``oro dev`` streams the host's log records into its pages' consoles (issue 77, seed 004).

A real ``oro -v dev --headless`` in a subprocess, with an editable plugin that logs when its
routes are called, and its page in the system Chromium: the page's console gets the plugin's
records (from the loop's thread and from a thread of the plugin's own), a flood arrives bounded
with the count dropped, and this launch's secrets never. What proves no window gets nothing: a
tab of the app's origin without the window credential, a Worker of the app's page, an iframe
of another origin. ``oro run`` streams nothing.

The tests share one ``oro dev`` and one page and run in file order.
"""

from __future__ import annotations

import http.server
import json
import logging
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _oro_process import OroProcess, headless_environ, until
from playwright.sync_api import Browser, ConsoleMessage, Frame, Page

from oro_framework.cli.dev_logs import QUEUE_SIZE, REDACTED, PageLogHandler, Redactor

_CONFIG = """[meta]
name = "dev-logs"
bundle_identifier = "dev.oro.test-dev-logs"
"""
_INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>dev logs</title>
<script type="module">
import { whenReady } from 'oro:bootstrap'
whenReady().then(() => { globalThis.ready = true })
globalThis.pings = 0
globalThis.addEventListener('devlogsping', () => { globalThis.pings += 1 })
</script></head><body><p>dev logs</p></body></html>
"""
# Logs what a page asks, on the loop's thread (async handlers), from a thread it starts, or
# many times over; `devlogs.ping` broadcasts an event every page of the origin gets, after
# every record logged before it was sent.
_PLUGIN = """import logging
import threading

from oro_framework import hookimpl

logger = logging.getLogger("oro_devlogs")


@hookimpl
def oro_register_page_events(events):
    events.add("devlogsping")


@hookimpl
def oro_register_routes(routes):
    async def say(request):
        logger.log(int(request.params.require("level")), "%s", request.params.require("text"))

    async def from_thread(request):
        thread = threading.Thread(
            target=logger.warning, args=("from a thread: %s", request.params.require("text"))
        )
        thread.start()
        thread.join()
        return thread.ident

    async def flood(request):
        # On the loop's thread: the host sends nothing to the pages until it returns.
        for number in range(int(request.params.require("count"))):
            logger.warning("flood %d", number)

    async def ping(request):
        request.host.emit("devlogsping", {})

    routes.add("devlogs.say", say, permission="runtime")
    routes.add("devlogs.thread", from_thread, permission="runtime")
    routes.add("devlogs.flood", flood, permission="runtime")
    routes.add("devlogs.ping", ping, permission="runtime")
"""
_BRIDGE_KEY = secrets.token_urlsafe(24)


def _plugin_path(root: Path) -> str:
    """An editable-looking install of the plugin above (as tests/test_cli_dev.py makes one):
    the PYTHONPATH that finds it."""
    source, site = root / "oro-devlogs", root / "site"
    source.mkdir()
    (source / "oro_devlogs.py").write_text(_PLUGIN, encoding="utf-8")
    info = site / "oro_devlogs-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: oro-devlogs\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[oro]\ndevlogs = oro_devlogs\n", encoding="utf-8")
    (info / "direct_url.json").write_text(
        json.dumps({"url": source.as_uri(), "dir_info": {"editable": True}}), encoding="utf-8"
    )
    return f"{site}:{source}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    directory = tmp_path_factory.mktemp("dev-logs-app")
    (directory / "oro.toml").write_text(_CONFIG, encoding="utf-8")
    (directory / "index.html").write_text(_INDEX, encoding="utf-8")
    return directory, _plugin_path(tmp_path_factory.mktemp("devlogs-plugin"))


def _start(app: tuple[Path, str], *command: str) -> OroProcess:
    directory, path = app
    environ = headless_environ({"PYTHONPATH": path})
    # The bridge on: its key is a secret of this launch the host knows.
    keys = ("-c", "http.ipc.enable=true", "-c", f"http.ipc.shared_key={_BRIDGE_KEY}")
    return OroProcess("-v", *command, str(directory), "--headless", *keys, environ=environ)


@pytest.fixture(scope="module")
def oro(app: tuple[Path, str]) -> Iterator[OroProcess]:
    with _start(app, "dev") as process:
        yield process


class _Console:
    """A page's console messages as ``(type, text)``: Playwright's text of
    ``console.warn('%s', line)`` is ``%s line``."""

    def __init__(self, page: Page) -> None:
        self.messages: list[tuple[str, str]] = []
        self._page = page
        page.on("console", self._add)

    def _add(self, message: ConsoleMessage) -> None:
        self.messages.append((message.type, message.text.removeprefix("%s ")))

    def lines(self, marker: str) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.messages if marker in text]

    def wait_for(self, marker: str) -> list[tuple[str, str]]:
        """The lines holding ``marker`` once there is one: each check a round trip to the
        page, during which Playwright hands on the console messages it received."""
        return until(lambda: self._page.evaluate("1") and self.lines(marker), f"{marker!r} shown")


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, oro: OroProcess) -> Iterator[tuple[Page, _Console]]:
    context = chromium_browser.new_context()
    page = context.new_page()
    console = _Console(page)
    page.goto(oro.launch_url())
    until(lambda: page.evaluate("globalThis.ready === true"), "the page's channel open")
    try:
        yield page, console
    finally:
        context.close()


def _call(page: Page, route: str, **params: Any) -> Any:
    return page.evaluate(
        "([route, params]) => import('oro:ipc').then((ipc) => ipc.request(route, params))",
        [route, params],
    )


def test_a_plugins_log_records_reach_the_page_console_by_level(
    page: tuple[Page, _Console],
) -> None:
    tab, console = page

    _call(tab, "devlogs.say", level=logging.INFO, text="info-marker")
    _call(tab, "devlogs.say", level=logging.WARNING, text="warning-marker")
    _call(tab, "devlogs.say", level=logging.ERROR, text="error-marker %c")

    console.wait_for("error-marker")
    assert console.lines("info-marker") == [("info", "[oro_devlogs] info-marker")]
    assert console.lines("warning-marker") == [("warning", "[oro_devlogs] warning-marker")]
    assert console.lines("error-marker") == [("error", "[oro_devlogs] error-marker %c")]


def test_a_record_logged_from_a_thread_reaches_the_page(page: tuple[Page, _Console]) -> None:
    tab, console = page

    thread = _call(tab, "devlogs.thread", text="thread-marker")

    console.wait_for("thread-marker")
    assert isinstance(thread, int)
    assert console.lines("thread-marker") == [
        ("warning", "[oro_devlogs] from a thread: thread-marker")
    ]


def test_the_launchs_secrets_are_redacted(oro: OroProcess, page: tuple[Page, _Console]) -> None:
    tab, console = page
    launch = oro.window_launch_url("/", window=3)
    text = f"secret-marker key={_BRIDGE_KEY} url={launch}"

    _call(tab, "devlogs.say", level=logging.WARNING, text=text)

    (shown,) = console.wait_for("secret-marker")
    assert _BRIDGE_KEY not in shown[1]
    assert launch.split("oro_launch=")[1] not in shown[1]
    assert shown[1].endswith(
        f"key={REDACTED} url={launch.split('oro_launch=')[0]}oro_launch={REDACTED}"
    )


def test_a_flood_reaches_the_page_bounded_and_says_how_many_were_dropped(
    page: tuple[Page, _Console],
) -> None:
    tab, console = page
    count = QUEUE_SIZE * 5

    _call(tab, "devlogs.flood", count=count)
    # The host still answers, and what it logs next is shown after what the flood left.
    _call(tab, "devlogs.say", level=logging.WARNING, text="after-flood")

    console.wait_for("after-flood")
    shown = console.lines("[oro_devlogs] flood ")
    said = console.lines("host log record(s) dropped")
    dropped = sum(int(re.findall(r"\d+", text)[0]) for _, text in said)
    assert len(shown) <= QUEUE_SIZE
    # Each record of the flood shown or counted (the host's own, a watchdog's warning about
    # the flooding handler, may be among those counted).
    assert len(shown) + dropped >= count
    assert said[0] == (
        "warning",
        f"[oro dev] {dropped} host log record(s) dropped: more came at once than a page is sent",
    )
    assert shown[0] == ("warning", "[oro_devlogs] flood 0")


# The channel a page opens, opened by hand without the window credential: every event it gets
# until the ping broadcast that follows the records (every page of the origin gets it), or
# until it is closed (refused). `opened` is called once it is open or refused.
_LISTEN = """(origin, opened) => {
  const events = []
  const socket = new WebSocket(origin.replace('http', 'ws') + '/oro/events')
  return new Promise((resolve) => {
    socket.onopen = () => opened()
    socket.onmessage = (message) => {
      events.push(JSON.parse(message.data).event)
      if (events.includes('devlogsping')) { socket.close(); resolve(events) }
    }
    socket.onclose = () => { opened(); resolve(events) }
  })
}"""
_IN_PAGE = """(origin) => {
  globalThis.listening = false
  globalThis.listened = (LISTEN)(origin, () => { globalThis.listening = true })
}""".replace("LISTEN", _LISTEN)
# The events of the page's own channel, as oro:bootstrap dispatches them.
_IN_TAB = """() => {
  const events = []
  for (const name of ['devlog', 'devlogsping']) {
    globalThis.addEventListener(name, () => events.push(name))
  }
  globalThis.listened = new Promise((resolve) => {
    globalThis.addEventListener('devlogsping', () => resolve(events))
  })
  globalThis.listening = true
}"""
_IN_WORKER = """(origin) => {
  const source = `const listen = ${LISTEN}
onmessage = async (event) => { postMessage(await listen(event.data, () => postMessage('open'))) }`
  const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })))
  globalThis.listening = false
  globalThis.listened = new Promise((resolve) => {
    worker.onmessage = (event) => {
      if (event.data === 'open') globalThis.listening = true
      else resolve(event.data)
    }
  })
  worker.postMessage(origin)
}""".replace("LISTEN", _LISTEN)


def _origin(page: Page) -> str:
    return "/".join(page.url.split("/", 3)[:3])


def _listen_while_logging(where: Page | Frame, start: str, app: tuple[Page, _Console]) -> Any:
    """Start the listener ``start`` in ``where`` (a page, a frame), log a record and wait for
    it in the app's page, broadcast the ping: the events the listener got."""
    tab, console = app
    marker = secrets.token_hex(8)
    where.evaluate(start, _origin(tab))
    until(lambda: where.evaluate("globalThis.listening"), "the listener's channel open or refused")
    _call(tab, "devlogs.say", level=logging.ERROR, text=marker)
    console.wait_for(marker)
    _call(tab, "devlogs.ping")
    return where.evaluate("globalThis.listened")


def test_a_tab_of_the_app_without_the_window_credential_gets_no_log(
    page: tuple[Page, _Console],
) -> None:
    tab, _ = page
    other = tab.context.new_page()
    try:
        other_console = _Console(other)
        other.goto(_origin(tab) + "/")
        until(lambda: other.evaluate("globalThis.ready === true"), "the tab's channel open")
        # Its own channel (oro:bootstrap's, which oro:dev listens to): the one channel a page
        # without a window may hold (ipc.max_held_connections_without_window).
        events = _listen_while_logging(other, _IN_TAB, page)
    finally:
        other.close()

    assert "devlogsping" in events  # the channel was open all along
    assert "devlog" not in events
    assert other_console.lines("[oro_devlogs]") == []


def test_a_worker_of_the_apps_page_gets_no_log(page: tuple[Page, _Console]) -> None:
    tab, _ = page

    events = _listen_while_logging(tab, _IN_WORKER, page)

    assert "devlogsping" in events
    assert "devlog" not in events


class _OtherOrigin(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>other origin</title><p>other"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_origin() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OtherOrigin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_iframe_of_another_origin_gets_no_channel_and_no_log(
    page: tuple[Page, _Console], other_origin: str
) -> None:
    tab, _ = page
    tab.evaluate(
        """(url) => new Promise((resolve) => {
            const frame = document.createElement('iframe')
            frame.onload = resolve
            frame.src = url
            document.body.append(frame)
        })""",
        other_origin + "/",
    )
    frame = tab.frame(url=other_origin + "/")
    assert frame is not None

    # Its WebSocket carries the app's session cookie (one site, another port): refused all
    # the same, for its Origin.
    events = _listen_while_logging(frame, _IN_PAGE, page)

    assert events == []


def test_oro_run_streams_no_log(
    chromium_browser: Browser, app: tuple[Path, str], oro: OroProcess
) -> None:
    with _start(app, "run", "--port", "0") as run:
        context = chromium_browser.new_context()
        try:
            tab = context.new_page()
            console = _Console(tab)
            tab.goto(run.launch_url())
            until(lambda: tab.evaluate("globalThis.ready === true"), "the page's channel open")
            _call(tab, "devlogs.say", level=logging.ERROR, text="run-marker")
            _call(tab, "devlogs.ping")
            until(lambda: tab.evaluate("globalThis.pings") >= 1, "the ping after the record")
            has_dev = tab.evaluate("import('oro:dev').then(() => true, () => false)")
        finally:
            context.close()

    assert "run-marker" in run.stderr()  # logged, on the terminal only
    assert console.lines("run-marker") == []
    assert has_dev is False


def _log_many(logger: logging.Logger, count: int) -> None:
    for _ in range(count):
        logger.error("n %s", "k" * 40)


def test_the_handler_queues_a_bounded_number_and_counts_the_rest() -> None:
    reader, writer = socket.socketpair()
    with reader, writer:
        writer.setblocking(False)
        handler = PageLogHandler(Redactor(["k" * 40]), writer)
        logger = logging.getLogger("oro_devlogs.unit")
        logger.propagate = False
        logger.addHandler(handler)
        try:
            threads = [threading.Thread(target=_log_many, args=(logger, 700)) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            logger.removeHandler(handler)
        taken: list[Any] = []
        dropped = 0
        while True:
            records, more = handler.take()
            if not records and not more:
                break
            taken += records
            dropped += more

    assert len(taken) == QUEUE_SIZE
    assert dropped == 3 * 700 - QUEUE_SIZE
    assert taken[0] == {"level": "error", "logger": "oro_devlogs.unit", "message": f"n {REDACTED}"}


def test_the_redactor_hides_keys_tokens_credentials_and_cookies() -> None:
    redact = Redactor(["session-key-of-this-launch", ""])
    credential = "0." + "n" * 22 + "." + "m" * 43

    text = redact(
        "GET /?oro_launch=w1.abc.def&x=1 oro_window=7.aa.bb session-key-of-this-launch "
        f"cookie: oro_session_dev.oro.notes=s1.sig; other=1 x-oro-window: {credential}"
    )

    assert text == (
        f"GET /?oro_launch={REDACTED}&x=1 oro_window={REDACTED} {REDACTED} "
        f"cookie: oro_session_dev.oro.notes={REDACTED}; other=1 x-oro-window: {REDACTED}"
    )
