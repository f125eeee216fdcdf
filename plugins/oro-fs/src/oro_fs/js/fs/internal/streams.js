/**
 * `fs.createReadStream` / `fs.createWriteStream`: Node-stream-like objects (EventEmitters
 * with `data`/`end`/`finish`/`error`/`close`, `pause()`/`resume()`, `pipe()`, `for await`)
 * over a `FileHandle`. Not a full `stream.Readable`: no object mode, no `read(n)` pull API,
 * no `unshift()`.
 * @module oro:fs/internal/streams (internal)
 */

import { EventEmitter } from 'oro:events'
import { FileHandle } from './handle.js'
import { open } from './api.js'
import { abortError, checkEncoding, getOptions, rangeError, toBytes, toPath, toBuffer } from './util.js'

/**
 * @typedef {object} ReadStreamOptions
 * @property {string | number} [flags] default `'r'`
 * @property {string | null} [encoding] emit strings instead of `Buffer`s
 * @property {FileHandle} [fd] read an already open handle (`path` is then ignored)
 * @property {number} [mode]
 * @property {boolean} [autoClose] close the handle at the end or on error (default true)
 * @property {boolean} [emitClose] emit `close` (default true)
 * @property {number} [start] first byte (inclusive)
 * @property {number} [end] last byte (inclusive, as in Node)
 * @property {number} [highWaterMark] bytes per chunk (default 64 KiB)
 * @property {AbortSignal} [signal] destroys the stream with `AbortError`
 */

/** A readable file stream (Node's `fs.ReadStream`, enough of it for files). */
export class ReadStream extends EventEmitter {
  /** @type {FileHandle | null} */
  #handle = null
  /** @type {Promise<FileHandle> | null} */
  #opening = null
  #position
  #end
  #highWaterMark
  /** @type {string | null} */
  #encoding
  #autoClose
  #emitClose
  #flowing = false
  #reading = false
  #ended = false
  #iterating = false

  /**
   * @param {unknown} path
   * @param {ReadStreamOptions | string} [options]
   */
  constructor (path, options = undefined) {
    super()
    const settings = getOptions(options, { flags: 'r', encoding: null, highWaterMark: 64 * 1024, autoClose: true, emitClose: true, start: undefined, end: Infinity })
    /** The path read (undefined when given an open handle). */
    this.path = settings.fd instanceof FileHandle ? settings.fd.path : toPath(path)
    /** Bytes read so far. */
    this.bytesRead = 0
    /** True until the file is open. */
    this.pending = true
    /** True once destroyed (ended, failed or closed). */
    this.destroyed = false
    /** True once `end` was emitted. */
    this.readableEnded = false
    this.#encoding = settings.encoding
    this.#highWaterMark = settings.highWaterMark
    this.#autoClose = settings.autoClose
    this.#emitClose = settings.emitClose
    const start = settings.start ?? 0
    if (!Number.isInteger(start) || start < 0) throw rangeError(`The value of "start" is out of range. Received ${start}`)
    if (settings.end !== Infinity && (!Number.isInteger(settings.end) || settings.end < start)) {
      throw rangeError(`The value of "end" is out of range. It must be >= ${start}. Received ${settings.end}`)
    }
    this.#position = start
    this.#end = settings.end
    /** @type {AbortSignal | undefined} */
    const signal = settings.signal
    if (signal?.aborted) queueMicrotask(() => this.destroy(abortError(signal.reason)))
    signal?.addEventListener('abort', () => this.destroy(abortError(signal.reason)), { once: true })

    if (settings.fd instanceof FileHandle) {
      this.#handle = settings.fd
      this.#opening = Promise.resolve(settings.fd)
      this.pending = false
    } else {
      this.#opening = open(this.path, settings.flags, settings.mode)
      this.#opening.then((handle) => {
        this.#handle = handle
        this.pending = false
        if (this.destroyed) { handle.close().catch(() => {}); return }
        this.emit('open', handle.fd)
        this.emit('ready')
      }, (error) => this.destroy(error))
    }
    // Node starts flowing when a 'data' listener is added.
    this.on('newListener', (event) => {
      if (event === 'data' && !this.#iterating) queueMicrotask(() => this.resume())
    })
  }

  /** @param {string | null} encoding */
  setEncoding (encoding) {
    this.#encoding = checkEncoding(encoding)
    return this
  }

  /** True unless emitting `data` on its own. */
  isPaused () {
    return !this.#flowing
  }

  /** Start or continue emitting `data`. */
  resume () {
    if (this.destroyed || this.#ended) return this
    this.#flowing = true
    this.#pump()
    return this
  }

  /** Stop emitting `data` until `resume()`. */
  pause () {
    this.#flowing = false
    return this
  }

  /**
   * The next chunk (a `Uint8Array` view), or null at the end.
   * @returns {Promise<Uint8Array | null>}
   */
  async #next () {
    const handle = this.#handle ?? await /** @type {Promise<FileHandle>} */ (this.#opening)
    const remaining = this.#end === Infinity ? Infinity : this.#end - this.#position + 1
    if (remaining <= 0) return null
    const size = Math.min(this.#highWaterMark, remaining)
    const { bytesRead, buffer } = await handle.read({ buffer: new Uint8Array(size), position: this.#position })
    if (bytesRead === 0) return null
    this.#position += bytesRead
    this.bytesRead += bytesRead
    return /** @type {Uint8Array} */ (buffer).subarray(0, bytesRead)
  }

  /** @param {Uint8Array} chunk */
  #decode (chunk) {
    const buffer = toBuffer(chunk)
    return this.#encoding && this.#encoding !== 'buffer' ? buffer.toString(/** @type {import('oro:buffer').BufferEncoding} */ (this.#encoding)) : buffer
  }

  async #pump () {
    if (this.#reading) return
    this.#reading = true
    try {
      while (this.#flowing && !this.destroyed) {
        const chunk = await this.#next()
        if (this.destroyed) return
        if (chunk === null) {
          this.#finish()
          return
        }
        this.emit('data', this.#decode(chunk))
      }
    } catch (error) {
      this.destroy(/** @type {Error} */ (error))
    } finally {
      this.#reading = false
    }
  }

  #finish () {
    if (this.#ended) return
    this.#ended = true
    this.readableEnded = true
    this.emit('end')
    this.#close()
  }

  #close () {
    if (this.destroyed) return
    this.destroyed = true
    const closed = this.#autoClose && this.#handle ? this.#handle.close() : Promise.resolve()
    closed.catch(() => {}).then(() => { if (this.#emitClose) this.emit('close') })
  }

  /**
   * Stop reading and release the file; emits `error` (when given one) and `close`.
   * @param {Error} [error]
   */
  destroy (error = undefined) {
    if (this.destroyed) return this
    this.#flowing = false
    if (error) queueMicrotask(() => this.emit('error', error))
    if (!this.#handle && this.#opening && this.#autoClose) {
      this.#opening.then((handle) => handle.close()).catch(() => {})
    }
    this.#close()
    return this
  }

  /** Same as `destroy()`. */
  close (/** @type {((error?: Error | null) => void) | undefined} */ callback = undefined) {
    if (callback) this.once('close', () => callback(null))
    return this.destroy()
  }

  /**
   * Write every chunk into `destination` (anything with `write()` and `end()`), waiting for
   * its `drain` when `write()` returns false; ends it at the end unless `{ end: false }`.
   * @template {{ write: (chunk: any) => boolean | void, end?: () => void, once?: Function }} D
   * @param {D} destination
   * @param {{ end?: boolean }} [options]
   * @returns {D}
   */
  pipe (destination, options = {}) {
    this.on('data', (chunk) => {
      const more = destination.write(chunk)
      if (more === false && typeof destination.once === 'function') {
        this.pause()
        destination.once('drain', () => this.resume())
      }
    })
    if (options.end !== false) this.once('end', () => destination.end?.())
    return destination
  }

  /** `for await (const chunk of stream)`: chunks pulled one by one, closing at the end. */
  async * [Symbol.asyncIterator] () {
    this.#iterating = true
    this.#flowing = false
    try {
      for (;;) {
        if (this.destroyed) {
          if (this.#ended) return
          throw abortError()
        }
        const chunk = await this.#next()
        if (chunk === null) {
          this.#finish()
          return
        }
        yield this.#decode(chunk)
      }
    } finally {
      this.destroy()
    }
  }
}

/**
 * @typedef {object} WriteStreamOptions
 * @property {string | number} [flags] default `'w'`
 * @property {string} [encoding] for string chunks (default utf8)
 * @property {FileHandle} [fd] write to an already open handle
 * @property {number} [mode]
 * @property {boolean} [autoClose] close the handle after `finish` or an error (default true)
 * @property {boolean} [emitClose] emit `close` (default true)
 * @property {number} [start] byte position of the first write (default: the current one)
 * @property {number} [highWaterMark] queued bytes above which `write()` returns false (16 KiB)
 * @property {AbortSignal} [signal]
 */

/** A writable file stream (Node's `fs.WriteStream`, enough of it for files). */
export class WriteStream extends EventEmitter {
  /** @type {Promise<FileHandle>} */
  #opening
  /** @type {FileHandle | null} */
  #handle = null
  /** @type {Array<{ bytes: Uint8Array, callback?: Function }>} */
  #queue = []
  #queued = 0
  #writing = false
  #ending = false
  #needDrain = false
  /** @type {number} */
  #position
  #encoding
  #highWaterMark
  #autoClose
  #emitClose
  /** @type {Array<Function>} */
  #finishCallbacks = []

  /**
   * @param {unknown} path
   * @param {WriteStreamOptions | string} [options]
   */
  constructor (path, options = undefined) {
    super()
    const settings = getOptions(options, { flags: 'w', encoding: 'utf8', highWaterMark: 16 * 1024, autoClose: true, emitClose: true, start: undefined })
    this.path = settings.fd instanceof FileHandle ? settings.fd.path : toPath(path)
    /** Bytes written so far. */
    this.bytesWritten = 0
    this.pending = true
    this.destroyed = false
    /** True once `end()` was called. */
    this.writableEnded = false
    /** True once everything was written (`finish`). */
    this.writableFinished = false
    this.#encoding = settings.encoding ?? 'utf8'
    this.#highWaterMark = settings.highWaterMark
    this.#autoClose = settings.autoClose
    this.#emitClose = settings.emitClose
    if (settings.start !== undefined && (!Number.isInteger(settings.start) || settings.start < 0)) {
      throw rangeError(`The value of "start" is out of range. Received ${settings.start}`)
    }
    this.#position = settings.start ?? -1
    /** @type {AbortSignal | undefined} */
    const signal = settings.signal
    signal?.addEventListener('abort', () => this.destroy(abortError(signal.reason)), { once: true })

    this.#opening = settings.fd instanceof FileHandle
      ? Promise.resolve(settings.fd)
      : open(this.path, settings.flags, settings.mode)
    this.#opening.then((handle) => {
      this.#handle = handle
      this.pending = false
      if (this.destroyed) { if (this.#autoClose) handle.close().catch(() => {}); return }
      if (!(settings.fd instanceof FileHandle)) this.emit('open', handle.fd)
      this.emit('ready')
      this.#flush()
    }, (error) => this.destroy(error))
    this.#opening.catch(() => {})
  }

  /** Bytes queued and not yet written. */
  get writableLength () { return this.#queued }

  /**
   * Queue a chunk; false when the queue is over `highWaterMark` (wait for `drain`).
   * @param {unknown} chunk
   * @param {string | Function} [encoding]
   * @param {Function} [callback]
   */
  write (chunk, encoding = undefined, callback = undefined) {
    if (typeof encoding === 'function') { callback = encoding; encoding = undefined }
    if (this.writableEnded) {
      const error = Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' })
      queueMicrotask(() => { callback?.(error); this.emit('error', error) })
      return false
    }
    const bytes = toBytes(chunk, /** @type {string} */ (encoding ?? this.#encoding))
    this.#queue.push({ bytes, callback })
    this.#queued += bytes.byteLength
    this.#flush()
    const more = this.#queued < this.#highWaterMark
    if (!more) this.#needDrain = true
    return more
  }

  /**
   * Finish writing (after an optional last chunk); `finish` then `close` follow.
   * @param {unknown} [chunk]
   * @param {string | Function} [encoding]
   * @param {Function} [callback]
   */
  end (chunk = undefined, encoding = undefined, callback = undefined) {
    if (typeof chunk === 'function') { callback = chunk; chunk = undefined }
    if (typeof encoding === 'function') { callback = encoding; encoding = undefined }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding)
    if (callback) this.#finishCallbacks.push(callback)
    this.writableEnded = true
    this.#ending = true
    this.#flush()
    return this
  }

  async #flush () {
    if (this.#writing || !this.#handle || this.destroyed) return
    this.#writing = true
    const handle = this.#handle
    try {
      while (this.#queue.length && !this.destroyed) {
        const { bytes, callback } = /** @type {{ bytes: Uint8Array, callback?: Function }} */ (this.#queue.shift())
        const { bytesWritten } = await handle.write(bytes, 0, bytes.byteLength, this.#position < 0 ? null : this.#position)
        if (this.#position >= 0) this.#position += bytesWritten
        this.bytesWritten += bytesWritten
        this.#queued -= bytes.byteLength
        callback?.(null)
      }
      if (this.destroyed) return
      if (this.#needDrain && this.#queued < this.#highWaterMark) {
        this.#needDrain = false
        this.emit('drain')
      }
      if (this.#ending && this.#queue.length === 0 && !this.writableFinished) {
        this.writableFinished = true
        for (const callback of this.#finishCallbacks.splice(0)) callback(null)
        this.emit('finish')
        this.#close()
      }
    } catch (error) {
      this.destroy(/** @type {Error} */ (error))
    } finally {
      this.#writing = false
    }
    if (this.#queue.length && !this.destroyed) this.#flush()
  }

  #close () {
    if (this.destroyed) return
    this.destroyed = true
    const closed = this.#autoClose && this.#handle ? this.#handle.close() : Promise.resolve()
    closed.catch(() => {}).then(() => { if (this.#emitClose) this.emit('close') })
  }

  /**
   * Stop writing (queued chunks are dropped) and release the file.
   * @param {Error} [error]
   */
  destroy (error = undefined) {
    if (this.destroyed) return this
    if (error) queueMicrotask(() => this.emit('error', error))
    this.#queue = []
    this.#queued = 0
    this.#close()
    return this
  }

  /** `end()` with a callback called once closed. */
  close (/** @type {((error?: Error | null) => void) | undefined} */ callback = undefined) {
    if (callback) this.once('close', () => callback(null))
    if (!this.writableEnded) this.end()
    return this
  }
}

/**
 * @param {unknown} path
 * @param {ReadStreamOptions | string} [options]
 */
export function createReadStream (path, options = undefined) {
  return new ReadStream(path, options)
}

/**
 * @param {unknown} path
 * @param {WriteStreamOptions | string} [options]
 */
export function createWriteStream (path, options = undefined) {
  return new WriteStream(path, options)
}
