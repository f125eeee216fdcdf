/**
 * `oro:fs/web`'s `FileSystemWritableFileStream` and the errors of its File System Access
 * objects: a writable writes to a temporary file beside the target (the host's atomic write, as
 * the browser's `.crswap` file) and puts it in place on `close()`; `abort()` discards it.
 * @module oro:fs/internal/web-writable (internal)
 */

import { request } from 'oro:ipc'
import { replyBytes, writeAll } from './handle.js'
import { newId, toBytes, toFlags } from './util.js'

/** Makes the stream class constructible only from this module, as the web's is. */
const KEY = Symbol('oro:fs/web writable')

/**
 * @param {string} message
 * @param {string} name a DOMException name (`NotFoundError`, `TypeMismatchError`...)
 */
export function domError (message, name) {
  return new DOMException(message, name)
}

/**
 * A host error as the web API reports it: a missing entry is `NotFoundError`; anything else
 * (the sandbox's `SecurityError`, EACCES...) stays the typed error the host sent.
 * @param {any} error
 * @param {string} path
 */
export function webError (error, path) {
  if (error?.code === 'ENOENT') return domError(`A requested file or directory could not be found: ${path}`, 'NotFoundError')
  if (error?.code === 'ENOTEMPTY') return domError(`The directory is not empty: ${path}`, 'InvalidModificationError')
  return error
}

/**
 * @typedef {object} WriteCommand
 * @property {'write' | 'seek' | 'truncate'} type
 * @property {unknown} [data]
 * @property {number} [position]
 * @property {number} [size]
 */

/**
 * The bytes of a chunk the web's `write()` takes: a string (UTF-8), a BufferSource or a Blob.
 * @param {unknown} data
 * @returns {Promise<Uint8Array>}
 */
async function chunkBytes (data) {
  if (typeof Blob === 'function' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer())
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return toBytes(data)
  throw new TypeError('Expecting data to be a string, BufferSource or Blob')
}

/**
 * @param {unknown} value
 * @param {string} name
 */
function checkPosition (value, name) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Expecting ${name} to be a non-negative integer`)
  }
  return value
}

/**
 * A `{ type, ... }` write command rather than data (a Blob has a `type` too).
 * @param {unknown} chunk
 */
function isCommand (chunk) {
  return chunk !== null && typeof chunk === 'object' && 'type' in chunk && !ArrayBuffer.isView(chunk) &&
    !(chunk instanceof ArrayBuffer) && !(typeof Blob === 'function' && chunk instanceof Blob)
}

/** The web's `FileSystemWritableFileStream`: `write`, `seek`, `truncate`, `close`, `abort`. */
export class FileSystemWritableFileStream extends WritableStream {
  /**
   * @param {symbol} key
   * @param {UnderlyingSink<any>} sink
   */
  constructor (key, sink) {
    if (key !== KEY) throw new TypeError('Illegal constructor')
    super(sink)
  }

  /**
   * Write data at the current position (or a `{ type, data, position, size }` command).
   * @param {unknown} data
   */
  async write (data) {
    const writer = this.getWriter()
    try {
      await writer.write(data)
    } finally {
      writer.releaseLock()
    }
  }

  /** @param {number} position */
  seek (position) {
    return this.write({ type: 'seek', position })
  }

  /** @param {number} size */
  truncate (size) {
    return this.write({ type: 'truncate', size })
  }

  /** Put what was written in the file's place. */
  async close () {
    const writer = this.getWriter()
    try {
      await writer.close()
    } finally {
      writer.releaseLock()
    }
  }
}

/**
 * A `FileSystemWritableFileStream` to the file at `path`.
 * @param {string} path
 * @param {{ keepExistingData?: boolean }} [options]
 * @returns {Promise<FileSystemWritableFileStream>}
 */
export async function openWritable (path, options = {}) {
  const id = newId()
  try {
    await request('fs.open', { id, path, flags: toFlags('w+'), mode: 0o666, atomic: true })
  } catch (error) {
    throw webError(error, path)
  }
  let position = 0
  const discard = () => request('fs.close', { id }).catch(() => {})
  try {
    if (options?.keepExistingData) {
      const existing = replyBytes(await request('fs.readFile', { path, flags: toFlags('r') }).catch((error) => {
        if (error?.code === 'ENOENT') return new Uint8Array(0)
        throw error
      }))
      if (existing.byteLength) await writeAll(id, existing, 0)
    }
  } catch (error) {
    await discard()
    throw webError(error, path)
  }
  return new FileSystemWritableFileStream(KEY, {
    async write (chunk) {
      try {
        await perform(chunk)
      } catch (error) {
        // A failed write errors the stream for good (as the web's): nothing is kept.
        await discard()
        throw error
      }
    },
    async close () {
      await request('fs.close', { id, commit: true })
    },
    async abort () {
      await discard()
    }
  })

  /** @param {unknown} chunk data, or a `{ type, data, position, size }` command */
  async function perform (chunk) {
    /** @type {any} */
    const command = isCommand(chunk) ? chunk : { type: 'write', data: chunk }
    if (command.type === 'seek') {
      position = checkPosition(command.position, 'position')
    } else if (command.type === 'truncate') {
      const length = checkPosition(command.size, 'size')
      await request('fs.ftruncate', { id, length })
      if (position > length) position = length
    } else if (command.type === 'write') {
      if (command.position !== undefined && command.position !== null) position = checkPosition(command.position, 'position')
      const bytes = await chunkBytes(command.data)
      // Past the end the web fills the gap with zeros; pwrite does the same.
      await writeAll(id, bytes, position)
      position += bytes.byteLength
    } else {
      throw new TypeError(`Unknown write command type: ${String(command.type)}`)
    }
  }
}
