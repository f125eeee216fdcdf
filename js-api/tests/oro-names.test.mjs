// Oro's own names in the core modules (its api/buffer.d.ts, util.d.ts, ipc.d.ts, crypto.d.ts,
// path.d.ts, process.d.ts, test/index.d.ts), under Node: the same code a page runs (these
// modules use only browser APIs). tests/browser/test_modules_oro_surface.py runs them in a page.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'

import BufferDefault, * as bufferModule from '../buffer.js'
import * as util from '../util.js'
import * as ipc from '../ipc.js'
import * as crypto from '../crypto.js'
import * as path from '../path.js'
import { env, ProcessEnvironmentEvent } from '../process.js'
import { TestRunner, test as oroTest, GLOBAL_TEST_RUNNER } from '../test.js'

test('the default export of oro:buffer is the Buffer class, with the module names on it', () => {
  assert.equal(BufferDefault, bufferModule.Buffer)
  assert.equal(BufferDefault.Buffer, bufferModule.Buffer)
  assert.equal(BufferDefault.kMaxLength, bufferModule.kMaxLength)
  assert.equal(BufferDefault.from('hi').toString('hex'), '6869')
  assert.equal(BufferDefault.btoa('hi'), 'aGk=')
  assert.deepEqual(Object.keys(BufferDefault), Object.keys(bufferModule.Buffer))
})

test('murmur3 gives MurmurHash3 x86_32 reference values, a string as its UTF-8 bytes', () => {
  assert.equal(crypto.murmur3(''), 0)
  assert.equal(crypto.murmur3('hello'), 0x248bfa47)
  assert.equal(crypto.murmur3('hello', 1), 0xbb4abcad)
  assert.equal(crypto.murmur3('The quick brown fox jumps over the lazy dog'), 0x2e4ff723)
  for (const text of ['€', 'a€b', '😀x', 'abcd', 'abcde']) {
    assert.equal(crypto.murmur3(text), crypto.murmur3(new TextEncoder().encode(text)))
  }
  assert.throws(() => crypto.murmur3(1), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('rand64 is an unsigned 64-bit bigint and createDigest is the digest as a Buffer', async () => {
  const draws = Array.from({ length: 32 }, () => crypto.rand64())
  assert.ok(draws.every((n) => n >= 0n && n < 2n ** 64n))
  assert.equal(new Set(draws).size, 32)
  const digest = await crypto.createDigest('SHA-256', new TextEncoder().encode('abc'))
  assert.equal(digest.toString('hex'), createHash('sha256').update('abc').digest('hex'))
})

test("util's Oro helpers", () => {
  assert.equal(util.compareBuffers('a', 'b'), -1)
  assert.equal(util.compareBuffers(new Uint8Array([1]), [1]), 0)
  assert.deepEqual(util.splitBuffer('abcdefg', 3).map(String), ['abc', 'def', 'g'])
  assert.deepEqual(util.parseHeaders('A: B\nc:\nX-Y: 1:2'), [['a', 'b'], ['x-y', '1:2']])
  assert.deepEqual(util.parseJSON('{"p":"C:\\Users"}'), { p: 'C:\\Users' })
  assert.equal(util.parseJSON('{'), null)
  assert.equal(util.isFunction(class {}), false)
  assert.equal(util.isClass(class {}), true)
  assert.equal(util.isPrimitive(1n), false)
  assert.equal(util.clamp(Infinity, 0, 5), 0)
  assert.throws(() => new util.IllegalConstructor(), { code: 'ERR_ILLEGAL_CONSTRUCTOR' })
  assert.throws(() => util.splitBuffer('x', -1), { code: 'ERR_INVALID_ARG_TYPE' })
})

test("ipc's low-level names", () => {
  assert.equal(ipc.parseSeq('R42'), 42)
  assert.equal(ipc.parseSeq('r42n', { bigint: true }), 42n)
  assert.deepEqual(ipc.Headers.from('HTTP/1.1 200 OK\nA: 1\nBad Name: 2\nB: x\u0000y').toJSON(), { a: '1' })
  const params = new ipc.IPCSearchParams('bare', 7)
  assert.deepEqual([params.get('value'), params.get('nonce'), params.get('index')], ['bare', '7', '0'])
  const error = ipc.maybeMakeError({ type: 'TimeoutError', message: 'slow' })
  assert.equal(error?.name, 'TimeoutError')
  assert.equal(ipc.maybeMakeError(undefined), null)
})

test('an IPCMessageChannel carries messages and ports, in order, after start()', async () => {
  const { port1, port2 } = new ipc.IPCMessageChannel()
  const inner = new ipc.IPCMessageChannel()
  const seen = []
  const done = new Promise((resolve) => {
    port2.addEventListener('message', (event) => {
      seen.push(event.data)
      if (seen.length === 3) resolve()
    })
  })
  port1.postMessage(1)
  port1.postMessage({ port: inner.port2 })
  port1.postMessage(3)
  port2.start()
  await done
  assert.equal(seen[0], 1)
  assert.ok(seen[1].port instanceof ipc.IPCMessagePort)
  assert.equal(seen[2], 3)
  const reply = new Promise((resolve) => { inner.port1.onmessage = (event) => resolve(event.data) })
  seen[1].port.postMessage('through the handed-over port')
  assert.equal(await reply, 'through the handed-over port')
  for (const port of [port1, port2, inner.port1, seen[1].port]) port.close()
  assert.throws(() => port1.postMessage('x'), { name: 'InvalidStateError' })
})

test('Path reads a path from a working directory', () => {
  const relative = path.Path.from('a/../b/c.txt', '/w')
  assert.deepEqual([relative.value, relative.pathname, relative.isRelative, relative.ext, relative.name],
    ['b/c.txt', '/w/b/c.txt', true, '.txt', 'c'])
  assert.equal(path.Path.from(new URL('file:///x/y')).pathname, '/x/y')
  assert.throws(() => path.Path.from(42), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('env dispatches set, delete and change', () => {
  const events = []
  const listen = (event) => events.push([event.type, event.key, event.value, event instanceof ProcessEnvironmentEvent])
  for (const type of ['set', 'delete', 'change']) env.addEventListener(type, listen)
  env.ORO_NAMES_TEST = 1
  delete env.ORO_NAMES_TEST
  for (const type of ['set', 'delete', 'change']) env.removeEventListener(type, listen)
  assert.deepEqual(events, [
    ['set', 'ORO_NAMES_TEST', '1', true], ['change', 'ORO_NAMES_TEST', '1', true],
    ['delete', 'ORO_NAMES_TEST', undefined, true], ['change', 'ORO_NAMES_TEST', undefined, true]
  ])
  assert.equal('ORO_NAMES_TEST' in env, false)
})

test("oro:test's OS variants register on this OS only", async () => {
  const lines = []
  const saved = [GLOBAL_TEST_RUNNER.report, GLOBAL_TEST_RUNNER.autoRun]
  GLOBAL_TEST_RUNNER.report = (line) => lines.push(line)
  GLOBAL_TEST_RUNNER.autoRun = false
  try {
    oroTest.linux('on linux', (t) => t.pass('ran'))
    oroTest.macosx('on macosx', (t) => t.pass('ran'))
    oroTest.windows('on windows', (t) => t.pass('ran'))
    oroTest.mobile('on mobile', (t) => t.pass('ran'))
    await GLOBAL_TEST_RUNNER.run()
  } finally {
    [GLOBAL_TEST_RUNNER.report, GLOBAL_TEST_RUNNER.autoRun] = saved
  }
  assert.deepEqual(lines.filter((line) => line.startsWith('# on ')), ['# on linux'])
  assert.ok(new TestRunner() instanceof TestRunner)
})
