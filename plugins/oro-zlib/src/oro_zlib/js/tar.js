/**
 * `oro:tar` — Oro's tar archives: open one in the app's folders or from bytes, list and read its
 * entries by range, write one entry by entry (bodies in chunks), extract it. Python's `tarfile`
 * does the work in the host (routes `tar.*`, docs/zlib.md#oro-tar), inside the sandbox of the
 * app's resources (read-only), data and temp folders.
 *
 * ```js
 * import { createInMemory, fromBuffer } from 'oro:tar'
 * const archive = await createInMemory()
 * await archive.append({ path: 'hello.txt' }, Buffer.from('hello'))
 * const bytes = await archive.toBuffer()
 * const copy = await fromBuffer(bytes)
 * await copy.extractAll('unpacked')
 * ```
 *
 * Extraction is checked whole in the host first: an entry leaving the folder (`..`, an
 * absolute path, a link pointing out), a device node or too many bytes refuse the archive with
 * nothing written.
 * @module oro:tar
 */

import { request, write } from 'oro:ipc'
import { Buffer } from 'oro:buffer'

/** @typedef {'file'|'directory'|'symlink'|'hardlink'|'block-device'|'char-device'|'fifo'|'other'} TarEntryKind */
/** @typedef {{ offset: number, length: number }} TarSparseRegion */
/**
 * @typedef {object} TarEntryHeader
 * @property {string} path
 * @property {number} [size] the body's bytes; required when `body` is an async iterable
 * @property {TarSparseRegion[]} [sparse] not supported by this host
 * @property {number} [sparseSize]
 * @property {number} [mode]
 * @property {number} [mtime] seconds since the epoch
 * @property {number} [uid]
 * @property {number} [gid]
 * @property {string} [uname]
 * @property {string} [gname]
 * @property {string} [linkpath] a link's target
 * @property {number} [devmajor]
 * @property {number} [devminor]
 * @property {TarEntryKind} [kind]
 */
/**
 * @typedef {object} TarEntryStat
 * @property {string} path
 * @property {number} size
 * @property {number} mode
 * @property {number} mtime
 * @property {number} uid
 * @property {number} gid
 * @property {string} [uname]
 * @property {string} [gname]
 * @property {TarEntryKind} kind
 * @property {boolean} isFile
 * @property {boolean} isDirectory
 * @property {string} [linkpath]
 * @property {number} [devmajor]
 * @property {number} [devminor]
 * @property {TarSparseRegion[]} [sparse]
 */
/** @typedef {{ writable?: boolean, mmap?: boolean, uid?: number, gid?: number, uname?: string, gname?: string, mtime?: number }} TarOpenOptions */
/** @typedef {{ offset?: number, length?: number, signal?: AbortSignal, timeout?: number }} TarReadOptions */
/** @typedef {{ highWaterMark?: number, start?: number, end?: number, signal?: AbortSignal, timeout?: number }} TarReadStreamOptions */
/** @typedef {{ mode?: number, mtime?: number, kind?: TarEntryKind }} TarWriteEntryOptions */
/** @typedef {{ signal?: AbortSignal, timeout?: number }} TarWriteOptions */
/** @typedef {{ signal?: AbortSignal, timeout?: number, filter?: (entry: TarEntryStat) => boolean, preserveLinks?: boolean, preserveOwner?: boolean, preserveSpecialModes?: boolean }} TarExtractAllOptions */
/** @typedef {{ signal?: AbortSignal, timeout?: number, preserveOwner?: boolean, preserveSpecialModes?: boolean }} TarExtractOptions */
/** @typedef {Buffer | Uint8Array | ArrayBuffer} TarBytes */

/** @type {Readonly<Record<string, TarEntryKind>>} */
const KINDS = Object.freeze({
  0: 'file',
  7: 'file',
  S: 'file',
  5: 'directory',
  2: 'symlink',
  1: 'hardlink',
  3: 'char-device',
  4: 'block-device',
  6: 'fifo'
})

/** @type {Readonly<Record<string, string>>} */
const FLAGS = Object.freeze({
  directory: '5',
  symlink: '2',
  hardlink: '1',
  'char-device': '3',
  'block-device': '4',
  fifo: '6'
})

/** The most bytes one `tar.read` asks for (below the host's `tar.max_read_bytes`). */
const CHUNK = 1024 * 1024

/**
 * @param {unknown} value
 * @param {string} label
 * @returns {number}
 */
function uint32 (value, label) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${label} must be a finite number`)
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${label} must be a 32-bit unsigned integer`)
  }
  return value
}

/**
 * @param {unknown} value
 * @param {string} label
 * @returns {number}
 */
function seconds (value, label) {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${label} must be a finite number`)
  if (value < 0) throw new RangeError(`${label} must be a non-negative number`)
  return Math.floor(value)
}

/**
 * An entry path as the archive holds it: no leading `./` or `/`.
 * @param {unknown} path
 * @returns {string}
 */
function entryPath (path) {
  if (path instanceof URL) return path.pathname.replace(/^\/+/, '')
  if (typeof path !== 'string') throw new TypeError('path must be a string or URL')
  return path.replace(/^\.\//, '').replace(/^\/+/, '')
}

/**
 * A path in the app's folders, as oro:fs takes it.
 * @param {unknown} path
 * @returns {string}
 */
function filePath (path) {
  if (path instanceof URL) return path.pathname
  if (typeof path === 'string') return path
  throw new TypeError('path must be a string or URL')
}

/**
 * @param {unknown} bytes
 * @returns {Uint8Array}
 */
function toBytes (bytes) {
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes)
  throw new TypeError('buffer must be a Buffer, Uint8Array, or ArrayBuffer')
}

/**
 * @param {unknown} data
 * @returns {Buffer}
 */
function toBuffer (data) {
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.alloc(0)
}

/**
 * @param {{ signal?: AbortSignal, timeout?: number } | null | undefined} options
 * @returns {{ signal?: AbortSignal, timeout?: number }}
 */
function callOptions (options) {
  /** @type {{ signal?: AbortSignal, timeout?: number }} */
  const call = {}
  if (options?.signal) call.signal = options.signal
  if (typeof options?.timeout === 'number') call.timeout = options.timeout
  return call
}

/**
 * Oro's archive-wide defaults (`uid`, `gid`, `uname`, `gname`, `mtime`), checked.
 * @param {TarOpenOptions | null | undefined} options
 * @returns {Record<string, unknown>}
 */
function defaults (options) {
  /** @type {Record<string, unknown>} */
  const params = {}
  if (options?.uid != null) params.uid = uint32(options.uid, 'options.uid')
  if (options?.gid != null) params.gid = uint32(options.gid, 'options.gid')
  if (options?.mtime != null) params.mtime = seconds(options.mtime, 'options.mtime')
  for (const name of /** @type {const} */ (['uname', 'gname'])) {
    const value = options?.[name]
    if (value == null) continue
    if (typeof value !== 'string') throw new TypeError(`options.${name} must be a string`)
    params[name] = value
  }
  return params
}

/**
 * An entry as the host answers it, in Oro's shape.
 * @param {any} entry
 * @returns {TarEntryStat}
 */
function toStat (entry) {
  return {
    path: String(entry.path),
    linkpath: entry.linkpath ? String(entry.linkpath) : undefined,
    devmajor: entry.devmajor != null ? Number(entry.devmajor) : undefined,
    devminor: entry.devminor != null ? Number(entry.devminor) : undefined,
    size: Number(entry.size || 0),
    mode: Number(entry.mode || 0),
    mtime: Number(entry.mtime || 0),
    uid: Number(entry.uid ?? 0),
    gid: Number(entry.gid ?? 0),
    uname: entry.uname ? String(entry.uname) : undefined,
    gname: entry.gname ? String(entry.gname) : undefined,
    sparse: undefined,
    kind: KINDS[String(entry.type ?? '0')] ?? 'other',
    isFile: Boolean(entry.isFile),
    isDirectory: Boolean(entry.isDirectory)
  }
}

/**
 * The header of `append()`, checked as Oro checks it, as `tar.write.begin`'s parameters.
 * @param {TarEntryHeader} header
 * @param {number} size
 * @returns {Record<string, unknown>}
 */
function headerParams (header, size) {
  const kind = header.kind || 'file'
  /** @type {Record<string, unknown>} */
  const params = {
    path: entryPath(header.path),
    size,
    type: FLAGS[kind] ?? '0',
    mode: header.mode == null ? (kind === 'directory' ? 0o755 : 0o644) : uint32(header.mode, 'header.mode')
  }
  if (!params.path) throw new TypeError('header.path must be a non-empty string')
  if (header.mtime != null) params.mtime = seconds(header.mtime, 'header.mtime')
  if (header.uid != null) params.uid = uint32(header.uid, 'header.uid')
  if (header.gid != null) params.gid = uint32(header.gid, 'header.gid')
  for (const name of /** @type {const} */ (['uname', 'gname'])) {
    const value = header[name]
    if (value == null) continue
    if (typeof value !== 'string') throw new TypeError(`header.${name} must be a string`)
    params[name] = value
  }
  if (kind === 'symlink' || kind === 'hardlink') {
    if (typeof header.linkpath !== 'string' || !header.linkpath) {
      throw new TypeError('header.linkpath must be a non-empty string for link entries')
    }
    params.linkpath = header.linkpath
  }
  if (kind === 'block-device' || kind === 'char-device') {
    if (header.devmajor == null || header.devminor == null) {
      throw new TypeError('header.devmajor and header.devminor are required for device entries')
    }
    params.devmajor = uint32(header.devmajor, 'header.devmajor')
    params.devminor = uint32(header.devminor, 'header.devminor')
  }
  if (header.sparse != null) params.sparse = JSON.stringify(header.sparse)
  return params
}

/**
 * @param {unknown} body
 * @returns {body is AsyncIterable<Uint8Array>}
 */
function isAsyncIterable (body) {
  return body != null && typeof (/** @type {any} */ (body))[Symbol.asyncIterator] === 'function'
}

/** An open tar archive: one the host holds for this page, by `id`. */
export class TarArchive {
  /**
   * Opens an existing tar archive (gzip, bzip2 and xz ones too), or with `writable` creates it.
   * @param {string | URL} path
   * @param {TarOpenOptions | null} [options]
   * @returns {Promise<TarArchive>}
   */
  static async open (path, options = null) {
    const writable = Boolean(options?.writable)
    const archivePath = filePath(path)
    const params = { ...defaults(options), path: archivePath, writable }
    const data = await request('tar.open', params)
    if (!data?.id) throw new Error('tar.open did not return an archive id')
    return new TarArchive({ ...data, path: data.path ?? archivePath, writable, mmap: Boolean(options?.mmap) })
  }

  /**
   * Creates a new tar archive for writing (truncated when it exists).
   * @param {string | URL} path
   * @param {TarOpenOptions | null} [options]
   * @returns {Promise<TarArchive>}
   */
  static async create (path, options = null) {
    return await TarArchive.open(path, { ...options, writable: true })
  }

  /**
   * Opens a tar archive from bytes (read-only).
   * @param {TarBytes} buffer
   * @returns {Promise<TarArchive>}
   */
  static async fromBuffer (buffer) {
    const bytes = toBytes(buffer)
    const data = await write('tar.openBuffer', {}, bytes)
    if (!data?.id) throw new Error('tar.openBuffer did not return an archive id')
    return new TarArchive({ ...data, path: '', writable: false, mmap: false })
  }

  /**
   * Creates a new tar archive in memory, for writing.
   * @param {TarOpenOptions | null} [options]
   * @returns {Promise<TarArchive>}
   */
  static async createInMemory (options = null) {
    const data = await request('tar.createBuffer', defaults(options))
    if (!data?.id) throw new Error('tar.createBuffer did not return an archive id')
    return new TarArchive({ ...data, path: '', writable: true, mmap: false })
  }

  /**
   * @ignore
   * @param {{ id: string, path?: string, writable?: boolean, mmap?: boolean, size?: number, entryCount?: number }} state
   */
  constructor (state) {
    /** @type {string} */
    this.id = String(state.id)
    /** @type {string} */
    this.path = String(state.path || '')
    /** @type {boolean} */
    this.writable = Boolean(state.writable)
    /** Accepted for Oro's sake; the host reads by range either way. @type {boolean} */
    this.mmap = Boolean(state.mmap)
    /** @type {number} */
    this.size = Number(state.size || 0)
    /** @type {number} */
    this.entryCount = Number(state.entryCount || 0)
    /** @type {boolean} */
    this.closed = false
    /** @type {boolean} */
    this.finalized = false
  }

  #ensureOpen () {
    if (this.closed) throw new Error('TarArchive is closed')
  }

  /**
   * Closes the archive in the host; later calls throw.
   * @returns {Promise<void>}
   */
  async close () {
    if (this.closed) return
    await request('tar.close', { id: this.id })
    this.closed = true
  }

  /**
   * Lists every entry, in the archive's order.
   * @returns {Promise<TarEntryStat[]>}
   */
  async entries () {
    this.#ensureOpen()
    const data = await request('tar.list', { id: this.id })
    if (data?.size != null) this.size = Number(data.size || 0)
    if (data?.entryCount != null) this.entryCount = Number(data.entryCount || 0)
    return Array.isArray(data?.entries) ? data.entries.map(toStat) : []
  }

  /**
   * The entry `path` (the last of that name).
   * @param {string} path
   * @returns {Promise<TarEntryStat>}
   */
  async stat (path) {
    this.#ensureOpen()
    return toStat(await request('tar.stat', { id: this.id, path: entryPath(path) }))
  }

  /**
   * Reads `length` bytes of an entry from `offset` (to its end by default).
   * @param {string} path
   * @param {TarReadOptions | null} [options]
   * @returns {Promise<Buffer>}
   */
  async read (path, options = null) {
    this.#ensureOpen()
    const entry = await this.stat(path)
    if (entry.isDirectory) throw Object.assign(new Error('Cannot read body of directory entry'), { code: 'EISDIR' })
    const offset = Number(options?.offset ?? 0)
    if (!Number.isFinite(offset) || offset < 0) throw new RangeError('offset must be a non-negative finite number')
    const length = options?.length == null ? entry.size - offset : Number(options.length)
    if (!Number.isFinite(length) || length < 0) throw new RangeError('length must be a non-negative finite number')
    if (length === 0 || offset >= entry.size) return Buffer.alloc(0)
    const chunks = []
    for await (const chunk of this.readStream(path, { ...(options ?? {}), start: offset, end: offset + length - 1, highWaterMark: CHUNK })) {
      chunks.push(chunk)
    }
    return Buffer.concat(chunks)
  }

  /**
   * The bytes of an entry, `highWaterMark` (64 KiB) at a time, from `start` to `end`
   * (inclusive).
   * @param {string} path
   * @param {TarReadStreamOptions | null} [options]
   * @returns {AsyncIterableIterator<Buffer>}
   */
  readStream (path, options = null) {
    this.#ensureOpen()
    const highWaterMark = typeof options?.highWaterMark === 'number' ? Math.floor(options.highWaterMark) : 64 * 1024
    if (!Number.isFinite(highWaterMark) || highWaterMark <= 0) {
      throw new RangeError('highWaterMark must be a positive finite number')
    }
    const start = typeof options?.start === 'number' && options.start >= 0 ? options.start : 0
    const archive = this
    const call = callOptions(options)
    const name = entryPath(path)
    return (async function * () {
      const entry = await archive.stat(name)
      if (entry.isDirectory) throw Object.assign(new Error('Cannot read body of directory entry'), { code: 'EISDIR' })
      const last = typeof options?.end === 'number' && options.end >= 0 ? Math.min(options.end, entry.size - 1) : entry.size - 1
      for (let offset = start; offset <= last;) {
        const size = Math.min(highWaterMark, last - offset + 1)
        const chunk = toBuffer(await request('tar.read', { id: archive.id, path: name, offset, size }, call))
        if (!chunk.length) return
        offset += chunk.length
        yield chunk
      }
    })()
  }

  /**
   * Appends one entry; its body a `Buffer`/`Uint8Array`/`ArrayBuffer`, or an async iterable of
   * them (then `header.size` is required).
   * @param {TarEntryHeader} header
   * @param {TarBytes | AsyncIterable<Uint8Array> | null} [body]
   * @param {TarWriteOptions | null} [options]
   * @returns {Promise<void>}
   */
  async append (header, body = null, options = null) {
    this.#ensureOpen()
    if (!this.writable) throw new Error('TarArchive is not opened in writable mode')
    if (this.finalized) throw new Error('TarArchive has been finalized')
    if (!header || typeof header.path !== 'string' || !header.path.length) {
      throw new TypeError('header.path must be a non-empty string')
    }
    const kind = header.kind || 'file'
    const streamed = isAsyncIterable(body)
    if (header.size != null && (typeof header.size !== 'number' || !Number.isSafeInteger(header.size) || header.size < 0)) {
      throw new RangeError('header.size must be a non-negative safe integer')
    }
    /** @type {Uint8Array | null} */
    const bytes = streamed || body == null ? null : toBytes(body)
    if (kind !== 'file') {
      if (streamed) throw new TypeError(`${kind} entries do not support AsyncIterable bodies`)
      if ((header.size ?? 0) !== 0 || (bytes?.length ?? 0) !== 0) throw new RangeError(`${kind} entries must not include a body`)
    }
    if (streamed && typeof header.size !== 'number') {
      throw new TypeError('header.size must be a non-negative finite number when body is an AsyncIterable')
    }
    if (bytes && header.size != null && header.size !== bytes.length) {
      throw new RangeError('header.size does not match body length when provided')
    }
    const size = bytes ? bytes.length : Number(header.size ?? 0)
    if (!bytes && !streamed && size > 0) throw new TypeError('body must be provided when header.size is non-zero')
    const call = callOptions(options)
    await request('tar.write.begin', { ...headerParams(header, size), id: this.id }, call)
    if (!streamed) {
      await write('tar.write.data', { id: this.id }, bytes ?? new Uint8Array(0), call)
      return
    }
    let remaining = size
    for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (body)) {
      const part = toBytes(chunk)
      if (!part.length) continue
      if (part.length > remaining) throw new RangeError('body yielded more data than header.size allows')
      remaining -= part.length
      await write('tar.write.data', { id: this.id }, part, call)
    }
    if (remaining !== 0) throw new RangeError('body ended before header.size bytes were yielded')
  }

  /**
   * Writes the archive's end; it can be read (and extracted) from then on.
   * @returns {Promise<void>}
   */
  async finalize () {
    this.#ensureOpen()
    if (!this.writable) throw new Error('TarArchive is not opened in writable mode')
    const data = await request('tar.finalize', { id: this.id })
    this.size = Number(data?.size ?? this.size)
    this.entryCount = Number(data?.entryCount ?? this.entryCount)
    this.finalized = true
  }

  /**
   * The archive's bytes (finalized first when being written).
   * @param {TarWriteOptions | null} [options]
   * @returns {Promise<Buffer>}
   */
  async toBuffer (options = null) {
    this.#ensureOpen()
    if (this.writable && !this.finalized) await this.finalize()
    return toBuffer(await request('tar.buffer', { id: this.id }, callOptions(options)))
  }

  /**
   * Extracts the archive's files and folders (and links, with `preserveLinks`) into the folder
   * `destDir` in the app's folders, made when missing. The host checks the whole archive
   * first: an entry leaving the folder, a device node or too many bytes refuse it, nothing
   * written. Modes are kept without setuid, setgid, sticky and group/other write bits; owners
   * are not (`preserveOwner` and `preserveSpecialModes` are accepted and ignored).
   * @param {string | URL} destDir
   * @param {TarExtractAllOptions | null} [options]
   * @returns {Promise<void>}
   */
  async extractAll (destDir, options = null) {
    this.#ensureOpen()
    let body = new Uint8Array(0)
    if (typeof options?.filter === 'function') {
      const filter = options.filter
      const kept = (await this.entries()).filter((entry) => filter(entry)).map((entry) => entry.path)
      body = Buffer.from(JSON.stringify(kept))
    }
    const params = { id: this.id, dest: filePath(destDir), preserveLinks: Boolean(options?.preserveLinks) }
    await write('tar.extract', params, body, callOptions(options))
  }

  /**
   * Extracts one file entry to the file `destPath` (its folders made), or makes the folder
   * `destPath` for a folder entry. Links and special files are refused.
   * @param {string} path
   * @param {string | URL} destPath
   * @param {TarExtractOptions | null} [options]
   * @returns {Promise<void>}
   */
  async extract (path, destPath, options = null) {
    this.#ensureOpen()
    const params = { id: this.id, entry: entryPath(path), dest: filePath(destPath) }
    await write('tar.extract', params, new Uint8Array(0), callOptions(options))
  }
}

/**
 * Opens an existing tar archive.
 * @param {string | URL} path
 * @param {TarOpenOptions | null} [options]
 * @returns {Promise<TarArchive>}
 */
export async function open (path, options = null) {
  return await TarArchive.open(path, options)
}

/**
 * Creates a new tar archive for writing (truncated when it exists).
 * @param {string | URL} path
 * @param {TarOpenOptions | null} [options]
 * @returns {Promise<TarArchive>}
 */
export async function create (path, options = null) {
  return await TarArchive.create(path, options)
}

/**
 * Opens a tar archive from bytes (read-only).
 * @param {TarBytes} buffer
 * @returns {Promise<TarArchive>}
 */
export async function fromBuffer (buffer) {
  return await TarArchive.fromBuffer(buffer)
}

/**
 * Creates a new tar archive in memory, for writing.
 * @param {TarOpenOptions | null} [options]
 * @returns {Promise<TarArchive>}
 */
export async function createInMemory (options = null) {
  return await TarArchive.createInMemory(options)
}

export default Object.freeze({ TarArchive, open, create, fromBuffer, createInMemory })
