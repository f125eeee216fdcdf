"""oro:net in real headless Chromium (the streams, backpressure, errors and teardown on
WebKitGTK too) against the real host, with real TCP peers on loopback:
a 1 MiB echo round trip in order, write() → false → drain, end/close order, half-open, a page
server a Python client connects to, ECONNREFUSED, Node's argument errors, AbortSignal, sockets
closed when the page goes away, and pause()/resume() backpressure. Every wait waits for an
event; every connect has a timeout."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from typing import Any

import oro_conduit.plugin
import oro_tls.plugin
import pytest
from _certs import TIMEOUT, tcp_echo_server
from _page import WAITING
from playwright.sync_api import Browser, Page

from conftest import LOOPBACK
from oro_framework import Request, Route, RouteCallWrapper, TooManyConnectionsError, hookimpl
from oro_framework.testing import PageClosedProbe, ServedApp, WebKitBrowser, app_page, served_app

PLUGINS = [oro_conduit.plugin, oro_tls.plugin]


PAGE_CLOSED = PageClosedProbe()


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([*PLUGINS, PAGE_CLOSED], config=LOOPBACK) as served:
        yield served


@pytest.fixture
def engine() -> str:
    """The browser of ``page``: Chromium, unless a test runs ``ON_BOTH`` engines."""
    return "chromium"


ON_BOTH = pytest.mark.parametrize("engine", ["chromium", "webkit"])
"""Run on WebKitGTK too: the streams, events and errors, where WebKit's network stack differs
(it reads a fetch body whether the page reads or not); plain calls stay on Chromium alone,
which keeps the suite's time."""


@pytest.fixture
def page(request: pytest.FixtureRequest, engine: str, app: ServedApp) -> Iterator[Page]:
    browser: Browser | WebKitBrowser = request.getfixturevalue(f"{engine}_browser")
    with app_page(browser, app) as page:
        yield page


@pytest.fixture
def echo() -> Iterator[int]:
    with tcp_echo_server() as (_host, port):
        yield port


# Helpers every page script gets: `connected(socket)` resolves once `connect` (rejects on
# `error`, fails after 10 s); `next(emitter, event)` the next event's arguments; `info(error)`
# an error's Node fields; `attempt(f)` what `f` throws (null if nothing); `within(promise)`
# the promise, failing after 10 s.
PRELUDE = (
    """
const net = (await import('node:net')).default
const { Buffer } = await import('node:buffer')
"""
    + WAITING
    + """const connected = (s, event = 'connect') => within(new Promise((resolve, reject) => {
  s.once('error', reject)
  s.once(event, () => { s.removeListener('error', reject); resolve(s) })
}), 10000, event)
const info = (e) => e && ({ name: e.name, code: e.code, message: e.message,
  errno: e.errno ?? null, syscall: e.syscall ?? null, address: e.address ?? null,
  port: e.port ?? null })
const attempt = (f) => { try { f(); return null } catch (e) { return info(e) } }
const record = (s, events) => {
  for (const name of ['connect', 'ready', 'end', 'finish', 'timeout', 'drain']) {
    s.on(name, () => events.push(name))
  }
  s.on('close', (hadError) => events.push(`close ${hadError}`))
  s.on('error', (e) => events.push(`error ${e.code}`))
  return s
}
const closed = (s) => next(s, 'close')
"""
)


def assert_refused(port: int) -> None:
    """Nothing listens on 127.0.0.1:``port`` any more."""
    with socket.socket() as probe:
        probe.settimeout(TIMEOUT)
        with pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", port))


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    """Run an async function body with `net`, `Buffer`, the PRELUDE helpers and `arg`."""
    return page.evaluate(f"async (arg) => {{ {PRELUDE} {body} }}", arg)


@ON_BOTH
def test_a_mebibyte_makes_the_round_trip_in_order(page: Page, echo: int) -> None:
    result = in_page(
        page,
        """
        const events = []
        const s = record(net.connect({ port: arg, host: '127.0.0.1' }), events)
        const state = [s.connecting, s.pending, s.readyState]
        await connected(s)
        const ends = [s.remoteAddress, s.remotePort, s.remoteFamily, s.localAddress,
                      typeof s.localPort, s.address().family, s.readyState, s.pending]
        const size = 1024 * 1024
        const data = Buffer.alloc(size)
        for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 10)) & 0xff
        const chunks = []
        let length = 0
        const all = new Promise((resolve) => s.on('data', (chunk) => {
          chunks.push(chunk)
          length += chunk.length
          if (length >= size) resolve()
        }))
        let writes = 0
        for (let offset = 0; offset < size; offset += 10000) {
          s.write(data.subarray(offset, offset + 10000)); writes++
        }
        await within(all, 20000, 'echo')
        const echoed = Buffer.concat(chunks)
        const same = echoed.equals(data)
        const isBuffer = chunks.every((c) => Buffer.isBuffer(c))
        s.end()
        await closed(s)
        return { state, ends, same, isBuffer, length, writes, events,
                 bytes: [s.bytesRead, s.bytesWritten], after: [s.readyState, s.destroyed] }
        """,
        echo,
    )
    assert result["state"] == [True, True, "opening"]
    assert result["ends"] == [
        "127.0.0.1",
        echo,
        "IPv4",
        "127.0.0.1",
        "number",
        "IPv4",
        "open",
        False,
    ]
    assert result["same"] is True
    assert result["isBuffer"] is True
    assert result["length"] == 1024 * 1024
    # The echo server closes once we end: 'end' (its FIN), our 'finish', then 'close'.
    events = [event for event in result["events"] if event != "drain"]
    assert events[:2] == ["connect", "ready"]
    assert sorted(events[2:4]) == ["end", "finish"]
    assert events[4:] == ["close false"]
    assert result["bytes"] == [1024 * 1024, 1024 * 1024]
    assert result["after"] == ["closed", True]


class Peer:
    """A one-connection TCP server on 127.0.0.1 that the test drives from its own thread."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port: int = self.listener.getsockname()[1]
        self.connection: socket.socket | None = None

    def accept(self) -> socket.socket:
        connection, _ = self.listener.accept()
        connection.settimeout(TIMEOUT)
        self.connection = connection
        return connection

    def read_all(self) -> bytes:
        assert self.connection is not None
        chunks = []
        while data := self.connection.recv(65536):
            chunks.append(data)
        return b"".join(chunks)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.listener.close()


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    try:
        yield server
    finally:
        server.close()


def in_background(page: Page, body: str, arg: Any = None) -> None:
    """Start an async function body in the page; `finish(page)` awaits its result."""
    page.evaluate(f"(arg) => {{ window.__task = (async () => {{ {PRELUDE} {body} }})() }}", arg)


def finish(page: Page) -> Any:
    return page.evaluate("() => window.__task")


@ON_BOTH
def test_write_returns_false_once_the_window_is_full_then_drain_follows(
    page: Page, peer: Peer
) -> None:
    in_background(
        page,
        """
        const s = net.connect(arg, '127.0.0.1')
        await connected(s)
        s.resume()
        window.__socket = s
        const chunk = Buffer.alloc(4 * 1024, 7)
        let writes = 0
        while (s.write(chunk)) {
          writes++
          if (writes > 64 * 256) throw new Error('write() never returned false')
        }
        window.__drain = next(s, 'drain')
        return { writes: writes + 1, buffered: s.writableLength > 0,
                 needDrain: s.writableNeedDrain }
        """,
        peer.port,
    )
    peer.accept()
    first = finish(page)
    assert first["buffered"] is True
    assert first["needDrain"] is True
    in_background(
        page,
        """
        const s = window.__socket
        const events = []
        await window.__drain
        events.push('drain')
        s.end()
        await closed(s)
        return { events, written: s.bytesWritten }
        """,
    )
    received = peer.read_all()
    peer.connection.close()  # type: ignore[union-attr]
    second = finish(page)
    total = first["writes"] * 4 * 1024
    assert second["events"] == ["drain"]
    assert second["written"] == total
    assert received == b"\x07" * total


@ON_BOTH
def test_a_paused_page_makes_the_python_writer_block_and_nothing_is_lost(
    page: Page, peer: Peer
) -> None:
    total = 24 * 1024 * 1024
    pattern = bytes(range(256)) * 257  # 64 KiB from any offset of the byte sequence
    in_background(
        page,
        """
        const s = net.connect(arg, '127.0.0.1')
        s.pause()
        await connected(s)
        window.__socket = s
        return true
        """,
        peer.port,
    )
    writer = peer.accept()
    assert finish(page) is True
    writer.setblocking(False)
    sent = 0

    def fill() -> None:
        nonlocal sent
        while sent < total:
            try:
                sent += writer.send(pattern[sent % 256 : sent % 256 + 65536])
            except BlockingIOError:
                return

    def page_read() -> int:
        return int(page.evaluate("() => window.__socket.bytesRead"))

    # Until the page got its read window (1 MiB) the host keeps reading: fill the socket again
    # after each look at the page.
    for _ in range(1000):
        fill()
        if page_read() >= 1024 * 1024:
            break
    fill()
    seen = page.evaluate("() => [window.__socket.bytesRead, window.__socket.isPaused()]")
    # After that round trip the kernel may take a little more (its receive buffer grows on its
    # own), but the host reads none of it while the page is paused: the writer stays blocked
    # far from done, and the page has no more than before.
    fill()
    blocked_at = sent
    assert blocked_at < total, "the writer never blocked"
    again = int(page.evaluate("() => window.__socket.bytesRead"))
    in_background(
        page,
        """
        const s = window.__socket
        let length = 0
        let mismatch = -1
        const all = new Promise((resolve) => s.on('data', (chunk) => {
          for (let i = 0; i < chunk.length && mismatch < 0; i++) {
            if (chunk[i] !== ((length + i) & 0xff)) mismatch = length + i
          }
          length += chunk.length
          if (length >= arg) resolve()
        }))
        s.resume()
        await within(all, 60000, 'all bytes')
        s.destroy()
        return { length, mismatch }
        """,
        total,
    )
    writer.setblocking(True)
    writer.settimeout(60)
    rest = total - blocked_at
    writer.sendall((bytes(range(256)) * (rest // 256 + 2))[blocked_at % 256 :][:rest])
    result = finish(page)
    assert seen[1] is True
    # The host sent at most its read window (1 MiB), one read (256 KiB) and what the page
    # acknowledged to fill its readable buffer (16 KiB) while paused.
    assert seen[0] <= again <= 1024 * 1024 + 256 * 1024 + 16 * 1024
    assert blocked_at > again
    assert result == {"length": total, "mismatch": -1}


def test_bytes_keep_their_order_when_the_sockets_conduit_drops_and_returns(
    page: Page, peer: Peer
) -> None:
    """Frames in flight when the socket's Conduit goes away are lost; while it is down the
    next ones travel on the page's event stream, and once it is back frames on the two channels
    may overtake each other. The page must still see every byte, once, in order."""
    size = 6 * 1024 * 1024
    data = bytes((i * 7 + (i >> 12)) & 0xFF for i in range(size))
    in_background(
        page,
        """
        const s = net.connect({ port: arg.port, host: '127.0.0.1' })
        await connected(s)
        const chunks = []
        let length = 0
        let dropped = false
        let back
        const all = new Promise((resolve) => s.on('data', (chunk) => {
          chunks.push(chunk)
          length += chunk.length
          if (!dropped) {
            // The socket's Conduit goes away (frames in flight on it are lost; the next ones
            // take the event stream) and connects again at once.
            dropped = true
            s.conduit.shouldReconnect = false
            s.conduit.socket.close()
            back = s.conduit.connect().then(() => true, () => false)
          }
          if (length >= arg.size) resolve()
        }))
        await within(all, 30000, 'all bytes')
        const received = Buffer.concat(chunks)
        s.destroy()
        return { length, reconnected: await back, digest: Array.from(new Uint8Array(
          await crypto.subtle.digest('SHA-256', received))) }
        """,
        {"port": peer.port, "size": size},
    )
    connection = peer.accept()
    connection.sendall(data)
    result = finish(page)
    assert result["length"] == size
    assert result["reconnected"] is True
    assert bytes(result["digest"]) == hashlib.sha256(data).digest()


class RefusedAcks:
    """Refuses the first acknowledgements of read bytes, as a host too busy to take a request
    does (``ERR_TOO_MANY_CONNECTIONS``)."""

    name = "refused-acks"

    def __init__(self, count: int) -> None:
        self.left = count
        self.refused = 0

    @hookimpl(wrapper=True)
    def oro_route_call(self, request: Request, route: Route) -> RouteCallWrapper:
        call = yield
        if route.name == "tcp.ack" and self.left > 0:
            self.left -= 1
            self.refused += 1
            raise TooManyConnectionsError("busy: try again")
        return call


def test_bytes_whose_acknowledgement_failed_are_acknowledged_again(
    chromium_browser: Browser, peer: Peer
) -> None:
    """Acknowledgements the host refused carry bytes it must still hear of: the first eight
    (more than the 1 MiB read window) are refused, and the page still gets all 4 MiB, since it
    sends those bytes again. Before, they were dropped and the socket stalled for good."""
    refused = RefusedAcks(8)
    size = 4 * 1024 * 1024
    data = bytes((i * 13 + (i >> 11)) & 0xFF for i in range(size))
    with (
        served_app([*PLUGINS, refused], config=LOOPBACK) as app,
        app_page(chromium_browser, app) as page,
    ):
        in_background(
            page,
            """
            const s = net.connect({ port: arg.port, host: '127.0.0.1' })
            await connected(s)
            const chunks = []
            let length = 0
            const all = new Promise((resolve) => s.on('data', (chunk) => {
              chunks.push(chunk)
              length += chunk.length
              if (length >= arg.size) resolve()
            }))
            await within(all, 30000, 'all bytes')
            const received = Buffer.concat(chunks)
            s.destroy()
            return { length, digest: Array.from(new Uint8Array(
              await crypto.subtle.digest('SHA-256', received))) }
            """,
            {"port": peer.port, "size": size},
        )
        connection = peer.accept()
        connection.sendall(data)
        result = finish(page)
    assert refused.refused == 8
    assert result["length"] == size
    assert bytes(result["digest"]) == hashlib.sha256(data).digest()


def test_the_peer_ending_first_ends_the_page_side_too_unless_half_open(
    page: Page, peer: Peer
) -> None:
    in_background(
        page,
        """
        const events = []
        const s = record(net.connect(arg, '127.0.0.1'), events)
        let text = ''
        s.setEncoding('utf8')
        s.on('data', (chunk) => { text += chunk })
        await closed(s)
        return { events, text, state: s.readyState }
        """,
        peer.port,
    )
    connection = peer.accept()
    connection.sendall(b"hello")
    connection.shutdown(socket.SHUT_WR)
    assert peer.read_all() == b""  # the page ended its side by itself (allowHalfOpen false)
    connection.close()
    result = finish(page)
    assert result["text"] == "hello"
    assert result["events"] == ["connect", "ready", "end", "finish", "close false"]
    assert result["state"] == "closed"


def test_a_half_open_socket_writes_after_the_peer_ended(page: Page, peer: Peer) -> None:
    in_background(
        page,
        """
        const events = []
        const s = record(net.connect({ port: arg, host: '127.0.0.1', allowHalfOpen: true }), events)
        s.resume()
        await next(s, 'end')
        const state = s.readyState
        s.end('still here')
        await closed(s)
        return { events, state }
        """,
        peer.port,
    )
    connection = peer.accept()
    connection.shutdown(socket.SHUT_WR)
    assert peer.read_all() == b"still here"
    connection.close()
    result = finish(page)
    assert result["state"] == "writeOnly"
    assert result["events"] == ["connect", "ready", "end", "finish", "close false"]


def test_a_page_server_serves_a_python_client(page: Page) -> None:
    in_background(
        page,
        """
        const events = []
        const server = net.createServer((socket) => {
          events.push(['connection', socket.remoteAddress, socket.remoteFamily,
                       socket.localPort === server.address().port])
          socket.on('data', (chunk) => socket.end(chunk.toString().toUpperCase()))
          socket.on('close', (hadError) => events.push(['socket close', hadError]))
        })
        server.on('listening', () => events.push(['listening']))
        server.on('close', () => events.push(['close']))
        await within(new Promise((resolve, reject) => {
          server.once('error', reject)
          server.listen(0, '127.0.0.1', resolve)
        }))
        window.__server = server
        window.__events = events
        return { address: server.address(), listening: server.listening }
        """,
    )
    started = finish(page)
    assert started["listening"] is True
    address = started["address"]
    assert address["address"] == "127.0.0.1"
    assert address["family"] == "IPv4"
    with socket.create_connection(("127.0.0.1", address["port"]), timeout=TIMEOUT) as client:
        client.sendall(b"ping")
        replies = []
        while data := client.recv(1024):
            replies.append(data)
    assert b"".join(replies) == b"PING"
    in_background(
        page,
        """
        const server = window.__server
        const count = await new Promise((resolve) => server.getConnections((e, n) => resolve(n)))
        const done = next(server, 'close')
        server.close()
        await done
        return { events: window.__events, count, address: server.address(),
                 listening: server.listening }
        """,
    )
    result = finish(page)
    assert result["events"][0] == ["listening"]
    assert result["events"][1] == ["connection", "127.0.0.1", "IPv4", True]
    assert ["socket close", False] in result["events"]
    assert result["events"][-1] == ["close"]
    assert result["address"] is None
    assert result["listening"] is False
    assert_refused(address["port"])


def test_max_connections_drops_the_extra_connection(page: Page) -> None:
    in_background(
        page,
        """
        const server = net.createServer((socket) => socket.resume())
        server.maxConnections = 1
        window.__drops = []
        server.on('drop', (data) => window.__drops.push(data.remoteAddress))
        window.__first = next(server, 'connection')
        await within(new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)))
        window.__server = server
        return server.address().port
        """,
    )
    port = finish(page)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as first:
        in_background(page, "return (await window.__first) && true")
        assert finish(page) is True
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as second:
            assert second.recv(10) == b""  # closed by the page at once
        first.sendall(b"x")
    in_background(
        page,
        """
        const done = next(window.__server, 'close')
        window.__server.close()
        await done
        return window.__drops
        """,
    )
    assert finish(page) == ["127.0.0.1"]


@ON_BOTH
def test_connection_refused_is_nodes_error_then_close(page: Page) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = in_page(
        page,
        """
        const events = []
        const s = record(net.connect(arg, '127.0.0.1'), events)
        const [error] = await next(s, 'error')
        await closed(s)
        return { error: info(error), keys: Object.keys(error), events, destroyed: s.destroyed }
        """,
        port,
    )
    assert result["error"] == {
        "name": "Error",
        "code": "ECONNREFUSED",
        "message": f"connect ECONNREFUSED 127.0.0.1:{port}",
        "errno": -111,
        "syscall": "connect",
        "address": "127.0.0.1",
        "port": port,
    }
    assert result["keys"] == ["errno", "code", "syscall", "address", "port"]
    assert result["events"] == ["error ECONNREFUSED", "close true"]
    assert result["destroyed"] is True


def test_nodes_argument_errors_are_thrown_synchronously(page: Page) -> None:
    result = in_page(
        page,
        """
        return {
          missing: attempt(() => net.connect()),
          empty: attempt(() => net.connect({})),
          range: attempt(() => net.connect(70000)),
          negative: attempt(() => net.connect(-1)),
          type: attempt(() => net.connect({ port: true })),
          host: attempt(() => net.connect({ port: 80, host: 5 })),
          timeout: attempt(() => new net.Socket().setTimeout('x')),
          listen: attempt(() => net.createServer().listen(70000)),
          localAddress: attempt(() => net.connect({ port: 80, localAddress: 'nope' }))
        }
        """,
    )
    assert result["missing"]["code"] == "ERR_MISSING_ARGS"
    assert result["missing"]["message"] == (
        'The "options" or "port" or "path" argument must be specified'
    )
    assert result["empty"]["code"] == "ERR_MISSING_ARGS"
    assert result["range"] == {
        "name": "RangeError",
        "code": "ERR_SOCKET_BAD_PORT",
        "message": "Port should be >= 0 and < 65536. Received type number (70000).",
        "errno": None,
        "syscall": None,
        "address": None,
        "port": None,
    }
    assert result["negative"]["code"] == "ERR_SOCKET_BAD_PORT"
    assert result["type"]["message"] == (
        'The "options.port" property must be one of type number or string. '
        "Received type boolean (true)"
    )
    assert result["host"]["message"] == (
        'The "hostname" argument must be of type string. Received type number (5)'
    )
    assert result["timeout"]["code"] == "ERR_INVALID_ARG_TYPE"
    assert result["listen"]["message"] == (
        "options.port should be >= 0 and < 65536. Received type number (70000)."
    )
    assert result["localAddress"]["code"] == "ERR_INVALID_IP_ADDRESS"


@ON_BOTH
def test_an_abort_signal_destroys_the_socket(page: Page, echo: int) -> None:
    result = in_page(
        page,
        """
        const controller = new AbortController()
        const events = []
        const options = { port: arg, host: '127.0.0.1', signal: controller.signal }
        const s = record(net.connect(options), events)
        await connected(s)
        controller.abort()
        await closed(s)
        const early = new AbortController()
        early.abort()
        const e = []
        const t = record(net.connect({ port: arg, host: '127.0.0.1', signal: early.signal }), e)
        const [error] = await next(t, 'error')
        await closed(t)
        return { events, early: e, error: info(error), destroyed: s.destroyed }
        """,
        echo,
    )
    assert result["events"] == ["connect", "ready", "error ABORT_ERR", "close true"]
    assert result["early"] == ["error ABORT_ERR", "close true"]
    assert result["error"]["name"] == "AbortError"
    assert result["error"]["message"] == "The operation was aborted"
    assert result["destroyed"] is True


def test_set_timeout_emits_timeout_after_idleness(page: Page, echo: int) -> None:
    result = in_page(
        page,
        """
        const s = net.connect({ port: arg, host: '127.0.0.1' })
        await connected(s)
        s.setTimeout(50)
        await next(s, 'timeout')
        const open = s.readyState
        s.setTimeout(0)
        s.destroy()
        await closed(s)
        return { open, timeout: s.timeout ?? null }
        """,
        echo,
    )
    assert result == {"open": "open", "timeout": None}


@ON_BOTH
def test_sockets_and_servers_close_when_the_page_navigates_away(
    page: Page, app: ServedApp, peer: Peer
) -> None:
    in_background(
        page,
        """
        const s = net.connect(arg, '127.0.0.1')
        await connected(s)
        const server = net.createServer()
        await within(new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)))
        return server.address().port
        """,
        peer.port,
    )
    connection = peer.accept()
    server_port = finish(page)
    PAGE_CLOSED.closed.clear()
    page.goto(page.url)
    assert PAGE_CLOSED.closed.wait(TIMEOUT)
    assert connection.recv(10) == b""  # the host closed the page's socket
    assert_refused(server_port)
