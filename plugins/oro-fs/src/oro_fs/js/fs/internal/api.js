/**
 * The promise API of `oro:fs` (Node's `fs/promises`), one host route per call. Relative paths
 * are relative to the app's data directory; the host's sandbox decides what may be touched.
 * @module oro:fs/internal/api (internal)
 */

import { request, write } from 'oro:ipc'
import { constants } from 'oro:fs/constants'
import { Dir, FileHandle, WRITE_CHUNK_BYTES, WRITES_IN_FLIGHT, isIterableData, replyBytes, writeAll } from './handle.js'
import { Dirent, Stats, walkDirectory } from './stats.js'
import { watchIterator } from './watcher.js'
import { handleOf, toId } from './sync.js'
import {
  checkAborted, checkBoolean, fromBytes, getOptions, newId, toBytes, toFlags, toMode, toPath, toSeconds, typeError, describe
} from './util.js'

/**
 * Open a file; resolves with a `FileHandle`.
 * @param {unknown} path
 * @param {string | number} [flags] `'r'` (default), `'w'`, `'a+'`... or numeric flags
 * @param {number | string} [mode] default 0o666
 * @returns {Promise<FileHandle>}
 */
export function open (path, flags = 'r', mode = 0o666) {
  return FileHandle.open(path, flags, mode)
}

/**
 * The whole file: a `Buffer`, or a string when an encoding is given.
 * @param {unknown} path a path or a `FileHandle`
 * @param {unknown} [options] encoding or `{ encoding, flag, signal }`
 */
export async function readFile (path, options = undefined) {
  const { encoding, flag, signal } = getOptions(options, { encoding: null, flag: 'r', signal: undefined })
  checkAborted(signal)
  if (path instanceof FileHandle) return path.readFile({ encoding, signal })
  const reply = await request('fs.readFile', { path: toPath(path), flags: toFlags(flag) }, { signal })
  return fromBytes(replyBytes(reply), encoding)
}

/**
 * Replace (or with `flag: 'a'` append to) a file's contents: a string, bytes, or an (async)
 * iterable of them. Data up to 8 MiB goes in one round trip; more is written in chunks
 * through a descriptor. `flush: true` syncs the data to disk before resolving (Node);
 * `atomic: true` (Oro) writes a temporary file beside it and renames it over the file, so the
 * file holds the old or the new content, never a mix, even when the host dies mid-write.
 * @param {unknown} path a path or a `FileHandle`
 * @param {unknown} data
 * @param {unknown} [options] encoding or `{ encoding, mode, flag, signal, flush, atomic }`
 */
export async function writeFile (path, data, options = undefined) {
  const { encoding, mode, flag, signal, flush, atomic } = getOptions(options, {
    encoding: 'utf8', mode: 0o666, flag: 'w', signal: undefined, flush: false, atomic: false
  })
  checkBoolean(flush, 'options.flush')
  checkBoolean(atomic, 'options.atomic')
  checkAborted(signal)
  if (path instanceof FileHandle) {
    if (atomic) throw typeError('The "options.atomic" cannot be used with a FileHandle: it writes in place', 'ERR_INVALID_ARG_VALUE')
    return path.writeFile(data, { encoding, signal, flush })
  }
  const target = toPath(path)
  const flags = toFlags(flag)
  const fileMode = toMode(mode, 0o666)
  /** One buffer (the caller's data was no iterable), else `null`. */
  let bytes = null
  if (!isIterableData(data)) {
    bytes = toBytes(data, encoding)
    if (bytes.byteLength <= WRITE_CHUNK_BYTES) {
      /** @type {Record<string, unknown>} */
      const params = { path: target, flags, mode: fileMode }
      if (flush) params.flush = true
      if (atomic) params.atomic = true
      await write('fs.writeFile', params, bytes, { signal })
      return
    }
  }
  if (atomic) {
    await writeAtomically(target, flags, fileMode, bytes === null ? data : [bytes], encoding, signal)
    return
  }
  const handle = await open(target, flags, fileMode)
  try {
    if (bytes !== null && (flags & constants.O_APPEND) === 0) {
      // A file just opened without O_APPEND is written from its start: at explicit offsets,
      // the chunks of one buffer travel several at a time.
      await writeAll(handle.id, bytes, 0, { signal, inFlight: WRITES_IN_FLIGHT })
      if (flush) await handle.sync()
    } else {
      await handle.writeFile(bytes ?? data, { encoding, signal, flush })
    }
  } finally {
    await handle.close()
  }
}

/**
 * An atomic write too large for one request: the host opens a temporary file (`fs.open` with
 * `atomic`), takes the chunks, and renames it over the target only on `fs.close` with
 * `commit`; closing without `commit` (a failure, an abort, the page going away) discards it.
 * @param {string} target
 * @param {number} flags
 * @param {number} mode
 * @param {unknown} data bytes in a one-element array, or an (async) iterable
 * @param {string | null} encoding
 * @param {AbortSignal | undefined} signal
 */
async function writeAtomically (target, flags, mode, data, encoding, signal) {
  const id = newId()
  await request('fs.open', { id, path: target, flags, mode, atomic: true })
  try {
    for await (const chunk of /** @type {AsyncIterable<unknown>} */ (data)) {
      await writeAll(id, toBytes(chunk, encoding), -1, { signal })
    }
  } catch (error) {
    await request('fs.close', { id }).catch(() => {})
    throw error
  }
  await request('fs.close', { id, commit: true })
}

/**
 * Append to a file (created when missing); options as `writeFile`'s.
 * @param {unknown} path
 * @param {unknown} data
 * @param {unknown} [options] encoding or `{ encoding, mode, flag, signal, flush, atomic }`
 */
export function appendFile (path, data, options = undefined) {
  const merged = getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a', signal: undefined })
  return writeFile(path, data, merged)
}

/**
 * The names in a directory; `Dirent`s with `withFileTypes`; every level below with
 * `recursive` (names relative to `path`).
 * @param {unknown} path
 * @param {unknown} [options] encoding or `{ encoding, withFileTypes, recursive }`
 * @returns {Promise<Array<string | Dirent>>}
 */
export async function readdir (path, options = undefined) {
  const walk = walkDirectory(toPath(path), getOptions(options, { encoding: 'utf8', withFileTypes: false, recursive: false }))
  let step = walk.next()
  while (!step.done) step = walk.next(await request('fs.readdir', { path: step.value }))
  return step.value
}

/**
 * Create a directory; with `recursive`, its missing parents too, resolving with the first
 * directory created (undefined when none was).
 * @param {unknown} path
 * @param {unknown} [options] mode or `{ recursive, mode }`
 * @returns {Promise<string | undefined>}
 */
export async function mkdir (path, options = undefined) {
  const { recursive, mode } = typeof options === 'number' || typeof options === 'string'
    ? { recursive: false, mode: options }
    : getOptions(options, { recursive: false, mode: 0o777 })
  const answer = await request('fs.mkdir', { path: toPath(path), mode: toMode(mode, 0o777), recursive: Boolean(recursive) })
  return recursive && typeof answer?.path === 'string' ? answer.path : undefined
}

/**
 * Remove a file or (with `recursive`) a directory tree; `force` ignores a missing path.
 * @param {unknown} path
 * @param {{ recursive?: boolean, force?: boolean }} [options]
 */
export async function rm (path, options = undefined) {
  const { recursive, force } = getOptions(options, { recursive: false, force: false })
  await request('fs.rm', { path: toPath(path), recursive: Boolean(recursive), force: Boolean(force) })
}

/**
 * Remove an empty directory (`recursive`, deprecated in Node, removes a tree as `rm` does).
 * @param {unknown} path
 * @param {{ recursive?: boolean }} [options]
 */
export async function rmdir (path, options = undefined) {
  const { recursive } = getOptions(options, { recursive: false })
  if (recursive) await request('fs.rm', { path: toPath(path), recursive: true, force: false })
  else await request('fs.rmdir', { path: toPath(path) })
}

/** @param {unknown} path */
export async function unlink (path) {
  await request('fs.unlink', { path: toPath(path) })
}

/**
 * @param {unknown} oldPath
 * @param {unknown} newPath
 */
export async function rename (oldPath, newPath) {
  await request('fs.rename', { src: toPath(oldPath, 'oldPath'), dest: toPath(newPath, 'newPath') })
}

/**
 * @param {unknown} src
 * @param {unknown} dest
 * @param {number} [mode] `constants.COPYFILE_EXCL` fails when `dest` exists
 */
export async function copyFile (src, dest, mode = 0) {
  if (typeof mode !== 'number' || !Number.isInteger(mode)) {
    throw typeError(`The "mode" argument must be an integer. Received ${describe(mode)}`)
  }
  await request('fs.copyFile', { src: toPath(src, 'src'), dest: toPath(dest, 'dest'), flags: mode })
}

/**
 * Copy a file, or a directory tree with `recursive` (Node's `fs.cp`).
 * @param {unknown} src
 * @param {unknown} dest
 * @param {{ recursive?: boolean, force?: boolean, errorOnExist?: boolean }} [options]
 */
export async function cp (src, dest, options = undefined) {
  const { recursive, force, errorOnExist } = getOptions(options, { recursive: false, force: true, errorOnExist: false })
  await request('fs.cp', {
    src: toPath(src, 'src'),
    dest: toPath(dest, 'dest'),
    recursive: Boolean(recursive),
    force: Boolean(force),
    errorOnExist: Boolean(errorOnExist)
  })
}

/**
 * Create a unique directory whose name starts with `prefix` (`'tmp-'`, `'temp:job-'`).
 * @param {unknown} prefix
 * @param {unknown} [options] encoding
 * @returns {Promise<string>}
 */
export async function mkdtemp (prefix, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  const answer = await request('fs.mkdtemp', { prefix: toPath(prefix, 'prefix') })
  return answer.path
}

/**
 * The target of a symbolic link.
 * @param {unknown} path
 * @param {unknown} [options] encoding
 * @returns {Promise<string>}
 */
export async function readlink (path, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  const answer = await request('fs.readlink', { path: toPath(path) })
  return answer.path
}

/**
 * The canonical path (links resolved), as the sandbox names it.
 * @param {unknown} path
 * @param {unknown} [options] encoding
 * @returns {Promise<string>}
 */
export async function realpath (path, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  const answer = await request('fs.realpath', { path: toPath(path) })
  return answer.path
}

/**
 * Create the symbolic link `path` pointing at `target`.
 * @param {unknown} target
 * @param {unknown} path
 * @param {string | null} [type] `'file'`, `'dir'` or `'junction'` (Windows only)
 */
export async function symlink (target, path, type = null) {
  /** @type {Record<string, unknown>} */
  const params = { src: toPath(target, 'target'), dest: toPath(path) }
  if (type) params.type = type
  await request('fs.symlink', params)
}

/**
 * Create the hard link `newPath` to `existingPath`.
 * @param {unknown} existingPath
 * @param {unknown} newPath
 */
export async function link (existingPath, newPath) {
  await request('fs.link', { src: toPath(existingPath, 'existingPath'), dest: toPath(newPath, 'newPath') })
}

/**
 * @param {unknown} path
 * @param {number} [length]
 */
export async function truncate (path, length = 0) {
  if (typeof length !== 'number' || !Number.isInteger(length)) {
    throw typeError(`The "len" argument must be of type number. Received ${describe(length)}`)
  }
  await request('fs.truncate', { path: toPath(path), length })
}

/**
 * Set access and modification times (seconds, numeric strings or `Date`s).
 * @param {unknown} path
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export async function utimes (path, atime, mtime) {
  await request('fs.utimes', { path: toPath(path), atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
}

/**
 * @param {unknown} path
 * @param {number | string} mode
 */
export async function chmod (path, mode) {
  if (mode === undefined || mode === null) throw typeError('The "mode" argument must be of type number or string. Received undefined')
  await request('fs.chmod', { path: toPath(path), mode: toMode(mode, 0) })
}

/**
 * Linux cannot change a symlink's own mode: a symlink rejects with `ENOTSUP`.
 * @param {unknown} path
 * @param {number | string} mode
 */
export async function lchmod (path, mode) {
  if (mode === undefined || mode === null) throw typeError('The "mode" argument must be of type number or string. Received undefined')
  await request('fs.lchmod', { path: toPath(path), mode: toMode(mode, 0) })
}

/**
 * Change the owner and group (-1 keeps one); the kernel decides who may.
 * @param {unknown} path
 * @param {number} uid
 * @param {number} gid
 */
export async function chown (path, uid, gid) {
  await request('fs.chown', { path: toPath(path), uid: toId(uid, 'uid'), gid: toId(gid, 'gid') })
}

/**
 * `chown` of a symlink itself.
 * @param {unknown} path
 * @param {number} uid
 * @param {number} gid
 */
export async function lchown (path, uid, gid) {
  await request('fs.lchown', { path: toPath(path), uid: toId(uid, 'uid'), gid: toId(gid, 'gid') })
}

/**
 * `utimes` of a symlink itself.
 * @param {unknown} path
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export async function lutimes (path, atime, mtime) {
  await request('fs.lutimes', { path: toPath(path), atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
}

/**
 * `utimes` of an open file.
 * @param {unknown} fd a `FileHandle` or a descriptor number
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export async function futimes (fd, atime, mtime) {
  await handleOf(fd, 'futime').utimes(atime, mtime)
}

/**
 * Stats of an open file.
 * @param {unknown} fd a `FileHandle` or a descriptor number
 * @returns {Promise<Stats>}
 */
export async function fstat (fd) {
  return handleOf(fd, 'fstat').stat()
}

/**
 * Write `buffers` one after the other (at `position`, or the current position).
 * @param {unknown} fd a `FileHandle` or a descriptor number
 * @param {ArrayBufferView[]} buffers
 * @param {number | null} [position]
 * @returns {Promise<number>} the bytes written
 */
export async function writev (fd, buffers, position = null) {
  return (await handleOf(fd, 'write').writev(buffers, position ?? null)).bytesWritten
}

/**
 * Fill `buffers` one after the other (from `position`, or the current position).
 * @param {unknown} fd a `FileHandle` or a descriptor number
 * @param {ArrayBufferView[]} buffers
 * @param {number | null} [position]
 * @returns {Promise<{ bytesRead: number, buffers: ArrayBufferView[] }>}
 */
export async function readv (fd, buffers, position = null) {
  return handleOf(fd, 'read').readv(buffers, position ?? null)
}

/**
 * Check that `path` exists (`F_OK`) or is readable/writable/executable (`R_OK | W_OK...`).
 * Resolves `true`, as Oro's (Node's resolves undefined); rejects otherwise.
 * @param {unknown} path
 * @param {number} [mode]
 * @returns {Promise<boolean>}
 */
export async function access (path, mode = constants.F_OK) {
  await request('fs.access', { path: toPath(path), mode: mode ?? constants.F_OK })
  return true
}

/**
 * @param {unknown} path
 * @returns {Promise<Stats>}
 */
export async function stat (path) {
  return new Stats(await request('fs.stat', { path: toPath(path) }))
}

/**
 * Like `stat`, about a symbolic link itself.
 * @param {unknown} path
 * @returns {Promise<Stats>}
 */
export async function lstat (path) {
  return new Stats(await request('fs.lstat', { path: toPath(path) }))
}

/**
 * Open a directory for reading entry by entry.
 * @param {unknown} path
 * @param {{ bufferSize?: number }} [options] entries per round trip (default 32)
 * @returns {Promise<Dir>}
 */
export async function opendir (path, options = undefined) {
  const { bufferSize } = getOptions(options, { bufferSize: 32 })
  const target = toPath(path)
  const id = newId()
  await request('fs.opendir', { id, path: target })
  return new Dir(id, target, bufferSize)
}

/**
 * Watch a file or directory: an async iterator of `{ eventType: 'rename' | 'change', filename }`.
 * `break` (or `return()`) stops the host watcher; `options.signal` ends it with `AbortError`.
 * @param {unknown} path
 * @param {unknown} [options] encoding or `{ recursive, encoding, signal }`
 */
export function watch (path, options = undefined) {
  return watchIterator(path, options)
}

/**
 * True when `path` exists (not in Node's promise API; `access` is).
 * @param {unknown} path
 */
export async function exists (path) {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

export { constants, Dir, Dirent, FileHandle, Stats }

/** Every function of the promise API (what `fs.promises` and `oro:fs/promises` hold). */
export const promises = Object.freeze({
  access,
  appendFile,
  chmod,
  chown,
  constants,
  copyFile,
  cp,
  fstat,
  futimes,
  lchmod,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  mkdtemp,
  open,
  opendir,
  readFile,
  readdir,
  readv,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  truncate,
  unlink,
  utimes,
  watch,
  writeFile,
  writev
})
