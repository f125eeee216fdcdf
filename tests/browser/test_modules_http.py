"""``oro:http``/``oro:https`` (``node:http``/``node:https``) in a real headless Chromium: the
client over the page's ``fetch``, against a real loopback HTTP server (Python's
``http.server`` on its own port, so another origin: it answers CORS as any server a page may
reach must).

The differential test runs one client script under ``node`` and in the page against the same
server and compares status codes, status messages, the headers the server sets, bodies,
events and errors. What the page cannot do as Node does (which headers fetch lets through,
a refused connection's code) is checked on its own, following Oro's ``api/http.d.ts``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

BIG = bytes(range(256)) * 1200  # 300 KiB: many chunks on both sides


class Handler(BaseHTTPRequestHandler):
    """The test server: CORS for any origin, and one behaviour per path."""

    protocol_version = "HTTP/1.1"
    release = threading.Event()  # /hold answers once the test sets it

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "*")

    def _answer(self, status: int, body: bytes, reason: str | None = None, **headers: str) -> None:
        self.send_response(status, reason)
        self._cors()
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "*")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Node streams a body without Content-Length in chunks.
        body = b""
        while size := int(self.rfile.readline().split(b";")[0], 16):
            body += self.rfile.read(size)
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        return body

    def do_GET(self) -> None:
        self._route(b"")

    def do_HEAD(self) -> None:
        self._route(b"")

    def do_POST(self) -> None:
        self._route(self._body())

    def do_PUT(self) -> None:
        self._route(self._body())

    def do_PATCH(self) -> None:
        self._route(self._body())

    def _route(self, body: bytes) -> None:
        if self.path == "/hello":
            self._answer(200, b"hello", Content_Type="text/plain", X_Custom="yes")
        elif self.path.startswith("/echo"):
            echoed = {
                "method": self.command,
                "path": self.path,
                "body": body.decode("latin-1"),
                "contentType": self.headers.get("Content-Type"),
                # Node sends a repeated header as repeated lines, fetch as one joined line.
                "xTest": ", ".join(self.headers.get_all("X-Test") or []),
                "authorization": self.headers.get("Authorization"),
            }
            self._answer(200, json.dumps(echoed).encode(), Content_Type="application/json")
        elif self.path == "/teapot":
            self._answer(418, b"short and stout", "Short And Stout", Content_Type="text/plain")
        elif self.path == "/missing":
            self._answer(404, b"", Content_Type="text/plain")
        elif self.path == "/big":
            self._answer(200, BIG, Content_Type="application/octet-stream")
        elif self.path == "/headers":
            received = {name.lower(): value for name, value in self.headers.items()}
            self._answer(200, json.dumps(received).encode(), Content_Type="application/json")
        elif self.path == "/hold":
            Handler.release.wait()
            # The pages that asked have aborted or timed out by now: their connections may be
            # gone, which is what those tests check, not an error of this server.
            with contextlib.suppress(ConnectionError):
                self._answer(200, b"late", Content_Type="text/plain")
        else:
            self._answer(500, b"unknown path")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        Handler.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.platform]) as served:
        yield served


@pytest.fixture
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


# The client script: `http` and `https` (Node's or the page's) and `base` (the server's URL)
# are in scope; answers JSON.
SCRIPT = r"""
const url = new URL(base)
const events = (req, names = ['socket', 'prefinish', 'finish', 'response', 'abort', 'timeout',
                              'error', 'close']) => {
  const seen = []
  for (const name of names) {
    req.on(name, (value) => seen.push(
      name === 'error' ? `error ${value.code} ${value.message}` : name))
  }
  return seen
}
const collect = (res, seen) => new Promise((resolve, reject) => {
  const chunks = []
  res.on('data', (chunk) => { seen.push('data'); chunks.push(chunk) })
  res.on('end', () => seen.push('end'))
  res.on('close', () => { seen.push('res close'); resolve(Buffer.concat(chunks)) })
  res.on('error', reject)
})
const closed = (req) => new Promise((resolve) => req.once('close', resolve))
const pick = (headers, names) =>
  Object.fromEntries(names.map((name) => [name, headers[name] ?? null]))
const { Buffer } = await import(typeof window === 'undefined' ? 'node:buffer' : 'oro:buffer')
const out = {}

// A GET with http.get and a callback.
{
  let seen
  const done = new Promise((resolve) => {
    const req = http.get(base + '/hello', async (res) => {
      seen.push('callback')
      const body = await collect(res, seen)
      resolve({
        status: res.statusCode, message: res.statusMessage, body: body.toString(),
        headers: pick(res.headers, ['content-type', 'content-length', 'x-custom']),
        raw: res.rawHeaders.map((v, i) => i % 2 ? v : v.toLowerCase())
          .reduce((pairs, v, i, all) => i % 2 ? pairs : [...pairs, [v, all[i + 1]]], [])
          .filter(([name]) => ['content-type', 'x-custom'].includes(name)).sort(),
        complete: res.complete, version: res.httpVersion, isBuffer: Buffer.isBuffer(body),
        url: res.url, method: res.method, aborted: res.aborted,
        distinct: res.headersDistinct['x-custom'], hasHeader: typeof res.headers === 'object'
      })
    })
    seen = events(req)
  })
  out.get = await done
  await new Promise((resolve) => setTimeout(resolve, 20))
  out.getEvents = seen
}

// A POST with request(options), headers, two writes, and `end(chunk)`.
{
  const req = http.request({
    hostname: url.hostname, port: url.port, path: '/echo?q=1', method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Test': ['a', 'b'] }, auth: 'user:pa ss'
  })
  out.requestState = [req.method, req.path, req.getHeader('content-type'), req.getHeader('X-TEST'),
    req.hasHeader('x-test'), req.getHeaderNames().sort(), req.headersSent, req.writableEnded]
  req.setHeader('X-Removed', '1')
  req.removeHeader('x-removed')
  out.afterRemove = [req.hasHeader('x-removed'), req.getHeader('x-removed') ?? null]
  const seen = events(req)
  const requestClosed = closed(req)
  const response = new Promise((resolve) => req.on('response', resolve))
  req.write('{"a":')
  req.write(Buffer.from('1'))
  req.end('}')
  out.headersSentAfterEnd = await new Promise((resolve) =>
    req.once('finish', () => resolve(req.headersSent)))
  try { req.setHeader('x-late', '1'); out.lateHeader = null } catch (e) {
    out.lateHeader = [e.code, e.message]
  }
  const res = await response
  res.setEncoding('utf8')
  let text = ''
  for await (const chunk of res) text += chunk
  out.post = { status: res.statusCode, echoed: JSON.parse(text), typeOfChunk: typeof text }
  await requestClosed
  out.postEvents = seen
}

// PUT and PATCH with bodies (Node sends DELETE's body without a length: left out); status
// codes and messages the server chose.
for (const method of ['PUT', 'PATCH']) {
  out[method] = await new Promise((resolve) => {
    const req = http.request(base + '/echo', { method }, async (res) => {
      resolve(JSON.parse((await collect(res, [])).toString()).body)
    })
    req.end(method.toLowerCase() + ' body')
  })
}
for (const path of ['/teapot', '/missing']) {
  out[path] = await new Promise((resolve) => {
    http.get(new URL(path, base), async (res) => {
      const body = (await collect(res, [])).toString()
      resolve([res.statusCode, res.statusMessage, body, http.STATUS_CODES[res.statusCode]])
    })
  })
}

// A large body arrives whole, as Buffers.
out.big = await new Promise((resolve) => {
  http.get(base + '/big', async (res) => {
    const body = await collect(res, [])
    let sum = 0
    for (const byte of body) sum = (sum + byte) % 65521
    resolve([body.length, sum, res.headers['content-length']])
  })
})

// destroy() before the response: Node's "socket hang up".
{
  const req = http.request(base + '/hello')
  const seen = events(req)
  req.end()
  req.destroy()
  await closed(req)
  out.destroyed = [seen, req.destroyed]
}
// destroy(error) with the caller's error.
{
  const req = http.get(base + '/hello')
  const seen = events(req)
  req.destroy(Object.assign(new Error('mine'), { code: 'EMINE' }))
  await closed(req)
  out.destroyedWithError = seen
}
// abort(), deprecated: `abort` and `close`, no error.
{
  const req = http.get(base + '/hello')
  const seen = events(req)
  req.abort()
  await closed(req)
  await new Promise((resolve) => setTimeout(resolve, 20))
  out.aborted = [seen, req.aborted]
}
// An AbortSignal ends the request with an AbortError.
{
  const controller = new AbortController()
  const req = http.get(base + '/hold', { signal: controller.signal })
  // No `finish`: the page's request finishes when its answer comes (see docs/js-api.md).
  const seen = events(req, ['socket', 'response', 'error', 'close'])
  req.once('socket', () => controller.abort())
  await closed(req)
  out.signal = seen.map((e) => e.split(' ').slice(0, 2).join(' '))
}
// A timeout emits `timeout`; the request goes on until destroyed.
{
  const req = http.get(base + '/hold', { timeout: 30 })
  const seen = events(req, ['socket', 'response', 'timeout', 'error', 'close'])
  req.on('timeout', () => req.destroy())
  await closed(req)
  out.timeout = seen
}

// The request destroyed while its body arrives: the response is `aborted`, its error
// ECONNRESET "aborted" for a listener.
{
  const seen = []
  await new Promise((resolve) => {
    const req = http.get(base + '/big', (res) => {
      res.once('data', () => req.destroy())
      res.on('aborted', () => seen.push('aborted'))
      res.on('error', (error) => seen.push(`error ${error.code} ${error.message}`))
      res.on('close', () => { seen.push(`close ${res.aborted} ${res.complete}`); resolve() })
    })
    req.on('error', (error) => seen.push(`req error ${error.code}`))
  })
  out.cutShort = seen
}

// Validation, as Node's.
// A request made only to see whether it is refused: never sent.
const made = (req) => { req.on('error', () => {}); req.destroy(); return req }
const attempt = (work) => {
  try { work(); return ['ok'] } catch (e) { return [e.code, e.name, e.message] }
}
out.validate = [
  attempt(() => http.validateHeaderName('x-ok')),
  attempt(() => http.validateHeaderName('bad name')),
  attempt(() => http.validateHeaderName('')),
  attempt(() => http.validateHeaderValue('x-a', undefined)),
  attempt(() => http.validateHeaderValue('x-a', 'line\nbreak')),
  attempt(() => http.validateHeaderValue('x-a', 'tab\tok')),
  attempt(() => made(http.request(base + '/hello', { method: 'GET IT' }))),
  attempt(() => made(http.request({ host: url.hostname, port: url.port, path: '/a b' }))),
  attempt(() => made(http.request('ftp://127.0.0.1/x'))),
  attempt(() => made(https.request(base + '/hello'))),
  attempt(() => made(http.request(base + '/hello')).setHeader('bad name', 'x')),
  attempt(() => made(http.request(base + '/hello')).setHeader('x-a', 'v\u0100'))
]
out.tables = [http.METHODS, http.STATUS_CODES, http.maxHeaderSize]
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
out.agents = [http.globalAgent instanceof http.Agent, http.globalAgent.defaultPort,
  https.globalAgent.defaultPort, https.globalAgent instanceof https.Agent, agent.keepAlive,
  agent.maxSockets, agent.getName({ host: 'h', port: 1 }), typeof https.request, typeof https.get]
// Node keeps idle keep-alive sockets open (its process would wait for them); a page has none.
http.globalAgent.destroy()
return out
"""

NODE_IMPORTS = "import http from 'node:http'\nimport https from 'node:https'"

PAGE = """async (base) => {
  const http = (await import('node:http')).default
  const https = (await import('node:https')).default
  %s
}"""


def test_the_client_answers_as_nodes(page: Page, server: str, tmp_path: Any) -> None:
    Handler.release.clear()
    expected = run_in_node(
        SCRIPT, imports=NODE_IMPORTS, values={"base": server}, directory=tmp_path
    )
    Handler.release.set()
    Handler.release.clear()
    actual = json.loads(json.dumps(page.evaluate(PAGE % SCRIPT, server)))
    Handler.release.set()
    assert actual == expected
    # What the script saw, so that a change making both sides wrong alike is caught too.
    assert expected["get"]["body"] == "hello"
    assert expected["post"]["echoed"]["body"] == '{"a":1}'
    assert expected["post"]["echoed"]["xTest"] == "a, b"
    assert expected["/teapot"][:2] == [418, "Short And Stout"]
    assert expected["big"][0] == len(BIG)
    assert expected["destroyed"][0] == ["error ECONNRESET socket hang up", "close"]


def test_the_page_sends_what_fetch_allows(page: Page, server: str) -> None:
    """Oro's ``api/http.d.ts`` client goes through the page's fetch: headers fetch forbids
    (``Host``, ``Connection``, ``Cookie``...) are dropped, Chromium keeps its ``User-Agent``,
    the page's cookies are never sent, and the others arrive as set."""
    answer = page.evaluate(
        """async (base) => {
          const http = (await import('oro:http')).default
          document.cookie = 'session=secret; path=/'
          return await new Promise((resolve, reject) => {
            const req = http.request(base + '/headers', {
              headers: { Host: 'example.com', Connection: 'close', Cookie: 'a=b',
                         'X-Kept': 'yes', 'User-Agent': 'mine/1' } }, (res) => {
              let text = ''
              res.setEncoding('utf8')
              res.on('data', (chunk) => { text += chunk })
              res.on('end', () => resolve(JSON.parse(text)))
            })
            req.on('error', reject)
            req.end()
          })
        }""",
        server,
    )
    assert answer["host"] == server.removeprefix("http://")
    assert answer["x-kept"] == "yes"
    # Chromium keeps its own User-Agent (the Fetch standard would allow a page's).
    assert answer["user-agent"] != "mine/1"
    assert "cookie" not in answer
    assert answer.get("connection") != "close"


def test_a_refused_connection_is_an_error_event(page: Page) -> None:
    """Node says ``ECONNREFUSED``; fetch cannot tell a refused connection from a CORS or DNS
    failure, so the page's error has code ``ERR_NETWORK`` with ``hostname`` and ``port``."""
    # A port nothing listens on: one the OS handed out, closed again.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answer = page.evaluate(
        """async (port) => {
          const http = await import('oro:http')
          const req = http.get(`http://127.0.0.1:${port}/x`)
          const seen = []
          for (const name of ['socket', 'finish', 'response', 'error', 'close']) {
            req.on(name, (value) => seen.push(name === 'error'
              ? [value.code, value.hostname, value.port, value instanceof Error] : name))
          }
          await new Promise((resolve) => req.once('close', resolve))
          return seen
        }""",
        port,
    )
    assert answer == ["socket", ["ERR_NETWORK", "127.0.0.1", port, True], "close"]


def test_https_goes_over_tls(page: Page, server: str) -> None:
    """``oro:https`` asks for ``https:``: a plain HTTP server cannot answer it, so the request
    fails (the browser's TLS handshake fails), and the same server answers ``oro:http``."""
    answer = page.evaluate(
        """async (base) => {
          const https = await import('node:https')
          const req = https.get(base.replace('http:', 'https:') + '/hello')
          const seen = []
          req.on('response', () => seen.push('response'))
          req.on('error', (error) => seen.push(error.code))
          await new Promise((resolve) => req.once('close', resolve))
          return [seen, req.url.startsWith('https://'), req.protocol, req.agent.defaultPort]
        }""",
        server,
    )
    assert answer == [["ERR_NETWORK"], True, "https:", 443]


def test_servers_are_not_supported(page: Page) -> None:
    """Oro's ``api/http.d.ts`` ``createServer`` serves from a service worker's fetch events;
    here it is a typed ``NotSupportedError``, as constructing ``Server`` is."""
    answer = page.evaluate(
        """async () => {
          const http = await import('oro:http')
          const https = await import('oro:https')
          const codes = []
          for (const work of [() => http.createServer(() => {}), () => new http.Server(),
                              () => https.createServer(), () => new http.ServerResponse(),
                              () => new http.Connection(),
                              () => http.globalAgent.createConnection()]) {
            try { work(); codes.push('ok') } catch (e) { codes.push([e.name, e.code]) }
          }
          return codes
        }"""
    )
    assert answer == [["NotSupportedError", "NOT_SUPPORTED_ERR"]] * 6
