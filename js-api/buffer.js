/**
 * `oro:buffer` (also `node:buffer`) — Node's `buffer` module. `Buffer` and `SlowBuffer` come from
 * the `buffer` npm package (feross/buffer, the browser implementation bundlers use; bundled
 * with its dependencies base64-js and ieee754 as ESM into `vendor/buffer.js`); `constants`,
 * `isUtf8`, `isAscii`, the `base64url` encoding (in `Buffer.from`, `toString`, `byteLength`,
 * `isEncoding`) and the web globals Node re-exports (`Blob`, `File`, `atob`, `btoa`) are added
 * here.
 *
 * ```js
 * import { Buffer } from 'node:buffer'
 * Buffer.from('hello').toString('base64') // 'aGVsbG8='
 * ```
 * @module oro:buffer
 */

import { invalidArgument } from './errors.js'
import buffer, { Buffer, INSPECT_MAX_BYTES, SlowBuffer, kMaxLength } from './vendor/buffer.js'

/** Largest string length (V8's limit on 64-bit platforms). */
export const kStringMaxLength = 2 ** 29 - 24

/** Node's `buffer.constants`. */
export const constants = Object.freeze({ MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength })

/**
 * @param {ArrayBuffer | ArrayBufferView} input
 * @returns {Uint8Array}
 */
function bytesOf (input) {
  if (input instanceof ArrayBuffer) return new Uint8Array(input)
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  throw invalidArgument('The "input" argument must be an ArrayBuffer, Buffer, TypedArray or DataView')
}

/**
 * True when `input` is valid UTF-8.
 * @param {ArrayBuffer | ArrayBufferView} input
 */
export function isUtf8 (input) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(input))
    return true
  } catch (error) {
    if (error instanceof TypeError && /** @type {any} */ (error).code === 'ERR_INVALID_ARG_TYPE') throw error
    return false
  }
}

/**
 * True when every byte of `input` is ASCII (< 0x80).
 * @param {ArrayBuffer | ArrayBufferView} input
 */
export function isAscii (input) {
  const bytes = bytesOf(input)
  for (let index = 0; index < bytes.length; index += 1) {
    if (bytes[index] > 0x7f) return false
  }
  return true
}

// feross/buffer 6 predates Node's 'base64url' encoding. Its base64 decoder already accepts the
// URL-safe alphabet and missing padding, so decoding maps onto 'base64'; encoding strips it.
/** @param {unknown} encoding */
const isBase64url = (encoding) => typeof encoding === 'string' && encoding.toLowerCase() === 'base64url'
{
  const BufferClass = /** @type {any} */ (Buffer)
  if (!BufferClass.isEncoding('base64url')) {
    const { from, byteLength, isEncoding } = BufferClass
    const { toString } = BufferClass.prototype
    BufferClass.from = function from_ (/** @type {any} */ value, /** @type {any} */ encodingOrOffset, /** @type {any} */ length) {
      if (typeof value === 'string' && isBase64url(encodingOrOffset)) return from.call(this, value, 'base64')
      return from.call(this, value, encodingOrOffset, length)
    }
    BufferClass.byteLength = function byteLength_ (/** @type {any} */ value, /** @type {any} */ encoding) {
      return byteLength.call(this, value, isBase64url(encoding) ? 'base64' : encoding)
    }
    BufferClass.isEncoding = function isEncoding_ (/** @type {any} */ encoding) {
      return isBase64url(encoding) || isEncoding.call(this, encoding)
    }
    BufferClass.prototype.toString = function toString_ (/** @type {any} */ encoding, /** @type {any} */ start, /** @type {any} */ end) {
      if (!isBase64url(encoding)) return toString.call(this, encoding, start, end)
      return toString.call(this, 'base64', start, end).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    }
  }
}

const web = /** @type {any} */ (globalThis)

/** The platform's `Blob` (Node re-exports it from `buffer`). */
export const Blob = web.Blob
/** The platform's `File`. */
export const File = web.File
// Wrapped: the platform's own functions throw "Illegal invocation" when called as a method of
// anything but the global object (`buffer.atob(...)`).
/**
 * The platform's `atob`.
 * @param {string} data
 * @returns {string}
 */
export function atob (data) { return web.atob(data) }
/**
 * The platform's `btoa`.
 * @param {string} data
 * @returns {string}
 */
export function btoa (data) { return web.btoa(data) }

export { Buffer, INSPECT_MAX_BYTES, SlowBuffer, kMaxLength }

// Oro's default export is the `Buffer` class itself (`import Buffer from 'oro:buffer'`), while
// code written for Node reads the module's names off the default (`buffer.Buffer.from`,
// `buffer.kMaxLength`): the class carries those names too, so both shapes work.
for (const [name, value] of Object.entries({
  ...buffer, Buffer, Blob, File, atob, btoa, constants, isAscii, isUtf8, kStringMaxLength
})) {
  if (!(name in Buffer)) Object.defineProperty(Buffer, name, { value, writable: true, configurable: true, enumerable: false })
}

export default Buffer
