// Parameter and URL encoding of ipc.js.

import { afterEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildURL, currentWindowIndex, encodeParams, nextSeq, paramEntries } from '../ipc.js'

afterEach(() => { delete globalThis.__args })

test('object params: strings raw, numbers/booleans as text, objects as JSON', () => {
  assert.deepEqual(paramEntries({ s: 'x', n: 1.5, b: false, o: { a: [1, 'b'] }, a: [1, 2], z: null }), [
    ['s', 'x'], ['n', '1.5'], ['b', 'false'], ['o', '{"a":[1,"b"]}'], ['a', '[1,2]'], ['z', 'null']
  ])
})

test('undefined, functions and symbols are left out', () => {
  assert.deepEqual(paramEntries({ u: undefined, f () {}, s: Symbol('x'), k: 'v' }), [['k', 'v']])
  assert.deepEqual(paramEntries(undefined), [])
})

test('a bare value is sent as `value`', () => {
  assert.deepEqual(paramEntries('a.html'), [['value', 'a.html']])
  assert.deepEqual(paramEntries(42), [['value', '42']])
  assert.deepEqual(paramEntries([1, 2]), [['value', '[1,2]']])
  assert.deepEqual(paramEntries(null), [['value', 'null']])
})

test('dates are ISO strings, bigints decimal', () => {
  assert.deepEqual(paramEntries({ d: new Date(0), big: 2n ** 70n }), [
    ['d', '1970-01-01T00:00:00.000Z'], ['big', '1180591620717411303424']
  ])
})

test('URLSearchParams pass through', () => {
  assert.deepEqual(paramEntries(new URLSearchParams('a=1&b=2')), [['a', '1'], ['b', '2']])
})

test('binary params are refused with ERR_INVALID_ARG_TYPE', () => {
  assert.throws(() => paramEntries({ data: new Uint8Array(2) }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => paramEntries({ data: new ArrayBuffer(2) }), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('encoding: space is %20, + is %2B, unicode and & are escaped', () => {
  assert.equal(encodeParams({ 'a key': 'x y+z&w=é' }), 'a%20key=x%20y%2Bz%26w%3D%C3%A9')
  assert.equal(encodeParams({}), '')
})

test('buildURL adds seq and this window index', () => {
  globalThis.__args = { index: 4, origin: 'http://127.0.0.1:9' }
  assert.equal(buildURL('fs.stat', { path: 'a' }, { seq: 'R9' }), 'http://127.0.0.1:9/ipc/fs.stat?path=a&seq=R9&index=4')
})

test('buildURL: params may name the index; seq always comes from the caller', () => {
  assert.equal(
    buildURL('window.show', { index: 2, seq: 'mine' }, { seq: 'R1', origin: '' }),
    '/ipc/window.show?index=2&seq=R1'
  )
})

test('buildURL without params or origin is root-relative', () => {
  assert.equal(buildURL('ping', undefined, { origin: '', index: 0 }), '/ipc/ping?index=0')
})

test('buildURL refuses route names that are not routes', () => {
  for (const route of ['', 'a b', '../x', '?x', 'a#b', 42]) {
    assert.throws(() => buildURL(route), { code: 'ERR_INVALID_ARG_TYPE' }, String(route))
  }
})

test('the window index comes from __args (default 0)', () => {
  assert.equal(currentWindowIndex(), 0)
  globalThis.__args = { index: 7 }
  assert.equal(currentWindowIndex(), 7)
  globalThis.__args = { index: 'x' }
  assert.equal(currentWindowIndex(), 0)
})

test('seq is R<n>, counting up', () => {
  const a = nextSeq()
  const b = nextSeq()
  assert.match(a, /^R\d+$/)
  assert.equal(Number(b.slice(1)), Number(a.slice(1)) + 1)
})
