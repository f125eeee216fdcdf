/**
 * Node's `FileHandle` (from `fs/promises.open`) and `Dir` (from `opendir`), over the host's
 * descriptor routes (`fs.open`, `fs.read`, `fs.write`, `fs.close`, `fs.opendir`, `fs.readdir`
 * with `id`, `fs.closedir`). Descriptor ids are chosen here (`newId()`); the host keeps them
 * per window and closes them when the page goes away.
 * @module oro:fs/internal/handle (internal)
 */

import { Buffer } from 'oro:buffer'
import { EventEmitter } from 'oro:events'
import { request, sendSync, write } from 'oro:ipc'
import { Dirent, Stats, joinPath } from './stats.js'
import { checkBoolean, fromBytes, getOptions, newId, rangeError, toBytes, toFlags, toMode, toPath, toSeconds, typeError, describe } from './util.js'

/**
 * Largest request body one write sends: below the bridge's default `ipc.max_body_bytes`
 * (16 MiB); larger data goes as several writes.
 */
export const WRITE_CHUNK_BYTES = 8 * 1024 * 1024

/** Bytes asked for per read when reading a whole file or a web stream through a handle. */
export const READ_CHUNK_BYTES = 1024 * 1024

/**
 * A read reply as bytes (the host answers raw bytes; an empty body may come as nothing).
 * @param {unknown} reply
 * @returns {Uint8Array}
 */
export function replyBytes (reply) {
  if (reply instanceof Uint8Array) return reply
  if (reply instanceof ArrayBuffer) return new Uint8Array(reply)
  if (reply === undefined || reply === null || reply === '') return new Uint8Array(0)
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8')
  throw typeError(`Unexpected read reply: ${describe(reply)}`)
}

/**
 * Chunk writes in flight at once where the caller knows their offsets hold (a file opened
 * without `O_APPEND`): while the host writes one chunk to disk, the next ones are on their way
 * (a 64 MiB writeFile in a WebKitGTK window: 8 chunks).
 */
export const WRITES_IN_FLIGHT = 3

/**
 * Write all of `bytes` to descriptor `id` at `position` (-1: the current position), in
 * chunks that fit the bridge's body cap, one after the other; `inFlight` of them at a time
 * when the caller knows each chunk lands at its offset (an explicit position on a descriptor
 * opened without `O_APPEND`, where Linux would append them in the order they arrive).
 * Resolves with the number of bytes written; on a failure, once no chunk is in flight.
 * @param {string} id
 * @param {Uint8Array} bytes
 * @param {number} position
 * @param {{ signal?: AbortSignal, inFlight?: number }} [options]
 */
export async function writeAll (id, bytes, position, options = {}) {
  const inFlight = options.inFlight ?? 1
  if (inFlight <= 1 || position < 0 || bytes.byteLength <= WRITE_CHUNK_BYTES) {
    return writeFrom(id, bytes, position, options.signal)
  }
  let next = 0
  /** @type {unknown[]} */
  const failures = []
  const worker = async () => {
    while (next < bytes.byteLength && failures.length === 0) {
      const start = next
      next += WRITE_CHUNK_BYTES
      try {
        await writeFrom(id, bytes.subarray(start, start + WRITE_CHUNK_BYTES), position + start, options.signal)
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  if (failures.length > 0) throw failures[0]
  return bytes.byteLength
}

/**
 * Write all of `bytes` at `position` (-1: the current position), one chunk after the other.
 * @param {string} id
 * @param {Uint8Array} bytes
 * @param {number} position
 * @param {AbortSignal | undefined} signal
 */
async function writeFrom (id, bytes, position, signal) {
  let written = 0
  do {
    const chunk = bytes.subarray(written, written + WRITE_CHUNK_BYTES)
    const offset = position < 0 ? -1 : position + written
    const answer = await write('fs.write', { id, offset }, chunk, { signal })
    const count = typeof answer?.bytesWritten === 'number' ? answer.bytesWritten : chunk.byteLength
    written += count
    if (count === 0 && chunk.byteLength > 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' })
  } while (written < bytes.byteLength)
  return written
}

/** `Symbol.asyncDispose` where the browser has it (`await using`), else Node's registered symbol. */
const asyncDispose = /** @type {symbol} */ (/** @type {any} */ (Symbol).asyncDispose ?? Symbol.for('nodejs.asyncDispose'))

const kClosedSync = Symbol('oro:fs closed synchronously')

/** Oro's keys of a `FileHandle`'s state (`Symbol.for`, as Oro's). */
export const kOpening = Symbol.for('fs.FileHandle.opening')
export const kClosing = Symbol.for('fs.FileHandle.closing')
export const kClosed = Symbol.for('fs.FileHandle.closed')

/**
 * Mark `handle` closed after `closeSync` closed its host descriptor.
 * @param {FileHandle} handle
 */
export function markClosed (handle) {
  handle[kClosedSync]()
}

/** An open file: Node's `FileHandle`. Emits `close`. */
export class FileHandle extends EventEmitter {
  /**
   * Open a file (`fs/promises.open`; Oro's `FileHandle.open`).
   * @param {unknown} path
   * @param {string | number} [flags] `'r'` (default), `'w'`, `'a+'`... or numeric flags
   * @param {number | string} [mode] default 0o666
   * @returns {Promise<FileHandle>}
   */
  static async open (path, flags = 'r', mode = 0o666) {
    const target = toPath(path)
    const id = newId()
    const answer = await request('fs.open', { id, path: target, flags: toFlags(flags), mode: toMode(mode, 0o666) })
    return new FileHandle(id, typeof answer?.fd === 'number' ? answer.fd : -1, target)
  }

  #id
  #fd
  /** @type {Promise<void> | null} */
  #closing = null

  /**
   * @param {string} id the descriptor id the host knows it by
   * @param {number} fd the host's small per-window number for it
   * @param {string} path
   */
  constructor (id, fd, path) {
    super()
    this.#id = id
    this.#fd = fd
    /** The path it was opened with. */
    this.path = path
  }

  /** The descriptor number (-1 once closed). Only meaningful to this page's `oro:fs`. */
  get fd () { return this.#closing ? -1 : this.#fd }

  /** The id the host knows this descriptor by. */
  get id () { return this.#id }

  /** Oro's: the open in progress (null: a handle exists once it is open). */
  get [kOpening] () { return null }
  /** Oro's: the close in progress or done, else null. */
  get [kClosing] () { return this.#closing }
  /** Oro's: true once `close()` was called. */
  get [kClosed] () { return this.#closing !== null }

  #checkOpen () {
    if (this.#closing) {
      throw Object.assign(new Error('file closed'), { code: 'EBADF', errno: -9, syscall: 'read' })
    }
  }

  /**
   * Read into a buffer: `read(buffer, offset, length, position)`, `read(buffer, options)` or
   * `read(options)`; `position` null/undefined/-1 reads from the current position.
   * @param {any} [bufferOrOptions]
   * @param {any} [offsetOrOptions]
   * @param {number} [length]
   * @param {number | bigint | null} [position]
   * @returns {Promise<{ bytesRead: number, buffer: any }>}
   */
  async read (bufferOrOptions, offsetOrOptions, length, position) {
    this.#checkOpen()
    /** @type {any} */
    let options = {}
    let buffer = bufferOrOptions
    if (buffer === undefined || buffer === null || !ArrayBuffer.isView(buffer)) {
      options = buffer ?? {}
      buffer = options.buffer ?? Buffer.alloc(16384)
    } else if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') {
      options = offsetOrOptions
    } else {
      options = { offset: offsetOrOptions, length, position }
    }
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    const offset = options.offset ?? 0
    const size = options.length ?? view.byteLength - offset
    if (!Number.isInteger(offset) || offset < 0 || offset > view.byteLength) {
      throw rangeError(`The value of "offset" is out of range. It must be >= 0 && <= ${view.byteLength}. Received ${offset}`)
    }
    if (!Number.isInteger(size) || size < 0 || offset + size > view.byteLength) {
      throw rangeError(`The value of "length" is out of range. It must be >= 0 && <= ${view.byteLength - offset}. Received ${size}`)
    }
    if (size === 0) return { bytesRead: 0, buffer }
    const bytes = await this.#readChunk(size, options.position)
    view.set(bytes, offset)
    return { bytesRead: bytes.byteLength, buffer }
  }

  /**
   * Up to `size` bytes at `position` (null/-1: the current position).
   * @param {number} size
   * @param {unknown} [position]
   * @param {AbortSignal} [signal]
   * @returns {Promise<Uint8Array>}
   */
  async #readChunk (size, position, signal) {
    const at = position === undefined || position === null ? -1 : Number(position)
    return replyBytes(await request('fs.read', { id: this.#id, size, offset: at }, { signal }))
  }

  /**
   * Write bytes or a string: `write(buffer, offset?, length?, position?)`,
   * `write(buffer, { offset, length, position })` or `write(string, position?, encoding?)`.
   * @param {any} data
   * @param {any} [offsetOrOptions]
   * @param {any} [length]
   * @param {any} [position]
   * @returns {Promise<{ bytesWritten: number, buffer: any }>}
   */
  async write (data, offsetOrOptions, length, position) {
    this.#checkOpen()
    /** @type {Uint8Array} */
    let bytes
    let at = -1
    if (typeof data === 'string') {
      at = offsetOrOptions ?? -1
      bytes = toBytes(data, typeof length === 'string' ? length : 'utf8')
    } else {
      const view = toBytes(data)
      /** @type {any} */
      const options = offsetOrOptions !== null && typeof offsetOrOptions === 'object'
        ? offsetOrOptions
        : { offset: offsetOrOptions, length, position }
      const offset = options.offset ?? 0
      const size = options.length ?? view.byteLength - offset
      if (!Number.isInteger(offset) || offset < 0 || offset > view.byteLength) {
        throw rangeError(`The value of "offset" is out of range. Received ${offset}`)
      }
      if (!Number.isInteger(size) || size < 0 || offset + size > view.byteLength) {
        throw rangeError(`The value of "length" is out of range. Received ${size}`)
      }
      bytes = view.subarray(offset, offset + size)
      at = options.position ?? -1
    }
    const bytesWritten = await writeAll(this.#id, bytes, at === null ? -1 : Number(at))
    return { bytesWritten, buffer: data }
  }

  /**
   * Write several buffers one after the other (Node's `writev`).
   * @param {ArrayBufferView[]} buffers
   * @param {number | null} [position]
   */
  async writev (buffers, position = null) {
    this.#checkOpen()
    let bytesWritten = 0
    for (const buffer of buffers) {
      const at = position === null ? -1 : position + bytesWritten
      bytesWritten += await writeAll(this.#id, toBytes(buffer), at)
    }
    return { bytesWritten, buffers }
  }

  /**
   * Fill several buffers one after the other (Node's `readv`); stops at the end of the file.
   * @param {ArrayBufferView[]} buffers
   * @param {number | null} [position]
   */
  async readv (buffers, position = null) {
    this.#checkOpen()
    let bytesRead = 0
    for (const buffer of buffers) {
      const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      let filled = 0
      while (filled < view.byteLength) {
        const at = position === null ? -1 : position + bytesRead
        const bytes = await this.#readChunk(Math.min(view.byteLength - filled, READ_CHUNK_BYTES), at)
        if (bytes.byteLength === 0) return { bytesRead, buffers }
        view.set(bytes, filled)
        filled += bytes.byteLength
        bytesRead += bytes.byteLength
      }
    }
    return { bytesRead, buffers }
  }

  /**
   * The rest of the file from the current position (Node's `filehandle.readFile`).
   * @param {unknown} [options] encoding or `{ encoding, signal }`
   */
  async readFile (options = undefined) {
    this.#checkOpen()
    const { encoding, signal } = getOptions(options, { encoding: null, signal: undefined })
    /** @type {Uint8Array[]} */
    const chunks = []
    let total = 0
    for (;;) {
      const chunk = await this.#readChunk(READ_CHUNK_BYTES, -1, signal)
      if (chunk.byteLength === 0) break
      chunks.push(chunk)
      total += chunk.byteLength
    }
    return fromBytes(chunks.length === 1 ? chunks[0] : concat(chunks, total), encoding)
  }

  /**
   * Write `data` from the current position (Node's `filehandle.writeFile`): a string, bytes,
   * or an (async) iterable of them; `flush: true` syncs the file to disk afterwards.
   * @param {unknown} data
   * @param {unknown} [options] encoding or `{ encoding, signal, flush }`
   */
  async writeFile (data, options = undefined) {
    this.#checkOpen()
    const { encoding, signal, flush } = getOptions(options, { encoding: 'utf8', signal: undefined, flush: false })
    checkBoolean(flush, 'options.flush')
    if (isIterableData(data)) {
      for await (const chunk of /** @type {AsyncIterable<unknown>} */ (data)) {
        await writeAll(this.#id, toBytes(chunk, encoding), -1, { signal })
      }
    } else {
      await writeAll(this.#id, toBytes(data, encoding), -1, { signal })
    }
    if (flush) await this.sync()
  }

  /**
   * Same as `writeFile` (a handle opened with `'a'` appends).
   * @param {unknown} data
   * @param {unknown} [options]
   */
  appendFile (data, options = undefined) {
    return this.writeFile(data, options)
  }

  /** Node's `Stats` of the open file. */
  async stat () {
    this.#checkOpen()
    return new Stats(await request('fs.fstat', { id: this.#id }))
  }

  /** @param {number} [length] */
  /**
   * Set the access and modification times (seconds, numeric strings or `Date`s).
   * @param {number | string | Date} atime
   * @param {number | string | Date} mtime
   */
  async utimes (atime, mtime) {
    this.#checkOpen()
    await request('fs.futimes', { id: this.#id, atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
  }

  async truncate (length = 0) {
    this.#checkOpen()
    await request('fs.ftruncate', { id: this.#id, length })
  }

  async sync () {
    this.#checkOpen()
    await request('fs.fsync', { id: this.#id })
  }

  /** Same as `sync()` (the host flushes data and metadata). */
  datasync () {
    return this.sync()
  }

  /** Close the descriptor (calling it again returns the same promise). */
  close () {
    if (!this.#closing) {
      this.#closing = request('fs.close', { id: this.#id }).then(() => { this.emit('close') })
    }
    return this.#closing
  }

  [asyncDispose] () {
    return this.close()
  }

  /** What `closeSync` calls once the host closed the descriptor. @ignore */
  [kClosedSync] () {
    if (this.#closing) return
    this.#closing = Promise.resolve()
    this.emit('close')
  }

  /**
   * A web `ReadableStream` of `Uint8Array` chunks from the current position to the end of the
   * file; pulled chunk by chunk (one `fs.read` per chunk), so memory stays bounded whatever the
   * file size. Cancelling it stops reading (the handle stays open).
   * @param {{ chunkSize?: number, autoClose?: boolean }} [options] `chunkSize` (not in Node)
   *   bytes per read, default 1 MiB; `autoClose` closes the handle at the end
   * @returns {ReadableStream<Uint8Array>}
   */
  readableWebStream (options = {}) {
    this.#checkOpen()
    const chunkSize = options.chunkSize ?? READ_CHUNK_BYTES
    return new ReadableStream({
      pull: async (controller) => {
        const chunk = await this.#readChunk(chunkSize, -1)
        if (chunk.byteLength === 0) {
          controller.close()
          if (options.autoClose) await this.close()
        } else {
          controller.enqueue(chunk)
        }
      },
      cancel: async () => {
        if (options.autoClose) await this.close()
      }
    }, { highWaterMark: 1 })
  }

  /**
   * A web `WritableStream` (not in Node) writing each chunk (bytes or string) at the current
   * position, one after the other; closing it does not close the handle unless `autoClose`.
   * @param {{ autoClose?: boolean }} [options]
   * @returns {WritableStream<Uint8Array | string>}
   */
  writableWebStream (options = {}) {
    this.#checkOpen()
    return new WritableStream({
      write: async (chunk) => { await writeAll(this.#id, toBytes(chunk), -1) },
      close: async () => { if (options.autoClose) await this.close() },
      abort: async () => { if (options.autoClose) await this.close() }
    }, { highWaterMark: 1 })
  }
}

/**
 * True for data `writeFile` takes piece by piece: (async) iterables that are not strings or
 * byte views.
 * @param {unknown} data
 */
export function isIterableData (data) {
  if (data === null || typeof data !== 'object' || ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return false
  return typeof (/** @type {any} */ (data))[Symbol.asyncIterator] === 'function' ||
    typeof (/** @type {any} */ (data))[Symbol.iterator] === 'function'
}

/**
 * @param {Uint8Array[]} chunks
 * @param {number} total
 */
export function concat (chunks, total) {
  const out = Buffer.allocUnsafe(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

/** An open directory: Node's `fs.Dir` (`read()`, `close()`, `for await`). */
export class Dir {
  #id
  #bufferSize
  /** @type {Dirent[]} */
  #buffered = []
  #exhausted = false
  #closed = false
  /** Oro's `closed` (the host closed it) and `closing` (asked, not answered yet). */
  #settled = false

  /**
   * @param {string} id
   * @param {string} path
   * @param {number} [bufferSize] entries fetched per round trip
   */
  constructor (id, path, bufferSize = 32) {
    this.#id = id
    this.#bufferSize = bufferSize
    /** The path it was opened with. */
    this.path = path
  }

  /** Oro's: `true` once the directory is closed (as `for await` does at its end). */
  get closed () {
    return this.#closed && this.#settled
  }

  /** Oro's: `true` while a `close()` waits for the host. */
  get closing () {
    return this.#closed && !this.#settled
  }

  /**
   * The next entry, or null at the end. With a callback: `read((err, dirent) => ...)`.
   * @param {(error: Error | null, dirent?: Dirent | null) => void} [callback]
   * @returns {Promise<Dirent | null> | undefined}
   */
  read (callback) {
    const promise = this.#read()
    if (typeof callback !== 'function') return promise
    promise.then((dirent) => callback(null, dirent), (error) => callback(error))
    return undefined
  }

  async #read () {
    if (this.#closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' })
    if (this.#buffered.length === 0 && !this.#exhausted) {
      const entries = await request('fs.readdir', { id: this.#id, entries: this.#bufferSize })
      if (!Array.isArray(entries) || entries.length === 0) this.#exhausted = true
      else this.#buffered.push(...entries.map((entry) => new Dirent(entry.name, entry.type, this.path)))
    }
    return this.#buffered.shift() ?? null
  }

  /**
   * Close the directory. With a callback: `close((err) => ...)`.
   * @param {(error: Error | null) => void} [callback]
   * @returns {Promise<void> | undefined}
   */
  close (callback) {
    const promise = this.#closed
      ? Promise.reject(Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' }))
      : (this.#closed = true, request('fs.closedir', { id: this.#id }).then(
          () => { this.#settled = true },
          (error) => { this.#settled = true; throw error }
        ))
    if (typeof callback !== 'function') return promise
    promise.then(() => callback(null), (error) => callback(error))
    return undefined
  }

  /**
   * The next entry, or null at the end, synchronously (Node's; a synchronous XHR when the
   * buffered entries ran out).
   * @returns {Dirent | null}
   */
  readSync () {
    if (this.#closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' })
    if (this.#buffered.length === 0 && !this.#exhausted) {
      const result = sendSync('fs.readdir', { id: this.#id, entries: this.#bufferSize })
      if (result.err) throw result.err
      const entries = result.data
      if (!Array.isArray(entries) || entries.length === 0) this.#exhausted = true
      else this.#buffered.push(...entries.map((entry) => new Dirent(entry.name, entry.type, this.path)))
    }
    return this.#buffered.shift() ?? null
  }

  /** Close the directory synchronously (Node's). */
  closeSync () {
    if (this.#closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' })
    this.#closed = true
    const result = sendSync('fs.closedir', { id: this.#id })
    this.#settled = true
    if (result.err) throw result.err
  }

  /** Every remaining entry; closes the directory at the end or on `break`. */
  async * entries () {
    try {
      for (let dirent = await this.#read(); dirent !== null; dirent = await this.#read()) yield dirent
    } finally {
      if (!this.#closed) await this.close()
    }
  }

  [Symbol.asyncIterator] () {
    return this.entries()
  }

  [asyncDispose] () {
    return this.#closed ? Promise.resolve() : this.close()
  }
}

/** @param {unknown} bufferSize */
function checkBufferSize (bufferSize) {
  if (typeof bufferSize !== 'number') {
    throw typeError(`The "options.bufferSize" property must be of type number. Received ${describe(bufferSize)}`)
  }
  if (!Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > 256) {
    throw rangeError(`The value of "options.bufferSize" is out of range. It must be >= 1 && <= 256. Received ${bufferSize}`)
  }
}

/**
 * Oro's `DirectoryHandle`: an open directory read in batches of raw entries (`Dir` reads one
 * entry at a time over the same host routes).
 */
export class DirectoryHandle extends EventEmitter {
  /** The most entries one `read()` asks the host for. */
  static get MAX_BUFFER_SIZE () { return 256 }
  static get MAX_ENTRIES () { return DirectoryHandle.MAX_BUFFER_SIZE }
  /** Entries asked for per `read()` when no `entries` option is given. */
  static get DEFAULT_BUFFER_SIZE () { return 32 }

  /**
   * Open the directory at `path`.
   * @param {unknown} path
   * @param {{ bufferSize?: number }} [options]
   * @returns {Promise<DirectoryHandle>}
   */
  static async open (path, options = undefined) {
    const { bufferSize } = getOptions(options, { bufferSize: DirectoryHandle.DEFAULT_BUFFER_SIZE })
    checkBufferSize(bufferSize)
    const target = toPath(path)
    const id = newId()
    await request('fs.opendir', { id, path: target })
    return new DirectoryHandle(id, target, bufferSize)
  }

  #id
  #bufferSize
  #closed = false

  /**
   * @param {string} id
   * @param {string} path
   * @param {number} bufferSize
   */
  constructor (id, path, bufferSize) {
    super()
    checkBufferSize(bufferSize)
    this.#id = id
    this.#bufferSize = bufferSize
    /** The path it was opened with. */
    this.path = path
  }

  /** The id the host knows this directory by. */
  get id () { return this.#id }
  get opened () { return !this.#closed }
  get closed () { return this.#closed }

  /**
   * The next batch of entries; an empty array at the end.
   * @param {{ entries?: number }} [options] at most this many (default: the buffer size)
   * @returns {Promise<Dirent[]>}
   */
  async read (options = undefined) {
    if (this.#closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' })
    const wanted = options?.entries ?? this.#bufferSize
    const entries = Math.max(1, Math.min(Math.trunc(Number(wanted)) || 1, DirectoryHandle.MAX_ENTRIES))
    const found = await request('fs.readdir', { id: this.#id, entries })
    return Array.isArray(found) ? found.map((entry) => new Dirent(entry.name, entry.type, this.path)) : []
  }

  /** Close the directory; emits `close`. */
  async close () {
    if (this.#closed) throw Object.assign(new Error('Directory handle was closed'), { code: 'ERR_DIR_CLOSED' })
    this.#closed = true
    await request('fs.closedir', { id: this.#id })
    this.emit('close')
  }

  [asyncDispose] () {
    return this.#closed ? Promise.resolve() : this.close()
  }
}

export { joinPath }
