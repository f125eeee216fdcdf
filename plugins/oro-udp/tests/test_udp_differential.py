"""One dgram script under Node 20 and in a page, against the same Python echo peer: the JSON
each produces (datagrams and rinfo, callbacks, events in order, errors with their class, code,
message, errno, syscall, address, port and own keys) must be equal.

The page's host allows the wildcard address (``udp.allow_any_address``), so that the implicit
bind of ``send``/``connect`` binds where Node binds (loopback-only hosts bind 127.0.0.1). The
script leaves out what oro:dgram does differently on purpose (docs/udp.md, "Differences from
Node"), so the results compare without normalisation:

- ``bind`` with a bad port: Node binds ``port & 0xFFFF`` (or any port for a non-number), the
  page throws ``ERR_SOCKET_BAD_PORT`` (``test_udp_browser.py`` checks it);
- option setters the system refuses after Node's own checks (``setMulticastInterface`` of a
  foreign address, a second ``addMembership``): synchronous throws in Node, ``error`` events in
  the page, which asks the host;
- buffer sizes read right after a setter: the script reads them once an operation queued after
  the setters is done (Node answers at once; the numbers are the same);
- ``address()`` of a socket whose bind failed (Node keeps a descriptor: ``0.0.0.0:0``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_udp.plugin
import pytest
from _udp_peers import EchoPeer, echo_peer
from playwright.sync_api import Browser, Page

from conftest import LOCAL_PEERS
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

# A function body with `dgram` (node:dgram's default export), `Buffer` and `peer` (the echo
# peer's port on 127.0.0.1) in scope; its result must be JSON.
SCRIPT = r"""
const info = (e) => e && ({
  name: e.name, code: e.code, message: e.message, errno: e.errno ?? null,
  syscall: e.syscall ?? null, address: e.address ?? null, port: e.port ?? null,
  keys: Object.keys(e), info: e.info ?? null
})
const attempt = (f) => {
  try { return { value: f() ?? null } } catch (e) { return info(e) }
}
// The (error, bytes) a send's callback gets.
const outcome = (s, ...args) => new Promise((resolve) =>
  s.send(...args, (err, bytes) => resolve([info(err), bytes ?? null])))
const recorded = (s, events) => {
  for (const name of ['listening', 'connect', 'close']) s.on(name, () => events.push(name))
  s.on('error', (e) => events.push(`error ${e.code}`))
  return s
}
const closed = (s) => new Promise((resolve) => s.close(resolve))
const out = {}

out.badType = attempt(() => dgram.createSocket('udp5'))
out.badTypeOption = attempt(() => dgram.createSocket({ type: 'tcp' }))
out.badLookup = attempt(() => dgram.createSocket({ type: 'udp4', lookup: 5 }))

const events = []
const s = recorded(dgram.createSocket('udp4'), events)
out.unbound = {
  address: attempt(() => s.address()),
  remoteAddress: attempt(() => s.remoteAddress()),
  disconnect: attempt(() => s.disconnect()),
  recvBufferSize: attempt(() => s.getRecvBufferSize()),
  broadcast: attempt(() => s.setBroadcast(true)),
  ttl: attempt(() => s.setTTL(5)),
  queue: [s.getSendQueueSize(), s.getSendQueueCount()],
  ref: s.unref() === s && s.ref() === s
}
out.badArgs = {
  sendPortZero: attempt(() => s.send('x', 0, '127.0.0.1')),
  sendPortRange: attempt(() => s.send('x', 65536, '127.0.0.1')),
  sendPortString: attempt(() => s.send('x', 'abc', '127.0.0.1')),
  sendNoPort: attempt(() => s.send('x')),
  connectPort: attempt(() => s.connect(70000)),
  connectNoPort: attempt(() => s.connect()),
  connectAddress: attempt(() => s.connect(peer, 5)),
  buffer: attempt(() => s.send(5, peer, '127.0.0.1')),
  list: attempt(() => s.send([1], peer, '127.0.0.1')),
  address: attempt(() => s.send('x', peer, 5)),
  offset: attempt(() => s.send('abc', 4, 1, peer, '127.0.0.1')),
  length: attempt(() => s.send('abc', 2, 5, peer, '127.0.0.1')),
  ttlType: attempt(() => s.setTTL('a')),
  membership: attempt(() => s.addMembership()),
  bufferSize: attempt(() => s.setRecvBufferSize(-1))
}

await new Promise((resolve) => s.bind({ port: 0, address: '127.0.0.1' }, resolve))
const local = s.address()
out.address = { ...local, port: typeof local.port }
out.bound = {
  again: attempt(() => s.bind(0, '127.0.0.1')),
  ttl0: attempt(() => s.setTTL(0)),
  ttl256: attempt(() => s.setTTL(256)),
  ttl: attempt(() => s.setTTL(64)),
  multicastTTL: attempt(() => s.setMulticastTTL(0)),
  multicastTTL256: attempt(() => s.setMulticastTTL(256)),
  loopback: attempt(() => s.setMulticastLoopback(true)),
  broadcast: attempt(() => s.setBroadcast(true)),
  notMulticast: attempt(() => s.addMembership('1.2.3.4')),
  junkGroup: attempt(() => s.dropMembership('junk')),
  ssmGroup: attempt(() => s.addSourceSpecificMembership('127.0.0.1', '10.1.1.1')),
  interfaceType: attempt(() => s.setMulticastInterface(1)),
  setBufferZero: attempt(() => s.setRecvBufferSize(0))
}

const messages = []
let wanted = 0
let arrived = () => {}
s.on('message', (msg, rinfo) => {
  messages.push([msg.toString('hex').slice(0, 40), rinfo])
  if (messages.length === wanted) arrived()
})
const sent = (...args) => outcome(s, ...args)
const results = []
results.push(await sent('text', peer, '127.0.0.1'))
results.push(await sent(Buffer.from([1, 2, 3]), peer, '127.0.0.1'))
results.push(await sent(new Uint16Array([0x0102, 0x0304]), peer, '127.0.0.1'))
results.push(await sent(new DataView(new Uint8Array([9, 8, 7]).buffer), peer, '127.0.0.1'))
results.push(await sent(['a', Buffer.from('b'), new Uint8Array([99])], peer, '127.0.0.1'))
results.push(await sent('abcdef', 1, 3, peer, '127.0.0.1'))
results.push(await sent('', peer, '127.0.0.1'))
results.push(await sent(Buffer.alloc(65507, 7), peer, '127.0.0.1'))
results.push(await sent(Buffer.alloc(65508), peer, '127.0.0.1'))
results.push(await sent(Buffer.alloc(65508), peer))
results.push(await sent(Buffer.alloc(65508), 0, 65508, peer, '127.0.0.1'))
const all = new Promise((resolve) => { arrived = resolve })
wanted = 8
if (messages.length < wanted) await all
// Sends made without waiting arrive in order.
const burst = new Promise((resolve) => { arrived = resolve })
wanted = 8 + 20
for (let i = 0; i < 20; i++) s.send(`burst ${i}`, peer, '127.0.0.1')
await burst
out.sends = results
out.messages = messages

const taken = recorded(dgram.createSocket('udp4'), [])
const inUse = new Promise((resolve) => taken.once('error', resolve))
taken.bind(peer, '127.0.0.1', () => { out.inUseListening = true })
out.inUse = info(await inUse)

const sizes = dgram.createSocket({ type: 'udp4', recvBufferSize: 65536, sendBufferSize: 32768 })
await new Promise((resolve) => sizes.bind(0, '127.0.0.1', resolve))
out.sizesAtBind = [sizes.getRecvBufferSize(), sizes.getSendBufferSize()]
sizes.setRecvBufferSize(50000)
sizes.setSendBufferSize(40000)
// oro:dgram's sizes are those the host answered: read them once an operation queued after the
// setters is done (Node's are at once; the same numbers).
await new Promise((resolve) => sizes.send('sync', peer, '127.0.0.1', resolve))
out.sizesAfterSet = [sizes.getRecvBufferSize(), sizes.getSendBufferSize()]
await closed(sizes)

const cEvents = []
const c = recorded(dgram.createSocket('udp4'), cEvents)
out.connectTooEarly = attempt(() => {
  c.connect(peer, '127.0.0.1', () => cEvents.push('connect callback'))
  c.send('x')
})
await new Promise((resolve) => c.once('connect', resolve))
out.remote = c.remoteAddress()
out.connectedLocal = c.address().address
out.connected = {
  again: attempt(() => c.connect(peer)),
  withPort: attempt(() => c.send('x', 0, 1, peer, '127.0.0.1')),
  withAddress: attempt(() => c.send('x', 0, 1, undefined, '127.0.0.1'))
}
const echoed = new Promise((resolve) =>
  c.once('message', (msg, rinfo) => resolve([msg.toString(), rinfo])))
out.connectedSend = await outcome(c, 'connected')
out.connectedEcho = await echoed
out.connectedBig = await outcome(c, Buffer.alloc(65508))
c.disconnect()
out.disconnected = {
  remote: attempt(() => c.remoteAddress()),
  again: attempt(() => c.disconnect()),
  noPort: attempt(() => c.send('x'))
}
await closed(c)

const gone = dgram.createSocket('udp4')
await new Promise((resolve) => gone.bind(0, '127.0.0.1', resolve))
const closedPort = gone.address().port
await closed(gone)
const rEvents = []
const r = recorded(dgram.createSocket('udp4'), rEvents)
await new Promise((resolve) => r.connect(closedPort, '127.0.0.1', resolve))
const refused = new Promise((resolve) => r.once('error', resolve))
r.send('anyone?')
out.refused = info(await refused)
r.disconnect()
const still = new Promise((resolve) => r.once('message', (msg) => resolve(msg.toString())))
r.send('still working', peer, '127.0.0.1')
out.afterRefused = await still
await closed(r)
out.refusedEvents = rEvents

const implicit = recorded(dgram.createSocket('udp4'), [])
const implicitListening = new Promise((resolve) =>
  implicit.once('listening', () => resolve(implicit.address())))
implicit.send('implicit', peer, '127.0.0.1')
const implicitLocal = await implicitListening
out.implicit = { address: implicitLocal.address, family: implicitLocal.family }
await closed(implicit)

// address() right after an implicit bind's send (not bound yet), then in the send's callback.
const later = dgram.createSocket('udp4')
const inCallback = new Promise((resolve) =>
  later.send('implicit callback', peer, '127.0.0.1', (err, bytes) => {
    const local = later.address()
    resolve({ err: info(err), bytes, address: local.address, family: local.family,
              port: typeof local.port, keys: Object.keys(local) })
  }))
out.implicitSync = attempt(() => later.address())
out.implicitCallback = await inCallback
await closed(later)

const controller = new AbortController()
const aborted = dgram.createSocket({ type: 'udp4', signal: controller.signal })
await new Promise((resolve) => aborted.bind(0, '127.0.0.1', resolve))
const abortClosed = new Promise((resolve) => aborted.once('close', resolve))
controller.abort()
await abortClosed
out.afterAbort = attempt(() => aborted.address())

await closed(s)
out.closed = {
  again: attempt(() => s.close()),
  send: attempt(() => s.send('x', peer, '127.0.0.1')),
  bind: attempt(() => s.bind(0)),
  address: attempt(() => s.address())
}
out.events = events
out.connectEvents = cEvents
return out
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    config = {**LOCAL_PEERS, "udp.allow_any_address": True}
    with served_app([oro_conduit.plugin, oro_udp.plugin], config=config) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


@pytest.fixture
def echo() -> Iterator[EchoPeer]:
    with echo_peer() as peer:
        yield peer


def in_page(page: Page, body: str, peer: int) -> Any:
    return page.evaluate(
        "async (peer) => { const dgram = (await import('node:dgram')).default;"
        f" const {{ Buffer }} = await import('node:buffer'); {body} }}",
        peer,
    )


def in_node(body: str, peer: int, tmp_path: Path) -> Any:
    return run_in_node(
        body,
        imports="import dgram from 'node:dgram'\nimport { Buffer } from 'node:buffer'",
        values={"peer": peer},
        directory=tmp_path,
    )


def test_node_and_the_page_run_the_same_script_alike(
    page: Page, echo: EchoPeer, tmp_path: Path
) -> None:
    expected = in_node(SCRIPT, echo.port, tmp_path)
    echo.received.clear()
    actual = json.loads(json.dumps(in_page(page, SCRIPT, echo.port)))
    assert actual == expected
    # The comparison means something only if the datagrams made the round trip and the errors
    # are the ones meant.
    assert len(expected["messages"]) == 28
    assert expected["messages"][-1][0] == b"burst 19".hex()
    assert expected["inUse"]["code"] == "EADDRINUSE"
    assert expected["refused"]["code"] == "ECONNREFUSED"
    assert expected["sends"][8][0]["code"] == "EMSGSIZE"
    assert expected["implicitSync"]["code"] == "EBADF"
    assert expected["implicitCallback"]["address"] == "0.0.0.0"
