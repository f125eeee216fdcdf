"""Oro's own names in the core modules (buffer, util, ipc, crypto, os, process, path, mime, test),
in a real headless Chromium against the real host. Each test names the Oro declaration file
(``api/<module>.d.ts`` of the Oro Runtime) it follows; where Node has the module, the same script
also runs under ``node`` and both must answer alike."""

from __future__ import annotations

import json
import re
import resource
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

import oro_framework
import oro_framework.core.os
import oro_framework.core.ping
import oro_framework.core.platform
import oro_framework.core.process
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

PLUGINS = [
    oro_framework.core.ping,
    oro_framework.core.platform,
    oro_framework.core.os,
    oro_framework.core.process,
]
CONFIG = {"build.env": ["APP_MODE", "NODE_DEBUG"]}
ENVIRON = {"APP_MODE": "dev", "NODE_DEBUG": "net,oro*"}


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app(PLUGINS, config=CONFIG, environ=ENVIRON) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def evaluate(page: Page, body: str, value: Any = None) -> Any:
    """``body``, an async function body, run in the page; its JSON answer."""
    return json.loads(json.dumps(page.evaluate(f"async (input) => {{ {body} }}", value)))


# The four ways code imports Buffer: Oro's default is the class (api/buffer.d.ts
# `export default Buffer`), Node's is the module object; both shapes must work.
BUFFER_SHAPES = """
const shapes = {
  named: (await import('{spec}')).Buffer,
  defaultClass: (await import('{spec}')).default,
  defaultObject: (await import('{spec}')).default.Buffer,
  namespace: (await import('{spec}')).Buffer,
}
const answer = {}
for (const [name, B] of Object.entries(shapes)) {
  const made = B.from('héllo')
  answer[name] = [
    made.toString('hex'), B.alloc(3, 1).toString('base64'), B.isBuffer(made),
      B.isBuffer(new Uint8Array(1)),
    B.concat([B.from('a'), B.from('b')]).toString(), B.compare(B.from('a'), B.from('b')),
    B.byteLength('€'), B.isEncoding('base64url'), B.allocUnsafe(4).length,
  ]
}
return answer
"""


def test_every_import_shape_of_buffer_gives_a_working_buffer_class(page: Page) -> None:
    """Oro's api/buffer.d.ts: `export default Buffer` and `export function Buffer`."""
    for spec in ("oro:buffer", "node:buffer"):
        answer = evaluate(page, BUFFER_SHAPES.replace("{spec}", spec))
        expected = ["68c3a96c6c6f", "AQEB", True, False, "ab", -1, 3, True, 4]
        assert answer == dict.fromkeys(
            ("named", "defaultClass", "defaultObject", "namespace"), expected
        )


NODE_BUFFER_SCRIPT = """
const { Buffer } = buffer
return {
  names: ['Buffer', 'SlowBuffer', 'kMaxLength', 'kStringMaxLength', 'INSPECT_MAX_BYTES',
    'constants',
          'isUtf8', 'isAscii', 'atob', 'btoa', 'Blob', 'File'].map((name) => [name,
            typeof buffer[name],
          typeof bufferModule[name]]),
  kMaxLength: buffer.kMaxLength === buffer.constants.MAX_LENGTH,
  maxString: buffer.constants.MAX_STRING_LENGTH === buffer.kStringMaxLength,
  inspectMax: buffer.INSPECT_MAX_BYTES,
  utf8: [buffer.isUtf8(Buffer.from('é')), buffer.isUtf8(new Uint8Array([0xc3])),
         buffer.isAscii(Buffer.from('abc')), buffer.isAscii(Buffer.from('é'))],
  base64: [buffer.btoa('hi'), buffer.atob('aGk=')],
  url: [Buffer.from('/+/+', 'base64').toString('base64url'), Buffer.from('_-8',
    'base64url').toString('hex')],
  reads: (() => { const b = Buffer.alloc(8); b.writeUInt32BE(0xdeadbeef, 0); b.writeInt16LE(-2, 4);
                  return [b.readUInt32BE(0), b.readInt16LE(4), b.toJSON().data] })(),
  slow: buffer.SlowBuffer(2).length,
  blob: await new buffer.Blob([Buffer.from('x')]).text(),
}
"""


def test_node_buffer_answers_as_node_does(page: Page, tmp_path: Path) -> None:
    """`import buffer from 'node:buffer'` reads the module's names off the default object."""
    imports = "import buffer from 'node:buffer'\nimport * as bufferModule from 'node:buffer'"
    expected = run_in_node(NODE_BUFFER_SCRIPT, imports=imports, values={}, directory=tmp_path)
    actual = evaluate(
        page,
        "const buffer = (await import('node:buffer')).default;"
        " const bufferModule = await import('node:buffer');" + NODE_BUFFER_SCRIPT,
    )
    assert actual == expected
    assert expected["utf8"] == [True, False, True, False]


UTIL_SHARED_SCRIPT = """
const type = new util.MIMEType('Text/HTML; Charset="utf-8"; q=1')
type.params.set('x', 'y z')
return {
  mime: [String(type), type.essence, type.subtype, type.params.get('charset'),
    [...type.params.keys()]],
  bad: (() => { try { new util.MIMEType('/') } catch (e) { return [e.name, e.code] } })(),
  plain: [util.isArray([]), util.isDate(new Date()), util.isRegExp(/x/), util.isNull(null),
          util.isUndefined(undefined), util.isNullOrUndefined(null), util.isSymbol(Symbol('s')),
          util.isObject({}), util.isObject(null), util.isError(new TypeError('x')),
            util.isBoolean(false),
          util.isNumber(1), util.isBuffer(Buffer.from('x')), util.isBuffer(new Uint8Array(1))],
}
"""


def test_util_names_node_also_has_answer_as_node(page: Page, tmp_path: Path) -> None:
    """Oro's api/util.d.ts re-exports `MIMEType`/`MIMEParams` and the `is*` checks Node has too."""
    imports = "import util from 'node:util'\nimport { Buffer } from 'node:buffer'"
    expected = run_in_node(UTIL_SHARED_SCRIPT, imports=imports, values={}, directory=tmp_path)
    actual = evaluate(
        page,
        "const util = (await import('node:util')).default;"
        " const { Buffer } = await import('node:buffer');" + UTIL_SHARED_SCRIPT,
    )
    assert actual == expected
    assert expected["bad"] == ["TypeError", "ERR_INVALID_MIME_SYNTAX"]


DEBUGLOG_SCRIPT = """
// Node writes to process.stderr, a page (which has none) to console.error: both are caught.
const lines = []
const capture = (text) => lines.push(String(text).trimEnd().replace(/ \\d+: /, ' <pid>: '))
const original = console.error
console.error = (...args) => capture(util.format(...args))
const stderr = globalThis.process?.stderr
const write = stderr?.write
if (stderr) stderr.write = (chunk) => { capture(chunk); return true }
const on = util.debuglog('oroish')
const off = util.debuglog('other')
const net = util.debug('net')
on('value %d', 1)
off('hidden')
net('n %s', 'x')
console.error = original
if (stderr) stderr.write = write
return { lines, flags: [on.enabled, off.enabled, net.enabled, typeof on] }
"""


def test_debuglog_follows_node_debug_as_node_does(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Node's `util.debuglog` and Oro's `debug(section)` (api/util.d.ts): NODE_DEBUG's sections."""
    monkeypatch.setenv("NODE_DEBUG", ENVIRON["NODE_DEBUG"])
    expected = run_in_node(
        DEBUGLOG_SCRIPT, imports="import util from 'node:util'", values={}, directory=tmp_path
    )
    actual = evaluate(page, "const util = (await import('node:util')).default;" + DEBUGLOG_SCRIPT)
    assert actual == expected
    assert expected == {
        "lines": ["OROISH <pid>: value 1", "NET <pid>: n x"],
        "flags": [True, False, True, "function"],
    }


def test_util_has_oros_helpers_with_oros_behaviour(page: Page) -> None:
    """Oro's api/util.d.ts: compareBuffers, toBuffer, splitBuffer, parseJSON, parseHeaders..."""
    answer = evaluate(
        page,
        """
        const util = await import('oro:util')
        const { Buffer } = await import('oro:buffer')
        const same = util.default === (await import('node:util')).default
        const view = new Uint8Array([9, 1, 2, 3]).subarray(1)
        const viewBuffer = util.toBuffer(view)
        viewBuffer[0] = 7
        let illegal
        try { new util.IllegalConstructor() } catch (e) { illegal = [e.name, e.code] }
        return {
          same,
          compare: [util.compareBuffers('a', 'b'), util.compareBuffers(Buffer.from('b'), 'a'),
                    util.compareBuffers(new Uint8Array([1, 2]), [1, 2])],
          toBuffer: [util.toBuffer('hi').toString('hex'), util.isBuffer(viewBuffer), view[0],
                     util.toBuffer({ toBuffer: () => 'x' }).toString()],
          split: util.splitBuffer('abcdefg', 3).map(String),
          splitEmpty: util.splitBuffer('', 4).map((b) => b.length),
          like: [util.isBufferLike(new ArrayBuffer(1)), util.isBufferLike(new Uint16Array(1)),
                 util.isBufferLike('x'), util.isTypedArray(new Float32Array(1)),
                   util.isTypedArray([])],
          arrayLike: [util.isArrayLike([1]), util.isArrayLike(new Uint8Array(1)),
            util.isArrayLike('ab')],
          views: [util.isArrayBufferView(new DataView(new ArrayBuffer(1))),
            util.isArrayBufferView(Buffer.from('x'))],
          classes: [util.isClass(class A {}), util.isClass(function f () {}),
            util.isFunction(class A {}),
                    util.isFunction(() => 1), util.isAsyncFunction(async () => 1)],
          primitives: [util.isPrimitive('x'), util.isPrimitive(1n), util.isPrimitive({})],
          objects: [util.isPlainObject({}), util.isPlainObject(Object.create(null)),
            util.isPlainObject(new Date()),
                    util.isEmptyObject({}), util.isEmptyObject({ a: 1 }),
                      util.isErrorLike({ name: 'E', message: 'm' }),
                    util.isPromiseLike({ then () {} }), util.isPromiseLike({ then: 1 })],
          json: [util.parseJSON('{"a":[1]}'), util.parseJSON('nope'), util.parseJSON(null),
                 util.parseJSON('{"path":"C:\\\\Users\\\\me"}'.replace(/\\\\\\\\/g, '\\\\'))],
          headers: util.parseHeaders('Content-Type: Text/HTML\\r\\nX-A: b:c\\nbad\\n: empty'),
          headerLines: util.parseHeaders(['A: 1 ', ' B: 2']),
          misc: [util.clamp(5, 0, 3), util.clamp(NaN, 1, 3), util.clamp(-1, 0, 3),
            util.toProperCase('hello'),
                 util.toProperCase(''), util.toString(new Date(0)),
                   util.isValidPercentageValue('50%'),
                 util.isValidPercentageValue('100.0%'), util.isValidPercentageValue('101%'),
                 util.hasOwnProperty({ a: 1 }, 'a'), util.hasOwnProperty({}, 'toString'),
                   util.noop()],
          esm: [util.isESMSource("import x from 'y';"), util.isESMSource('export const a = 1'),
                util.isESMSource('module.exports = 1')],
          symbols: [util.inspectSymbols.map(String), String(util.inspect.ignore),
            typeof util.inspect.custom],
          illegal,
          onDefault: ['compareBuffers', 'toBuffer', 'isBufferLike', 'MIMEType', 'parseJSON']
            .every((name) => typeof util.default[name] === 'function'),
        }
        """,
    )
    assert answer == {
        "same": True,
        "compare": [-1, 1, 0],
        "toBuffer": ["6869", True, 7, "x"],
        "split": ["abc", "def", "g"],
        "splitEmpty": [0],
        "like": [True, True, False, True, False],
        "arrayLike": [True, True, False],
        "views": [True, False],
        "classes": [True, False, False, True, True],
        "primitives": [True, False, False],
        "objects": [True, True, False, True, False, True, True, False],
        "json": [{"a": [1]}, None, None, {"path": "C:\\Users\\me"}],
        "headers": [["content-type", "text/html"], ["x-a", "b:c"]],
        "headerLines": [["a", "1"], ["b", "2"]],
        "misc": [3, 1, 0, "Hello", "", "[object Date]", True, True, False, True, False, None],
        "esm": [True, True, False],
        "symbols": [
            [
                "Symbol(oro.runtime.util.inspect.custom)",
                "Symbol(nodejs.util.inspect.custom)",
            ],
            "Symbol(oro.runtime.util.inspect.ignore)",
            "symbol",
        ],
        "illegal": ["TypeError", "ERR_ILLEGAL_CONSTRUCTOR"],
        "onDefault": True,
    }


def test_split_buffer_refuses_a_size_that_is_not_positive(page: Page) -> None:
    answer = evaluate(
        page,
        """const util = await import('oro:util')
        try { util.splitBuffer('abc', 0) } catch (e) { return [e.name, e.code] }""",
    )
    assert answer == ["TypeError", "ERR_INVALID_ARG_TYPE"]


def _names_a_commit(short: str) -> bool:
    """True when ``short`` names a commit of this checkout (HEAD moves while others commit,
    so the hash the host read at its start is checked against history, not against HEAD)."""
    root = Path(oro_framework.__file__).resolve().parents[1]
    completed = subprocess.run(
        ["git", "-C", str(root), "cat-file", "-t", short], capture_output=True, text=True
    )
    return completed.stdout.strip() == "commit"


def test_ipc_has_oros_low_level_names(page: Page, app: ServedApp) -> None:
    """Oro's api/ipc.d.ts: OK, ERROR, parseSeq, debug, Headers, IPCSearchParams, maybeMakeError,
    findMessageTransfers, emit, resolve, ready, postMessage, primordials.version.hash."""
    answer = evaluate(
        page,
        """
        const ipc = await import('oro:ipc')
        const heard = []
        globalThis.addEventListener('oro-test-emit', (event) => heard.push(event.detail),
          { once: true })
        await ipc.emit('oro-test-emit', encodeURIComponent(JSON.stringify({ a: [1] })))
        const target = new EventTarget()
        target.addEventListener('raw', (event) => heard.push(event.detail), { once: true })
        await ipc.emit('raw', 'not json', target)
        const resolved = new Promise((resolve) => globalThis.addEventListener(
          `resolve-${globalThis.__args.index}-R77`, (event) => resolve(event.detail),
            { once: true }))
        await ipc.resolve('R77', { done: true })
        const pong = await ipc.postMessage('ipc://ping')
        const refused = await ipc.postMessage('ipc://no.such.route?x=1')
        const error = ipc.maybeMakeError({ type: 'NotFoundError', message: 'gone', path: '/a' })
        const plain = new Error('as is')
        const buffer = new ArrayBuffer(4)
        const view = new Uint8Array(8)
        const channel = new MessageChannel()
        const transfers = ipc.findMessageTransfers([], { a: [buffer, view], b: { c: buffer,
          port: channel.port1 },
                                                         m: new Map([['k', view]]) })
        channel.port1.close()
        const params = new ipc.IPCSearchParams({ path: 'a b', n: 1 }, 'nonce-1')
        const bare = new ipc.IPCSearchParams('v')
        const headers = ipc.Headers.from('Content-Type: text/plain\\nX-Count: 2')
        const fromResponse = ipc.Headers.from(new Response('', { headers: { 'x-a': '1' } }))
        const junk = ipc.Headers.from('HTTP/1.1 200 OK\\nBad Name: x\\n\\u001f: y\\nA: 1').toJSON()
        const wasOn = ipc.debug()
        ipc.debug(true)
        const on = [ipc.debug(), ipc.debug.enabled]
        ipc.debug(false)
        return {
          codes: [ipc.OK, ipc.ERROR, ipc.TIMEOUT, typeof ipc.kDebugEnabled],
          seq: [ipc.parseSeq('R12'), ipc.parseSeq(7), String(ipc.parseSeq('R9n',
            { bigint: true }))],
          debug: [wasOn, ...on, ipc.debug()],
          heard,
          resolved: await resolved,
          ready: await ipc.ready(),
          pong: [pong.err, pong.data, pong.source],
          refused: [refused.data, refused.err?.name, refused.err?.code],
          error: [error.name, error.message, error.code, error.path, error instanceof Error,
                  ipc.maybeMakeError(plain) === plain, ipc.maybeMakeError(null)],
          transfers: [transfers.length, transfers[0] === buffer, transfers.includes(view.buffer),
                      transfers.includes(channel.port1)],
          params: [params.get('path'), params.get('n'), params.get('nonce'),
            /^R\\d+$/.test(params.get('seq')),
                   params.get('index') === String(globalThis.__args.index), bare.get('value')],
          headers: [headers.get('content-type'), headers.length, headers.toJSON(),
            fromResponse.get('x-a'),
                    headers instanceof Headers],
          junk,
          hash: ipc.primordials.version.hash,
          onDefault: Object.keys(ipc.default).sort(),
          defaultIsItself: ipc.default.default === ipc.default,
          kDebugEnabled: ipc.kDebugEnabled === Symbol.for('socket.runtime.ipc.debug.enabled'),
        }
        """,
    )
    assert answer == {
        "codes": [0, 1, 32000, "symbol"],
        "seq": [12, 7, "9"],
        "debug": [False, True, True, False],
        "heard": [{"a": [1]}, "not json"],
        "resolved": {"done": True},
        "ready": None,
        "pong": [None, "pong", "ping"],
        "refused": [None, "NotFoundError", "NOT_FOUND_ERR"],
        "error": ["NotFoundError", "gone", "NOT_FOUND_ERR", "/a", True, True, None],
        "transfers": [3, True, True, True],
        "params": ["a b", "1", "nonce-1", True, True, "v"],
        "headers": ["text/plain", 2, {"content-type": "text/plain", "x-count": "2"}, "1", True],
        "junk": {"a": "1"},
        "hash": answer["hash"],
        # Oro's default object: exactly the names Oro's own ipc test lists.
        "onDefault": sorted(
            [
                "ERROR",
                "Headers",
                "Message",
                "OK",
                "Result",
                "TIMEOUT",
                "createBinding",
                "debug",
                "default",
                "emit",
                "findMessageTransfers",
                "kDebugEnabled",
                "maybeMakeError",
                "parseSeq",
                "postMessage",
                "primordials",
                "ready",
                "request",
                "resolve",
                "send",
                "sendSync",
                "write",
            ]
        ),
        "defaultIsItself": True,
        "kDebugEnabled": True,
    }
    assert re.fullmatch(r"[0-9a-f]{8}", answer["hash"])
    assert _names_a_commit(answer["hash"])


def test_the_host_keeps_serving_after_a_refused_post_message(page: Page) -> None:
    answer = evaluate(
        page,
        """const ipc = await import('oro:ipc')
        const bad = await ipc.postMessage('ipc://../../etc/passwd')
        const good = await ipc.postMessage('ipc://ping')
        return [bad.err?.name ?? null, good.data]""",
    )
    assert answer[0] is not None
    assert answer[1] == "pong"


def _second_window(page: Page) -> Page:
    """Another window of the same app in the same browser profile (as an app's second window)."""
    other = page.context.new_page()
    other.add_init_script(
        "globalThis.addEventListener('runtimeinit',"
        " () => { globalThis.__oroInitialised = true }, { once: true })"
    )
    other.goto(page.url)
    other.wait_for_function("() => globalThis.__oroInitialised === true", timeout=15_000)
    return other


def test_ipc_message_ports_and_broadcast_channels_reach_another_window(page: Page) -> None:
    """Oro's api/ipc.d.ts IPCMessageChannel, IPCMessagePort and IPCBroadcastChannel: a port's
    descriptor handed to another window reaches it; a port sent inside a message works there."""
    other = _second_window(page)
    try:
        descriptor = evaluate(
            page,
            """
            const ipc = await import('oro:ipc')
            const channel = new ipc.IPCMessageChannel()
            globalThis.channel = channel
            globalThis.fromOther = new Promise((resolve) => {
              channel.port1.onmessage = (e) => resolve(e.data)
            })
            globalThis.broadcast = new ipc.IPCBroadcastChannel('news')
            globalThis.news = new Promise((resolve) => globalThis.broadcast.addEventListener(
              'message',
              (e) => resolve(e.data), { once: true }))
            return channel.port2.toJSON()
            """,
        )
        evaluate(
            other,
            """
            const ipc = await import('oro:ipc')
            const port = ipc.IPCMessagePort.from(input)
            const back = new ipc.IPCMessageChannel()
            globalThis.back = back
            globalThis.reply = new Promise((resolve) => {
              back.port1.onmessage = (e) => resolve(e.data)
            })
            const { Buffer } = await import('oro:buffer')
            port.postMessage({ hello: 'from the other window', bytes: new Uint8Array([1, 2]),
              port: back.port2, buffer: Buffer.from('hi') })
            const broadcast = new ipc.IPCBroadcastChannel('news')
            await broadcast.postMessage({ headline: 'hi' })
            broadcast.close()
            """,
            descriptor,
        )
        received = evaluate(
            page,
            """
            const message = await globalThis.fromOther
            const ipc = await import('oro:ipc')
            message.port.postMessage('thanks')
            return { hello: message.hello, bytes: [...message.bytes],
              isPort: message.port instanceof ipc.IPCMessagePort,
                     isMessagePort: message.port instanceof MessagePort,
                       news: await globalThis.news,
                     started: globalThis.channel.port1.started,
                     buffer: [message.buffer.toString(),
                              (await import('oro:buffer')).Buffer.isBuffer(message.buffer)] }
            """,
        )
        assert received == {
            "hello": "from the other window",
            "bytes": [1, 2],
            "isPort": True,
            "isMessagePort": True,
            "news": {"headline": "hi"},
            "started": True,
            "buffer": ["hi", True],
        }
        assert evaluate(other, "return await globalThis.reply") == "thanks"
        closed = evaluate(
            page,
            """const ipc = await import('oro:ipc')
            globalThis.channel.port1.close()
            globalThis.broadcast.close()
            let refused
            try { globalThis.channel.port1.postMessage('x') } catch (e) { refused = e.name }
            let constructed
            try { new ipc.IPCMessagePort() } catch (e) { constructed = e.name }
            return [globalThis.channel.port1.closed, refused, constructed]""",
        )
        assert closed == [True, "InvalidStateError", "TypeError"]
    finally:
        other.close()


def test_a_port_queues_messages_until_it_starts(page: Page) -> None:
    """As a MessagePort (and Oro's IPCMessagePort): nothing is delivered before start()."""
    answer = evaluate(
        page,
        """
        const ipc = await import('oro:ipc')
        const { port1, port2 } = new ipc.IPCMessageChannel()
        const seen = []
        port2.addEventListener('message', (event) => seen.push(event.data))
        port1.postMessage(1)
        port1.postMessage(2)
        // A round trip through another channel: both messages have arrived at port2 by then.
        const probe = new ipc.IPCMessageChannel()
        const probed = new Promise((resolve) => { probe.port2.onmessage = resolve })
        probe.port1.postMessage('probe')
        await probed
        const before = [...seen]
        const both = new Promise((resolve) => port2.addEventListener('message', () => {
          if (seen.length === 2) resolve()
        }))
        port2.start()
        await both
        port1.close(); port2.close(); probe.port1.close(); probe.port2.close()
        return { before, after: seen }
        """,
    )
    assert answer == {"before": [], "after": [1, 2]}


CRYPTO_SCRIPT = """
const data = new TextEncoder().encode('abc')
return {
  sha: [await crypto.webcrypto.subtle.digest('SHA-256', data)].map((b) => [...new Uint8Array(b)]),
  hash: crypto.createHash('sha256').update('abc').digest('hex'),
}
"""


def test_crypto_has_oros_names(page: Page, tmp_path: Path) -> None:
    """Oro's api/crypto.d.ts: rand64, createDigest, murmur3 and the random-bytes limits."""
    answer = evaluate(
        page,
        """
        const crypto = await import('oro:crypto')
        const { Buffer } = await import('oro:buffer')
        const draws = Array.from({ length: 64 }, () => crypto.rand64())
        const digest = await crypto.createDigest('SHA-256', new TextEncoder().encode('abc'))
        let bad
        try { crypto.murmur3(42) } catch (e) { bad = [e.name, e.code] }
        return {
          rand: [draws.every((n) => typeof n === 'bigint' && n >= 0n && n < 2n ** 64n),
                 new Set(draws.map(String)).size, draws.some((n) => n >= 2n ** 32n)],
          digest: [digest.toString('hex'), Buffer.isBuffer(digest)],
          murmur: [crypto.murmur3(''), crypto.murmur3('hello'), crypto.murmur3('hello', 1),
                   crypto.murmur3('The quick brown fox jumps over the lazy dog'),
                   crypto.murmur3(new TextEncoder().encode('hello')),
                     crypto.murmur3(new TextEncoder().encode('hello').buffer),
                   crypto.murmur3(new Uint8Array([0, 104, 101, 108, 108, 111]).subarray(1)),
                     crypto.murmur3('€')],
          bad,
          limits: [crypto.RANDOM_BYTES_QUOTA, crypto.MAX_RANDOM_BYTES,
            crypto.MAX_RANDOM_BYTES_PAGES,
                   await crypto.ready],
          onDefault: ['rand64', 'createDigest',
            'murmur3'].every((name) => typeof crypto.default[name] === 'function'),
        }
        """,
    )
    assert answer["rand"] == [True, 64, True]
    assert answer["digest"] == [
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        True,
    ]
    # MurmurHash3 x86_32 reference values (Appleby's smhasher); a string is its UTF-8 bytes.
    assert answer["murmur"] == [
        0,
        0x248BFA47,
        0xBB4ABCAD,
        0x2E4FF723,
        0x248BFA47,
        0x248BFA47,
        0x248BFA47,
        answer["murmur"][7],
    ]
    assert answer["bad"] == ["TypeError", "ERR_INVALID_ARG_TYPE"]
    assert answer["limits"] == [65536, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFF / 65536, None]
    assert answer["onDefault"] is True
    # The digest Oro's createDigest answers is Node's hash of the same bytes.
    node = run_in_node(
        CRYPTO_SCRIPT, imports="import crypto from 'node:crypto'", values={}, directory=tmp_path
    )
    assert node["hash"] == answer["digest"][0]


def test_os_host_and_rusage(page: Page) -> None:
    """Oro's api/os.d.ts `host()` (Oro's OS name) and `rusage()` (the host's getrusage)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    answer = evaluate(
        page,
        """const os = await import('oro:os')
        return { host: os.host(), rusage: os.rusage(), onDefault: typeof os.default.rusage }""",
    )
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert answer["host"] == "linux"
    usage = answer["rusage"]
    assert before.ru_maxrss <= usage["ru_maxrss"] <= after.ru_maxrss
    assert before.ru_utime <= usage["ru_utime"] <= after.ru_utime
    assert answer["onDefault"] == "function"


def test_process_env_is_oros_observable_environment(page: Page) -> None:
    """Oro's api/process.d.ts: `env` is a ProcessEnvironment (set, delete, change events) that
    reads and writes as Node's `process.env`; `env.proxy` is the same object."""
    answer = evaluate(
        page,
        """
        const { env, ProcessEnvironment, ProcessEnvironmentEvent,
          default: process } = await import('oro:process')
        const events = []
        const listen = (event) => events.push([event.type, event.key, event.value,
                                              event instanceof ProcessEnvironmentEvent])
        for (const type of ['set', 'delete', 'change']) env.addEventListener(type, listen)
        const start = { ...env }
        env.EXTRA = 42
        const afterSet = [env.EXTRA, typeof env.EXTRA, Object.keys(env).sort(), 'EXTRA' in env]
        delete env.EXTRA
        delete env.NEVER_SET
        for (const type of ['set', 'delete', 'change']) env.removeEventListener(type, listen)
        env.QUIET = 'x'
        delete env.QUIET
        return {
          start, afterSet, events, json: JSON.stringify(env),
          kinds: [env instanceof ProcessEnvironment, env instanceof EventTarget, env.proxy === env,
                  process.env === env, Object.prototype.toString.call(env)],
        }
        """,
    )
    assert answer == {
        "start": {"APP_MODE": "dev", "NODE_DEBUG": "net,oro*"},
        "afterSet": ["42", "string", ["APP_MODE", "EXTRA", "NODE_DEBUG"], True],
        "events": [
            ["set", "EXTRA", "42", True],
            ["change", "EXTRA", "42", True],
            ["delete", "EXTRA", None, True],
            ["change", "EXTRA", None, True],
        ],
        "json": '{"APP_MODE":"dev","NODE_DEBUG":"net,oro*"}',
        # Node's shape (a plain object), Oro's class and events.
        "kinds": [True, False, True, True, "[object Object]"],
    }


def test_path_has_oros_cwd_path_and_well_known_names(page: Page, app: ServedApp) -> None:
    """Oro's api/path.d.ts: cwd(), Path and the well-known directories on oro:path itself."""
    answer = evaluate(
        page,
        """
        const path = await import('oro:path')
        const wellKnown = await import('oro:path/well-known')
        const relative = path.Path.from('notes/2024/a.tar.gz', '/home/me')
        const absolute = path.Path.from(new URL('file:///srv/x%20y/b.txt'))
        const fromObject = path.Path.from({ pathname: '/a/../b/c.js' })
        let bad
        try { path.Path.from(new URL('https://example.com/x')) } catch (e) { bad = [e.name,
          e.code] }
        return {
          cwd: [path.cwd(), path.default.cwd()],
          relative: [relative.source, relative.value, relative.isRelative, relative.pathname,
            relative.parent,
                     relative.dir, relative.base, relative.name, relative.ext, relative.root,
                       relative.href,
                     String(relative), relative.drive, Object.prototype.toString.call(relative)],
          absolute: [absolute.pathname, absolute.isRelative, absolute.toURL().href,
            absolute.inspect()],
          fromObject: [fromObject.value, fromObject.pathname],
          bad,
          wellKnown: ['HOME', 'DOCUMENTS', 'DOWNLOADS', 'DESKTOP', 'PICTURES', 'MUSIC', 'VIDEOS',
            'RESOURCES',
                      'CONFIG', 'DATA', 'LOG', 'TMP',
                        'MEDIA'].map((name) => path[name] === wellKnown[name]),
          media: path.MEDIA,
          home: path.HOME,
        }
        """,
    )
    cwd = evaluate(page, "return (await import('oro:process')).cwd()")
    assert cwd == str(app.host.paths.resources)
    assert answer["cwd"] == [cwd, cwd]
    assert answer["relative"] == [
        "notes/2024/a.tar.gz",
        "notes/2024/a.tar.gz",
        True,
        "/home/me/notes/2024/a.tar.gz",
        "/home/me/notes/2024",
        "notes/2024",
        "a.tar.gz",
        "a.tar",
        ".gz",
        "",
        "file:///home/me/notes/2024/a.tar.gz",
        "notes/2024/a.tar.gz",
        None,
        "[object Path]",
    ]
    assert answer["absolute"] == [
        "/srv/x y/b.txt",
        False,
        "file:///srv/x%20y/b.txt",
        {"root": "/", "dir": "/srv/x y", "base": "b.txt", "ext": ".txt", "name": "b"},
    ]
    assert answer["fromObject"] == ["/b/c.js", "/b/c.js"]
    assert answer["bad"] == ["TypeError", "ERR_INVALID_ARG_TYPE"]
    assert all(answer["wellKnown"])
    assert answer["media"] is None
    assert answer["home"] == str(Path.home())


def test_mime_lookup_sync_answers_what_lookup_does(page: Page) -> None:
    """Oro's api/mime/index.d.ts `lookupSync()` and `Database#lookupSync()`/`loadSync()`."""
    answer = evaluate(
        page,
        """
        const mime = await import('oro:mime')
        const shape = (results) => results.map((r) => [r.database.name, r.name, r.mime])
        const own = new mime.Database('image')
        const before = own.loaded
        own.loadSync()
        return {
          sync: shape(mime.lookupSync('png')), async: shape(await mime.lookup('png')),
          reverse: shape(mime.lookupSync('text/html')).length > 0,
          database: [before, own.loaded, shape(own.lookupSync('svg'))],
          bad: (() => { try { mime.lookupSync(1) } catch (e) { return [e.name, e.code] } })(),
        }
        """,
    )
    assert answer["sync"] == answer["async"] == [["image", "png", "image/png"]]
    assert answer["reverse"] is True
    assert answer["database"] == [False, True, [["image", "svg", "image/svg+xml"]]]
    assert answer["bad"] == ["TypeError", "ERR_INVALID_ARG_TYPE"]


# Runs `test` calls on a runner of its own (a report into `lines`, no automatic run).
RUN_TESTS = """
const { test, GLOBAL_TEST_RUNNER, TestRunner } = await import('oro:test')
const lines = []
const runner = new TestRunner((line) => lines.push(line))
runner.autoRun = false
"""


def test_oro_test_os_variants_register_only_on_their_os(page: Page) -> None:
    """Oro's api/test/index.d.ts `test.linux`, `test.macosx`... : registered on that OS only."""
    answer = evaluate(
        page,
        """
        const { test, GLOBAL_TEST_RUNNER } = await import('oro:test')
        const lines = []
        GLOBAL_TEST_RUNNER.report = (line) => lines.push(line)
        GLOBAL_TEST_RUNNER.autoRun = false
        const names = ['linux', 'windows', 'win32', 'unix', 'macosx', 'macos', 'mac', 'darwin',
                       'iphone', 'ios', 'android', 'desktop', 'mobile']
        for (const name of names) test[name](`on ${name}`, (t) => t.pass(name))
        test.ios.simulator('on ios simulator', (t) => t.pass('sim'))
        test.iphone.simulator('on iphone simulator', (t) => t.pass('sim'))
        test.android.emulator('on android emulator', (t) => t.pass('emu'))
        await GLOBAL_TEST_RUNNER.run()
        return lines
        """,
    )
    registered = [line for line in answer if line.startswith("# on ")]
    assert registered == ["# on linux", "# on desktop"]
    assert "ok 1 linux" in answer
    assert "ok 2 desktop" in answer


def test_oro_test_dom_helpers_drive_a_real_page(page: Page) -> None:
    """Oro's api/test/index.d.ts DOM helpers on `t`: click, eventClick, dispatchEvent, focus,
    blur, type, appendChild, removeElement, elementVisible/Invisible, waitFor, waitForText,
    querySelector(All), getComputedStyle, requestAnimationFrame, sleep."""
    answer = evaluate(
        page,
        RUN_TESTS
        + """
        document.body.innerHTML = `
          <button id="b">go</button><input id="i"><div id="hidden" style="display:none">x</div>
          <div id="faded" style="opacity:0">y</div><div id="parent"></div>
          <p id="text">Hello <b>World</b></p>`
        const seen = []
        document.querySelector('#b').addEventListener('click', (e) => seen.push(['click',
          e.constructor.name]))
        document.querySelector('#i').addEventListener('input', (e) => seen.push(['input',
          e.target.value]))
        document.querySelector('#i').addEventListener('focus', () => seen.push(['focus']))
        document.querySelector('#i').addEventListener('blur', () => seen.push(['blur']))
        document.body.addEventListener('custom', (e) => seen.push(['custom', e.bubbles]))
        runner.add('dom', async (t) => {
          await t.click('#b')
          await t.eventClick(document.querySelector('#b'))
          await t.dispatchEvent('custom', '#parent')
          await t.focus('#i')
          await t.type('#i', 'hey')
          await t.blur('#i')
          const child = document.createElement('span')
          child.id = 'child'
          child.textContent = 'new'
          await t.appendChild('#parent', child)
          await t.elementVisible('#child')
          await t.elementInvisible('#hidden')
          await t.elementInvisible('#faded')
          await t.removeElement('#child')
          setTimeout(() => { document.querySelector('#hidden').style.display = 'block' }, 0)
          const shown = await t.waitFor('#hidden', { visible: true })
          seen.push(['shown', shown.id])
          setTimeout(() => { document.querySelector('#text b').textContent = 'Oro' }, 0)
          const holder = await t.waitForText('#text', 'Oro')
          seen.push(['text', holder.tagName])
          const whole = await t.waitForText('#text', { text: 'Hello Oro', multipleTags: true })
          seen.push(['whole', whole.id])
          const byRegex = await t.waitForText('#text', /h.llo/i)
          seen.push(['regex', byRegex.tagName])
          const fromFn = await t.waitFor(() => document.querySelector('#parent'),
            'found by function')
          seen.push(['fn', fromFn.id])
          seen.push(['style', t.getComputedStyle('#faded').opacity])
          seen.push(['all', t.querySelectorAll('div').length])
          await t.requestAnimationFrame('a frame')
          await t.sleep(0, 'slept')
        })
        runner.add('timeouts', async (t) => {
          const missing = await t.waitFor('#never', { timeout: 50 }, 'never appears')
          const noText = await t.waitForText('#text', { text: 'absent', timeout: 50 },
            'absent text')
          seen.push(['missing', missing ?? null, noText ?? null])
        })
        const result = await runner.run()
        return { seen, value: document.querySelector('#i').value, result,
                 failures: lines.filter((line) => line.startsWith('not ok')),
                 child: document.querySelector('#child') }
        """,
    )
    assert answer["seen"] == [
        ["click", "PointerEvent"],
        ["click", "MouseEvent"],
        ["custom", True],
        ["focus"],
        ["input", "h"],
        ["input", "he"],
        ["input", "hey"],
        ["blur"],
        ["shown", "hidden"],
        ["text", "B"],
        ["whole", "text"],
        ["regex", "P"],
        ["fn", "parent"],
        ["style", "0"],
        ["all", 3],
        ["missing", None, None],
    ]
    assert answer["value"] == "hey"
    assert answer["child"] is None
    assert answer["failures"] == ["not ok 21 never appears", "not ok 22 absent text"]
    assert answer["result"]["fail"] == 2


# Generated inputs for Oro's parsers, a whole batch per page evaluation. What must hold: no input
# throws; headers come out trimmed, lower-cased and non-empty; a Path is absolute and normal from
# any source; a string hashes as its UTF-8 bytes; a header line and a seq survive a round trip.
PARSERS_SCRIPT = """
const util = await import('oro:util')
const ipc = await import('oro:ipc')
const path = await import('oro:path')
const crypto = await import('oro:crypto')
return input.map(({ text, seq, name, value }) => {
  const headers = util.parseHeaders(text)
  const oroHeaders = ipc.Headers.from(text)
  const parsed = util.parseJSON(text)
  const made = path.Path.from(text, '/base')
  const bytes = new TextEncoder().encode(text)
  return {
    headersClean: headers.every(([n, v]) => n.length > 0 && v.length > 0 && n === n.trim() &&
      v === v.trim() && n === n.toLowerCase() && v === v.toLowerCase()),
    oroHeadersLength: oroHeaders.length === [...oroHeaders.keys()].length,
    json: parsed === null || JSON.stringify(parsed) !== undefined,
    pathAbsolute: made.pathname.startsWith('/') && made.pathname === path.normalize(made.pathname),
    pathSource: made.source === text,
    murmur: crypto.murmur3(text) === crypto.murmur3(bytes),
    murmurRange: Number.isInteger(crypto.murmur3(bytes, seq)) && crypto.murmur3(bytes, seq) >= 0 &&
      crypto.murmur3(bytes, seq) < 2 ** 32,
    seq: ipc.parseSeq(`R${seq}`) === seq &&
      ipc.parseSeq(`R${seq}n`, { bigint: true }) === BigInt(seq),
    header: util.parseHeaders(`${name}: ${value}`),
    split: util.splitBuffer(bytes, 3).reduce((total, part) => total + part.length, 0) ===
      bytes.length,
  }
})
"""

HEADER_NAME = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ-_0123456789", min_size=1, max_size=12
)
HEADER_VALUE = st.text(alphabet="abcXYZ 0123456789;=/,.:", min_size=1, max_size=20).filter(
    lambda value: value.strip() != ""
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(
        st.fixed_dictionaries(
            {
                "text": st.text(max_size=40)
                | st.text(alphabet=':\r\n\\"{}[] abAB/.é', max_size=40),
                "seq": st.integers(min_value=0, max_value=2**40),
                "name": HEADER_NAME,
                "value": HEADER_VALUE,
            }
        ),
        min_size=20,
        max_size=20,
    )
)
def test_oros_parsers_hold_their_invariants_on_generated_input(
    page: Page, batch: list[dict[str, Any]]
) -> None:
    answers = evaluate(page, PARSERS_SCRIPT, batch)
    for item, answer in zip(batch, answers, strict=True):
        header = answer.pop("header")
        assert header == [[item["name"].lower(), item["value"].strip().lower()]], item
        assert all(answer.values()), (item, answer)


def test_oro_ipc_does_not_load_the_buffer_bundle_until_a_port_is_made(
    chromium_browser: Browser, app: ServedApp
) -> None:
    """Every page loads oro:ipc; the Buffer bundle its ports inflate buffers with is loaded only
    when the first port or channel is made."""
    with app_page(chromium_browser, app) as fresh:
        loaded = evaluate(
            fresh,
            """
            const bundles = () => performance.getEntriesByType('resource')
              .map((entry) => new URL(entry.name).pathname)
              .filter((name) => name.includes('buffer'))
            const ipc = await import('oro:ipc')
            const before = bundles()
            const channel = new ipc.IPCMessageChannel()
            const arrived = new Promise((resolve) => { channel.port2.onmessage = resolve })
            channel.port1.postMessage('x')
            await arrived
            channel.port1.close(); channel.port2.close()
            return { before, after: bundles() }
            """,
        )
    assert loaded["before"] == []
    assert "/oro/vendor/buffer.js" in loaded["after"]
