/**
 * `oro:zlib` — Oro's zlib API: promise-based `deflate`/`inflate`/`gzip`/`gunzip` and host-side
 * `ZlibStream`s, done by Python's zlib in the host (routes `zlib.*`, docs/zlib.md).
 *
 * ```js
 * import { gzip, gunzip, createDeflateStream } from 'oro:zlib'
 * const packed = await gzip('hello')
 * const text = (await gunzip(packed)).toString()
 * const stream = await createDeflateStream({ level: 9 })
 * const head = await stream.write('some ')
 * const tail = await stream.end('text')
 * ```
 *
 * Node's API (callbacks, `*Sync`, Transform streams) is `node:zlib` (`oro:zlib/node`).
 * @module oro:zlib
 */

import { request, write } from 'oro:ipc'
import { Buffer } from 'oro:buffer'

/** @typedef {'zlib' | 'gzip' | 'raw'} ZlibFormat */
/** @typedef {'deflate' | 'inflate'} ZlibMode */
/** @typedef {{ format?: ZlibFormat, level?: number, signal?: AbortSignal, timeout?: number }} ZlibOptions */
/** @typedef {ZlibOptions & { mode?: ZlibMode }} ZlibStreamOptions */
/** @typedef {{ finish?: boolean, signal?: AbortSignal, timeout?: number }} ZlibChunkOptions */
/** @typedef {Buffer | Uint8Array | ArrayBuffer | string} ZlibInput */

/**
 * The input as bytes (strings as UTF-8), as Oro takes it.
 * @param {unknown} input
 * @returns {Uint8Array}
 */
function toBytes (input) {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  if (input instanceof ArrayBuffer) return new Uint8Array(input)
  if (typeof input === 'string') return Buffer.from(input)
  throw new TypeError('Expected Buffer, Uint8Array, ArrayBuffer, or string for zlib input')
}

/**
 * @param {unknown} format
 * @returns {ZlibFormat}
 */
function normalizeFormat (format) {
  if (!format) return 'zlib'
  const value = String(format).toLowerCase()
  if (value === 'gzip' || value === 'raw' || value === 'zlib') return value
  throw new RangeError("format must be one of 'zlib', 'gzip', or 'raw'")
}

/**
 * @param {unknown} level
 * @returns {number | undefined}
 */
function normalizeLevel (level) {
  if (level === null || level === undefined) return undefined
  const value = Number(level)
  if (!Number.isInteger(value) || value < 0 || value > 9) {
    throw new RangeError('level must be an integer between 0 and 9')
  }
  return value
}

/** A random 64-bit id, as Oro gives a stream made without one (`rand64()`). */
function randomId () {
  return new BigUint64Array(crypto.getRandomValues(new BigUint64Array(1)))[0].toString()
}

/**
 * Send `bytes` to `route`; the reply's bytes as a `Buffer`.
 * @param {string} route
 * @param {Record<string, unknown>} params
 * @param {Uint8Array} bytes
 * @param {{ signal?: AbortSignal, timeout?: number } | null | undefined} options
 * @returns {Promise<Buffer>}
 */
async function writeBinary (route, params, bytes, options) {
  /** @type {Record<string, unknown>} */
  const callOptions = {}
  if (options?.signal) callOptions.signal = options.signal
  if (typeof options?.timeout === 'number') callOptions.timeout = options.timeout
  const data = await write(route, params, bytes, callOptions)
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (data === null || data === undefined) return Buffer.alloc(0)
  throw new TypeError(`Invalid binary response from '${route}'. Received: ${typeof data}`)
}

/**
 * Reports whether the zlib primitive is available (always, while oro-zlib is installed and
 * the `zlib` permission allowed).
 * @returns {Promise<boolean>}
 */
export async function isAvailable () {
  try {
    const data = await request('zlib.capabilities')
    return Boolean(data?.available)
  } catch {
    return false
  }
}

/**
 * Compresses a buffer (zlib framing unless `options.format` says otherwise).
 * @param {ZlibInput} input
 * @param {ZlibOptions | null} [options]
 * @returns {Promise<Buffer>}
 */
export async function deflate (input, options = null) {
  const bytes = toBytes(input)
  /** @type {Record<string, unknown>} */
  const params = { format: normalizeFormat(options?.format) }
  const level = normalizeLevel(options?.level)
  if (level !== undefined) params.level = level
  return await writeBinary('zlib.deflate', params, bytes, options)
}

/**
 * Decompresses a buffer (zlib framing unless `options.format` says otherwise).
 * @param {ZlibInput} input
 * @param {ZlibOptions | null} [options]
 * @returns {Promise<Buffer>}
 */
export async function inflate (input, options = null) {
  const bytes = toBytes(input)
  return await writeBinary('zlib.inflate', { format: normalizeFormat(options?.format) }, bytes, options)
}

/**
 * Compresses a buffer with gzip framing.
 * @param {ZlibInput} input
 * @param {ZlibOptions | null} [options]
 * @returns {Promise<Buffer>}
 */
export async function gzip (input, options = null) {
  return await deflate(input, { ...options, format: 'gzip' })
}

/**
 * Decompresses a gzip buffer.
 * @param {ZlibInput} input
 * @param {ZlibOptions | null} [options]
 * @returns {Promise<Buffer>}
 */
export async function gunzip (input, options = null) {
  return await inflate(input, { ...options, format: 'gzip' })
}

/** A stateful zlib stream held by the host for this page. */
export class ZlibStream {
  /**
   * Opens a new zlib stream.
   * @param {ZlibMode} [mode='deflate']
   * @param {ZlibStreamOptions | null} [options]
   * @returns {Promise<ZlibStream>}
   */
  static async create (mode = 'deflate', options = null) {
    const normalizedMode = String(mode) === 'inflate' ? 'inflate' : 'deflate'
    /** @type {Record<string, unknown>} */
    const params = { mode: normalizedMode, format: normalizeFormat(options?.format) }
    const level = normalizeLevel(options?.level)
    if (level !== undefined) params.level = level
    /** @type {Record<string, unknown>} */
    const callOptions = {}
    if (options?.signal) callOptions.signal = options.signal
    if (typeof options?.timeout === 'number') callOptions.timeout = options.timeout
    const data = await request('zlib.stream.open', params, callOptions)
    const id = data?.id ?? data?.streamId
    if (!id) throw new Error('zlib.stream.open did not return a stream id')
    return new ZlibStream({ id, mode: normalizedMode, format: /** @type {ZlibFormat} */ (params.format) })
  }

  /**
   * @ignore
   * @param {{ id: string | number | bigint, mode: ZlibMode, format: ZlibFormat }} state
   */
  constructor (state) {
    /** @type {string} */
    this.id = String(state.id || randomId())
    /** @type {string} */
    this.mode = state.mode === 'inflate' ? 'inflate' : 'deflate'
    /** @type {string} */
    this.format = normalizeFormat(state.format)
    /** @type {boolean} */
    this.closed = false
  }

  /**
   * Writes a chunk into the stream and returns the output it produced.
   * @param {ZlibInput} chunk
   * @param {ZlibChunkOptions | null} [options]
   * @returns {Promise<Buffer>}
   */
  async write (chunk, options = null) {
    if (this.closed) throw new Error('ZlibStream is closed')
    const bytes = toBytes(chunk)
    /** @type {Record<string, unknown>} */
    const params = { id: this.id }
    if (options?.finish) {
      params.finish = true
      this.closed = true
    }
    return await writeBinary('zlib.stream.write', params, bytes, options)
  }

  /**
   * Signals the end of the stream, with an optional last chunk; the rest of the output.
   * @param {ZlibInput | null} [chunk]
   * @param {ZlibChunkOptions | null} [options]
   * @returns {Promise<Buffer>}
   */
  async end (chunk = null, options = null) {
    if (this.closed) return Buffer.alloc(0)
    return await this.write(chunk ?? new Uint8Array(0), { ...options, finish: true })
  }

  /**
   * Closes the stream without sending additional data (the host lets go of it); subsequent
   * writes throw.
   */
  close () {
    if (this.closed) return
    this.closed = true
    request('zlib.stream.close', { id: this.id }).catch(() => {})
  }
}

/**
 * Opens a deflate stream.
 * @param {ZlibStreamOptions | null} [options]
 * @returns {Promise<ZlibStream>}
 */
export function createDeflateStream (options = null) {
  return ZlibStream.create('deflate', options)
}

/**
 * Opens an inflate stream.
 * @param {ZlibStreamOptions | null} [options]
 * @returns {Promise<ZlibStream>}
 */
export function createInflateStream (options = null) {
  return ZlibStream.create('inflate', options)
}

const api = Object.freeze({
  isAvailable,
  deflate,
  inflate,
  gzip,
  gunzip,
  ZlibStream,
  createDeflateStream,
  createInflateStream
})

export default api
