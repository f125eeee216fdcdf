/**
 * `oro:fs/web` — Oro's File System Access bridge: web `File`s and `FileSystemFileHandle` /
 * `FileSystemDirectoryHandle` / `FileSystemWritableFileStream` objects over `oro:fs`, so code
 * written for the browser's File System Access API works on files in the app's sandbox.
 *
 * ```js
 * import { createFileSystemDirectoryHandle } from 'oro:fs/web'
 * const dir = await createFileSystemDirectoryHandle('data:notes')  // in the app data dir
 * const file = await dir.getFileHandle('today.md', { create: true })
 * const writable = await file.createWritable()
 * await writable.write('# hi')
 * await writable.close()                                            // now the file holds it
 * const text = await (await file.getFile()).text()
 * ```
 *
 * A writable writes to a temporary file beside the target (the host's atomic write, as the
 * browser's `.crswap` file) and puts it in place on `close()`; `abort()` discards it.
 *
 * The classes it exports are the page's, as Oro's (api/fs/web.js:32-63 and
 * api/internal/primitives.js:254-259): the engine's own where it has them (Chromium and
 * QtWebEngine), the handles here being instances of them too; else (WebKitGTK, whose File
 * System Access is off) this module's, which it makes the page's globals in an oro page.
 * @module oro:fs/web
 */

import { lookup } from 'oro:mime'
import { basename, extname, join, normalize } from 'oro:path'
import * as fs from './internal/api.js'
import { toPath } from './internal/util.js'
import { FileSystemWritableFileStream, domError, openWritable, webError } from './internal/web-writable.js'

/** @typedef {'read' | 'readwrite'} PermissionMode */
/** @typedef {import('./internal/handle.js').FileHandle} FileHandle */

/** Makes the handle classes constructible only from this module, as the web's are. */
const KEY = Symbol('oro:fs/web')

/** @type {WeakMap<object, { path: string, writable: boolean }>} */
const state = new WeakMap()

/** Paths of the `File`s `createFile` made, so `createFileSystemFileHandle(file)` finds them. */
const filePaths = new WeakMap()

/**
 * An entry name as the web API accepts it: one path component, not `.` or `..`.
 * @param {unknown} name
 * @returns {string}
 */
function checkName (name) {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new TypeError(`Name is not allowed: ${String(name)}`)
  }
  return name
}

/**
 * `Stats` of `path`, or null when it does not exist.
 * @param {string} path
 */
async function statOrNull (path) {
  try {
    return await fs.stat(path)
  } catch (error) {
    if (/** @type {any} */ (error)?.code === 'ENOENT') return null
    throw error
  }
}

/**
 * The media type of a file name from the host's table (`''` when unknown, as the web's).
 * @param {string} filename
 */
async function typeOf (filename) {
  const extension = extname(filename).slice(1)
  if (!extension) return ''
  try {
    const [first] = await lookup(extension)
    return first?.mime ?? ''
  } catch {
    return ''
  }
}

/**
 * @param {object} handle
 * @returns {{ path: string, writable: boolean }}
 */
function stateOf (handle) {
  const found = state.get(handle)
  if (!found) throw new TypeError('Illegal invocation')
  return found
}

/**
 * @param {object} handle
 * @param {string} what
 */
function checkWritable (handle, what) {
  if (!stateOf(handle).writable) throw domError(`${what}: the handle is read-only`, 'NotAllowedError')
}

/** Oro's keys on its web objects: the path a `File` or handle stands for, the `FileHandle` a
 * `File` was read through (`Symbol.for`, so code written for Oro finds them). */
export const kFileSystemHandleFullName = Symbol.for('oro.runtime.fs.web.FileSystemHandleFullName')
export const kFileDescriptor = Symbol.for('oro.runtime.fs.web.FileDescriptor')
export const kFileFullName = Symbol.for('oro.runtime.fs.web.FileFullName')

/** The class of what `createFile` answers: the page's own `File`. */
export const File = globalThis.File

/**
 * A web `File` with the content of `filename` (read whole), its name, media type and
 * modification time.
 * @param {string} filename
 * @param {{ fd?: FileHandle }} [options] read through this open handle instead
 * @returns {Promise<File>}
 */
export async function createFile (filename, options = undefined) {
  const target = toPath(filename, 'filename')
  const handle = options?.fd
  let stats, bytes
  try {
    stats = handle ? await handle.stat() : await fs.stat(target)
    if (stats.isDirectory()) throw domError(`Not a file: ${target}`, 'TypeMismatchError')
    bytes = handle ? await handle.readFile() : await fs.readFile(target)
  } catch (error) {
    throw webError(error, target)
  }
  const file = new File([bytes], basename(target), { type: await typeOf(target), lastModified: Math.round(stats.mtimeMs) })
  filePaths.set(file, target)
  const mtimeMs = stats.mtimeMs
  Object.defineProperties(file, {
    [kFileFullName]: { value: target },
    [kFileDescriptor]: { value: handle ?? null },
    // Oro's: the file's modification time to the fraction of a millisecond the system keeps
    // (`stats.mtimeMs`), where the web's File rounds it to a whole one.
    lastModified: { value: mtimeMs, enumerable: true },
    lastModifiedDate: { get: () => new Date(mtimeMs), enumerable: true }
  })
  if (typeof (/** @type {any} */ (ReadableStream.prototype))[Symbol.asyncIterator] !== 'function') {
    // WebKitGTK's streams are not async-iterable: Oro makes its File's stream so
    // (api/fs/web.js:255-264), for `for await (const chunk of file.stream())`.
    Object.defineProperty(file, 'stream', { value: () => asyncIterable(File.prototype.stream.call(file)) })
  }
  return file
}

/**
 * `stream` with the web's async iterator (`for await`), which reads it to the end and cancels
 * it when the loop is left early.
 * @param {ReadableStream<Uint8Array>} stream
 */
function asyncIterable (stream) {
  return Object.defineProperty(stream, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: async function * chunks () {
      const reader = stream.getReader()
      let done = false
      try {
        while (!done) {
          const next = await reader.read()
          done = next.done
          if (!done) yield next.value
        }
      } finally {
        if (!done) await reader.cancel().catch(() => {})
        reader.releaseLock()
      }
    }
  })
}

/** The web's `FileSystemHandle`: `kind`, `name`, `isSameEntry`, permissions. */
class FileSystemHandle {
  /**
   * @param {symbol} key
   * @param {string} path
   * @param {boolean} writable
   */
  constructor (key, path, writable) {
    if (key !== KEY) throw new TypeError('Illegal constructor')
    state.set(this, { path: normalize(path), writable })
  }

  /**
   * Every handle of this module is one (the prototype chain leads to the page's own classes,
   * below, not through this one).
   * @param {unknown} value
   */
  static [Symbol.hasInstance] (value) {
    if (this === FileSystemHandle) return typeof value === 'object' && value !== null && state.has(value)
    return Function.prototype[Symbol.hasInstance].call(this, value)
  }

  /** @returns {'file' | 'directory'} */
  get kind () { throw new TypeError('Illegal invocation') }

  /** The path this handle stands for (Oro's key). */
  get [kFileSystemHandleFullName] () { return stateOf(this).path }

  /** The entry's name (last component of its path; `''` for the data directory itself). */
  get name () {
    const { path } = stateOf(this)
    return path === '.' ? '' : basename(path)
  }

  /**
   * True when `other` names the same entry (same kind and path).
   * @param {FileSystemHandle} other
   */
  async isSameEntry (other) {
    const mine = stateOf(this)
    const theirs = other instanceof FileSystemHandle ? state.get(other) : undefined
    return Boolean(theirs) && other.kind === this.kind && theirs?.path === mine.path
  }

  /**
   * `'granted'`, or `'denied'` for `readwrite` on a read-only handle (the host's sandbox
   * still decides each operation).
   * @param {{ mode?: PermissionMode }} [descriptor]
   * @returns {Promise<PermissionState>}
   */
  async queryPermission (descriptor = {}) {
    return descriptor?.mode === 'readwrite' && !stateOf(this).writable ? 'denied' : 'granted'
  }

  /**
   * Same answer as `queryPermission` (nothing to ask the user: the app's sandbox applies).
   * @param {{ mode?: PermissionMode }} [descriptor]
   * @returns {Promise<PermissionState>}
   */
  requestPermission (descriptor = {}) {
    return this.queryPermission(descriptor)
  }
}

/** The web's `FileSystemFileHandle` over a file of `oro:fs`. */
class FileSystemFileHandle extends FileSystemHandle {
  /** @returns {'file'} */
  get kind () { stateOf(this); return 'file' }

  /** The file's current content as a web `File`. */
  getFile () {
    return createFile(stateOf(this).path)
  }

  /**
   * A writable stream to the file; nothing changes until it is closed.
   * @param {{ keepExistingData?: boolean }} [options] start from the current content
   * @returns {Promise<FileSystemWritableFileStream>}
   */
  async createWritable (options = {}) {
    checkWritable(this, 'createWritable')
    return createFileSystemWritableFileStream(this, options)
  }

  /**
   * Rename the file, or move it into another directory (Chromium's `move`).
   * @param {FileSystemDirectoryHandle | string} destinationOrName
   * @param {string} [name]
   */
  async move (destinationOrName, name = undefined) {
    checkWritable(this, 'move')
    const mine = stateOf(this)
    let directory = join(mine.path, '..')
    let newName = destinationOrName
    if (destinationOrName instanceof FileSystemDirectoryHandle) {
      directory = stateOf(destinationOrName).path
      newName = name ?? this.name
    }
    const target = join(directory, checkName(newName))
    try {
      await fs.rename(mine.path, target)
    } catch (error) {
      throw webError(error, mine.path)
    }
    mine.path = normalize(target)
  }

  /** Delete the file (Chromium's `remove`). */
  async remove () {
    checkWritable(this, 'remove')
    const { path } = stateOf(this)
    try {
      await fs.unlink(path)
    } catch (error) {
      throw webError(error, path)
    }
  }
}

/** The web's `FileSystemDirectoryHandle` over a directory of `oro:fs`. */
class FileSystemDirectoryHandle extends FileSystemHandle {
  /** @returns {'directory'} */
  get kind () { stateOf(this); return 'directory' }

  /**
   * `[name, handle]` of every file and directory in it (other entries, such as sockets, are
   * left out, as the web does).
   * @returns {AsyncGenerator<[string, FileSystemFileHandle | FileSystemDirectoryHandle]>}
   */
  async * entries () {
    const { path, writable } = stateOf(this)
    let found
    try {
      found = /** @type {import('./internal/stats.js').Dirent[]} */ (await fs.readdir(path, { withFileTypes: true }))
    } catch (error) {
      throw webError(error, path)
    }
    for (const entry of found) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) yield [entry.name, new FileSystemDirectoryHandle(KEY, child, writable)]
      else if (entry.isFile()) yield [entry.name, new FileSystemFileHandle(KEY, child, writable)]
    }
  }

  /** @returns {AsyncGenerator<string>} */
  async * keys () {
    for await (const [name] of this.entries()) yield name
  }

  /** @returns {AsyncGenerator<FileSystemFileHandle | FileSystemDirectoryHandle>} */
  async * values () {
    for await (const [, handle] of this.entries()) yield handle
  }

  [Symbol.asyncIterator] () {
    return this.entries()
  }

  /**
   * The file `name` in it; `{ create: true }` makes an empty one when missing.
   * @param {string} name
   * @param {{ create?: boolean }} [options]
   */
  async getFileHandle (name, options = {}) {
    const { path, writable } = stateOf(this)
    const child = join(path, checkName(name))
    const stats = await statOrNull(child)
    if (stats?.isDirectory()) throw domError(`Not a file: ${child}`, 'TypeMismatchError')
    if (!stats) {
      if (!options?.create) throw domError(`A requested file or directory could not be found: ${child}`, 'NotFoundError')
      checkWritable(this, 'getFileHandle')
      try {
        // 'a' creates without truncating what another writer may have made meanwhile.
        await fs.writeFile(child, '', { flag: 'a' })
      } catch (error) {
        throw webError(error, child)
      }
    }
    return new FileSystemFileHandle(KEY, child, writable)
  }

  /**
   * The directory `name` in it; `{ create: true }` makes it when missing.
   * @param {string} name
   * @param {{ create?: boolean }} [options]
   */
  async getDirectoryHandle (name, options = {}) {
    const { path, writable } = stateOf(this)
    const child = join(path, checkName(name))
    const stats = await statOrNull(child)
    if (stats && !stats.isDirectory()) throw domError(`Not a directory: ${child}`, 'TypeMismatchError')
    if (!stats) {
      if (!options?.create) throw domError(`A requested file or directory could not be found: ${child}`, 'NotFoundError')
      checkWritable(this, 'getDirectoryHandle')
      try {
        await fs.mkdir(child, { recursive: true })
      } catch (error) {
        throw webError(error, child)
      }
    }
    return new FileSystemDirectoryHandle(KEY, child, writable)
  }

  /**
   * Delete the entry `name`; a non-empty directory only with `{ recursive: true }`.
   * @param {string} name
   * @param {{ recursive?: boolean }} [options]
   */
  async removeEntry (name, options = {}) {
    checkWritable(this, 'removeEntry')
    const child = join(stateOf(this).path, checkName(name))
    try {
      const stats = await fs.lstat(child)
      if (!stats.isDirectory()) await fs.unlink(child)
      else if (options?.recursive) await fs.rm(child, { recursive: true })
      else await fs.rmdir(child)
    } catch (error) {
      throw webError(error, child)
    }
  }

  /**
   * The names leading from this directory to `possibleDescendant`, `[]` for itself, or null
   * when it is not inside.
   * @param {FileSystemHandle} possibleDescendant
   * @returns {Promise<string[] | null>}
   */
  async resolve (possibleDescendant) {
    const { path } = stateOf(this)
    const other = possibleDescendant instanceof FileSystemHandle ? state.get(possibleDescendant) : undefined
    if (!other) return null
    if (other.path === path) return []
    const prefix = path === '.' ? '' : `${path}/`
    if (prefix === '' ? other.path.startsWith('/') || other.path.startsWith('../') : !other.path.startsWith(prefix)) return null
    return other.path.slice(prefix.length).split('/')
  }

  /**
   * Delete the directory (Chromium's `remove`); `{ recursive: true }` with its content.
   * @param {{ recursive?: boolean }} [options]
   */
  async remove (options = {}) {
    checkWritable(this, 'remove')
    const { path } = stateOf(this)
    try {
      if (options?.recursive) await fs.rm(path, { recursive: true })
      else await fs.rmdir(path)
    } catch (error) {
      throw webError(error, path)
    }
  }
}

/**
 * Where the page has the web's own classes (Chromium and QtWebEngine do), a handle of this
 * module is an instance of them too, as Oro's are (`handle instanceof
 * globalThis.FileSystemFileHandle`): the file and directory classes' prototypes lead to a copy
 * of the shared methods above whose own prototype is the page's class of that kind. Methods of
 * the page's classes this module does not implement (`createSyncAccessHandle`) answer the
 * page's "Illegal invocation".
 * @param {Function} Ours
 * @param {unknown} Theirs
 */
function descendFromPage (Ours, Theirs) {
  if (typeof Theirs !== 'function' || !Theirs.prototype) return
  const { constructor, ...shared } = Object.getOwnPropertyDescriptors(FileSystemHandle.prototype)
  Object.setPrototypeOf(Ours.prototype, Object.create(Theirs.prototype, shared))
}

/** @type {any} */
const page = globalThis

descendFromPage(FileSystemFileHandle, page.FileSystemFileHandle)
descendFromPage(FileSystemDirectoryHandle, page.FileSystemDirectoryHandle)
// The writable is a real WritableStream (`getWriter`...), as the engine's class is one too.
if (page.FileSystemWritableFileStream?.prototype instanceof WritableStream) {
  Object.setPrototypeOf(FileSystemWritableFileStream.prototype, page.FileSystemWritableFileStream.prototype)
}

/**
 * The page's class `name`: the engine's, else `ours`, which becomes the page's global in an oro
 * page, as Oro's `install()` does (api/fs/web.js:32-63, api/internal/primitives.js:90-135,
 * 254-259): on WebKitGTK `handle instanceof FileSystemFileHandle` then works as in Chromium.
 * @param {string} name
 * @param {Function} ours
 * @returns {any}
 */
function pageClass (name, ours) {
  if (typeof page[name] === 'function') return page[name]
  if (page.isOroRuntime === true) {
    Object.defineProperty(page, name, { value: ours, writable: true, configurable: true, enumerable: false })
  }
  return ours
}

const PageFileSystemHandle = pageClass('FileSystemHandle', FileSystemHandle)
const PageFileSystemFileHandle = pageClass('FileSystemFileHandle', FileSystemFileHandle)
const PageFileSystemDirectoryHandle = pageClass('FileSystemDirectoryHandle', FileSystemDirectoryHandle)
const PageFileSystemWritableFileStream = pageClass('FileSystemWritableFileStream', FileSystemWritableFileStream)

export {
  PageFileSystemHandle as FileSystemHandle,
  PageFileSystemFileHandle as FileSystemFileHandle,
  PageFileSystemDirectoryHandle as FileSystemDirectoryHandle,
  PageFileSystemWritableFileStream as FileSystemWritableFileStream
}

/**
 * A `FileSystemWritableFileStream` to the file of `handle` (what `handle.createWritable()`
 * answers).
 * @param {FileSystemFileHandle} handle
 * @param {{ keepExistingData?: boolean }} [options]
 * @returns {Promise<FileSystemWritableFileStream>}
 */
export async function createFileSystemWritableFileStream (handle, options = {}) {
  checkWritable(handle, 'createWritable')
  return openWritable(stateOf(handle).path, options)
}

/**
 * A `FileSystemFileHandle` for the file at `file` (a path, or a `File` from `createFile`).
 * @param {string | File} file
 * @param {{ writable?: boolean }} [options] `writable: false` refuses every change
 * @returns {Promise<FileSystemFileHandle>}
 */
export async function createFileSystemFileHandle (file, options = {}) {
  const path = typeof file === 'string' ? toPath(file, 'file') : filePaths.get(/** @type {object} */ (file))
  if (path === undefined) throw new TypeError('Expecting a path or a File made by createFile')
  let stats
  try {
    stats = await fs.stat(path)
  } catch (error) {
    throw webError(error, path)
  }
  if (stats.isDirectory()) throw domError(`Not a file: ${path}`, 'TypeMismatchError')
  return new FileSystemFileHandle(KEY, path, options?.writable !== false)
}

/**
 * A `FileSystemDirectoryHandle` for the directory at `dirname` (relative: in the data
 * directory; `'.'` is the data directory itself).
 * @param {string} dirname
 * @param {{ writable?: boolean }} [options] `writable: false` refuses every change
 * @returns {Promise<FileSystemDirectoryHandle>}
 */
export async function createFileSystemDirectoryHandle (dirname, options = {}) {
  const path = toPath(dirname, 'dirname')
  let stats
  try {
    stats = await fs.stat(path)
  } catch (error) {
    throw webError(error, path)
  }
  if (!stats.isDirectory()) throw domError(`Not a directory: ${path}`, 'TypeMismatchError')
  return new FileSystemDirectoryHandle(KEY, path, options?.writable !== false)
}

export default {
  File,
  FileSystemDirectoryHandle: PageFileSystemDirectoryHandle,
  FileSystemFileHandle: PageFileSystemFileHandle,
  FileSystemHandle: PageFileSystemHandle,
  FileSystemWritableFileStream: PageFileSystemWritableFileStream,
  createFile,
  createFileSystemDirectoryHandle,
  createFileSystemFileHandle,
  createFileSystemWritableFileStream
}
