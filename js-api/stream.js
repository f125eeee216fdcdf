/**
 * `oro:stream` (also `node:stream`) — Node's `stream` module, from the `readable-stream` npm
 * package (Node's own lib/internal/streams, published for other runtimes; bundled as ESM into
 * `vendor/stream.js`). Its chunks are `oro:buffer` Buffers and its streams `oro:events`
 * EventEmitters; `process.nextTick` is a microtask.
 *
 * ```js
 * import { Readable, Writable, pipeline } from 'node:stream'
 * const source = Readable.from(['a', 'b', 'c'])
 * const sink = new Writable({ write (chunk, encoding, callback) { console.log(chunk.toString()); callback() } })
 * pipeline(source, sink, (error) => console.log('done', error))
 * ```
 *
 * Of the names Oro's streamx-based `stream` adds, those with a meaning for Node's streams are
 * here too: `web` (oro:stream/web), `pipelinePromise`, `isStream`, `isStreamx` (false: these
 * are no streamx streams), `isReadStreamx`, `getStreamError`, and the `FIFO`/`FixedFIFO`
 * queues streamx keeps its buffers in.
 * @module oro:stream
 */

import { promises } from './vendor/stream.js'
import * as web from './stream/web.js'

export {
  Duplex,
  PassThrough,
  Readable,
  Stream,
  Transform,
  Writable,
  addAbortSignal,
  compose,
  destroy,
  finished,
  isDisturbed,
  isErrored,
  isReadable,
  pipeline,
  promises,
  default
} from './vendor/stream.js'

export { web }

/**
 * Resolves when the streams, piped into one another, have finished (Oro's `pipelinePromise`:
 * `stream/promises`' `pipeline`).
 * @param {...any} streams
 * @returns {Promise<void>}
 */
export function pipelinePromise (...streams) {
  return promises.pipeline(...streams)
}

/**
 * Whether `stream` is a stream (it has a readable or a writable side's state), as streamx's
 * `isStream` tells.
 * @param {any} stream
 * @returns {boolean}
 */
export function isStream (stream) {
  return Boolean(stream?._readableState || stream?._writableState)
}

/**
 * Whether `stream` is a streamx stream (it has streamx's `_duplexState`); never one of these.
 * @param {any} stream
 * @returns {boolean}
 */
export function isStreamx (stream) {
  return typeof stream?._duplexState === 'number' && isStream(stream)
}

/**
 * Whether `stream` is a readable streamx stream.
 * @param {any} stream
 * @returns {boolean}
 */
export function isReadStreamx (stream) {
  return isStreamx(stream) && Boolean(stream.readable)
}

/**
 * The error that destroyed `stream`, or null (streamx's `getStreamError`; Node's `errored`).
 * @param {any} stream
 * @returns {Error | null}
 */
export function getStreamError (stream) {
  return stream?.errored ?? stream?._readableState?.errored ?? stream?._writableState?.errored ?? null
}

/**
 * A queue of a fixed power-of-two capacity (fast-fifo's, which streamx uses): `push` returns
 * false when it is full. `undefined` cannot be queued (it marks an empty slot).
 */
export class FixedFIFO {
  /** @param {number} hwm capacity, a power of two */
  constructor (hwm) {
    if (!(hwm > 0) || ((hwm - 1) & hwm) !== 0) {
      throw Object.assign(new RangeError('Max size for a FixedFIFO should be a power of two'), { code: 'ERR_OUT_OF_RANGE' })
    }
    /** @type {unknown[]} */
    this.buffer = new Array(hwm)
    this.mask = hwm - 1
    this.top = 0
    this.btm = 0
    /** @type {FixedFIFO | null} */
    this.next = null
  }

  clear () {
    this.buffer.fill(undefined)
    this.top = this.btm = 0
    this.next = null
  }

  /** @param {unknown} data */
  push (data) {
    if (this.buffer[this.top] !== undefined) return false
    this.buffer[this.top] = data
    this.top = (this.top + 1) & this.mask
    return true
  }

  shift () {
    const last = this.buffer[this.btm]
    if (last === undefined) return undefined
    this.buffer[this.btm] = undefined
    this.btm = (this.btm + 1) & this.mask
    return last
  }

  peek () {
    return this.buffer[this.btm]
  }

  isEmpty () {
    return this.buffer[this.btm] === undefined
  }
}

/**
 * An unbounded queue made of `FixedFIFO`s, each twice the size of the one before (fast-fifo's).
 * `length` counts the queued values.
 */
export class FIFO {
  /** @param {number} [hwm] the first block's size, a power of two (default 16) */
  constructor (hwm = 16) {
    this.hwm = hwm
    this.head = new FixedFIFO(hwm)
    this.tail = this.head
    this.length = 0
  }

  clear () {
    this.head = this.tail
    this.head.clear()
    this.length = 0
  }

  /** @param {unknown} value */
  push (value) {
    this.length++
    if (!this.head.push(value)) {
      const previous = this.head
      this.head = previous.next = new FixedFIFO(2 * previous.buffer.length)
      this.head.push(value)
    }
  }

  shift () {
    if (this.length !== 0) this.length--
    const value = this.tail.shift()
    if (value === undefined && this.tail.next) {
      const next = this.tail.next
      this.tail.next = null
      this.tail = next
      return this.tail.shift()
    }
    return value
  }

  peek () {
    const value = this.tail.peek()
    if (value === undefined && this.tail.next) return this.tail.next.peek()
    return value
  }

  isEmpty () {
    return this.length === 0
  }
}
