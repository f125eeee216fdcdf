// node:events, node:path and node:buffer shims: the named exports Node has, and the same
// results as Node's own modules.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as nodeEvents from 'node:events'
import * as nodePath from 'node:path'
import * as nodeBuffer from 'node:buffer'

const events = await import('../events.js')
const path = await import('../path.js')
const buffer = await import('../buffer.js')

test('events exports', () => {
  for (const name of ['EventEmitter', 'once', 'on', 'getEventListeners', 'setMaxListeners', 'listenerCount', 'addAbortListener', 'default']) {
    assert.ok(name in events, name)
    assert.ok(name in nodeEvents, `node:events has ${name}`)
  }
  assert.equal(events.default, events.EventEmitter)
  assert.equal(events.EventEmitter.EventEmitter, events.EventEmitter)
  assert.equal(events.EventEmitter.once, events.once)
  assert.equal(events.EventEmitter.on, events.on)
})

test('EventEmitter behaves like Node', async () => {
  const emitter = new events.EventEmitter()
  const seen = []
  emitter.on('x', (a, b) => seen.push([a, b]))
  emitter.prependListener('x', () => seen.push('first'))
  assert.equal(emitter.emit('x', 1, 2), true)
  assert.deepEqual(seen, ['first', [1, 2]])
  assert.equal(emitter.listenerCount('x'), 2)
  assert.equal(events.listenerCount(emitter, 'x'), 2)
  assert.deepEqual(events.getEventListeners(emitter, 'x').length, 2)
  assert.throws(() => emitter.emit('error', new Error('unhandled')), /unhandled/)
  setTimeout(() => emitter.emit('ready', 42))
  assert.deepEqual(await events.once(emitter, 'ready'), [42])
  setTimeout(() => emitter.emit('error', new Error('bad')))
  await assert.rejects(events.once(emitter, 'never'), /bad/)
})

test('events.on iterates, rejects on error, ends on abort', async () => {
  const emitter = new events.EventEmitter()
  const iterator = events.on(emitter, 'data')
  emitter.emit('data', 1)
  emitter.emit('data', 2)
  assert.deepEqual((await iterator.next()).value, [1])
  assert.deepEqual((await iterator.next()).value, [2])
  const pending = iterator.next()
  emitter.emit('error', new Error('e'))
  await assert.rejects(pending, /e/)
  assert.equal(emitter.listenerCount('data'), 0)

  const controller = new AbortController()
  const aborted = events.on(emitter, 'data', { signal: controller.signal })
  const waiting = aborted.next()
  controller.abort()
  await assert.rejects(waiting, { name: 'AbortError', code: 'ABORT_ERR' })

  const target = new EventTarget()
  const fromTarget = events.on(target, 'ping')
  target.dispatchEvent(new Event('ping'))
  assert.equal((await fromTarget.next()).value[0].type, 'ping')
  await fromTarget.return()
})

test('setMaxListeners and addAbortListener', () => {
  const emitter = new events.EventEmitter()
  events.setMaxListeners(3, emitter)
  assert.equal(emitter.getMaxListeners(), 3)
  const controller = new AbortController()
  let called = 0
  const disposable = events.addAbortListener(controller.signal, () => { called += 1 })
  assert.equal(typeof disposable.dispose, 'function')
  controller.abort()
  assert.equal(called, 1)
})

test('path exports match node:path (posix)', () => {
  const names = ['basename', 'delimiter', 'dirname', 'extname', 'format', 'isAbsolute', 'join', 'normalize', 'parse', 'posix', 'relative', 'resolve', 'sep', 'toNamespacedPath', 'default']
  for (const name of names) {
    assert.ok(name in path, name)
    assert.ok(name in nodePath, `node:path has ${name}`)
  }
  assert.equal(path.default.posix, path.default)
  const posix = nodePath.posix
  const samples = ['/a/b/../c/./d.txt', 'a//b/', '', '.', '/', '../x/y.tar.gz', 'notes/2024/', '.hidden']
  for (const sample of samples) {
    assert.equal(path.normalize(sample), posix.normalize(sample), `normalize ${sample}`)
    assert.equal(path.basename(sample), posix.basename(sample), `basename ${sample}`)
    assert.equal(path.dirname(sample), posix.dirname(sample), `dirname ${sample}`)
    assert.equal(path.extname(sample), posix.extname(sample), `extname ${sample}`)
    assert.equal(path.isAbsolute(sample), posix.isAbsolute(sample), `isAbsolute ${sample}`)
    assert.deepEqual(path.parse(sample), posix.parse(sample), `parse ${sample}`)
  }
  assert.equal(path.join('a', '../b', 'c/'), posix.join('a', '../b', 'c/'))
  assert.equal(path.relative('/a/b/c', '/a/d'), posix.relative('/a/b/c', '/a/d'))
  assert.equal(path.resolve('/a', 'b', '../c'), posix.resolve('/a', 'b', '../c'))
  assert.equal(path.format({ dir: '/x', name: 'y', ext: '.z' }), posix.format({ dir: '/x', name: 'y', ext: '.z' }))
  assert.equal(path.sep, '/')
  assert.equal(path.delimiter, ':')
})

test('path.resolve of a relative path uses process.cwd(), else __args.cwd, else /', () => {
  assert.equal(path.resolve('x'), nodePath.posix.resolve('x'))
  const saved = globalThis.process
  try {
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true })
    globalThis.__args = { cwd: '/app/resources' }
    assert.equal(path.resolve('x'), '/app/resources/x')
    globalThis.__args = {}
    assert.equal(path.resolve('x'), '/x')
    assert.equal(path.relative('a', '/b'), '../b')
  } finally {
    Object.defineProperty(globalThis, 'process', { value: saved, configurable: true, writable: true })
    delete globalThis.__args
  }
})

test('buffer exports match node:buffer', () => {
  for (const name of ['Buffer', 'SlowBuffer', 'INSPECT_MAX_BYTES', 'kMaxLength', 'kStringMaxLength', 'constants', 'isUtf8', 'isAscii', 'Blob', 'File', 'atob', 'btoa', 'default']) {
    assert.ok(name in buffer, name)
    assert.ok(name in nodeBuffer, `node:buffer has ${name}`)
  }
  assert.equal(buffer.default.Buffer, buffer.Buffer)
  assert.equal(buffer.constants.MAX_LENGTH, buffer.kMaxLength)
  assert.notEqual(buffer.Buffer, nodeBuffer.Buffer, 'the shim, not Node\'s own Buffer')
})

test('Buffer behaves like Node', () => {
  const { Buffer } = buffer
  const NodeBuffer = nodeBuffer.Buffer
  const text = 'héllo wörld ✓'
  for (const encoding of ['utf8', 'hex', 'base64', 'base64url', 'latin1', 'utf16le', 'ascii']) {
    assert.equal(Buffer.from(text).toString(encoding), NodeBuffer.from(text).toString(encoding), encoding)
    const encoded = NodeBuffer.from(text).toString(encoding)
    assert.deepEqual([...Buffer.from(encoded, encoding)], [...NodeBuffer.from(encoded, encoding)], `from ${encoding}`)
  }
  const b = Buffer.alloc(20)
  b.writeUInt32BE(0xdeadbeef, 0)
  b.writeDoubleLE(Math.PI, 4)
  b.writeBigInt64LE(-5n, 12)
  const n = NodeBuffer.alloc(20)
  n.writeUInt32BE(0xdeadbeef, 0)
  n.writeDoubleLE(Math.PI, 4)
  n.writeBigInt64LE(-5n, 12)
  assert.deepEqual([...b], [...n])
  assert.equal(b.readDoubleLE(4), Math.PI)
  assert.equal(b.readBigInt64LE(12), -5n)
  assert.ok(Buffer.isBuffer(b) && b instanceof Uint8Array)
  assert.equal(Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString(), 'ab')
  assert.equal(Buffer.byteLength(text), NodeBuffer.byteLength(text))
  assert.equal(Buffer.compare(Buffer.from('a'), Buffer.from('b')), -1)
  assert.equal(buffer.isUtf8(Buffer.from(text)), true)
  assert.equal(buffer.isUtf8(new Uint8Array([0xc3])), false)
  assert.equal(buffer.isAscii(Buffer.from('abc')), true)
  assert.equal(buffer.isAscii(Buffer.from(text)), false)
})
