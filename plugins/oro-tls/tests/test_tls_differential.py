"""One net/tls script under Node 20 and in a page, against the same Python peers (a TCP echo and
a TLS echo with the test CA's certificate): the JSON each produces must be equal.

Compared as they are: a TCP echo's events in order, bytes and ends; ECONNREFUSED's class, code,
message, errno, syscall, address, port and own keys; Node's argument errors; the ``isIP`` table;
a verified TLS connection's events, ``authorized``, protocol, ALPN and the peer certificate's
subject, issuer, alt names, validity and fingerprints.

The documented differences (docs/tls.md) are asserted explicitly, not normalised away:

- a refused certificate: Node's ``code`` is OpenSSL's name (``CERT_HAS_EXPIRED``); Oro's is
  its own (``CERT_EXPIRED``) with Node's name in ``reason``, and the error is a
  ``CertificateError`` whose message names the host and port;
- a handshake that fails: Node emits ``connect`` and ``ready`` (its TCP connection was made)
  before ``error``; the page's ``tls.connect`` is one request, so only ``error`` and ``close``;
- ``rejectUnauthorized: false``: Node's ``authorizationError`` is the same name as Oro's
  (compared as is).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_tls.plugin
import pytest
from _certs import Certs, PemPair, tcp_echo_server, tls_echo_server
from _page import WAITING
from oro_tls.contexts import TlsMaterial, server_context
from playwright.sync_api import Browser, Page

from conftest import LOOPBACK
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

# A function body with `net`, `tls`, `Buffer` and `arg` ({tcp, closed, tlsPort, expiredPort, ca})
# in scope; its result must be JSON.
SCRIPT = (
    WAITING
    + r"""const info = (e) => e && ({
  name: e.name, code: e.code, message: e.message, errno: e.errno ?? null,
  syscall: e.syscall ?? null, address: e.address ?? null, port: e.port ?? null,
  keys: Object.keys(e).sort()
})
const attempt = (f) => { try { f(); return null } catch (e) { return info(e) } }
const record = (s, events) => {
  for (const name of ['connect', 'ready', 'secureConnect', 'end', 'finish']) {
    s.on(name, () => events.push(name))
  }
  s.on('close', (hadError) => events.push(`close ${hadError}`))
  s.on('error', (e) => events.push(`error ${e.code}`))
  return s
}
const out = {}

const ips = ['127.0.0.1', '1.2.3.4', '01.2.3.4', '1.2.3.256', '1.2.3', '::1', '::',
  '::ffff:1.2.3.4',
  'fe80::1%eth0', 'fe80::1%', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', 'localhost', '',
  ' 1.2.3.4', '2001:db8::', '::ffff:01.2.3.4', 'abcd::12345', 5, null, undefined]
out.isIP = ips.map((ip) => [String(ip), net.isIP(ip), net.isIPv4(ip), net.isIPv6(ip)])

out.args = {
  missing: attempt(() => net.connect()),
  range: attempt(() => net.connect(70000)),
  type: attempt(() => net.connect({ port: true })),
  host: attempt(() => net.connect({ port: 80, host: 5 })),
  timeout: attempt(() => new net.Socket().setTimeout('x')),
  listen: attempt(() => net.createServer().listen(70000))
}

const events = []
const s = record(net.connect(arg.tcp, '127.0.0.1'), events)
out.before = [s.connecting, s.pending, s.readyState]
await next(s, 'connect')
out.ends = [s.remoteAddress, s.remotePort, s.remoteFamily, s.localAddress, s.readyState]
const echoed = []
s.on('data', (chunk) => echoed.push(chunk.toString()))
const got = next(s, 'data')
s.write('hello ')
s.write(Buffer.from('world'))
await got
const closed = next(s, 'close')
s.end()
await closed
out.echo = echoed.join('')
out.events = events
out.bytes = [s.bytesRead, s.bytesWritten]
out.after = [s.readyState, s.destroyed]

const refusedEvents = []
const r = record(net.connect(arg.closed, '127.0.0.1'), refusedEvents)
const [refused] = await next(r, 'error')
await next(r, 'close')
out.refused = info(refused)
out.refusedEvents = refusedEvents

const tlsEvents = []
const t = record(tls.connect({ host: 'localhost', port: arg.tlsPort, ca: arg.ca,
  ALPNProtocols: ['http/1.1'] }), tlsEvents)
await next(t, 'secureConnect')
const cert = t.getPeerCertificate()
out.tls = {
  authorized: t.authorized, authorizationError: t.authorizationError ?? null,
  protocol: t.getProtocol(), alpn: t.alpnProtocol, encrypted: t.encrypted,
  servername: t.servername,
  cert: { subject: cert.subject, issuer: cert.issuer, subjectaltname: cert.subjectaltname,
          valid_from: cert.valid_from, valid_to: cert.valid_to, serialNumber: cert.serialNumber,
          fingerprint256: cert.fingerprint256, raw: cert.raw.toString('base64') }
}
const tlsGot = next(t, 'data')
t.write('over tls')
out.tlsEcho = (await tlsGot)[0].toString()
const tlsClosed = next(t, 'close')
t.end()
t.resume()
await tlsClosed
out.tlsEvents = tlsEvents

const expiredEvents = []
const x = record(tls.connect({ host: 'localhost', port: arg.expiredPort, ca: arg.ca }),
  expiredEvents)
const [expired] = await next(x, 'error')
await next(x, 'close')
out.expired = { name: expired.name, code: expired.code, reason: expired.reason ?? null }
out.expiredEvents = expiredEvents

const y = tls.connect({ host: 'localhost', port: arg.expiredPort, ca: arg.ca,
  rejectUnauthorized: false })
await next(y, 'secureConnect')
out.unauthorized = [y.authorized, y.authorizationError]
const yClosed = next(y, 'close')
y.destroy()
await yClosed
return out
"""
)


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_conduit.plugin, oro_tls.plugin], config=LOOPBACK) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


@contextmanager
def tls_echo(pair: PemPair) -> Iterator[int]:
    context = server_context(TlsMaterial(cert=pair[0], key=pair[1]), alpn=("http/1.1",))
    with tls_echo_server(context) as (_, port):
        yield port


@pytest.fixture
def peers(certs: Certs) -> Iterator[dict[str, Any]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with (
        tcp_echo_server() as (_, tcp),
        tls_echo(certs.server) as tls_port,
        tls_echo(certs.expired) as expired_port,
    ):
        yield {
            "tcp": tcp,
            "closed": closed,
            "tlsPort": tls_port,
            "expiredPort": expired_port,
            "ca": certs.ca_pem,
        }


def in_page(page: Page, arg: dict[str, Any]) -> Any:
    return page.evaluate(
        "async (arg) => { const net = (await import('node:net')).default;"
        " const tls = (await import('node:tls')).default;"
        f" const {{ Buffer }} = await import('node:buffer'); {SCRIPT} }}",
        arg,
    )


def in_node(arg: dict[str, Any], tmp_path: Path) -> Any:
    return run_in_node(
        SCRIPT,
        imports="import net from 'node:net'\nimport tls from 'node:tls'\n"
        "import { Buffer } from 'node:buffer'",
        values={"arg": arg},
        directory=tmp_path,
    )


def test_node_and_the_page_run_the_same_script_alike(
    page: Page, peers: dict[str, Any], tmp_path: Path
) -> None:
    expected = in_node(peers, tmp_path)
    actual = json.loads(json.dumps(in_page(page, peers)))
    # The documented differences, asserted as such.
    node_expired = expected.pop("expired")
    oro_expired = actual.pop("expired")
    assert node_expired == {"name": "Error", "code": "CERT_HAS_EXPIRED", "reason": None}
    assert oro_expired == {
        "name": "CertificateError",
        "code": "CERT_EXPIRED",
        "reason": node_expired["code"],
    }
    # Node's TCP connection is made before the handshake fails; the page's is one request.
    assert expected.pop("expiredEvents") == [
        "connect",
        "ready",
        "error CERT_HAS_EXPIRED",
        "close true",
    ]
    assert actual.pop("expiredEvents") == ["error CERT_EXPIRED", "close true"]
    assert actual == expected
    # The comparison means something only if the round trips happened and errors are the ones meant.
    assert expected["echo"] == "hello world"
    assert expected["tlsEcho"] == "over tls"
    assert expected["tls"]["authorized"] is True
    assert expected["refused"]["code"] == "ECONNREFUSED"
    assert expected["unauthorized"] == [False, "CERT_HAS_EXPIRED"]
