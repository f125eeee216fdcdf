// The JS codec against the shared vectors (tests/vectors.json), plus seeded round-trip and fuzz
// properties. Run by test_conduit_js_unit.py (node --test) and, in Chromium, by the browser tests.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FrameError, decode, encode } from '../../src/oro_conduit/js/codec.js'

const vectors = JSON.parse(readFileSync(new URL('../vectors.json', import.meta.url), 'utf8'))

/** @param {string} hex */
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))

/** @param {{ head: string, body: string, repeat: number }} vector */
function frameBytes (vector) {
  const body = fromHex(vector.body)
  const head = fromHex(vector.head)
  const payload = new Uint8Array(body.length * vector.repeat)
  for (let index = 0; index < vector.repeat; index++) payload.set(body, index * body.length)
  const message = new Uint8Array(head.length + payload.length)
  message.set(head)
  message.set(payload, head.length)
  return { message, payload }
}

for (const vector of vectors.valid) {
  test(`valid vector: ${vector.name}`, () => {
    const { message, payload } = frameBytes(vector)
    const raw = decode(message, { raw: true })
    assert.deepEqual(raw.options, vector.options)
    assert.deepEqual(decode(message).options, vector.values)
    assert.deepEqual(raw.payload, payload)
    if (vector.canonical) assert.deepEqual(encode(vector.options, payload), message)
  })
}

for (const vector of vectors.invalid) {
  test(`invalid vector: ${vector.name}`, () => {
    assert.throws(() => decode(fromHex(vector.hex)), (error) =>
      error instanceof FrameError && error.message.includes(vector.error))
  })
}

// A seeded generator keeps failures reproducible.
function random (seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = ['a', 'b', 'z', 'é', '✓', '😀', '0', '1', '-', '.', ' ', '\u0000']

test('encode then decode round-trips random frames', () => {
  const next = random(42)
  for (let round = 0; round < 500; round++) {
    /** @type {Record<string, string>} */
    const options = {}
    const count = Math.floor(next() * 10)
    for (let index = 0; index < count; index++) {
      let key = ''
      const keyLength = 1 + Math.floor(next() * 8)
      for (let i = 0; i < keyLength; i++) key += ALPHABET[Math.floor(next() * ALPHABET.length)]
      let value = ''
      const valueLength = Math.floor(next() * 20)
      for (let i = 0; i < valueLength; i++) value += ALPHABET[Math.floor(next() * ALPHABET.length)]
      options[key] = value
    }
    const sizes = [0, 1, 100, 65534, 65535, 65536, 70000]
    const payload = new Uint8Array(sizes[Math.floor(next() * sizes.length)]).map(() => Math.floor(next() * 256))
    const decoded = decode(encode(options, payload), { raw: true })
    assert.deepEqual(decoded.options, options)
    assert.deepEqual(decoded.payload, payload)
  }
})

test('random bytes decode or throw FrameError only', () => {
  const next = random(7)
  for (let round = 0; round < 3000; round++) {
    const bytes = new Uint8Array(Math.floor(next() * 64)).map(() => Math.floor(next() * 256))
    if (bytes.length > 0 && next() < 0.5) bytes[0] = Math.floor(next() * 3)
    try {
      const frame = decode(bytes, { raw: true })
      assert.deepEqual(decode(encode(frame.options, frame.payload), { raw: true }), frame)
    } catch (error) {
      assert.ok(error instanceof FrameError, String(error))
    }
  }
})

test('encode refuses what the framing cannot carry', () => {
  assert.throws(() => encode({ '': 'x' }), FrameError)
  assert.throws(() => encode({ ['k'.repeat(256)]: 'x' }), FrameError)
  assert.throws(() => encode({ k: 'x'.repeat(65536) }), FrameError)
  assert.throws(() => encode({ k: NaN }), FrameError)
  assert.deepEqual(decode(encode({ a: true, b: null, c: 3, d: undefined })).options, { a: true, b: null, c: 3 })
})
