// The vendored pure modules and their glue, against Node's own modules where Node has the same
// function (the page runs the same code: these modules use only browser APIs).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as nodeUtil from 'node:util'
import nodeAssert from 'node:assert'
import * as nodeUrl from 'node:url'
import nodeQuerystring from 'node:querystring'
import nodePath from 'node:path'
import * as nodeCrypto from 'node:crypto'
import { StringDecoder as NodeStringDecoder } from 'node:string_decoder'
import { Writable as NodeWritable } from 'node:stream'
import { Console as NodeConsole } from 'node:console'

import * as util from '../util.js'
import * as utilTypes from '../util/types.js'
import * as sys from '../sys.js'
import oroAssert, { AssertionError } from '../assert.js'
import * as strict from '../assert/strict.js'
import * as url from '../url.js'
import querystring from '../querystring.js'
import { StringDecoder } from '../string_decoder.js'
import path from '../path.js'
import * as win32 from '../path/win32.js'
import * as posix from '../path/posix.js'
import * as web from '../stream/web.js'
import * as streamPromises from '../stream/promises.js'
import { Readable, Writable } from '../stream.js'
import * as crypto from '../crypto.js'
import oroConsole, { Console } from '../console.js'
import { Buffer } from '../buffer.js'

const VALUES = [
  1, -0, 1n, NaN, 'text', "it's", null, undefined, Symbol('s'), [1, [2, [3, [4]]]],
  { a: 1, b: { c: { d: { e: 1 } } } }, new Map([[1, { x: 2 }]]), new Set(['a']), new Date(0),
  /re/g, new Uint8Array([1, 2]), function named () {}, class K {}, Object.create(null),
  { 'needs quote': 1 }, 'x'.repeat(200), Array.from({ length: 120 }, (_, i) => i)
]

test('util.inspect and util.format answer as Node does', () => {
  for (const value of VALUES) {
    assert.equal(util.inspect(value), nodeUtil.inspect(value))
    assert.equal(util.inspect(value, { depth: 0, compact: false, breakLength: 40 }), nodeUtil.inspect(value, { depth: 0, compact: false, breakLength: 40 }))
  }
  const args = ['%s|%d|%i|%f|%j|%o|%O|%%|%c', 'a', 42.5, 42.5, '1.5', { j: [1] }, { o: 1 }, { O: 2 }, 'css', 'extra', 7]
  assert.equal(util.format(...args), nodeUtil.format(...args))
  assert.equal(util.formatWithOptions({ colors: true }, '%O', { a: 1 }), nodeUtil.formatWithOptions({ colors: true }, '%O', { a: 1 }))
  assert.equal(util.inspect.custom, nodeUtil.inspect.custom)
})

test('util.promisify honours Node\'s custom symbol and callbackify reports rejections', async () => {
  assert.equal(util.promisify.custom, nodeUtil.promisify.custom)
  const custom = () => {}
  custom[nodeUtil.promisify.custom] = async () => 'custom'
  assert.equal(await util.promisify(custom)(), 'custom')
  const add = (a, b, callback) => queueMicrotask(() => callback(null, a + b))
  assert.equal(await util.promisify(add)(2, 3), 5)
  const fail = (callback) => callback(new Error('no'))
  await assert.rejects(util.promisify(fail)(), /no/)
  assert.throws(() => util.promisify(1), { code: 'ERR_INVALID_ARG_TYPE', message: /"original" argument must be of type function/ })
  const reason = await new Promise((resolve) => util.callbackify(async () => { throw new Error('r') })((error) => resolve(error)))
  assert.equal(reason.message, 'r')
})

test('util.styleText, parseArgs, isDeepStrictEqual, types and the encoders', () => {
  assert.equal(util.styleText('red', 'x', { validateStream: false }), nodeUtil.styleText('red', 'x', { validateStream: false }))
  assert.equal(util.styleText(['bold', 'green'], 'x', { validateStream: false }), nodeUtil.styleText(['bold', 'green'], 'x', { validateStream: false }))
  const terminal = { isTTY: false, write () {} }
  assert.equal(util.styleText('red', 'x', { stream: terminal }), 'x')
  assert.throws(() => util.styleText('nope', 'x'), { code: 'ERR_INVALID_ARG_VALUE' })
  const config = { args: ['-f', 'a', '--flag', 'pos'], options: { f: { type: 'string', short: 'f' }, flag: { type: 'boolean' } }, allowPositionals: true }
  assert.deepEqual({ ...util.parseArgs(config) }, { ...nodeUtil.parseArgs(config) })
  assert.equal(util.isDeepStrictEqual({ a: [1] }, { a: [1] }), true)
  assert.equal(util.isDeepStrictEqual({ a: 1 }, { a: '1' }), false)
  for (const value of [new Map(), new Set(), Promise.resolve(), /x/, new Date(), new Uint8Array(1), new ArrayBuffer(1), async () => {}, new Error('e')]) {
    for (const name of ['isMap', 'isSet', 'isPromise', 'isRegExp', 'isDate', 'isUint8Array', 'isArrayBuffer', 'isAsyncFunction', 'isNativeError', 'isTypedArray']) {
      assert.equal(util.types[name](value), nodeUtil.types[name](value), `${name}(${nodeUtil.inspect(value)})`)
      assert.equal(utilTypes[name], util.types[name])
    }
  }
  assert.equal(util.TextEncoder, globalThis.TextEncoder)
  assert.equal(sys.default, util.default)
})

test('assert fails with Node\'s AssertionError: code, name, operator and message', async () => {
  const cases = [
    () => oroAssert.strictEqual(1, 2), () => oroAssert.deepStrictEqual({ a: [1, 2] }, { a: [1, 3] }),
    () => oroAssert.ok(0, 'custom'), () => oroAssert.equal(1, 2), () => oroAssert.notStrictEqual(1, 1),
    () => oroAssert.match('abc', /x/), () => oroAssert.fail('boom'), () => strict.equal(1, '1'),
    () => oroAssert.throws(() => {}), () => oroAssert.throws(() => { throw new TypeError('t') }, { message: 'x' })
  ]
  const nodeCases = [
    () => nodeAssert.strictEqual(1, 2), () => nodeAssert.deepStrictEqual({ a: [1, 2] }, { a: [1, 3] }),
    () => nodeAssert.ok(0, 'custom'), () => nodeAssert.equal(1, 2), () => nodeAssert.notStrictEqual(1, 1),
    () => nodeAssert.match('abc', /x/), () => nodeAssert.fail('boom'), () => nodeAssert.strict.equal(1, '1'),
    () => nodeAssert.throws(() => {}), () => nodeAssert.throws(() => { throw new TypeError('t') }, { message: 'x' })
  ]
  const summary = (fn) => { try { fn() } catch (error) { return [error.name, error.code, error.operator, error.generatedMessage, error.message] } }
  for (let index = 0; index < cases.length; index++) {
    const ours = summary(cases[index])
    const theirs = summary(nodeCases[index])
    assert.deepEqual(ours.slice(0, 4), theirs.slice(0, 4), `case ${index}`)
  }
  assert.equal(summary(cases[0])[4], summary(nodeCases[0])[4])
  await assert.rejects(oroAssert.rejects(Promise.resolve()), AssertionError)
  oroAssert.doesNotThrow(() => {})
  assert.equal(strict.default, oroAssert.strict)
})

test('url: legacy parse/format/resolve and file URLs as Node', () => {
  for (const input of ['http://u:p@Host.test:8080/p/a/t/h?query=string&a[b]=1#hash', '//x/y', '/a?b=1', 'mailto:a@b.test', 'HTTP://ÉXAMPLE.com/ä']) {
    assert.deepEqual({ ...url.parse(input, true), query: { ...url.parse(input, true).query } },
      { ...nodeUrl.parse(input, true), query: { ...nodeUrl.parse(input, true).query } }, input)
    assert.equal(url.format(url.parse(input)), nodeUrl.format(nodeUrl.parse(input)))
  }
  assert.equal(url.resolve('http://a/b/c/d', '../e?f'), nodeUrl.resolve('http://a/b/c/d', '../e?f'))
  assert.equal(url.fileURLToPath('file:///a%20b/%C3%A9'), nodeUrl.fileURLToPath('file:///a%20b/%C3%A9'))
  assert.equal(url.pathToFileURL('/a b/?#%/').href, nodeUrl.pathToFileURL('/a b/?#%/').href)
  assert.throws(() => url.fileURLToPath('file:///a%2fb'), { code: 'ERR_INVALID_FILE_URL_PATH' })
  assert.throws(() => url.fileURLToPath('https://x'), { code: 'ERR_INVALID_URL_SCHEME' })
  assert.equal(url.domainToASCII('español.com'), nodeUrl.domainToASCII('español.com'))
  assert.equal(url.domainToUnicode('xn--espaol-zwa.com'), nodeUrl.domainToUnicode('xn--espaol-zwa.com'))
  const whatwg = new URL('https://a:b@xn--espaol-zwa.com:81/p?q#h')
  assert.equal(url.format(whatwg, { auth: false, unicode: true, fragment: false }), nodeUrl.format(whatwg, { auth: false, unicode: true, fragment: false }))
  assert.deepEqual({ ...url.urlToHttpOptions(whatwg) }, { ...nodeUrl.urlToHttpOptions(whatwg) })
})

test('querystring parses and stringifies as Node', () => {
  for (const input of ['a=1&a=2&b=x+y', '+', 'a&++', '%é', '+%é', '%41+%é', 'é%=%E0%A4%A%',  'a=1&&b=2', '%zz=%E0%A4%A', 'k', '=v', 'a=%F0%9F%98%80', '']) {
    assert.deepEqual({ ...querystring.parse(input) }, { ...nodeQuerystring.parse(input) }, input)
  }
  assert.deepEqual({ ...querystring.parse('a:1;b:2', ';', ':') }, { ...nodeQuerystring.parse('a:1;b:2', ';', ':') })
  const object = { a: [1, 'b'], c: true, d: null, e: 10n, 'é &': 'ø=' }
  assert.equal(querystring.stringify(object), nodeQuerystring.stringify(object))
  assert.equal(querystring.escape('a b/é'), nodeQuerystring.escape('a b/é'))
  assert.equal(querystring.unescape('%E0%A4%A'), nodeQuerystring.unescape('%E0%A4%A'))
})

test('string_decoder keeps characters split across writes whole, over oro:buffer', () => {
  const text = 'a€😀é'
  for (const encoding of ['utf8', 'utf16le', 'base64', 'hex']) {
    const bytes = Buffer.from(text, 'utf8')
    const source = encoding === 'utf8' ? bytes : Buffer.from(bytes.toString(encoding === 'utf16le' ? 'latin1' : 'latin1'), 'latin1')
    const ours = new StringDecoder(encoding)
    const theirs = new NodeStringDecoder(encoding)
    let a = ''
    let b = ''
    for (let index = 0; index < source.length; index++) {
      a += ours.write(source.subarray(index, index + 1))
      b += theirs.write(globalThis.Buffer.from(source.subarray(index, index + 1)))
    }
    assert.equal(a + ours.end(), b + theirs.end(), encoding)
  }
})

test('path.win32 and path/posix, path/win32 subpaths', () => {
  assert.equal(path.win32, win32.default)
  assert.equal(path.win32.posix, path.posix)
  assert.equal(posix.join('a', '../b'), 'b')
  const calls = [
    ['join', 'C:\\a', '..', 'b/c'], ['resolve', 'C:\\x', 'y', '..\\z'], ['parse', 'C:\\a\\b.txt'],
    ['relative', 'C:\\a\\b', 'C:\\a\\c\\d'], ['normalize', '\\\\server\\share\\..\\x'], ['isAbsolute', 'C:'],
    ['toNamespacedPath', 'C:\\a'], ['dirname', 'C:\\a\\b'], ['basename', 'C:\\a\\b.txt', '.txt'], ['extname', 'x.tar.gz']
  ]
  for (const [name, ...args] of calls) assert.deepEqual(win32[name](...args), nodePath.win32[name](...args), name)
  assert.equal(win32.sep, '\\')
})

test('stream/web is the page\'s streams and stream/promises pipes', async () => {
  assert.equal(web.ReadableStream, globalThis.ReadableStream)
  assert.equal(web.CompressionStream, globalThis.CompressionStream)
  const chunks = []
  await streamPromises.pipeline(Readable.from(['a', 'b']), new Writable({ write (chunk, _encoding, callback) { chunks.push(String(chunk)); callback() } }))
  assert.deepEqual(chunks, ['a', 'b'])
  const readable = Readable.from([])
  readable.resume()
  await streamPromises.finished(readable)
})

test('crypto: hashes and HMACs as Node, random values, errors', () => {
  for (const algorithm of ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha224', 'sha3-256', 'ripemd160']) {
    for (const encoding of ['hex', 'base64', 'base64url']) {
      const data = ['', 'abc', 'é'.repeat(100)]
      for (const item of data) {
        assert.equal(crypto.createHash(algorithm).update(item).digest(encoding), nodeCrypto.createHash(algorithm).update(item).digest(encoding))
        assert.equal(crypto.createHmac(algorithm, 'key').update(item).digest(encoding), nodeCrypto.createHmac(algorithm, 'key').update(item).digest(encoding))
      }
    }
    assert.ok(nodeCrypto.getHashes().includes(algorithm))
  }
  const hash = crypto.createHash('sha256').update('a')
  const copy = hash.copy()
  assert.equal(copy.update('b').digest('hex'), nodeCrypto.createHash('sha256').update('ab').digest('hex'))
  assert.ok(Buffer.isBuffer(hash.digest()))
  assert.throws(() => hash.digest(), { code: 'ERR_CRYPTO_HASH_FINALIZED' })
  assert.throws(() => crypto.createHash('nope'), { code: 'ERR_CRYPTO_INVALID_DIGEST' })
  assert.equal(crypto.pbkdf2Sync('pw', 'salt', 3, 24, 'sha512').toString('hex'), nodeCrypto.pbkdf2Sync('pw', 'salt', 3, 24, 'sha512').toString('hex'))
  assert.equal(crypto.hash('sha1', 'x'), nodeCrypto.createHash('sha1').update('x').digest('hex'))
  assert.equal(crypto.randomBytes(70000).length, 70000)
  assert.throws(() => crypto.randomBytes(-1), { code: 'ERR_OUT_OF_RANGE' })
  for (let index = 0; index < 200; index++) {
    const value = crypto.randomInt(-3, 4)
    assert.ok(Number.isInteger(value) && value >= -3 && value < 4)
  }
  assert.match(crypto.randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.equal(crypto.timingSafeEqual(Buffer.from('ab'), Buffer.from('ab')), true)
  assert.equal(crypto.timingSafeEqual(Buffer.from('ab'), Buffer.from('ac')), false)
  assert.throws(() => crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('ab')), { code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH' })
})

test('crypto callbacks come on a later turn', async () => {
  let sync = true
  const [error, buffer] = await new Promise((resolve) => { crypto.randomBytes(8, (...args) => resolve(args)); sync = false })
  assert.equal(error, null)
  assert.equal(buffer.length, 8)
  assert.equal(sync, false)
})

test('Console writes what Node\'s Console writes to its streams', () => {
  const run = (ConsoleClass, WritableClass) => {
    const lines = []
    const stream = new WritableClass({ write (chunk, _encoding, callback) { lines.push(String(chunk)); callback() } })
    const out = new ConsoleClass({ stdout: stream, stderr: stream })
    out.log('%s=%d %o', 'x', 1, { a: [1] })
    out.group('G')
    out.info('in\nside')
    out.count()
    out.count()
    out.groupEnd()
    out.warn({ b: 'c' })
    out.assert(false, 'nope %d', 3)
    out.assert(0)
    out.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 })
    return lines
  }
  assert.deepEqual(run(Console, Writable), run(NodeConsole, NodeWritable))
  assert.equal(oroConsole, globalThis.console)
  assert.throws(() => new Console({}), { code: 'ERR_CONSOLE_WRITABLE_STREAM' })
})
