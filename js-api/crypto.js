/**
 * `oro:crypto` (also `node:crypto`) — the part of Node's `crypto` a page can honour: the page's
 * Web Crypto (`webcrypto`, `subtle`, `getRandomValues`, `randomUUID`), `randomBytes` and
 * `randomInt` over it, and `createHash`/`createHmac`/`pbkdf2` over `@noble/hashes` (audited, no
 * dependencies; bundled into `vendor/hashes.js`). Not full Node crypto: no ciphers, signing,
 * key objects, Diffie-Hellman or scrypt (use `subtle` for those). Oro's `sodium` is libsodium
 * (libsodium.js, `vendor/sodium.js`), loaded when a page first awaits `sodium.ready`.
 *
 * ```js
 * import { createHash, randomBytes } from 'node:crypto'
 * createHash('sha256').update('abc').digest('hex')
 * randomBytes(16).toString('base64')
 * ```
 * @module oro:crypto
 */

import { Buffer as OroBuffer } from './buffer.js'
import {
  hmac, md5, pbkdf2 as pbkdf2Noble, ripemd160, sha1, sha224, sha256, sha384, sha512, sha512_224, sha512_256,
  sha3_224, sha3_256, sha3_384, sha3_512
} from './vendor/hashes.js'
import { invalidArgType, received, withCode } from './errors.js'

/** @typedef {import('./buffer.js').BufferEncoding} BufferEncoding */
/** @typedef {import('./buffer.js').Buffer} Buffer */
/** @typedef {{ update (data: Uint8Array): any, digest (): Uint8Array, clone (): any }} NobleHash */
/** @typedef {((data: Uint8Array) => Uint8Array) & { create (): NobleHash, outputLen: number, blockLen: number }} NobleHasher */

/** Node's algorithm names (as `getHashes()` lists them) → @noble/hashes. */
const HASHES = /** @type {Record<string, NobleHasher>} */ ({
  md5,
  ripemd160,
  rmd160: ripemd160,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  'sha512-224': sha512_224,
  'sha512-256': sha512_256,
  'sha3-224': sha3_224,
  'sha3-256': sha3_256,
  'sha3-384': sha3_384,
  'sha3-512': sha3_512
})

/** @param {string} algorithm */
function hasher (algorithm) {
  const found = typeof algorithm === 'string' ? HASHES[algorithm.toLowerCase()] : undefined
  if (!found) {
    if (typeof algorithm !== 'string') throw invalidArgType('algorithm', 'of type string', algorithm)
    throw withCode(new Error('Digest method not supported'), 'ERR_CRYPTO_INVALID_DIGEST')
  }
  return found
}

/**
 * Data as bytes, as Node's hash `update` and key arguments take it.
 * @param {unknown} data
 * @param {string} name
 * @param {BufferEncoding} [encoding]
 * @returns {Uint8Array}
 */
function bytes (data, name, encoding) {
  if (typeof data === 'string') return OroBuffer.from(data, encoding ?? 'utf8')
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data)
}

/**
 * @param {Uint8Array} digest
 * @param {BufferEncoding} [encoding]
 * @returns {Buffer | string}
 */
function output (digest, encoding) {
  const buffer = OroBuffer.from(digest.buffer, digest.byteOffset, digest.byteLength)
  return encoding === undefined || /** @type {string} */ (encoding) === 'buffer' ? buffer : buffer.toString(encoding)
}

/** Node's `Hash`: `update(data, inputEncoding?)` any number of times, then `digest(encoding?)` once. */
export class Hash {
  /** @type {NobleHash} */
  #state
  #done = false

  /**
   * @param {string} algorithm
   * @param {NobleHash} [state] for `copy()`
   */
  constructor (algorithm, state) {
    this.#state = state ?? hasher(algorithm).create()
  }

  /**
   * @param {string | ArrayBufferView | ArrayBuffer} data
   * @param {BufferEncoding} [inputEncoding]
   * @returns {this}
   */
  update (data, inputEncoding) {
    if (this.#done) throw withCode(new Error('Digest already called'), 'ERR_CRYPTO_HASH_FINALIZED')
    this.#state.update(bytes(data, 'data', inputEncoding))
    return this
  }

  /**
   * @param {BufferEncoding} [encoding]
   * @returns {any}
   */
  digest (encoding) {
    if (this.#done) throw withCode(new Error('Digest already called'), 'ERR_CRYPTO_HASH_FINALIZED')
    this.#done = true
    return output(this.#state.digest(), encoding)
  }

  /** @returns {Hash} a hash that goes on from this one's state */
  copy () {
    if (this.#done) throw withCode(new Error('Digest already called'), 'ERR_CRYPTO_HASH_FINALIZED')
    return new Hash('', this.#state.clone())
  }
}

/** Node's `Hmac`: as `Hash`, keyed. */
export class Hmac {
  /** @type {NobleHash} */
  #state
  #done = false

  /**
   * @param {string} algorithm
   * @param {string | ArrayBufferView | ArrayBuffer} key
   */
  constructor (algorithm, key) {
    this.#state = /** @type {any} */ (hmac).create(hasher(algorithm), bytes(key, 'key'))
  }

  /**
   * @param {string | ArrayBufferView | ArrayBuffer} data
   * @param {BufferEncoding} [inputEncoding]
   * @returns {this}
   */
  update (data, inputEncoding) {
    if (this.#done) throw withCode(new Error('Digest already called'), 'ERR_CRYPTO_HASH_FINALIZED')
    this.#state.update(bytes(data, 'data', inputEncoding))
    return this
  }

  /**
   * @param {BufferEncoding} [encoding]
   * @returns {any}
   */
  digest (encoding) {
    // Node answers an empty digest the second time rather than throwing.
    if (this.#done) return output(new Uint8Array(0), encoding)
    this.#done = true
    return output(this.#state.digest(), encoding)
  }
}

/**
 * @param {string} algorithm `md5`, `sha1`, `sha256`, `sha384`, `sha512`... (see `getHashes()`)
 * @returns {Hash}
 */
export function createHash (algorithm) {
  return new Hash(algorithm)
}

/**
 * @param {string} algorithm
 * @param {string | ArrayBufferView | ArrayBuffer} key
 * @returns {Hmac}
 */
export function createHmac (algorithm, key) {
  return new Hmac(algorithm, key)
}

/**
 * Node's one-shot `hash(algorithm, data, outputEncoding = 'hex')`.
 * @param {string} algorithm
 * @param {string | ArrayBufferView} data
 * @param {BufferEncoding | 'buffer'} [outputEncoding]
 * @returns {any}
 */
export function hash (algorithm, data, outputEncoding = 'hex') {
  return output(hasher(algorithm)(bytes(data, 'data')), outputEncoding === 'buffer' ? undefined : outputEncoding)
}

/** @returns {string[]} the digest names `createHash` takes */
export function getHashes () {
  return Object.keys(HASHES).sort()
}

export const webcrypto = globalThis.crypto
export const subtle = globalThis.crypto?.subtle

/**
 * @template {ArrayBufferView | null} T
 * @param {T} array
 * @returns {T}
 */
export function getRandomValues (array) {
  return /** @type {any} */ (globalThis.crypto).getRandomValues(array)
}

/** @returns {string} a random RFC 4122 version 4 UUID */
export function randomUUID () {
  return globalThis.crypto.randomUUID()
}

// Node's limit on one randomBytes() call (Oro's MAX_RANDOM_BYTES below is a larger total).
const MAX_RANDOM_BYTES_A_CALL = 2 ** 31 - 1

/**
 * @param {number} size
 * @returns {Buffer}
 */
function randomBuffer (size) {
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size)
  if (!Number.isInteger(size) || size < 0 || size > MAX_RANDOM_BYTES_A_CALL) {
    throw withCode(new RangeError(`The value of "size" is out of range. It must be >= 0 && <= ${MAX_RANDOM_BYTES_A_CALL}. Received ${received(size)}`), 'ERR_OUT_OF_RANGE')
  }
  const buffer = OroBuffer.alloc(size)
  // getRandomValues fills at most 65536 bytes a call.
  for (let offset = 0; offset < size; offset += 65536) {
    globalThis.crypto.getRandomValues(buffer.subarray(offset, Math.min(size, offset + 65536)))
  }
  return buffer
}

/**
 * `size` random bytes: returned, or passed to `callback(error, buffer)` on a later turn.
 * @param {number} size
 * @param {(error: Error | null, buffer: Buffer) => void} [callback]
 * @returns {Buffer | undefined}
 */
export function randomBytes (size, callback) {
  if (callback !== undefined && typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
  const buffer = randomBuffer(size)
  if (!callback) return buffer
  queueMicrotask(() => callback(null, buffer))
  return undefined
}

/**
 * A random integer in [min, max) (`randomInt(max)` is [0, max)), without modulo bias.
 * @param {number} min
 * @param {number | ((error: Error | null, value: number) => void)} [max]
 * @param {(error: Error | null, value: number) => void} [callback]
 * @returns {number | undefined}
 */
export function randomInt (min, max, callback) {
  if (typeof max === 'function' || max === undefined) {
    callback = /** @type {any} */ (max)
    max = min
    min = 0
  }
  if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min)
  if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max)
  const range = /** @type {number} */ (max) - min
  if (!(range > 0 && range <= 2 ** 48)) {
    throw withCode(new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}) and the range must be less than or equal to 2**48. Received ${received(max)}`), 'ERR_OUT_OF_RANGE')
  }
  // Rejection sampling over 48 random bits.
  const limit = 2 ** 48 - (2 ** 48 % range)
  const bytes = new Uint8Array(6)
  let value
  do {
    globalThis.crypto.getRandomValues(bytes)
    value = bytes.reduce((sum, byte) => sum * 256 + byte, 0)
  } while (value >= limit)
  const result = min + (value % range)
  if (!callback) return result
  queueMicrotask(() => /** @type {Function} */ (callback)(null, result))
  return undefined
}

/**
 * Constant-time comparison of two equally long byte sequences.
 * @param {ArrayBufferView} a
 * @param {ArrayBufferView} b
 * @returns {boolean}
 */
export function timingSafeEqual (a, b) {
  const left = bytes(a, 'buf1')
  const right = bytes(b, 'buf2')
  if (left.byteLength !== right.byteLength) {
    throw withCode(new RangeError('Input buffers must have the same byte length'), 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH')
  }
  let difference = 0
  for (let index = 0; index < left.byteLength; index++) difference |= left[index] ^ right[index]
  return difference === 0
}

/**
 * PBKDF2 (HMAC with `digest`), synchronous.
 * @param {string | ArrayBufferView} password
 * @param {string | ArrayBufferView} salt
 * @param {number} iterations
 * @param {number} keylen
 * @param {string} digest
 * @returns {Buffer}
 */
export function pbkdf2Sync (password, salt, iterations, keylen, digest) {
  const key = pbkdf2Noble(hasher(digest), bytes(password, 'password'), bytes(salt, 'salt'), { c: iterations, dkLen: keylen })
  return OroBuffer.from(key.buffer, key.byteOffset, key.byteLength)
}

/**
 * PBKDF2 with a callback on a later turn.
 * @param {string | ArrayBufferView} password
 * @param {string | ArrayBufferView} salt
 * @param {number} iterations
 * @param {number} keylen
 * @param {string} digest
 * @param {(error: Error | null, key?: Buffer) => void} callback
 */
export function pbkdf2 (password, salt, iterations, keylen, digest, callback) {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
  const key = pbkdf2Sync(password, salt, iterations, keylen, digest)
  queueMicrotask(() => callback(null, key))
}

// Oro's own names (its api/crypto.d.ts): rand64, createDigest, murmur3 and the random-bytes limits.

/** Oro's page of random bytes: `getRandomValues` fills at most 64 KiB a call. */
export const RANDOM_BYTES_QUOTA = 64 * 1024
/** Oro's largest total of random bytes. */
export const MAX_RANDOM_BYTES = 0xffff_ffff_ffff
/** `MAX_RANDOM_BYTES / RANDOM_BYTES_QUOTA`, as Oro has it. */
export const MAX_RANDOM_BYTES_PAGES = MAX_RANDOM_BYTES / RANDOM_BYTES_QUOTA
// Oro's `sodium`: libsodium.js (vendor/sodium.js, its sumo build with the WebAssembly inside,
// ~560 KB) is imported the first time a page awaits `sodium.ready` (or `ready`), never at load:
// a page importing oro:crypto for a hash neither fetches nor compiles it. Once loaded, its
// functions and constants are set on this same object, so Oro's
// `await sodium.ready; sodium.crypto_box_keypair()` works as written.

/** @type {Promise<Record<string, any>> | undefined} */
let sodiumLoading

function loadSodium () {
  sodiumLoading ??= import('./vendor/sodium.js').then(async ({ default: libsodium }) => {
    await libsodium.ready.catch((/** @type {unknown} */ error) => {
      throw sodiumError(error)
    })
    for (const [name, value] of Object.entries(libsodium)) {
      if (name !== 'ready') sodium[name] = value
    }
    return sodium
  })
  return sodiumLoading
}

/**
 * Why libsodium did not start. A page whose Content-Security-Policy has a `script-src` (or
 * `default-src`) without `'wasm-unsafe-eval'` may not compile WebAssembly: both engines answer a
 * `CompileError` naming the policy, which libsodium wraps in its abort error; the error says
 * what to add. Any other failure is passed on as it is.
 * @param {unknown} error
 */
function sodiumError (error) {
  const text = String(error instanceof Error ? error.message : error)
  if (!/Content Security Policy/i.test(text)) return error
  return withCode(new Error(
    "oro:crypto's sodium could not compile its WebAssembly: the page's Content-Security-Policy " +
    `must allow 'wasm-unsafe-eval' in script-src (${text})`, { cause: error }
  ), 'ERR_ORO_SODIUM_WASM_BLOCKED')
}

/**
 * Oro's libsodium (libsodium.js, sumo build): `await sodium.ready`, then `sodium.crypto_*`,
 * `sodium.to_hex`, ... as https://github.com/jedisct1/libsodium.js documents them. `ready` is
 * not enumerable, so that copying or printing the object (`{ ...sodium }`, JSON) loads nothing.
 */
export const sodium = /** @type {Record<string, any> & { readonly ready: Promise<Record<string, any>> }} */ (
  Object.defineProperty({}, 'ready', { get: loadSodium, configurable: true })
)

/**
 * Oro's promise that the module's internals are loaded: here libsodium, which awaiting it
 * loads (a promise whose `then` starts the import, so that importing oro:crypto does not).
 */
class SodiumReady extends Promise {
  static get [Symbol.species] () {
    return Promise
  }

  /** @type {Promise<void>['then']} */
  then (onFulfilled, onRejected) {
    return loadSodium().then(() => undefined).then(onFulfilled, onRejected)
  }
}

/** @type {Promise<void>} */
export const ready = new SodiumReady((resolve) => resolve(undefined))

/**
 * A random unsigned 64-bit integer.
 * @returns {bigint}
 */
export function rand64 () {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(2))
  return (BigInt(words[0]) << 32n) | BigInt(words[1])
}

/**
 * The Web Crypto digest of `data` (`'SHA-1'`, `'SHA-256'`, `'SHA-384'`, `'SHA-512'`) as a `Buffer`.
 * @param {string} algorithm
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Promise<Buffer>}
 */
export async function createDigest (algorithm, data) {
  return OroBuffer.from(await globalThis.crypto.subtle.digest(algorithm, /** @type {BufferSource} */ (data)))
}

/**
 * MurmurHash3 (x86, 32 bits) of `value`, an unsigned integer. Bytes and views are hashed as
 * they are; a string is hashed as its UTF-8 bytes.
 * @param {string | ArrayBuffer | ArrayBufferView} value
 * @param {number} [seed]
 * @returns {number}
 */
export function murmur3 (value, seed = 0) {
  /** @type {Uint8Array} */
  let bytes
  if (typeof value === 'string') bytes = new TextEncoder().encode(value)
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value)
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  else throw invalidArgType('value', 'a string, ArrayBuffer or TypedArray', value)
  /** @param {number} k */
  const scramble = (k) => Math.imul(rotate(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593)
  /** @param {number} word @param {number} bits */
  const rotate = (word, bits) => (word << bits) | (word >>> (32 - bits))
  let hash = seed | 0
  const body = bytes.length & ~3
  for (let index = 0; index < body; index += 4) {
    const k = bytes[index] | (bytes[index + 1] << 8) | (bytes[index + 2] << 16) | (bytes[index + 3] << 24)
    hash = (Math.imul(rotate(hash ^ scramble(k), 13), 5) + 0xe6546b64) | 0
  }
  let tail = 0
  for (let index = bytes.length - 1; index >= body; index -= 1) tail = (tail << 8) | bytes[index]
  if (bytes.length > body) hash ^= scramble(tail)
  hash ^= bytes.length
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return (hash ^ (hash >>> 16)) >>> 0
}

export default {
  MAX_RANDOM_BYTES,
  MAX_RANDOM_BYTES_PAGES,
  RANDOM_BYTES_QUOTA,
  createDigest,
  murmur3,
  rand64,
  ready,
  sodium,
  Hash,
  Hmac,
  createHash,
  createHmac,
  getHashes,
  getRandomValues,
  hash,
  pbkdf2,
  pbkdf2Sync,
  randomBytes,
  randomInt,
  randomUUID,
  subtle,
  timingSafeEqual,
  webcrypto
}
