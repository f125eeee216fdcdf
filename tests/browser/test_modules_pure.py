"""The vendored pure modules (util, assert, url, querystring, string_decoder, path/win32,
stream/web, stream/promises, crypto, console) in a real headless Chromium against the real host.

Each differential test runs one script body twice, under the ``node`` on PATH with Node's own
modules and in a page with the ``node:`` modules the host serves, and compares what each answers.
The property tests generate inputs with hypothesis and send a whole batch to one page evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

import oro_framework.core.platform
from oro_framework.testing import ServedApp, app_page, run_in_node, served_app

# Every module this file is about, by each name it is served under, with exports it must have.
SPECIFIERS: dict[str, list[str]] = {
    "util": ["format", "formatWithOptions", "inspect", "promisify", "callbackify", "inherits",
             "deprecate", "debuglog", "isDeepStrictEqual", "types", "TextEncoder", "TextDecoder",
             "parseArgs", "stripVTControlCharacters", "styleText"],
    "util/types": ["isPromise", "isDate", "isRegExp", "isTypedArray"],
    "sys": ["format", "inspect"],
    "assert": ["ok", "equal", "strictEqual", "deepEqual", "deepStrictEqual", "notEqual",
               "notStrictEqual", "notDeepStrictEqual", "throws", "rejects", "doesNotThrow",
               "match", "fail", "AssertionError", "strict"],
    "assert/strict": ["equal", "deepEqual", "AssertionError"],
    "url": ["URL", "URLSearchParams", "parse", "format", "resolve", "fileURLToPath",
            "pathToFileURL", "domainToASCII", "domainToUnicode"],
    "querystring": ["parse", "stringify", "escape", "unescape", "decode", "encode"],
    "string_decoder": ["StringDecoder"],
    "path/posix": ["join", "resolve", "sep"],
    "path/win32": ["join", "resolve", "parse", "relative", "sep"],
    "stream/web": ["ReadableStream", "WritableStream", "TransformStream", "TextEncoderStream",
                   "TextDecoderStream", "CompressionStream", "DecompressionStream",
                   "ByteLengthQueuingStrategy", "CountQueuingStrategy"],
    "stream/promises": ["pipeline", "finished"],
    "crypto": ["webcrypto", "subtle", "getRandomValues", "randomBytes", "randomUUID",
               "randomInt", "createHash", "createHmac", "timingSafeEqual", "getHashes"],
    "console": ["Console", "log"],
}

# The modules a differential script sees, as namespaces: `import * as util from 'node:util'`
# under Node, `await import('node:util')` in the page.
MODULES = {
    "util": "node:util",
    "assert": "node:assert",
    "url": "node:url",
    "querystring": "node:querystring",
    "string_decoder": "node:string_decoder",
    "path": "node:path",
    "crypto": "node:crypto",
    "stream": "node:stream",
    "streamPromises": "node:stream/promises",
    "consoleModule": "node:console",
    "bufferModule": "node:buffer",
}

NODE_IMPORTS = "\n".join(f"import * as {name} from '{spec}'" for name, spec in MODULES.items())
PAGE_IMPORTS = "".join(f"const {name} = await import('{spec}');" for name, spec in MODULES.items())

# A function body with the modules above in scope (and `input`); its result must be JSON.
# Only behaviour both Node 20 and these modules share (docs/js-api.md lists the differences).
SCRIPT = """
const { Buffer } = bufferModule
// withMessage false: the assert package words this message as an older Node did.
const failure = (fn, withMessage = true) => {
  try { fn() } catch (e) {
    return { name: e.name, code: e.code ?? null, operator: e.operator ?? null,
             generated: e.generatedMessage ?? null, message: withMessage ? e.message : null }
  }
  return 'no error'
}
const values = [1, -0, 12345678901234567890n, NaN, 'text', "it's", null, undefined, Symbol('s'),
  [1, [2, [3, [4]]]], { a: 1, b: { c: { d: { e: 1 } } } }, new Map([[1, { x: 2 }]]),
  new Set(['a']), new Date(0), /re/g, new Uint8Array([1, 2]), function named () {},
  class K {}, Object.create(null), { 'needs quote': 1 }, 'x'.repeat(150),
  Array.from({ length: 120 }, (_, i) => i), [undefined, , 3], new Error('boom').message,
  { get g () { return 1 } }, new WeakMap(), Promise.resolve, Math, new Float64Array([1.5, -0])]
const util_ = {
  inspect: values.map((v) => util.inspect(v)),
  inspectOptions: values.map((v) => util.inspect(v, { depth: 0, compact: false, breakLength: 30,
                                                      sorted: true, maxArrayLength: 5 })),
  colors: util.inspect({ a: [1, 'x', null] }, { colors: true }),
  format: [
    util.format('%s|%d|%i|%f|%j|%o|%O|%%', 'a', 42.5, 42.5, '1.5', { j: [1] }, { o: 1 }, { O: 2 }),
    util.format('%s', { toString () { return 'custom' } }, 'extra', 7),
    util.format(1, 'two', { three: 3 }), util.format('%c%s', 'css', 'x'), util.format('%d', 10n),
    util.formatWithOptions({ compact: false }, '%O', { a: { b: 1 } }),
  ],
  deep: [util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }),
         util.isDeepStrictEqual([1], ['1']), util.isDeepStrictEqual(new Set([1]), new Set([1]))],
  types: [util.types.isPromise(Promise.resolve()), util.types.isDate(new Date()),
          util.types.isRegExp(/x/), util.types.isUint8Array(new Uint8Array())],
  promisified: await util.promisify((a, cb) => cb(null, a * 2))(21),
  strip: util.stripVTControlCharacters('\\u001b[31mred\\u001b[39m'),
  parseArgs: JSON.parse(JSON.stringify(util.parseArgs({ args: ['-f', 'a', '--n', 'p'],
    options: { f: { type: 'string', short: 'f' }, n: { type: 'boolean' } }, allowPositionals: true }))),
}
const assert_ = [
  failure(() => assert.strictEqual(1, 2)),
  failure(() => assert.strictEqual('a\\nb', 'a\\nc'), false),
  failure(() => assert.deepStrictEqual({ a: [1, 2], b: 'x' }, { a: [1, 3], b: 'x' })),
  failure(() => assert.deepEqual({ a: 1 }, { a: 2 }), false),
  failure(() => assert.notStrictEqual(1, 1)),
  failure(() => assert.notDeepStrictEqual({ a: 1 }, { a: 1 })),
  failure(() => assert.equal(1, 2)),
  failure(() => assert.notEqual(1, '1')),
  failure(() => assert.ok(false, 'custom message')),
  failure(() => assert.match('abc', /x/)),
  failure(() => assert.doesNotMatch('abc', /b/)),
  failure(() => assert.fail('boom')),
  failure(() => assert.throws(() => {})),
  failure(() => assert.throws(() => { throw new TypeError('t') }, { message: 'x' })),
  failure(() => assert.doesNotThrow(() => { throw new Error('inner') })),
  failure(() => assert.strict.equal(1, '1')),
  failure(() => assert.ifError(new Error('if'))),
  await assert.rejects(Promise.resolve()).then(() => 'resolved', (e) => [e.name, e.code, e.message]),
  failure(() => assert.ok(true)),
]
const url_ = {
  parse: ['http://u:p@Host.test:8080/p/a/t/h?query=string&a[b]=1&a[b]=2#hash', '//x/y', '/a?b=1',
          'mailto:a@b.test', 'HTTP://EXAMPLE.com/a b', 'https://[::1]:80/x', '?q=1', 'a/b/../c']
    .map((u) => [url.parse(u), url.parse(u, true), url.parse(u, false, true)]),
  format: [url.format({ protocol: 'https', hostname: 'a.test', pathname: '/x', query: { y: [1, 2], z: 'é' } }),
           url.format(url.parse('http://a.test:81/b?c#d')), url.format('http://x.test/a'),
           url.format(new URL('https://u:p@a.test/x?y#z'), { auth: false, fragment: false, search: false })],
  resolve: [['http://a/b/c/d;p?q', '../g'], ['http://a/b/c', '//other/x'], ['/one/two', 'three'],
            ['http://a/b/', '?x'], ['mailto:a@b', 'c']].map(([a, b]) => url.resolve(a, b)),
  files: ['file:///tmp/a%20b/%C3%A9', 'file://localhost/etc/x', 'file:///a/b/'].map((u) => url.fileURLToPath(u)),
  fileErrors: ['file:///a%2Fb', 'https://x/y', 'file://host/x'].map((u) => failure(() => url.fileURLToPath(u))),
  paths: ['/tmp/a b', '/x/?#%\\\\/', '/é/ü'].map((p) => url.pathToFileURL(p).href),
  domains: [url.domainToASCII('español.com'), url.domainToUnicode('xn--espaol-zwa.com'),
            url.domainToASCII('xn--iñvalid.com')],
}
const query_ = {
  parse: ['a=1&a=2&b=x+y', 'a=1&&b=2', '%zz=%E0%A4%A', 'k', '=v', 'a=%F0%9F%98%80', '', 'a[b]=1']
    .map((q) => ({ ...querystring.parse(q) })),
  custom: { ...querystring.parse('a:1;b:2;a:3', ';', ':') },
  limited: { ...querystring.parse('a=1&b=2&c=3', null, null, { maxKeys: 2 }) },
  stringify: [querystring.stringify({ a: [1, 'b'], c: true, d: null, e: 10n, 'é &': 'ø=', f: NaN }),
              querystring.stringify({ x: 'y z' }, ';', ':'), querystring.stringify('scalar')],
  escape: [querystring.escape('a b/é?&'), querystring.unescape('a%20b%2F%C3%A9+'),
           querystring.unescape('a+b', true)],
}
const decoded = (encoding, bytes, step) => {
  const decoder = new string_decoder.StringDecoder(encoding)
  let out = []
  for (let i = 0; i < bytes.length; i += step) out.push(decoder.write(bytes.subarray(i, i + step)))
  out.push(decoder.end())
  return out
}
const text = 'a€😀é\\u0800'
const decoder_ = {
  utf8: [1, 2, 3].map((step) => decoded('utf8', Buffer.from(text), step)),
  utf16le: [1, 3].map((step) => decoded('utf16le', Buffer.from(text, 'utf16le'), step)),
  base64: [1, 2, 4].map((step) => decoded('base64', Buffer.from(text), step)),
  hex: decoded('hex', Buffer.from(text), 1),
  truncated: decoded('utf8', Buffer.from([0xe2, 0x82]), 1),
}
const w = path.win32
const win32_ = {
  join: [['C:\\\\a', '..', 'b/c'], ['\\\\\\\\server\\\\share', 'x'], ['a', '', 'b\\\\..\\\\c']].map((a) => w.join(...a)),
  resolve: [['C:\\\\x', 'y', '..\\\\z'], ['C:\\\\a', 'D:\\\\b', 'c'], ['\\\\\\\\srv\\\\sh\\\\a', '..\\\\..\\\\b']].map((a) => w.resolve(...a)),
  parse: ['C:\\\\a\\\\b.txt', '\\\\\\\\server\\\\share\\\\f', 'rel\\\\x.y.z', 'C:'].map((p) => w.parse(p)),
  relative: [['C:\\\\a\\\\b', 'C:\\\\a\\\\c\\\\d'], ['C:\\\\a', 'D:\\\\a'], ['C:\\\\A\\\\b', 'c:\\\\a\\\\B\\\\c']].map((a) => w.relative(...a)),
  misc: [w.normalize('C:/a//b\\\\..\\\\c'), w.isAbsolute('C:'), w.isAbsolute('\\\\x'),
         w.toNamespacedPath('C:\\\\a'), w.basename('C:\\\\a\\\\b.txt', '.txt'), w.extname('x.tar.gz'),
         w.dirname('C:\\\\a\\\\b'), w.format({ root: 'C:\\\\', name: 'f', ext: '.e' }), w.sep, w.delimiter,
         path.win32.posix === path.posix],
}
const crypto_ = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'].map((algorithm) =>
  ['', 'abc', 'é'.repeat(100), Buffer.from([0, 255, 1])].map((data) => [
    crypto.createHash(algorithm).update(data).digest('hex'),
    crypto.createHash(algorithm).update(data).update('more').digest('base64'),
    crypto.createHmac(algorithm, 'key').update(data).digest('hex'),
    crypto.createHmac(algorithm, Buffer.from('k'.repeat(200))).update(data).digest('base64'),
  ]))
const chunks = []
await streamPromises.pipeline(
  stream.Readable.from(['a', 'b', 'c']),
  new stream.Transform({ transform (chunk, _e, cb) { cb(null, String(chunk).toUpperCase()) } }),
  new stream.Writable({ write (chunk, _e, cb) { chunks.push(String(chunk)); cb() } }))
const broken = await streamPromises.pipeline(
  stream.Readable.from(['a']),
  new stream.Transform({ transform (_c, _e, cb) { cb(new Error('bad chunk')) } }),
  new stream.Writable({ write (_c, _e, cb) { cb() } })).then(() => 'no error', (e) => e.message)
const lines = []
const sink = new stream.Writable({ write (chunk, _e, cb) { lines.push(String(chunk)); cb() } })
const out = new consoleModule.Console({ stdout: sink, stderr: sink })
out.log('%s=%d %o', 'x', 1, { a: [1] }); out.group('G'); out.info('in\\nside'); out.count()
out.count(); out.groupEnd(); out.warn({ b: 'c' }); out.assert(false, 'nope %d', 3); out.assert(0)
out.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 }); out.error(new Map([[1, 2]]))
return { util_, assert_, url_, query_, decoder_, win32_, crypto_,
         streams: { chunks, broken }, console: lines }
"""


@pytest.fixture(scope="module")
def app() -> Iterator[ServedApp]:
    with served_app([oro_framework.core.platform]) as served:
        yield served


@pytest.fixture(scope="module")
def page(chromium_browser: Browser, app: ServedApp) -> Iterator[Page]:
    with app_page(chromium_browser, app) as page:
        yield page


def in_page(page: Page, body: str, value: Any = None) -> Any:
    result = page.evaluate(f"async (input) => {{ {PAGE_IMPORTS} {body} }}", value)
    return json.loads(json.dumps(result))


def in_node(body: str, directory: Path, value: Any = None) -> Any:
    return run_in_node(body, imports=NODE_IMPORTS, values={"input": value}, directory=directory)


def test_every_module_imports_under_each_name_with_its_exports(page: Page) -> None:
    missing = page.evaluate(
        """async (specifiers) => {
            const missing = []
            for (const [name, exports] of Object.entries(specifiers)) {
                const oro = await import(`oro:${name}`)
                const node = await import(`node:${name}`)
                if (oro.default !== node.default) missing.push(`node:${name} is not oro:${name}`)
                for (const key of exports) {
                    if (oro[key] === undefined) missing.push(`oro:${name}.${key}`)
                    if (oro.default[key] === undefined && name !== 'console')
                        missing.push(`oro:${name} default.${key}`)
                }
            }
            return missing
        }""",
        SPECIFIERS,
    )
    assert missing == []


def test_page_and_node_answer_the_same_script_alike(page: Page, tmp_path: Path) -> None:
    expected = in_node(SCRIPT, tmp_path)
    actual = in_page(page, SCRIPT)
    for key in expected:
        assert actual[key] == expected[key], key
    # The comparison means something only if the script did what it meant to.
    assert expected["assert_"][0]["code"] == "ERR_ASSERTION"
    assert expected["crypto_"][2][1][0] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert expected["streams"] == {"chunks": ["A", "B", "C"], "broken": "bad chunk"}
    assert "".join(expected["decoder_"]["utf8"][0]) == "a€😀é\u0800"


def test_page_only_behaviour(page: Page) -> None:
    answer = page.evaluate(
        """async () => {
            const crypto = await import('node:crypto')
            const web = await import('node:stream/web')
            const console = await import('node:console')
            const path = await import('node:path')
            const { Buffer } = await import('node:buffer')
            const bytes = crypto.randomBytes(70000)
            const later = await new Promise((resolve) => {
                let sync = true
                crypto.randomBytes(8, (error, buffer) => resolve([error, buffer.length, sync]))
                sync = false
            })
            const ints = Array.from({ length: 100 }, () => crypto.randomInt(3, 6))
            const compressed = new Blob(['hello hello hello']).stream()
                .pipeThrough(new web.CompressionStream('gzip'))
                .pipeThrough(new web.DecompressionStream('gzip'))
                .pipeThrough(new web.TextDecoderStream())
            let text = ''
            for await (const chunk of compressed) text += chunk
            const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('key'),
                { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
            const signed = Buffer.from(await crypto.subtle.sign('HMAC', key,
                new TextEncoder().encode('abc'))).toString('hex')
            return {
                bytes: [Buffer.isBuffer(bytes), bytes.length, new Set(bytes).size > 200],
                later,
                ints: [Math.min(...ints) >= 3, Math.max(...ints) <= 5, new Set(ints).size],
                uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()),
                webcrypto: crypto.webcrypto === globalThis.crypto,
                stream: web.ReadableStream === globalThis.ReadableStream,
                text,
                signed: signed === crypto.createHmac('sha256', 'key').update('abc').digest('hex'),
                console: console.default === globalThis.console && console.default.Console === console.Console,
                win32: path.win32.sep,
            }
        }"""
    )
    assert answer == {
        "bytes": [True, 70000, True],
        "later": [None, 8, False],
        "ints": [True, True, 3],
        "uuid": True,
        "webcrypto": True,
        "stream": True,
        "text": "hello hello hello",
        "signed": True,
        "console": True,
        "win32": "\\",
    }


# Text without surrogates (hypothesis' default), so that encodeURIComponent never throws.
KEYS = st.text(min_size=0, max_size=12)
QUERY_VALUES = st.one_of(st.text(max_size=12), st.lists(st.text(max_size=8), min_size=2, max_size=4))

PROPERTY_SCRIPT = """
return input.map(({ object, raw, text, cuts, values }) => {
  const encoded = querystring.stringify(object)
  const cutAt = [...new Set(cuts.map((c) => c % (Buffer.from(text).length + 1)))].sort((a, b) => a - b)
  const bytes = bufferModule.Buffer.from(text)
  const decoder = new string_decoder.StringDecoder('utf8')
  let last = 0
  let decoded = ''
  for (const cut of cutAt) { decoded += decoder.write(bytes.subarray(last, cut)); last = cut }
  decoded += decoder.end(bytes.subarray(last))
  return {
    encoded,
    back: { ...querystring.parse(encoded) },
    raw: { ...querystring.parse(raw) },
    decoded,
    inspected: util.inspect(values, { depth: 4 }),
    formatted: util.format(raw, ...values),
    parsed: url.parse(`http://h.test/${raw}`, true).query,
  }
})
""".replace("Buffer.from(text).length", "bufferModule.Buffer.from(text).length")


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(
        st.fixed_dictionaries(
            {
                "object": st.dictionaries(KEYS, QUERY_VALUES, max_size=5),
                "raw": st.text(alphabet="ab=&%+2F3Eé€ ?#;", max_size=20),
                "text": st.text(max_size=20),
                "cuts": st.lists(st.integers(min_value=0, max_value=200), max_size=6),
                "values": st.lists(
                    st.recursive(
                        st.none() | st.booleans() | st.integers() | st.text(max_size=10)
                        | st.floats(allow_nan=False),
                        lambda children: st.lists(children, max_size=3)
                        | st.dictionaries(st.text(max_size=5), children, max_size=3),
                        max_leaves=8,
                    ),
                    max_size=3,
                ),
            }
        ),
        min_size=20,
        max_size=20,
    )
)
def test_generated_inputs_answer_alike_and_round_trip(
    page: Page, tmp_path_factory: pytest.TempPathFactory, batch: list[dict[str, Any]]
) -> None:
    expected = in_node(PROPERTY_SCRIPT, tmp_path_factory.mktemp("node"), batch)
    actual = in_page(page, PROPERTY_SCRIPT, batch)
    assert actual == expected
    for item, answer in zip(batch, actual, strict=True):
        assert answer["decoded"] == item["text"]
        assert answer["back"] == item["object"]
