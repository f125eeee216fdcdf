"""oro:dgram in real headless Chromium (echo, errors, abort, a dropped Conduit and teardown on
WebKitGTK too) against the real host, with real UDP peers on loopback:
unicast echo (512 datagrams in order), connect, implicit bind, Node's errors, multicast, source-
specific multicast, broadcast, AbortSignal, datagrams while the socket's Conduit is down, sockets
closed when the page goes away. The differential test is in ``test_udp_differential.py``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import oro_conduit
import oro_conduit.plugin
import oro_udp.plugin
import pytest
from _udp_peers import EchoPeer, echo_peer
from playwright.sync_api import Browser, Page

from conftest import LOCAL_PEERS
from oro_framework import Host
from oro_framework.testing import PageClosedProbe, ServedApp, WebKitBrowser, app_page, served_app

PLUGINS = [oro_conduit.plugin, oro_udp.plugin]


PAGE_CLOSED = PageClosedProbe()


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([*PLUGINS, PAGE_CLOSED], config=LOCAL_PEERS) as served:
        yield served


@pytest.fixture(scope="module")
def any_app() -> Iterator[ServedApp]:
    """A host whose pages may bind the wildcard address (``udp.allow_any_address``)."""
    with served_app(PLUGINS, config={**LOCAL_PEERS, "udp.allow_any_address": True}) as served:
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
def any_page(chromium_browser: Browser, any_app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, any_app) as page:
        yield page


@pytest.fixture
def echo() -> Iterator[EchoPeer]:
    with echo_peer() as peer:
        yield peer


# Helpers every page script gets: `bound(socket, ...bindArgs)` resolves with the socket once
# listening; `next(socket, event)` resolves with the next event's arguments; `info(error)`
# is an error's Node fields; `attempt(f)` the error `f` throws (null if none).
PRELUDE = """
const dgram = (await import('node:dgram')).default
const { Buffer } = await import('node:buffer')
const bound = (s, ...args) => new Promise((resolve, reject) => {
  s.once('error', reject)
  s.bind(...args, () => { s.removeListener('error', reject); resolve(s) })
})
const next = (s, event) => new Promise((resolve) => s.once(event, (...args) => resolve(args)))
const info = (e) => e && ({ name: e.name, code: e.code, message: e.message, errno: e.errno ?? null,
  syscall: e.syscall ?? null, address: e.address ?? null, port: e.port ?? null })
const attempt = (f) => { try { f(); return null } catch (e) { return info(e) } }
const closeAll = (...sockets) => Promise.all(sockets.map((s) => new Promise((r) => s.close(r))))
// Operations run in order: once a send made after them has been answered, the receiver's
// memberships are in place.
const settled = (receiver, sender) =>
  new Promise((r) => receiver.send('sync', sender.address().port, '127.0.0.1', r))
"""


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    """Run an async function body with `dgram`, `Buffer`, the PRELUDE helpers and `arg`."""
    return page.evaluate(f"async (arg) => {{ {PRELUDE} {body} }}", arg)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@ON_BOTH
def test_echo_round_trip_keeps_512_datagrams_in_order(page: Page, echo: EchoPeer) -> None:
    result = in_page(
        page,
        """
        const options = { type: 'udp4', recvBufferSize: 4 * 1024 * 1024 }
        const s = await bound(dgram.createSocket(options), 0, '127.0.0.1')
        const received = []
        const all = new Promise((resolve) => s.on('message', (msg, rinfo) => {
          received.push([msg.toString(), rinfo.address, rinfo.port, rinfo.family, rinfo.size])
          if (received.length === 512) resolve()
        }))
        const callbacks = []
        for (let i = 0; i < 512; i++) {
          s.send(`datagram ${i}`, arg, '127.0.0.1', (err, bytes) => callbacks.push([i, err, bytes]))
        }
        const queued = [s.getSendQueueCount() > 0, s.getSendQueueSize() > 0]
        await all
        await new Promise((resolve) => s.close(resolve))
        return { received, callbacks, queued, after: [s.getSendQueueCount(), s.getSendQueueSize()] }
        """,
        echo.port,
    )
    expected = [f"datagram {i}" for i in range(512)]
    assert [row[0] for row in result["received"]] == expected
    assert echo.received == [text.encode() for text in expected]
    rinfos = [row[1:] for row in result["received"]]
    assert rinfos == [["127.0.0.1", echo.port, "IPv4", len(text)] for text in expected]
    assert result["callbacks"] == [[i, None, len(f"datagram {i}")] for i in range(512)]
    assert result["queued"] == [True, True]
    assert result["after"] == [0, 0]


def test_connect_send_to_the_peer_and_disconnect(page: Page, echo: EchoPeer) -> None:
    result = in_page(
        page,
        """
        const s = dgram.createSocket('udp4')
        const events = []
        for (const name of ['listening', 'connect', 'close']) s.on(name, () => events.push(name))
        await new Promise((resolve) => s.connect(arg, '127.0.0.1', resolve))
        const remote = s.remoteAddress()
        const local = s.address()
        const again = attempt(() => s.connect(arg))
        const withPort = attempt(() => s.send('x', 0, 1, arg, '127.0.0.1'))
        const echoed = next(s, 'message')
        const sent = await new Promise((resolve) =>
          s.send('to the peer', (err, bytes) => resolve([err, bytes])))
        const [msg, rinfo] = await echoed
        s.disconnect()
        const afterRemote = attempt(() => s.remoteAddress())
        const noPort = attempt(() => s.send('x'))
        const unconnected = next(s, 'message')
        s.send('unconnected', arg, '127.0.0.1')
        const [msg2] = await unconnected
        await new Promise((resolve) => s.close(resolve))
        return { events, remote, local: local.address, localPort: local.port > 0, again, withPort,
                 sent, msg: msg.toString(), rinfo, afterRemote, noPort, msg2: msg2.toString() }
        """,
        echo.port,
    )
    assert result["events"] == ["listening", "connect", "close"]
    assert result["remote"] == {"address": "127.0.0.1", "family": "IPv4", "port": echo.port}
    assert result["local"] == "127.0.0.1"
    assert result["localPort"]
    assert result["again"]["code"] == "ERR_SOCKET_DGRAM_IS_CONNECTED"
    assert result["withPort"]["code"] == "ERR_SOCKET_DGRAM_IS_CONNECTED"
    assert result["sent"] == [None, len("to the peer")]
    assert result["msg"] == "to the peer"
    assert result["rinfo"]["port"] == echo.port
    assert result["afterRemote"]["code"] == "ERR_SOCKET_DGRAM_NOT_CONNECTED"
    assert result["noPort"]["code"] == "ERR_SOCKET_BAD_PORT"
    assert result["msg2"] == "unconnected"


def test_send_on_an_unbound_socket_binds_it_first(page: Page, echo: EchoPeer) -> None:
    result = in_page(
        page,
        """
        const s = dgram.createSocket('udp4')
        const events = []
        s.on('listening', () => events.push(['listening', s.address()]))
        const echoed = new Promise((resolve) => s.on('message', (msg) => {
          events.push(['message', msg.toString()])
          if (events.length === 3) resolve()
        }))
        const unbound = attempt(() => s.address())
        s.send('first', arg, '127.0.0.1')
        s.send('second', arg, '127.0.0.1')
        await echoed
        const rebind = attempt(() => s.bind(0))
        s.close()
        await next(s, 'close')
        return { events, unbound, rebind }
        """,
        echo.port,
    )
    listening, first, second = result["events"]
    assert listening[0] == "listening"
    assert listening[1]["address"] == "127.0.0.1"
    assert listening[1]["port"] > 0
    assert first == ["message", "first"]
    assert second == ["message", "second"]
    assert result["unbound"]["code"] == "EBADF"
    assert result["unbound"]["syscall"] == "getsockname"
    assert result["rebind"]["code"] == "ERR_SOCKET_ALREADY_BOUND"
    assert echo.received == [b"first", b"second"]


def test_address_after_an_implicit_bind_is_the_loopback_address_actually_bound(
    page: Page, echo: EchoPeer
) -> None:
    """On a loopback-only host (the default) the implicit bind of `send` binds 127.0.0.1, and
    `address()` in the send's callback says so, where Node answers the wildcard it bound."""
    result = in_page(
        page,
        """
        const s = dgram.createSocket('udp4')
        const local = await new Promise((resolve) =>
          s.send('x', arg, '127.0.0.1', () => resolve(s.address())))
        s.close()
        await next(s, 'close')
        return local
        """,
        echo.port,
    )
    assert result["address"] == "127.0.0.1"
    assert result["family"] == "IPv4"
    assert result["port"] > 0


def test_oros_error_classes_are_the_classes_of_the_errors_thrown(page: Page) -> None:
    """Oro's api/dgram.d.ts exports a class per error code; the errors thrown are instances
    of them and keep Node's name and own keys."""
    result = in_page(
        page,
        """
        const seen = {}
        const record = (name, f) => {
          try { f() } catch (e) {
            seen[name] = [e instanceof dgram[name], e.name, e.code, Object.keys(e),
                          e instanceof dgram.SocketError]
          }
        }
        const s = dgram.createSocket('udp4')
        record('ERR_SOCKET_BAD_TYPE', () => dgram.createSocket('udp5'))
        record('ERR_SOCKET_BAD_PORT', () => s.send('x', 0, '127.0.0.1'))
        record('ERR_SOCKET_DGRAM_NOT_CONNECTED', () => s.disconnect())
        record('ERR_SOCKET_BAD_BUFFER_SIZE', () => s.setRecvBufferSize(-1))
        s.bind(0, '127.0.0.1')
        record('ERR_SOCKET_ALREADY_BOUND', () => s.bind(0))
        s.connect(9, '127.0.0.1')
        record('ERR_SOCKET_DGRAM_IS_CONNECTED', () => s.connect(9))
        s.close()
        await next(s, 'close')
        record('ERR_SOCKET_DGRAM_NOT_RUNNING', () => s.send('x', 9, '127.0.0.1'))
        const made = new dgram.ERR_SOCKET_BUFFER_SIZE('refused')
        return { seen, made: [made.name, made.code, made.message], count: Object.keys(seen).length,
                 base: new dgram.ERR_SOCKET_ALREADY_BOUND() instanceof Error }
        """,
        0,
    )
    assert result["count"] == 7
    for name, (is_instance, error_name, code, keys, is_socket_error) in result["seen"].items():
        assert is_instance, name
        assert code == name
        assert keys == ["code"]
        assert error_name == {
            "ERR_SOCKET_BAD_TYPE": "TypeError",
            "ERR_SOCKET_BAD_BUFFER_SIZE": "TypeError",
            "ERR_SOCKET_BAD_PORT": "RangeError",
        }.get(name, "Error")
        assert is_socket_error == (error_name == "Error")
    assert result["made"] == ["SystemError", "ERR_SOCKET_BUFFER_SIZE", "refused"]
    assert result["base"] is True


@ON_BOTH
def test_errors_are_nodes(page: Page, echo: EchoPeer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken_port = taken.getsockname()[1]
        result = in_page(
            page,
            """
            const out = {}
            out.badType = attempt(() => dgram.createSocket('udp5'))
            const s = dgram.createSocket('udp4')
            out.badSendPort = attempt(() => s.send('x', 0, '127.0.0.1'))
            out.badConnectPort = attempt(() => s.connect(70000))
            out.badBindPort = attempt(() => s.bind(70000))
            const inUse = next(s, 'error')
            s.bind(arg.taken, '127.0.0.1')
            out.inUse = info((await inUse)[0])
            await bound(s, 0, '127.0.0.1')
            out.alreadyBound = attempt(() => s.bind(0))
            const send = (size) => new Promise((resolve) =>
              s.send(Buffer.alloc(size), arg.echo, '127.0.0.1', (err, bytes) =>
                resolve([info(err), bytes ?? null])))
            out.tooBig = await send(65508)
            out.largest = await send(65507)
            await new Promise((resolve) => s.close(resolve))
            out.closeTwice = attempt(() => s.close())
            out.sendClosed = attempt(() => s.send('x', arg.echo, '127.0.0.1'))
            return out
            """,
            {"taken": taken_port, "echo": echo.port},
        )
    assert result["badType"] == {
        "name": "TypeError",
        "code": "ERR_SOCKET_BAD_TYPE",
        "message": "Bad socket type specified. Valid types are: udp4, udp6",
        "errno": None,
        "syscall": None,
        "address": None,
        "port": None,
    }
    assert result["badSendPort"]["code"] == "ERR_SOCKET_BAD_PORT"
    assert result["badSendPort"]["message"] == (
        "Port should be > 0 and < 65536. Received type number (0)."
    )
    assert result["badConnectPort"]["name"] == "RangeError"
    assert result["badBindPort"]["message"] == (
        "Port should be >= 0 and < 65536. Received type number (70000)."
    )
    assert result["inUse"] == {
        "name": "Error",
        "code": "EADDRINUSE",
        "message": f"bind EADDRINUSE 127.0.0.1:{taken_port}",
        "errno": -98,
        "syscall": "bind",
        "address": "127.0.0.1",
        "port": taken_port,
    }
    assert result["alreadyBound"]["code"] == "ERR_SOCKET_ALREADY_BOUND"
    assert result["tooBig"] == [
        {
            "name": "Error",
            "code": "EMSGSIZE",
            "message": f"send EMSGSIZE 127.0.0.1:{echo.port}",
            "errno": -90,
            "syscall": "send",
            "address": "127.0.0.1",
            "port": echo.port,
        },
        None,
    ]
    assert result["largest"] == [None, 65507]
    assert result["closeTwice"]["code"] == "ERR_SOCKET_DGRAM_NOT_RUNNING"
    assert result["sendClosed"]["code"] == "ERR_SOCKET_DGRAM_NOT_RUNNING"


@ON_BOTH
def test_connection_refused_is_an_error_event_and_the_socket_keeps_working(
    page: Page, echo: EchoPeer
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as gone:
        gone.bind(("127.0.0.1", 0))
        closed_port = gone.getsockname()[1]
    result = in_page(
        page,
        """
        const s = dgram.createSocket('udp4')
        await new Promise((resolve) => s.connect(arg.closed, '127.0.0.1', resolve))
        const refused = next(s, 'error')
        s.send('anyone?')
        const [error] = await refused
        s.disconnect()
        const echoed = next(s, 'message')
        s.send('still here', arg.echo, '127.0.0.1')
        const [msg] = await echoed
        await new Promise((resolve) => s.close(resolve))
        return { error: { ...info(error), keys: Object.keys(error) }, msg: msg.toString() }
        """,
        {"closed": closed_port, "echo": echo.port},
    )
    assert result["error"] == {
        "name": "Error",
        "code": "ECONNREFUSED",
        "message": "recvmsg ECONNREFUSED",
        "errno": -111,
        "syscall": "recvmsg",
        "address": None,
        "port": None,
        "keys": ["errno", "code", "syscall"],
    }
    assert result["msg"] == "still here"


def test_multicast_on_loopback(page: Page) -> None:
    result = in_page(
        page,
        """
        const group = '239.255.42.99'
        const options = { type: 'udp4', reuseAddr: true }
        const receiver = await bound(dgram.createSocket(options), 0, group)
        receiver.addMembership(group, '127.0.0.1')
        const sender = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
        sender.setMulticastInterface('127.0.0.1')
        sender.setMulticastTTL(0)
        sender.setMulticastLoopback(true)
        const got = next(receiver, 'message')
        await settled(receiver, sender)
        sender.send('to the group', receiver.address().port, group)
        const [msg, rinfo] = await got
        receiver.dropMembership(group, '127.0.0.1')
        const notMulticast = attempt(() => receiver.addMembership('127.0.0.1'))
        await closeAll(receiver, sender)
        return { msg: msg.toString(), from: rinfo.address, notMulticast }
        """,
    )
    assert result["msg"] == "to the group"
    assert result["from"] == "127.0.0.1"
    assert result["notMulticast"]["code"] == "EINVAL"
    assert result["notMulticast"]["syscall"] == "addMembership"


def test_multicast_on_the_wildcard_address_when_allowed(any_page: Page) -> None:
    result = in_page(
        any_page,
        """
        const group = '239.255.42.100'
        const receiver = await bound(dgram.createSocket('udp4'), 0)
        receiver.addMembership(group, '127.0.0.1')
        const sender = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
        sender.setMulticastInterface('127.0.0.1')
        sender.setMulticastTTL(0)
        sender.setMulticastLoopback(true)
        const got = next(receiver, 'message')
        await settled(receiver, sender)
        sender.send('wildcard', receiver.address().port, group)
        const [msg] = await got
        const address = receiver.address().address
        await closeAll(receiver, sender)
        return { msg: msg.toString(), address }
        """,
    )
    assert result == {"msg": "wildcard", "address": "0.0.0.0"}


def test_source_specific_multicast_on_loopback(page: Page) -> None:
    result = in_page(
        page,
        """
        const group = '232.1.42.7'
        const supported = await dgram.isSSMSupported()
        const capabilities = await dgram.getCapabilities()
        const receiver = await bound(dgram.createSocket('udp4'), 0, group)
        receiver.addSourceSpecificMembership('127.0.0.1', group, '127.0.0.1')
        const sender = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
        sender.setMulticastInterface('127.0.0.1')
        sender.setMulticastTTL(0)
        const got = next(receiver, 'message')
        await settled(receiver, sender)
        sender.send('from the source', receiver.address().port, group)
        const [msg, rinfo] = await got
        receiver.dropSourceSpecificMembership('127.0.0.1', group, '127.0.0.1')
        const badGroup = attempt(() =>
          receiver.addSourceSpecificMembership('127.0.0.1', '10.0.0.1'))
        const badSource = attempt(() => receiver.addSourceSpecificMembership(1, group))
        await closeAll(receiver, sender)
        return {
          supported, capabilities, msg: msg.toString(), from: rinfo.address, badGroup, badSource
        }
        """,
    )
    assert result["supported"] is True
    assert result["capabilities"]["ssm"] is True
    assert result["capabilities"]["multicast"] is True
    assert result["msg"] == "from the source"
    assert result["from"] == "127.0.0.1"
    assert result["badGroup"]["code"] == "EINVAL"
    assert result["badSource"]["code"] == "ERR_INVALID_ARG_TYPE"


def test_broadcast_needs_set_broadcast(page: Page) -> None:
    result = in_page(
        page,
        """
        const receiver = await bound(dgram.createSocket('udp4'), 0, '127.255.255.255')
        const sender = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
        const port = receiver.address().port
        const refused = await new Promise((resolve) =>
          sender.send('no flag', port, '127.255.255.255', (err) => resolve(info(err))))
        sender.setBroadcast(true)
        const got = next(receiver, 'message')
        const sent = await new Promise((resolve) =>
          sender.send('everyone', port, '127.255.255.255', (err, bytes) => resolve([err, bytes])))
        const [msg] = await got
        await closeAll(receiver, sender)
        return { refused, sent, msg: msg.toString() }
        """,
    )
    assert result["refused"]["code"] == "EACCES"
    assert result["refused"]["syscall"] == "send"
    assert result["sent"] == [None, len("everyone")]
    assert result["msg"] == "everyone"


@ON_BOTH
def test_abort_signal_closes_the_socket(page: Page) -> None:
    result = in_page(
        page,
        """
        const controller = new AbortController()
        const options = { type: 'udp4', signal: controller.signal }
        const s = await bound(dgram.createSocket(options), 0, '127.0.0.1')
        const port = s.address().port
        const closed = next(s, 'close')
        controller.abort()
        await closed
        const early = new AbortController()
        early.abort()
        const never = dgram.createSocket({ type: 'udp4', signal: early.signal })
        return { port, after: attempt(() => s.address()), never: attempt(() => never.bind(0)) }
        """,
    )
    assert result["after"]["code"] == "ERR_SOCKET_DGRAM_NOT_RUNNING"
    assert result["never"]["code"] == "ERR_SOCKET_DGRAM_NOT_RUNNING"
    assert port_is_free(result["port"])


@ON_BOTH
def test_datagrams_arrive_while_the_sockets_conduit_is_not_connected(
    page: Page, app: ServedApp, echo: EchoPeer
) -> None:
    server = app.host.stash[oro_conduit.STATE]
    page.evaluate(
        """async () => {
            const { transport } = await import('oro:conduit')
            globalThis.__reopened = new Promise((resolve) => {
                transport().conduit.addEventListener('reopen', () => resolve(true), { once: true })
            })
        }"""
    )
    app.call(server.disable)
    try:
        result = in_page(
            page,
            """
            const { transport } = await import('oro:conduit')
            const s = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
            const received = []
            const all = new Promise((resolve) => s.on('message', (msg) => {
              received.push(msg.toString())
              if (received.length === 20) resolve()
            }))
            for (let i = 0; i < 20; i++) s.send(`fallback ${i}`, arg, '127.0.0.1')
            await all
            const state = { active: s.conduit.isActive, ipc: transport().conduit.isActive }
            await new Promise((resolve) => s.close(resolve))
            return { received, state }
            """,
            echo.port,
        )
    finally:
        app.call(_enable, server)
    assert result["received"] == [f"fallback {i}" for i in range(20)]
    assert result["state"] == {"active": False, "ipc": False}
    assert page.evaluate("() => globalThis.__reopened") is True


async def _enable(server: Any) -> None:
    server.enable()


@ON_BOTH
def test_sockets_close_when_the_page_goes_away(page: Page, app: ServedApp) -> None:
    port = in_page(
        page,
        """
        const s = await bound(dgram.createSocket('udp4'), 0, '127.0.0.1')
        return s.address().port
        """,
    )
    assert not port_is_free(port)
    PAGE_CLOSED.closed.clear()
    page.goto("about:blank")
    assert PAGE_CLOSED.closed.wait(30)
    assert port_is_free(port)
    report = app.call(_diagnostics, app.host)
    assert report["handles"]["count"] == 0


async def _diagnostics(host: Host) -> Any:
    return host.stash[oro_udp.state.STATE].diagnostics()


@pytest.fixture(scope="module")
def default_app() -> Iterator[ServedApp]:
    """A host with the default policy: no ``udp.allow_private`` entry."""
    with served_app(PLUGINS) as served:
        yield served


def test_a_page_talks_to_its_own_shared_sockets_and_a_closed_port_by_default(
    chromium_browser: Browser, default_app: ServedApp
) -> None:
    """What Oro's own dgram suite does with no config: a server bound with ``reuseAddr`` gets
    the client's datagrams, a send to a port nobody holds calls back without error; a port
    another program holds stays refused."""
    with udp_peer_socket() as service, app_page(chromium_browser, default_app) as page:
        result = in_page(
            page,
            """
            const server = await bound(dgram.createSocket({ type: 'udp4', reuseAddr: true }),
              0, '127.0.0.1')
            const client = dgram.createSocket({ type: 'udp4', reuseAddr: true })
            const got = next(server, 'message')
            client.send('hello', server.address().port, '127.0.0.1')
            const [msg, rinfo] = await got
            const closed = await new Promise((resolve) =>
              client.send('nobody', arg.closed, '127.0.0.1', (err) => resolve(info(err))))
            const refused = await new Promise((resolve) =>
              client.send('x', arg.service, '127.0.0.1', (err) => resolve(info(err))))
            await closeAll(server, client)
            return { msg: msg.toString(), from: rinfo.address, closed, refused }
            """,
            {"closed": free_port(), "service": service.getsockname()[1]},
        )
        service.setblocking(False)
        with pytest.raises(BlockingIOError):
            service.recv(100)
    assert result["msg"] == "hello"
    assert result["from"] == "127.0.0.1"
    assert result["closed"] is None
    assert (result["refused"]["code"], result["refused"]["syscall"]) == ("EACCES", "send")


def udp_peer_socket() -> socket.socket:
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    return peer


def free_port() -> int:
    with udp_peer_socket() as probe:
        port: int = probe.getsockname()[1]
    return port
