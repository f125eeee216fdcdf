/**
 * `oro:zlib/node` (also `node:zlib`) — Node's `zlib` for page JavaScript, done by Python's zlib
 * in the host (routes `zlib.*`, docs/zlib.md).
 *
 * ```js
 * import zlib from 'node:zlib'
 * zlib.gzip('hello', (error, packed) => zlib.gunzip(packed, (error, plain) => console.log(String(plain))))
 * const packed = zlib.deflateSync('hello')           // a synchronous request: the page waits
 * readable.pipe(zlib.createGzip()).pipe(writable)   // oro:stream Transforms
 * ```
 *
 * The callback forms are one `zlib.deflate`/`zlib.inflate` request each; the `*Sync` forms the
 * same request made with `sendSync` (a synchronous XHR, so the page is blocked meanwhile, as
 * Node's thread is); the streams are `oro:stream` Transforms over a host stream
 * (`zlib.stream.*`), one request per written piece, in order. Options are checked here, with
 * Node's errors, before anything is sent. Brotli is not available: Python's standard library has
 * no brotli, so those names throw `NotSupportedError`.
 * @module oro:zlib/node
 */

import { request, sendSync, write } from 'oro:ipc'
import { Buffer } from 'oro:buffer'
import { Transform } from 'oro:stream'
import { NotSupportedError, invalidArgType, withCode } from 'oro:errors'
import { CONSTANTS } from './constants.js'

/** @typedef {import('oro:stream').TransformOptions} TransformOptions */
/** @typedef {'deflate' | 'inflate'} Mode */
/** @typedef {'zlib' | 'gzip' | 'raw' | 'auto'} Format */
/**
 * @typedef {object} ZlibOptions
 * @property {number} [flush]
 * @property {number} [finishFlush]
 * @property {number} [chunkSize]
 * @property {number} [windowBits]
 * @property {number} [level]
 * @property {number} [memLevel]
 * @property {number} [strategy]
 * @property {ArrayBufferView | ArrayBuffer} [dictionary]
 * @property {boolean} [info]
 * @property {number} [maxOutputLength]
 */

const K_MAX_LENGTH = 2 ** 32
/** Largest input of one deflate request of a stream (bigger writes go in pieces, in order). */
const DEFLATE_PIECE = 1024 * 1024
/**
 * Largest input of one inflate request of a stream: at zlib's best ratio (1032:1) its output
 * stays near the host's default `zlib.max_output_bytes` of 64 MiB.
 */
const INFLATE_PIECE = 64 * 1024

let vernum = /** @type {number | undefined} */ (undefined)

/** The host's zlib as `ZLIB_VERNUM` (0x1213 for 1.2.13), asked once, when first read. */
function zlibVernum () {
  if (vernum === undefined) {
    const { err, data } = sendSync('zlib.capabilities')
    if (err) throw err
    const [major = 0, minor = 0, revision = 0, sub = 0] = String(data.version).split(/[.-]/).map(Number)
    vernum = (major << 12) | (minor << 8) | (revision << 4) | (sub & 0xf)
  }
  return vernum
}

/** Node's `zlib.constants` (`ZLIB_VERNUM` is the host's zlib, read when first used). */
export const constants = Object.defineProperty(
  /** @type {Record<string, number>} */ ({ ...CONSTANTS }),
  'ZLIB_VERNUM',
  { get: zlibVernum, enumerable: true, configurable: false }
)
Object.freeze(constants)

/** Node's `zlib.codes`: zlib's return codes by name and by number. */
export const codes = Object.freeze(/** @type {Record<string, string | number>} */ ({
  Z_OK: CONSTANTS.Z_OK,
  Z_STREAM_END: CONSTANTS.Z_STREAM_END,
  Z_NEED_DICT: CONSTANTS.Z_NEED_DICT,
  Z_ERRNO: CONSTANTS.Z_ERRNO,
  Z_STREAM_ERROR: CONSTANTS.Z_STREAM_ERROR,
  Z_DATA_ERROR: CONSTANTS.Z_DATA_ERROR,
  Z_MEM_ERROR: CONSTANTS.Z_MEM_ERROR,
  Z_BUF_ERROR: CONSTANTS.Z_BUF_ERROR,
  Z_VERSION_ERROR: CONSTANTS.Z_VERSION_ERROR,
  ...Object.fromEntries(
    ['Z_OK', 'Z_STREAM_END', 'Z_NEED_DICT', 'Z_ERRNO', 'Z_STREAM_ERROR', 'Z_DATA_ERROR', 'Z_MEM_ERROR', 'Z_BUF_ERROR', 'Z_VERSION_ERROR']
      .map((name) => [String(CONSTANTS[/** @type {keyof typeof CONSTANTS} */ (name)]), name])
  )
}))

// --------------------------------------------------------------------------------------------
// Node's argument checks
// --------------------------------------------------------------------------------------------

/**
 * @param {string} name
 * @param {string} range
 * @param {unknown} value
 */
function outOfRange (name, range, value) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`), 'ERR_OUT_OF_RANGE')
}

/**
 * Node's `checkRangesOrGetDefault`: `value` as a number within bounds, or `fallback` when absent.
 * @param {unknown} value
 * @param {string} name
 * @param {number} lower
 * @param {number} upper
 * @param {number} fallback
 * @returns {number}
 */
function checkRange (value, name, lower, upper, fallback) {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  if (!Number.isFinite(value)) {
    if (Number.isNaN(value)) return fallback
    throw outOfRange(name, 'a finite number', value)
  }
  if (value < lower || value > upper) {
    throw outOfRange(name, upper === Infinity ? `>= ${lower}` : `>= ${lower} and <= ${upper}`, value)
  }
  return value
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {Uint8Array}
 */
function bytesOf (value, name) {
  if (typeof value === 'string') return Buffer.from(value)
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer', value)
}

/**
 * The parameters of a `zlib.deflate`/`zlib.inflate`/`zlib.stream.open` request, from Node's
 * options, checked as Node checks them.
 * @param {Mode} mode
 * @param {Format} format
 * @param {ZlibOptions | null | undefined} options
 * @returns {{ params: Record<string, unknown>, finishFlush: number, flush: number, maxOutputLength: number }}
 */
function paramsFor (mode, format, options) {
  const opts = options ?? {}
  if (typeof opts !== 'object') throw invalidArgType('options', 'of type object', opts)
  const flush = checkRange(opts.flush, 'options.flush', CONSTANTS.Z_NO_FLUSH, CONSTANTS.Z_BLOCK, CONSTANTS.Z_NO_FLUSH)
  const finishFlush = checkRange(opts.finishFlush, 'options.finishFlush', CONSTANTS.Z_NO_FLUSH, CONSTANTS.Z_BLOCK, CONSTANTS.Z_FINISH)
  checkRange(opts.chunkSize, 'options.chunkSize', CONSTANTS.Z_MIN_CHUNK, Infinity, CONSTANTS.Z_DEFAULT_CHUNK)
  const maxOutputLength = checkRange(opts.maxOutputLength, 'options.maxOutputLength', 1, K_MAX_LENGTH, K_MAX_LENGTH)
  /** @type {Record<string, unknown>} */
  const params = { format }
  const headerSized = mode === 'inflate' && format !== 'raw'
  if (headerSized && (opts.windowBits === undefined || opts.windowBits === null || opts.windowBits === 0)) {
    params.windowBits = 0
  } else {
    const least = CONSTANTS.Z_MIN_WINDOWBITS + (mode === 'deflate' && format === 'gzip' ? 1 : 0)
    params.windowBits = checkRange(opts.windowBits, 'options.windowBits', least, CONSTANTS.Z_MAX_WINDOWBITS, CONSTANTS.Z_DEFAULT_WINDOWBITS)
  }
  params.level = checkRange(opts.level, 'options.level', CONSTANTS.Z_MIN_LEVEL, CONSTANTS.Z_MAX_LEVEL, CONSTANTS.Z_DEFAULT_COMPRESSION)
  params.memLevel = checkRange(opts.memLevel, 'options.memLevel', CONSTANTS.Z_MIN_MEMLEVEL, CONSTANTS.Z_MAX_MEMLEVEL, CONSTANTS.Z_DEFAULT_MEMLEVEL)
  params.strategy = checkRange(opts.strategy, 'options.strategy', CONSTANTS.Z_DEFAULT_STRATEGY, CONSTANTS.Z_FIXED, CONSTANTS.Z_DEFAULT_STRATEGY)
  if (opts.dictionary !== undefined) {
    if (!ArrayBuffer.isView(opts.dictionary) && !(opts.dictionary instanceof ArrayBuffer)) {
      throw invalidArgType('options.dictionary', 'an instance of Buffer, TypedArray, DataView, or ArrayBuffer', opts.dictionary)
    }
    throw new NotSupportedError('zlib: options.dictionary is not supported by oro-zlib (see docs/zlib.md)')
  }
  if (opts.info) throw new NotSupportedError('zlib: options.info is not supported by oro-zlib (see docs/zlib.md)')
  if (mode === 'inflate') {
    if (maxOutputLength !== K_MAX_LENGTH) params.maxOutputLength = maxOutputLength
    // Node inflates a stream cut short without complaint when it does not finish with Z_FINISH.
    if (finishFlush !== CONSTANTS.Z_FINISH) params.partial = true
  }
  return { params, finishFlush, flush, maxOutputLength }
}

/**
 * @param {Uint8Array | null | undefined} data
 * @returns {Buffer}
 */
function toBuffer (data) {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.alloc(0)
}

// --------------------------------------------------------------------------------------------
// One-shot: callbacks and Sync
// --------------------------------------------------------------------------------------------

/**
 * @typedef {(error: Error | null, result?: Buffer) => void} Callback
 */

/**
 * Define Node's `name(buffer, [options], callback)` and `nameSync(buffer, [options])`.
 * @param {Mode} mode
 * @param {Format} format
 */
function oneShot (mode, format) {
  const route = mode === 'deflate' ? 'zlib.deflate' : 'zlib.inflate'
  /**
   * @param {string | ArrayBuffer | ArrayBufferView} buffer
   * @param {ZlibOptions | Callback} [options]
   * @param {Callback} [callback]
   */
  function asyncForm (buffer, options, callback) {
    if (typeof options === 'function') {
      callback = /** @type {Callback} */ (options)
      options = {}
    }
    // Node's order: the options (the engine is made first), the callback, then the input.
    const { params } = paramsFor(mode, format, /** @type {ZlibOptions | undefined} */ (options))
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
    const done = callback
    if (typeof buffer !== 'string' && !ArrayBuffer.isView(buffer) && !(buffer instanceof ArrayBuffer)) {
      throw invalidArgType('chunk', 'of type string or an instance of Buffer, TypedArray, or DataView', buffer)
    }
    write(route, params, bytesOf(buffer, 'buffer')).then(
      (data) => done(null, toBuffer(data)),
      (error) => done(error)
    )
  }
  /**
   * @param {string | ArrayBuffer | ArrayBufferView} buffer
   * @param {ZlibOptions} [options]
   * @returns {Buffer}
   */
  function syncForm (buffer, options) {
    const { params } = paramsFor(mode, format, options)
    const bytes = bytesOf(buffer, 'buffer')
    const { err, data } = sendSync(route, params, { body: bytes })
    if (err) throw err
    return toBuffer(data)
  }
  return [asyncForm, syncForm]
}

export const [deflate, deflateSync] = oneShot('deflate', 'zlib')
export const [inflate, inflateSync] = oneShot('inflate', 'zlib')
export const [gzip, gzipSync] = oneShot('deflate', 'gzip')
export const [gunzip, gunzipSync] = oneShot('inflate', 'gzip')
export const [deflateRaw, deflateRawSync] = oneShot('deflate', 'raw')
export const [inflateRaw, inflateRawSync] = oneShot('inflate', 'raw')
export const [unzip, unzipSync] = oneShot('inflate', 'auto')

// --------------------------------------------------------------------------------------------
// Streams
// --------------------------------------------------------------------------------------------

/** What `flush(kind)` writes: empty chunks told apart by identity, as Node's. */
/** @type {Array<[number, string]>} */
const FLUSH_KINDS = [
  [CONSTANTS.Z_PARTIAL_FLUSH, 'sync'],
  [CONSTANTS.Z_SYNC_FLUSH, 'sync'],
  [CONSTANTS.Z_FULL_FLUSH, 'full'],
  [CONSTANTS.Z_BLOCK, 'sync'],
  [CONSTANTS.Z_FINISH, 'sync']
]
/** @type {Map<Buffer, { kind: number, flush: string }>} */
const FLUSH_MARKERS = new Map(FLUSH_KINDS.map(([kind, flush]) => [Buffer.alloc(0), { kind, flush }]))
const markerOf = new Map([...FLUSH_MARKERS].map(([buffer, { kind }]) => [kind, buffer]))

/** Node's `ZlibBase`: a Transform whose zlib state lives in the host. */
class ZlibBase extends Transform {
  /**
   * @param {Mode} mode
   * @param {Format} format
   * @param {ZlibOptions & TransformOptions} [options]
   */
  constructor (mode, format, options) {
    const { params, finishFlush, flush } = paramsFor(mode, format, options)
    super({ ...options, writableObjectMode: false, readableObjectMode: false })
    /** @type {Mode} */
    this._mode = mode
    this._params = params
    this._finishFlushFlag = finishFlush
    this._defaultFlushFlag = flush
    /** @type {Promise<string> | null} */
    this._id = null
    /** Input bytes the host has taken. */
    this.bytesWritten = 0
    this._closed = false
  }

  /** Node's deprecated name for `bytesWritten`. */
  get bytesRead () {
    return this.bytesWritten
  }

  /** @returns {Promise<string>} */
  _open () {
    this._id ??= request('zlib.stream.open', { ...this._params, mode: this._mode }).then((data) => String(data.id))
    return this._id
  }

  /**
   * Send `bytes` in pieces, the last with `flush`; the output.
   * @param {Uint8Array} bytes
   * @param {string} flush none | sync | full | finish
   * @returns {Promise<Buffer[]>}
   */
  async _send (bytes, flush) {
    const id = await this._open()
    const piece = this._mode === 'inflate' ? INFLATE_PIECE : DEFLATE_PIECE
    const outputs = []
    let offset = 0
    do {
      const end = Math.min(bytes.byteLength, offset + piece)
      const last = end === bytes.byteLength
      /** @type {Record<string, unknown>} */
      const params = { id, flush: last ? flush : 'none' }
      const out = await write('zlib.stream.write', params, bytes.subarray(offset, end))
      this.bytesWritten += end - offset
      if (out instanceof Uint8Array && out.byteLength > 0) outputs.push(toBuffer(out))
      offset = end
    } while (offset < bytes.byteLength)
    return outputs
  }

  /**
   * @param {any} chunk
   * @param {string} encoding
   * @param {(error?: Error | null) => void} callback
   */
  _transform (chunk, encoding, callback) {
    const marker = FLUSH_MARKERS.get(chunk)
    const flushFlag = this._defaultFlushFlag === CONSTANTS.Z_NO_FLUSH ? 'none' : this._defaultFlushFlag === CONSTANTS.Z_FULL_FLUSH ? 'full' : 'sync'
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, /** @type {any} */ (encoding)) : bytesOf(chunk, 'chunk')
    this._send(bytes, marker ? marker.flush : flushFlag).then((outputs) => {
      for (const out of outputs) this.push(out)
      callback()
    }, (error) => {
      this._closed = true
      callback(error)
    })
  }

  /** @param {(error?: Error | null) => void} callback */
  _flush (callback) {
    const flush = this._finishFlushFlag === CONSTANTS.Z_FINISH ? 'finish' : 'sync'
    this._send(new Uint8Array(0), flush).then((outputs) => {
      for (const out of outputs) this.push(out)
      this._closed = true
      callback()
    }, (error) => {
      this._closed = true
      callback(error)
    })
  }

  /**
   * @param {Error | null} error
   * @param {(error?: Error | null) => void} callback
   */
  _destroy (error, callback) {
    if (this._id) {
      this._id.then((id) => request('zlib.stream.close', { id })).catch(() => {})
    }
    this._closed = true
    callback(error)
  }

  /**
   * Flush what zlib holds (default `Z_FULL_FLUSH`), in order with the writes before it.
   * @param {number | (() => void)} [kind]
   * @param {() => void} [callback]
   */
  flush (kind, callback) {
    if (typeof kind === 'function' || kind === undefined) {
      callback = /** @type {(() => void) | undefined} */ (kind)
      kind = CONSTANTS.Z_FULL_FLUSH
    }
    if (this.writableFinished) {
      if (callback) queueMicrotask(callback)
      return
    }
    if (this.writableEnded) {
      if (callback) this.once('end', callback)
      return
    }
    this.write(markerOf.get(kind) ?? markerOf.get(CONSTANTS.Z_FULL_FLUSH), callback)
  }

  /**
   * Destroy the stream (the host lets go of its zlib state); `callback` on `close`.
   * @param {() => void} [callback]
   */
  close (callback) {
    if (callback) this.once('close', callback)
    this.destroy()
  }

  /** Not available: Python's zlib cannot reset a stream in place. */
  reset () {
    throw new NotSupportedError('zlib: reset() is not supported by oro-zlib (see docs/zlib.md)')
  }

  /** Not available: Python's zlib cannot change a stream's level or strategy. */
  params () {
    throw new NotSupportedError('zlib: params() is not supported by oro-zlib (see docs/zlib.md)')
  }

  get _handle () {
    return this._closed ? null : {}
  }
}

/**
 * @param {string} name
 * @param {Mode} mode
 * @param {Format} format
 */
function zlibClass (name, mode, format) {
  return {
    [name]: class extends ZlibBase {
      /** @param {ZlibOptions & TransformOptions} [options] */
      constructor (options) {
        super(mode, format, options)
      }
    }
  }[name]
}

export const Deflate = zlibClass('Deflate', 'deflate', 'zlib')
export const Inflate = zlibClass('Inflate', 'inflate', 'zlib')
export const Gzip = zlibClass('Gzip', 'deflate', 'gzip')
export const Gunzip = zlibClass('Gunzip', 'inflate', 'gzip')
export const DeflateRaw = zlibClass('DeflateRaw', 'deflate', 'raw')
export const InflateRaw = zlibClass('InflateRaw', 'inflate', 'raw')
export const Unzip = zlibClass('Unzip', 'inflate', 'auto')

/** @param {ZlibOptions & TransformOptions} [options] */
export function createDeflate (options) { return new Deflate(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createInflate (options) { return new Inflate(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createGzip (options) { return new Gzip(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createGunzip (options) { return new Gunzip(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createDeflateRaw (options) { return new DeflateRaw(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createInflateRaw (options) { return new InflateRaw(options) }
/** @param {ZlibOptions & TransformOptions} [options] */
export function createUnzip (options) { return new Unzip(options) }

// --------------------------------------------------------------------------------------------
// crc32 (in the page: it needs no host)
// --------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * Node's `zlib.crc32(data, value)`: the CRC-32 of `data`, continuing from `value`.
 * @param {string | ArrayBufferView} data
 * @param {number} [value]
 * @returns {number}
 */
export function crc32 (data, value = 0) {
  if (typeof data !== 'string' && !ArrayBuffer.isView(data)) {
    throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
  }
  if (typeof value !== 'number') throw invalidArgType('value', 'of type number', value)
  if (!Number.isInteger(value)) {
    throw outOfRange('value', 'an integer', value)
  }
  if (value < 0 || value > 0xffffffff) throw outOfRange('value', '>= 0 && <= 4294967295', value)
  const bytes = typeof data === 'string' ? Buffer.from(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  let crc = (value ^ 0xffffffff) >>> 0
  for (let index = 0; index < bytes.length; index++) crc = CRC_TABLE[(crc ^ bytes[index]) & 0xff] ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

// --------------------------------------------------------------------------------------------
// Brotli: not available
// --------------------------------------------------------------------------------------------

function noBrotli () {
  return new NotSupportedError("zlib: brotli is not available (Python's standard library has no brotli; see docs/zlib.md)")
}

/**
 * @param {unknown} buffer
 * @param {unknown} options
 * @param {unknown} [callback]
 */
function brotliAsync (buffer, options, callback) {
  const done = typeof options === 'function' ? options : callback
  if (typeof done !== 'function') throw invalidArgType('callback', 'of type function', done)
  queueMicrotask(() => done(noBrotli()))
}

/** @returns {never} */
function brotliSync () {
  throw noBrotli()
}

export const brotliCompress = brotliAsync
export const brotliDecompress = brotliAsync
export const brotliCompressSync = brotliSync
export const brotliDecompressSync = brotliSync
export class BrotliCompress extends Transform {
  constructor () {
    super()
    throw noBrotli()
  }
}
export class BrotliDecompress extends Transform {
  constructor () {
    super()
    throw noBrotli()
  }
}
export function createBrotliCompress () { return new BrotliCompress() }
export function createBrotliDecompress () { return new BrotliDecompress() }

export default {
  constants,
  codes,
  crc32,
  Deflate,
  Inflate,
  Gzip,
  Gunzip,
  DeflateRaw,
  InflateRaw,
  Unzip,
  BrotliCompress,
  BrotliDecompress,
  createDeflate,
  createInflate,
  createGzip,
  createGunzip,
  createDeflateRaw,
  createInflateRaw,
  createUnzip,
  createBrotliCompress,
  createBrotliDecompress,
  deflate,
  deflateSync,
  inflate,
  inflateSync,
  gzip,
  gzipSync,
  gunzip,
  gunzipSync,
  deflateRaw,
  deflateRawSync,
  inflateRaw,
  inflateRawSync,
  unzip,
  unzipSync,
  brotliCompress,
  brotliCompressSync,
  brotliDecompress,
  brotliDecompressSync
}
