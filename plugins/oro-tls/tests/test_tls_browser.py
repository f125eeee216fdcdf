"""oro:tls in real headless Chromium (a verified connection, certificate errors and abort on
WebKitGTK too) against the real host, with real Python TLS peers and the
test CA of ``_certs``: a verified connection (authorized, protocol, cipher, ALPN, peerPin,
getPeerCertificate), each certificate failure as an ``error`` event with Oro's code,
``rejectUnauthorized: false``, pins right/wrong/misconfigured, mutual TLS both ways (encrypted
keys included), a page TLS server a Python ``ssl`` client connects to, AbortSignal, and the pin
helpers. Every wait waits for an event; every handshake has a timeout."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import oro_conduit.plugin
import oro_tls.plugin
import pytest
from _certs import (
    PASSPHRASE,
    Certs,
    PemPair,
    ServerLog,
    certificate_der,
    openssl_pin,
    tls_client,
    tls_echo_server,
)
from _page import WAITING
from oro_tls.contexts import TlsMaterial, server_context
from oro_tls.pinning import pin_of_pem, spki_pin_of_certificate
from playwright.sync_api import Browser, Page

from conftest import LOOPBACK
from oro_framework.testing import ServedApp, WebKitBrowser, app_page, served_app

PLUGINS = [oro_conduit.plugin, oro_tls.plugin]


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(PLUGINS, config=LOOPBACK) as served:
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


@contextmanager
def echo(
    pair: PemPair, log: ServerLog | None = None, ca: tuple[str, ...] = (), **options: Any
) -> Iterator[int]:
    context = server_context(TlsMaterial(cert=pair[0], key=pair[1], ca=ca), **options)
    with tls_echo_server(context, log=log) as (_, port):
        yield port


# `secured(options)`: resolves with the TLSSocket once `secureConnect`, rejects with the error
# (10 s at most); `failure(options)`: the error event's fields and the events in order.
PRELUDE = (
    """
const tls = (await import('node:tls')).default
const { Buffer } = await import('node:buffer')
"""
    + WAITING
    + """const info = (e) => e && ({ name: e.name, code: e.code, message: e.message,
  reason: e.reason ?? null,
  errno: e.errno ?? null, syscall: e.syscall ?? null, host: e.host ?? null, port: e.port ?? null,
  expectedPins: e.expectedPins ?? null, peerPin: e.peerPin ?? null })
const secured = (options) => within(new Promise((resolve, reject) => {
  const s = tls.connect(options)
  s.once('error', reject)
  s.once('secureConnect', () => { s.removeListener('error', reject); resolve(s) })
}), 10000, 'secureConnect')
const failure = async (options) => {
  const events = []
  const s = tls.connect(options)
  for (const name of ['connect', 'secureConnect']) s.on(name, () => events.push(name))
  const closed = next(s, 'close').then(([hadError]) => events.push(`close ${hadError}`))
  const [error] = await next(s, 'error')
  events.push('error')
  await closed
  return { error: info(error), events }
}
const roundTrip = async (s, text) => {
  const echoed = next(s, 'data')
  s.write(text)
  const [chunk] = await echoed
  return chunk.toString()
}
const ended = async (s) => { const closed = next(s, 'close'); s.end(); s.resume(); await closed }
"""
)


def in_page(page: Page, body: str, arg: Any = None) -> Any:
    return page.evaluate(f"async (arg) => {{ {PRELUDE} {body} }}", arg)


@ON_BOTH
def test_a_verified_connection_reports_what_node_does(page: Page, certs: Certs) -> None:
    with echo(certs.server, alpn=("h2", "http/1.1")) as port:
        result = in_page(
            page,
            """
            const events = []
            const s = tls.connect({ host: '127.0.0.1', port: arg.port, servername: 'localhost',
                                    ca: arg.ca, ALPNProtocols: ['http/1.1'] })
            for (const name of ['connect', 'secureConnect', 'ready']) {
              s.on(name, () => events.push(name))
            }
            await next(s, 'secureConnect')
            const cert = s.getPeerCertificate()
            const out = {
              events, authorized: s.authorized, authorizationError: s.authorizationError,
              protocol: s.getProtocol(), cipher: s.getCipher(), alpn: s.alpnProtocol,
              peerPin: s.peerPin, provider: s.provider, encrypted: s.encrypted,
              servername: s.servername,
              cert: { subjectaltname: cert.subjectaltname, issuer: cert.issuer,
                      rawIsBuffer: Buffer.isBuffer(cert.raw), raw: cert.raw.toString('base64'),
                      pubkey: Buffer.isBuffer(cert.pubkey), valid_to: cert.valid_to,
                      fingerprint256: cert.fingerprint256 },
              echo: await roundTrip(s, 'secret bytes'),
              remote: [s.remoteAddress, s.remotePort]
            }
            await ended(s)
            out.provider2 = await tls.getProvider()
            return out
            """,
            {"port": port, "ca": certs.ca_pem},
        )
    assert result["events"] == ["connect", "ready", "secureConnect"]
    assert result["authorized"] is True
    assert result["authorizationError"] is None
    assert result["protocol"] == "TLSv1.3"
    assert result["cipher"]["version"] == "TLSv1.3"
    assert result["alpn"] == "http/1.1"
    assert result["peerPin"] == pin_of_pem(certs.server[0])
    assert result["provider"] == "openssl"
    assert result["encrypted"] is True
    assert result["servername"] is False  # as Node's client sockets
    assert "DNS:localhost" in result["cert"]["subjectaltname"]
    assert result["cert"]["issuer"]["O"] == "Oro Test CA"
    assert result["cert"]["rawIsBuffer"] is True
    assert result["cert"]["pubkey"] is True
    import base64

    assert base64.b64decode(result["cert"]["raw"]) == certificate_der(certs.server[0])
    assert result["echo"] == "secret bytes"
    assert result["remote"] == ["127.0.0.1", port]
    assert result["provider2"]["provider"] == "openssl"
    assert result["provider2"]["version"].startswith("OpenSSL")


@pytest.mark.parametrize(
    ("pair_name", "code", "reason"),
    [
        ("expired", "CERT_EXPIRED", "CERT_HAS_EXPIRED"),
        ("not_yet_valid", "CERT_NOT_TIME_VALID", "CERT_NOT_YET_VALID"),
        ("wrong_host", "HOSTNAME_MISMATCH", "ERR_TLS_CERT_ALTNAME_INVALID"),
        ("self_signed", "CERT_UNTRUSTED_ROOT", "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ],
)
@ON_BOTH
def test_each_certificate_failure_is_an_error_event_with_oros_code(
    page: Page, certs: Certs, pair_name: str, code: str, reason: str
) -> None:
    pair: PemPair = getattr(certs, pair_name)
    with echo(pair) as port:
        result = in_page(
            page,
            """
            const options = { host: '127.0.0.1', port: arg.port, servername: 'localhost',
                              ca: arg.ca }
            const refused = await failure(options)
            const s = await secured({ ...options, rejectUnauthorized: false })
            const allowed = { authorized: s.authorized, error: s.authorizationError,
                              code: s.authorizationCode, echo: await roundTrip(s, 'still') }
            await ended(s)
            return { refused, allowed }
            """,
            {"port": port, "ca": certs.ca_pem},
        )
    refused = result["refused"]
    assert refused["events"] == ["error", "close true"]
    assert refused["error"]["name"] == "CertificateError"
    assert (refused["error"]["code"], refused["error"]["reason"]) == (code, reason)
    assert (refused["error"]["host"], refused["error"]["port"]) == ("127.0.0.1", port)
    assert result["allowed"] == {
        "authorized": False,
        "error": reason,
        "code": code,
        "echo": "still",
    }


def test_a_certificate_of_an_unknown_ca_is_untrusted(page: Page, certs: Certs) -> None:
    with echo(certs.server) as port:
        result = in_page(
            page,
            "return await failure({ host: 'localhost', port: arg.port, ca: arg.ca })",
            {"port": port, "ca": certs.other_ca_pem},
        )
    assert result["error"]["code"] == "CERT_UNTRUSTED"
    assert result["events"] == ["error", "close true"]


def test_pins_right_wrong_and_misconfigured(page: Page, certs: Certs) -> None:
    right = pin_of_pem(certs.server[0])
    wrong = pin_of_pem(certs.client[0])
    with echo(certs.server) as port:
        result = in_page(
            page,
            """
            const base = { host: '127.0.0.1', port: arg.port, servername: 'localhost', ca: arg.ca }
            const s = await secured({ ...base, pins: [arg.right] })
            const ok = s.peerPin
            await ended(s)
            const unverified = await secured({ ...base, ca: undefined, rejectUnauthorized: false,
                                              pins: arg.right })
            const stillPinned = unverified.peerPin
            await ended(unverified)
            return {
              ok, stillPinned,
              wrong: await failure({ ...base, pins: [arg.wrong] }),
              wrongUnverified: await failure({ ...base, rejectUnauthorized: false,
                                               pins: [arg.wrong] }),
              misconfigured: await failure({ ...base, pins: ['sha256/short'] })
            }
            """,
            {"port": port, "ca": certs.ca_pem, "right": right, "wrong": wrong},
        )
    assert result["ok"] == right
    assert result["stillPinned"] == right
    for name in ("wrong", "wrongUnverified"):
        error = result[name]["error"]
        assert (error["name"], error["code"]) == ("PinError", "PIN_MISMATCH")
        assert error["expectedPins"] == [wrong]
        assert error["peerPin"] == right
        assert result[name]["events"] == ["error", "close true"]
    assert result["misconfigured"]["error"]["code"] == "PIN_MISCONFIGURED"


def test_an_oro_style_connect_callback_hears_of_success_and_failure(
    page: Page, certs: Certs
) -> None:
    """Oro's api/tls.d.ts: `connect(options, cb)` with `cb(err?)` called once on success or
    failure; a Node-style listener without a parameter hears only of success."""
    right = pin_of_pem(certs.server[0])
    wrong = pin_of_pem(certs.client[0])
    with echo(certs.server) as port:
        result = in_page(
            page,
            """
            const base = { host: '127.0.0.1', port: arg.port, servername: 'localhost', ca: arg.ca }
            const outcome = (pins, oroStyle) => within(new Promise((resolve) => {
              const calls = []
              const s = oroStyle
                ? tls.connect({ ...base, pins }, (err) => calls.push(err ? err.code : 'ok'))
                : tls.connect({ ...base, pins }, () => calls.push('ok'))
              s.on('error', (e) => calls.push(`error ${e.code}`))
              s.once('secureConnect', () => queueMicrotask(() => {
                s.once('close', () => resolve(calls))
                s.end()
                s.resume()
              }))
              s.once('close', () => resolve(calls))
            }), 10000, 'close')
            return {
              oroOk: await outcome([arg.right], true),
              oroFailed: await outcome([arg.wrong], true),
              nodeFailed: await outcome([arg.wrong], false)
            }
            """,
            {"port": port, "ca": certs.ca_pem, "right": right, "wrong": wrong},
        )
    assert result == {
        "oroOk": ["ok"],
        "oroFailed": ["PIN_MISMATCH", "error PIN_MISMATCH"],
        "nodeFailed": ["error PIN_MISMATCH"],
    }


def test_the_pin_helpers_round_trip(page: Page, certs: Certs, tmp_path: Path) -> None:
    """Oro's pin helpers with the shapes of Oro's api/tls.d.ts: `{ok, value}`, `{value}`,
    `{host, configured, pins}`, `setTlsPins` appending by default; the pins computed are those
    of Oro's openssl pipeline (TLS_QUICKSTART.md)."""
    right = openssl_pin(certs.server[0], tmp_path)
    other = openssl_pin(certs.client[0], tmp_path)
    result = in_page(
        page,
        """
        const fromPem = await tls.createTlsPinFromCertificatePem(arg.pem)
        const fromDer = await tls.createTlsPinFromCertificateDer(Buffer.from(arg.der, 'base64'))
        const cleared = await tls.clearTlsPins()
        const set = await tls.setTlsPinsForHost('api.example', [fromPem])
        await tls.addTlsPinsForHost('api.example', arg.other)
        const both = await tls.getTlsPinsForHost('api.example')
        const port = await tls.getTlsPinsForHost('api.example:8443')
        await tls.setTlsPinsForHost('api.example', arg.other)
        const replaced = await tls.getTlsPinsForHost('api.example')
        const appended = await tls.setTlsPins([`other.example:8443 ${fromPem}`])
        const value = await tls.getTlsPins()
        await tls.removeTlsPinsForHost('other.example:8443', fromPem)
        const removedOne = await tls.getTlsPinsForHost('other.example:8443')
        await tls.removeTlsPinsForHost('api.example')
        const removed = await tls.getTlsPinsForHost('api.example')
        const replacedAll = await tls.setTlsPins(`z.example ${fromPem}`, { mode: 'replace' })
        let badMode
        try { await tls.setTlsPins('', { mode: 'prepend' }) }
        catch (e) { badMode = [e.name, e.code] }
        let noPins
        try { await tls.setTlsPinsForHost('api.example', []) } catch (e) { noPins = e.name }
        const refusal = async (f) => {
          try { await f() } catch (e) { return [e.name, e.code, e.line ?? null] }
        }
        const badLine = await refusal(() => tls.setTlsPins(['a.example ' + fromPem, 'b.example x']))
        const badHost = await refusal(() => tls.getTlsPinsForHost('no such host'))
        const otherHost = await refusal(() =>
          tls.setTlsPinsForHost('api.example', `b.example ${fromPem}`))
        const named = await tls.setTlsPinsForHost('API.example:8443',
          [`# rotated ; comment`, `api.example:8443 ${fromPem}`, arg.other])
        const provider = await tls.getTlsProvider()
        let webview
        try { await tls.setWebViewTlsPins('a.example ' + fromPem) } catch (e) { webview = e.name }
        await tls.clearTlsPins()
        const empty = await tls.getTlsPins()
        return { fromPem, fromDer, cleared, set, both, port, replaced, appended, value, removedOne,
                 removed, replacedAll, badMode, noPins, provider: provider.provider, webview,
                 empty, server: tls.TLSServer === tls.Server, badLine, badHost, otherHost,
                 named }
        """,
        {
            "pem": certs.server[0],
            "der": __import__("base64").b64encode(certificate_der(certs.server[0])).decode(),
            "other": other,
        },
    )
    assert result["fromPem"] == result["fromDer"] == right
    assert result["cleared"] == {"ok": True, "value": ""}
    assert result["set"] == {"ok": True, "value": f"api.example {right}"}
    assert result["both"] == {"host": "api.example", "configured": True, "pins": [right, other]}
    assert result["port"] == {
        "host": "api.example:8443",
        "configured": True,
        "pins": [right, other],
    }
    assert result["replaced"]["pins"] == [other]
    assert result["appended"]["value"].splitlines() == [
        f"api.example {other}",
        f"other.example:8443 {right}",
    ]
    assert result["value"] == {"value": result["appended"]["value"]}
    assert result["removedOne"] == {"host": "other.example:8443", "configured": False, "pins": []}
    assert result["removed"] == {"host": "api.example", "configured": False, "pins": []}
    assert result["replacedAll"] == {"ok": True, "value": f"z.example {right}"}
    assert result["badMode"] == ["RangeError", "ERR_INVALID_ARG_VALUE"]
    assert result["noPins"] == "TypeError"
    assert result["provider"] == "openssl"
    assert result["webview"] == "NotSupportedError"
    assert result["empty"] == {"value": ""}
    assert result["server"] is True
    assert result["badLine"] == ["TypeError", "TLS_PINS_INVALID", 2]
    assert result["badHost"] == ["TypeError", "TLS_HOST_INVALID", None]
    assert result["otherHost"][:2] == ["TypeError", "TLS_PINS_INVALID"]
    assert result["named"]["value"].splitlines()[-1] == f"api.example:8443 {right} {other}"


def test_a_page_sees_oros_pin_and_handshake_facts(page: Page, certs: Certs, tmp_path: Path) -> None:
    """A pin from Oro's openssl pipeline pins a real server from a page, the SPKI pin too;
    `peerPin` and `handshake` (api/tls.d.ts `TlsHandshakeInfo`) carry Oro's pin."""
    oro_pin = openssl_pin(certs.server[0], tmp_path)
    spki = spki_pin_of_certificate(certificate_der(certs.server[0]))
    with echo(certs.server) as port:
        result = in_page(
            page,
            """
            const base = { host: '127.0.0.1', port: arg.port, servername: 'localhost', ca: arg.ca }
            const s = await secured({ ...base, pins: [arg.oro] })
            const facts = { peerPin: s.peerPin, handshake: s.handshake, protocol: s.protocol,
                            subject: s.subject, sans: s.sans, provider: s.provider }
            await ended(s)
            const k = await secured({ ...base, pins: arg.spki })
            const keyPinned = k.peerPin
            await ended(k)
            return { facts, keyPinned }
            """,
            {"port": port, "ca": certs.ca_pem, "oro": oro_pin, "spki": spki},
        )
    facts = result["facts"]
    assert facts["peerPin"] == facts["handshake"]["peerPin"] == oro_pin
    assert result["keyPinned"] == oro_pin
    assert facts["protocol"] == facts["handshake"]["protocol"] == "TLSv1.3"
    assert facts["provider"] == "openssl"
    assert "DNS:localhost" in facts["sans"]
    assert facts["handshake"]["hostname"] == "localhost"


def test_mutual_tls_from_the_page_with_an_encrypted_key(
    page: Page, certs: Certs, encrypted_pkcs8_key: str
) -> None:
    log = ServerLog()
    with echo(certs.server, log=log, request_cert=True, ca=(certs.ca_pem,)) as port:
        result = in_page(
            page,
            """
            const base = { host: '127.0.0.1', port: arg.port, servername: 'localhost', ca: arg.ca }
            const s = await secured({ ...base, cert: arg.cert, key: arg.key })
            const plain = await roundTrip(s, 'client cert')
            await ended(s)
            const rsa = { ...base, cert: arg.rsaCert, key: arg.encrypted }
            const e = await secured({ ...rsa, passphrase: arg.passphrase })
            const encrypted = await roundTrip(e, 'encrypted key')
            await ended(e)
            return {
              plain, encrypted,
              noPassphrase: await failure(rsa),
              wrongPassphrase: await failure({ ...rsa, passphrase: 'nope' }),
              noCert: await failure(base)
            }
            """,
            {
                "port": port,
                "ca": certs.ca_pem,
                "cert": certs.client[0],
                "key": certs.client[1],
                "rsaCert": certs.rsa_server[0],
                "encrypted": encrypted_pkcs8_key,
                "passphrase": PASSPHRASE,
            },
        )
    assert result["plain"] == "client cert"
    assert result["encrypted"] == "encrypted key"
    assert result["noPassphrase"]["error"]["code"] == "ERR_TLS_PASSPHRASE_REQUIRED"
    assert result["wrongPassphrase"]["error"]["code"] == "ERR_OSSL_BAD_DECRYPT"
    # TLS 1.3: the server's refusal comes right after the handshake, as an error.
    assert result["noCert"]["error"]["code"].startswith("ERR_SSL_")
    assert result["noCert"]["events"][-2:] == ["error", "close true"]


def test_a_page_tls_server_serves_a_python_ssl_client_with_mutual_tls(
    page: Page, certs: Certs
) -> None:
    started = in_page(
        page,
        """
        const server = tls.createServer({ cert: arg.cert, key: arg.key, ca: arg.ca,
                                          requestCert: true, ALPNProtocols: ['x-oro'] })
        window.__server = server
        window.__secure = []
        window.__clientErrors = []
        server.on('tlsClientError', (error) => window.__clientErrors.push(info(error)))
        server.on('secureConnection', (socket) => {
          const cert = socket.getPeerCertificate()
          window.__secure.push({ authorized: socket.authorized, error: socket.authorizationError,
            cn: cert.subject && cert.subject.CN, alpn: socket.alpnProtocol,
            protocol: socket.getProtocol(),
            encrypted: socket.encrypted })
          socket.on('data', (chunk) => socket.end(`tls:${chunk}`))
        })
        await within(new Promise((resolve, reject) => {
          server.once('error', reject)
          server.listen(0, '127.0.0.1', resolve)
        }))
        window.__firstClientError = next(server, 'tlsClientError')
        return server.address().port
        """,
        {"cert": certs.server[0], "key": certs.server[1], "ca": certs.ca_pem},
    )
    client = ssl.create_default_context(cadata=certs.ca_pem)
    client.set_alpn_protocols(["x-oro"])
    cert_file, key_file = _write_pair(certs.client)
    client.load_cert_chain(cert_file, key_file)
    with tls_client(client, ("127.0.0.1", started)) as connection:
        assert connection.selected_alpn_protocol() == "x-oro"
        connection.sendall(b"hello")
        replies = []
        while data := connection.recv(1024):
            replies.append(data)
    assert b"".join(replies) == b"tls:hello"
    # A client without a certificate: the page server's tlsClientError.
    anonymous = ssl.create_default_context(cadata=certs.ca_pem)
    try:
        with tls_client(anonymous, ("127.0.0.1", started)) as refused:
            assert refused.recv(10) == b""
    except (ssl.SSLError, ConnectionError):
        pass  # TLS 1.3: the server's alert, or the connection it closed
    result = in_page(
        page,
        """
        await window.__firstClientError
        const closed = next(window.__server, 'close')
        window.__server.close()
        await closed
        return { secure: window.__secure, clientErrors: window.__clientErrors }
        """,
    )
    assert result["secure"] == [
        {
            "authorized": True,
            "error": None,
            "cn": "client",
            "alpn": "x-oro",
            "protocol": "TLSv1.3",
            "encrypted": True,
        }
    ]
    assert len(result["clientErrors"]) == 1
    assert result["clientErrors"][0]["code"]


@ON_BOTH
def test_an_abort_signal_destroys_a_tls_socket(page: Page, certs: Certs) -> None:
    with echo(certs.server) as port:
        result = in_page(
            page,
            """
            const controller = new AbortController()
            const options = { host: 'localhost', port: arg.port, ca: arg.ca }
            const s = await secured({ ...options, signal: controller.signal })
            const events = []
            s.on('error', (e) => events.push(e.code))
            const closed = next(s, 'close')
            controller.abort()
            await closed
            return { events, destroyed: s.destroyed }
            """,
            {"port": port, "ca": certs.ca_pem},
        )
    assert result == {"events": ["ABORT_ERR"], "destroyed": True}


_files: dict[str, tuple[str, str]] = {}


def _write_pair(pair: PemPair) -> tuple[str, str]:
    """The pair as files (``load_cert_chain`` reads files), made once per process."""
    import tempfile

    key = pair[0][:64]
    if key not in _files:
        directory = tempfile.mkdtemp(prefix="oro-tls-test-")
        cert_file, key_file = f"{directory}/cert.pem", f"{directory}/key.pem"
        with open(cert_file, "w") as handle:
            handle.write(pair[0])
        with open(key_file, "w") as handle:
            handle.write(pair[1])
        _files[key] = (cert_file, key_file)
    return _files[key]
