/**
 * Argument handling shared by the `oro:fs` modules: paths, open flags, modes, times,
 * encodings and descriptor ids, with Node's validation errors.
 * @module oro:fs/internal/util (internal)
 */

import { Buffer } from 'oro:buffer'
import { constants } from 'oro:fs/constants'

/**
 * A `TypeError` with Node's `code`.
 * @param {string} message
 * @param {string} [code]
 * @returns {TypeError & { code: string }}
 */
export function typeError (message, code = 'ERR_INVALID_ARG_TYPE') {
  return Object.assign(new TypeError(message), { code })
}

/**
 * A `RangeError` with Node's `code`.
 * @param {string} message
 * @returns {RangeError & { code: string }}
 */
export function rangeError (message) {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' })
}

/**
 * `path` as the string the host receives: strings as they are, `Buffer`/`Uint8Array` decoded
 * as UTF-8, `file:` URLs as their decoded path.
 * @param {unknown} path
 * @param {string} [name]
 * @returns {string}
 */
export function toPath (path, name = 'path') {
  if (typeof path === 'string') return path
  if (path instanceof Uint8Array) return Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('utf8')
  if (path instanceof URL || (path !== null && typeof path === 'object' && typeof (/** @type {any} */ (path)).href === 'string' && typeof (/** @type {any} */ (path)).protocol === 'string')) {
    const url = /** @type {URL} */ (path)
    if (url.protocol !== 'file:') throw typeError(`The URL must be of scheme file: ${url.href}`, 'ERR_INVALID_URL_SCHEME')
    return decodeURIComponent(url.pathname)
  }
  throw typeError(`The "${name}" argument must be of type string or an instance of Buffer or URL. Received ${describe(path)}`)
}

/**
 * Node's wording for a received value.
 * @param {unknown} value
 */
export function describe (value) {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`
  return `type ${typeof value} (${JSON.stringify(value)})`
}

/** Node's `fs.open` flag strings. */
const FLAG_STRINGS = /** @type {Record<string, string[]>} */ ({
  r: ['O_RDONLY'],
  rs: ['O_RDONLY', 'O_SYNC'],
  sr: ['O_RDONLY', 'O_SYNC'],
  'r+': ['O_RDWR'],
  'rs+': ['O_RDWR', 'O_SYNC'],
  'sr+': ['O_RDWR', 'O_SYNC'],
  w: ['O_TRUNC', 'O_CREAT', 'O_WRONLY'],
  wx: ['O_TRUNC', 'O_CREAT', 'O_WRONLY', 'O_EXCL'],
  xw: ['O_TRUNC', 'O_CREAT', 'O_WRONLY', 'O_EXCL'],
  'w+': ['O_TRUNC', 'O_CREAT', 'O_RDWR'],
  'wx+': ['O_TRUNC', 'O_CREAT', 'O_RDWR', 'O_EXCL'],
  'xw+': ['O_TRUNC', 'O_CREAT', 'O_RDWR', 'O_EXCL'],
  a: ['O_APPEND', 'O_CREAT', 'O_WRONLY'],
  ax: ['O_APPEND', 'O_CREAT', 'O_WRONLY', 'O_EXCL'],
  xa: ['O_APPEND', 'O_CREAT', 'O_WRONLY', 'O_EXCL'],
  as: ['O_APPEND', 'O_CREAT', 'O_WRONLY', 'O_SYNC'],
  sa: ['O_APPEND', 'O_CREAT', 'O_WRONLY', 'O_SYNC'],
  'a+': ['O_APPEND', 'O_CREAT', 'O_RDWR'],
  'ax+': ['O_APPEND', 'O_CREAT', 'O_RDWR', 'O_EXCL'],
  'xa+': ['O_APPEND', 'O_CREAT', 'O_RDWR', 'O_EXCL'],
  'as+': ['O_APPEND', 'O_CREAT', 'O_RDWR', 'O_SYNC'],
  'sa+': ['O_APPEND', 'O_CREAT', 'O_RDWR', 'O_SYNC']
})

/**
 * Node's `stringToFlags`: `'r'`, `'w+'`, `'ax'`... (or a number) → the host's numeric flags.
 * @param {string | number | null | undefined} flags
 * @param {string} [fallback] used when `flags` is null/undefined
 * @param {Record<string, number>} [table] the constants to use (default: the host's)
 * @returns {number}
 */
export function toFlags (flags, fallback = 'r', table = constants) {
  if (flags === undefined || flags === null) flags = fallback
  if (typeof flags === 'number') {
    if (!Number.isInteger(flags)) throw rangeError(`The value of "flags" is out of range. It must be an integer. Received ${flags}`)
    return flags
  }
  const names = typeof flags === 'string' ? FLAG_STRINGS[flags] : undefined
  if (!names) {
    throw typeError(`The value "${String(flags)}" is invalid for option "flags"`, 'ERR_INVALID_ARG_VALUE')
  }
  return names.reduce((value, name) => value | (table[name] ?? 0), 0)
}

/**
 * A file mode: a number, or an octal string (`'644'`, `'0o755'`); `fallback` when absent.
 * @param {unknown} mode
 * @param {number} fallback
 * @returns {number}
 */
export function toMode (mode, fallback) {
  if (mode === undefined || mode === null) return fallback
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777777777) throw rangeError(`The value of "mode" is out of range. Received ${mode}`)
    return mode
  }
  if (typeof mode === 'string') {
    const text = mode.startsWith('0o') ? mode.slice(2) : mode
    if (!/^[0-7]+$/.test(text)) throw typeError(`The argument 'mode' must be a 32-bit unsigned integer or an octal string. Received '${mode}'`, 'ERR_INVALID_ARG_VALUE')
    return parseInt(text, 8)
  }
  throw typeError(`The "mode" argument must be of type number or string. Received ${describe(mode)}`)
}

/**
 * A time for `utimes`: seconds (number), a numeric string, or a `Date` → seconds as a float.
 * @param {unknown} time
 * @param {string} name
 * @returns {number}
 */
export function toSeconds (time, name) {
  if (typeof time === 'number' && Number.isFinite(time)) return time
  if (typeof time === 'string' && time.trim() !== '' && Number.isFinite(Number(time))) return Number(time)
  if (time instanceof Date && Number.isFinite(time.getTime())) return time.getTime() / 1000
  if (typeof time === 'bigint') return Number(time)
  throw typeError(`The "${name}" argument must be of type number, string or an instance of Date. Received ${describe(time)}`)
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8')

/** Encodings `Buffer` knows (plus `buffer`, meaning: no decoding). */
const ENCODINGS = new Set(['utf8', 'utf-8', 'base64', 'base64url', 'hex', 'latin1', 'binary', 'ascii',
  'ucs2', 'ucs-2', 'utf16le', 'utf-16le', 'buffer'])

/**
 * Validate an encoding name (case-insensitive); null/undefined stay null.
 * @param {unknown} encoding
 * @returns {string | null}
 */
export function checkEncoding (encoding) {
  if (encoding === undefined || encoding === null) return null
  if (typeof encoding === 'string' && ENCODINGS.has(encoding.toLowerCase())) return encoding.toLowerCase()
  throw typeError(`The argument 'encoding' is invalid encoding. Received ${JSON.stringify(encoding)}`, 'ERR_INVALID_ARG_VALUE')
}

/**
 * Node's options argument: a string is the encoding; an object is copied over `defaults`.
 * @template {Record<string, any>} T
 * @param {unknown} options
 * @param {T} defaults
 * @returns {T & Record<string, any>}
 */
export function getOptions (options, defaults) {
  if (options === undefined || options === null || typeof options === 'function') return { ...defaults }
  if (typeof options === 'string') return { ...defaults, encoding: checkEncoding(options) }
  if (typeof options !== 'object') {
    throw typeError(`The "options" argument must be of type object. Received ${describe(options)}`)
  }
  /** @type {Record<string, any>} */
  const merged = { ...defaults, ...options }
  if ('encoding' in merged) merged.encoding = checkEncoding(merged.encoding)
  return /** @type {T & Record<string, any>} */ (merged)
}

/**
 * The bytes of `data`: strings encoded with `encoding` (UTF-8 by default), views and
 * ArrayBuffers without copying.
 * @param {unknown} data
 * @param {string | null} [encoding]
 * @returns {Uint8Array}
 */
export function toBytes (data, encoding = 'utf8') {
  if (typeof data === 'string') {
    if (!encoding || encoding === 'utf8' || encoding === 'utf-8' || encoding === 'buffer') return toBuffer(utf8Encoder.encode(data))
    return Buffer.from(data, /** @type {import('oro:buffer').BufferEncoding} */ (encoding && encoding !== 'buffer' ? encoding : 'utf8'))
  }
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  throw typeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${describe(data)}`)
}

/**
 * `bytes` as Node returns them: a `Buffer` sharing the memory, or a string in `encoding`.
 * @param {Uint8Array} bytes
 * @param {string | null | undefined} encoding
 * @returns {import('oro:buffer').Buffer | string}
 */
export function fromBytes (bytes, encoding) {
  // The platform's UTF-8 decoder replaces invalid sequences exactly as Node does (the
  // vendored Buffer's does not always), and is much faster on large files.
  if (encoding === 'utf8' || encoding === 'utf-8') return utf8Decoder.decode(bytes)
  const buffer = toBuffer(bytes)
  return encoding && encoding !== 'buffer' ? buffer.toString(/** @type {import('oro:buffer').BufferEncoding} */ (encoding)) : buffer
}

/**
 * A `Buffer` over the same memory as `bytes`.
 * @param {Uint8Array} bytes
 * @returns {import('oro:buffer').Buffer}
 */
export function toBuffer (bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * A new descriptor / dir / watcher id: the decimal string of a random 53-bit integer (the
 * host scopes ids to the calling window, so they only need to be unique within a page).
 * @returns {string}
 */
export function newId () {
  const words = new Uint32Array(2)
  globalThis.crypto.getRandomValues(words)
  // 21 high bits + 32 low bits = 53 bits; never 0.
  return String((words[0] & 0x1fffff) * 0x100000000 + words[1] || 1)
}

/**
 * Reject a call whose `signal` already fired, with Node's `AbortError`.
 * @param {AbortSignal | undefined | null} signal
 */
export function checkAborted (signal) {
  if (signal?.aborted) throw abortError(signal.reason)
}

/**
 * Node's `AbortError` (`name` AbortError, `code` ABORT_ERR).
 * @param {unknown} [cause]
 * @returns {Error & { code: string }}
 */
export function abortError (cause) {
  const error = Object.assign(new Error('The operation was aborted', cause === undefined ? undefined : { cause }), { code: 'ABORT_ERR' })
  Object.defineProperty(error, 'name', { value: 'AbortError', enumerable: false, configurable: true, writable: true })
  return error
}

/**
 * A boolean option, checked as Node checks `options.flush` (`undefined` counts as false).
 * @param {unknown} value
 * @param {string} name
 */
export function checkBoolean (value, name) {
  if (value !== undefined && typeof value !== 'boolean') {
    throw typeError(`The "${name}" property must be of type boolean. Received ${describe(value)}`)
  }
}

/**
 * A callback argument, checked as Node checks it.
 * @param {unknown} callback
 * @returns {Function}
 */
export function checkCallback (callback) {
  if (typeof callback !== 'function') {
    throw typeError(`The "cb" argument must be of type function. Received ${describe(callback)}`)
  }
  return callback
}
