/**
 * The `*Sync` functions of `oro:fs` (Oro declares them, as Node has them): each is one
 * synchronous `oro:ipc` call (`sendSync`, a synchronous XHR) to the same `fs.*` route its
 * asynchronous twin uses, so the page waits for the host. Keep them for start-up and small
 * files: a page blocked here paints nothing.
 * @module oro:fs/internal/sync (internal)
 */

import { sendSync } from 'oro:ipc'
import { constants } from 'oro:fs/constants'
import { Dir, FileHandle, WRITE_CHUNK_BYTES, markClosed, replyBytes } from './handle.js'
import { Dirent, Stats, walkDirectory } from './stats.js'
import { descriptors, track } from './fds.js'
import {
  checkBoolean, describe, fromBytes, getOptions, newId, toBytes, toFlags, toMode, toPath, toSeconds, typeError
} from './util.js'

/**
 * `route(params)` answered synchronously; the host's error is thrown as the async call rejects.
 * @param {string} route
 * @param {Record<string, unknown>} params
 * @param {{ body?: Uint8Array }} [options]
 * @returns {any}
 */
function call (route, params, options = undefined) {
  const result = sendSync(route, params, options?.body ? { method: 'POST', body: options.body } : {})
  if (result.err) throw result.err
  return result.data
}

/**
 * The handle behind a descriptor number (or a `FileHandle`), as the callback API finds it.
 * @param {unknown} fd
 * @param {string} syscall
 * @returns {FileHandle}
 */
export function handleOf (fd, syscall) {
  if (fd instanceof FileHandle) return fd
  if (typeof fd !== 'number' || !Number.isInteger(fd)) {
    throw typeError(`The "fd" argument must be of type number. Received ${describe(fd)}`)
  }
  const handle = descriptors.get(fd)
  if (!handle) {
    throw Object.assign(new Error(`EBADF: bad file descriptor, ${syscall}`), { code: 'EBADF', errno: -9, syscall })
  }
  return handle
}

/**
 * True when `path` may be reached with `mode` (Oro answers `true`; Node answers undefined).
 * @param {unknown} path
 * @param {number} [mode]
 * @returns {boolean}
 */
export function accessSync (path, mode = constants.F_OK) {
  call('fs.access', { path: toPath(path), mode: mode ?? constants.F_OK })
  return true
}

/**
 * @param {unknown} path
 * @returns {boolean}
 */
export function existsSync (path) {
  try {
    return accessSync(path)
  } catch {
    return false
  }
}

/**
 * @param {unknown} path
 * @param {number | string} mode
 */
export function chmodSync (path, mode) {
  if (mode === undefined || mode === null) throw typeError('The "mode" argument must be of type number or string. Received undefined')
  call('fs.chmod', { path: toPath(path), mode: toMode(mode, 0) })
}

/**
 * Linux cannot change a symlink's own mode: a symlink answers `ENOTSUP`.
 * @param {unknown} path
 * @param {number | string} mode
 */
export function lchmodSync (path, mode) {
  if (mode === undefined || mode === null) throw typeError('The "mode" argument must be of type number or string. Received undefined')
  call('fs.lchmod', { path: toPath(path), mode: toMode(mode, 0) })
}

/**
 * Node's check of a `uid`/`gid`: an integer from -1 (keep) to 2**32 - 1.
 * @param {unknown} value
 * @param {string} name
 * @returns {number}
 */
export function toId (value, name) {
  if (typeof value !== 'number') throw typeError(`The "${name}" argument must be of type number. Received ${describe(value)}`)
  if (!Number.isInteger(value) || value < -1 || value > 0xffffffff) {
    throw Object.assign(new RangeError(`The value of "${name}" is out of range. It must be >= -1 && <= 4294967295. Received ${value}`), { code: 'ERR_OUT_OF_RANGE' })
  }
  return value
}

/**
 * @param {unknown} path
 * @param {number} uid
 * @param {number} gid
 */
export function chownSync (path, uid, gid) {
  call('fs.chown', { path: toPath(path), uid: toId(uid, 'uid'), gid: toId(gid, 'gid') })
}

/**
 * @param {unknown} path
 * @param {number} uid
 * @param {number} gid
 */
export function lchownSync (path, uid, gid) {
  call('fs.lchown', { path: toPath(path), uid: toId(uid, 'uid'), gid: toId(gid, 'gid') })
}

/**
 * @param {unknown} src
 * @param {unknown} dest
 * @param {number} [mode]
 */
export function copyFileSync (src, dest, mode = 0) {
  if (typeof mode !== 'number' || !Number.isInteger(mode)) {
    throw typeError(`The "mode" argument must be an integer. Received ${describe(mode)}`)
  }
  call('fs.copyFile', { src: toPath(src, 'src'), dest: toPath(dest, 'dest'), flags: mode })
}

/**
 * @param {unknown} src
 * @param {unknown} dest
 * @param {{ recursive?: boolean, force?: boolean, errorOnExist?: boolean }} [options]
 */
export function cpSync (src, dest, options = undefined) {
  const { recursive, force, errorOnExist } = getOptions(options, { recursive: false, force: true, errorOnExist: false })
  call('fs.cp', {
    src: toPath(src, 'src'),
    dest: toPath(dest, 'dest'),
    recursive: Boolean(recursive),
    force: Boolean(force),
    errorOnExist: Boolean(errorOnExist)
  })
}

/**
 * @param {unknown} existingPath
 * @param {unknown} newPath
 */
export function linkSync (existingPath, newPath) {
  call('fs.link', { src: toPath(existingPath, 'existingPath'), dest: toPath(newPath, 'newPath') })
}

/**
 * @param {unknown} target
 * @param {unknown} path
 * @param {string | null} [type]
 */
export function symlinkSync (target, path, type = null) {
  /** @type {Record<string, unknown>} */
  const params = { src: toPath(target, 'target'), dest: toPath(path) }
  if (type) params.type = type
  call('fs.symlink', params)
}

/**
 * @param {unknown} path
 * @param {{ throwIfNoEntry?: boolean }} [options]
 * @returns {Stats | undefined}
 */
export function statSync (path, options = undefined) {
  return statOrNothing('fs.stat', path, options)
}

/**
 * @param {unknown} path
 * @param {{ throwIfNoEntry?: boolean }} [options]
 * @returns {Stats | undefined}
 */
export function lstatSync (path, options = undefined) {
  return statOrNothing('fs.lstat', path, options)
}

/**
 * Node's `throwIfNoEntry: false`: a path that does not exist answers `undefined` instead of
 * throwing ENOENT (a common existence check in Node code).
 * @param {'fs.stat' | 'fs.lstat'} route
 * @param {unknown} path
 * @param {{ throwIfNoEntry?: boolean } | undefined} options
 * @returns {Stats | undefined}
 */
function statOrNothing (route, path, options) {
  try {
    return new Stats(call(route, { path: toPath(path) }))
  } catch (error) {
    if (options?.throwIfNoEntry === false && /** @type {any} */ (error)?.code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * @param {unknown} fd a descriptor number or a `FileHandle`
 * @returns {Stats}
 */
export function fstatSync (fd) {
  return new Stats(call('fs.fstat', { id: handleOf(fd, 'fstat').id }))
}

/**
 * Create a directory (with `recursive`, its parents); answers the first directory created
 * with `recursive`, else undefined.
 * @param {unknown} path
 * @param {unknown} [options] mode or `{ recursive, mode }`
 * @returns {string | undefined}
 */
export function mkdirSync (path, options = undefined) {
  const { recursive, mode } = typeof options === 'number' || typeof options === 'string'
    ? { recursive: false, mode: options }
    : getOptions(options, { recursive: false, mode: 0o777 })
  const answer = call('fs.mkdir', { path: toPath(path), mode: toMode(mode, 0o777), recursive: Boolean(recursive) })
  return recursive && typeof answer?.path === 'string' ? answer.path : undefined
}

/**
 * @param {unknown} prefix
 * @param {unknown} [options] encoding
 * @returns {string}
 */
export function mkdtempSync (prefix, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  return call('fs.mkdtemp', { prefix: toPath(prefix, 'prefix') }).path
}

/**
 * @param {unknown} path
 * @param {unknown} [options] encoding or `{ encoding, withFileTypes, recursive }`
 * @returns {Array<string | Dirent>}
 */
export function readdirSync (path, options = undefined) {
  const walk = walkDirectory(toPath(path), getOptions(options, { encoding: 'utf8', withFileTypes: false, recursive: false }))
  let step = walk.next()
  while (!step.done) step = walk.next(call('fs.readdir', { path: step.value }))
  return step.value
}

/**
 * The whole file: a `Buffer`, or a string with an encoding.
 * @param {unknown} path a path, a descriptor number or a `FileHandle`
 * @param {unknown} [options] encoding or `{ encoding, flag }`
 * @returns {string | import('oro:buffer').Buffer}
 */
export function readFileSync (path, options = undefined) {
  const { encoding, flag } = getOptions(options, { encoding: null, flag: 'r' })
  if (typeof path === 'number' || path instanceof FileHandle) {
    const handle = handleOf(path, 'read')
    /** @type {Uint8Array[]} */
    const chunks = []
    for (;;) {
      const bytes = replyBytes(call('fs.read', { id: handle.id, size: 1024 * 1024, offset: -1 }))
      if (bytes.byteLength === 0) break
      chunks.push(bytes)
    }
    const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))
    let at = 0
    for (const chunk of chunks) { whole.set(chunk, at); at += chunk.byteLength }
    return fromBytes(whole, encoding)
  }
  return fromBytes(replyBytes(call('fs.readFile', { path: toPath(path), flags: toFlags(flag) })), encoding)
}

/**
 * Write all of `bytes` to the host descriptor `id` from its current position.
 * @param {string} id
 * @param {Uint8Array} bytes
 */
function writeAllSync (id, bytes) {
  let written = 0
  do {
    const chunk = bytes.subarray(written, written + WRITE_CHUNK_BYTES)
    const answer = call('fs.write', { id, offset: -1 }, { body: chunk })
    const count = typeof answer?.bytesWritten === 'number' ? answer.bytesWritten : chunk.byteLength
    if (count === 0 && chunk.byteLength > 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' })
    written += count
  } while (written < bytes.byteLength)
}

/**
 * Replace (`flag: 'a'`: append to) a file's contents with a string or bytes.
 * @param {unknown} path a path, a descriptor number or a `FileHandle`
 * @param {unknown} data
 * @param {unknown} [options] encoding or `{ encoding, mode, flag, flush }`
 */
export function writeFileSync (path, data, options = undefined) {
  const { encoding, mode, flag, flush } = getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'w', flush: false })
  checkBoolean(flush, 'options.flush')
  const bytes = toBytes(data, encoding)
  if (typeof path === 'number' || path instanceof FileHandle) {
    writeAllSync(handleOf(path, 'write').id, bytes)
    return
  }
  const target = toPath(path)
  const flags = toFlags(flag)
  const fileMode = toMode(mode, 0o666)
  if (bytes.byteLength <= WRITE_CHUNK_BYTES) {
    /** @type {Record<string, unknown>} */
    const params = { path: target, flags, mode: fileMode }
    if (flush) params.flush = true
    call('fs.writeFile', params, { body: bytes })
    return
  }
  const id = newId()
  call('fs.open', { id, path: target, flags, mode: fileMode })
  try {
    writeAllSync(id, bytes)
    if (flush) call('fs.fsync', { id })
  } finally {
    call('fs.close', { id })
  }
}

/**
 * @param {unknown} path
 * @param {unknown} data
 * @param {unknown} [options] encoding or `{ encoding, mode, flag }`
 */
export function appendFileSync (path, data, options = undefined) {
  writeFileSync(path, data, getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a' }))
}

/**
 * @param {unknown} path
 * @param {unknown} [options] encoding
 * @returns {string}
 */
export function readlinkSync (path, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  return call('fs.readlink', { path: toPath(path) }).path
}

/**
 * @param {unknown} path
 * @param {unknown} [options] encoding
 * @returns {string}
 */
export function realpathSync (path, options = undefined) {
  getOptions(options, { encoding: 'utf8' })
  return call('fs.realpath', { path: toPath(path) }).path
}

/**
 * @param {unknown} oldPath
 * @param {unknown} newPath
 */
export function renameSync (oldPath, newPath) {
  call('fs.rename', { src: toPath(oldPath, 'oldPath'), dest: toPath(newPath, 'newPath') })
}

/**
 * @param {unknown} path
 * @param {{ recursive?: boolean, force?: boolean }} [options]
 */
export function rmSync (path, options = undefined) {
  const { recursive, force } = getOptions(options, { recursive: false, force: false })
  call('fs.rm', { path: toPath(path), recursive: Boolean(recursive), force: Boolean(force) })
}

/**
 * @param {unknown} path
 * @param {{ recursive?: boolean }} [options]
 */
export function rmdirSync (path, options = undefined) {
  const { recursive } = getOptions(options, { recursive: false })
  if (recursive) call('fs.rm', { path: toPath(path), recursive: true, force: false })
  else call('fs.rmdir', { path: toPath(path) })
}

/** @param {unknown} path */
export function unlinkSync (path) {
  call('fs.unlink', { path: toPath(path) })
}

/**
 * @param {unknown} path
 * @param {number} [length]
 */
export function truncateSync (path, length = 0) {
  if (typeof length !== 'number' || !Number.isInteger(length)) {
    throw typeError(`The "len" argument must be of type number. Received ${describe(length)}`)
  }
  call('fs.truncate', { path: toPath(path), length })
}

/**
 * @param {unknown} path
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export function utimesSync (path, atime, mtime) {
  call('fs.utimes', { path: toPath(path), atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
}

/**
 * @param {unknown} path
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export function lutimesSync (path, atime, mtime) {
  call('fs.lutimes', { path: toPath(path), atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
}

/**
 * @param {unknown} fd a descriptor number or a `FileHandle`
 * @param {number | string | Date} atime
 * @param {number | string | Date} mtime
 */
export function futimesSync (fd, atime, mtime) {
  call('fs.futimes', { id: handleOf(fd, 'futime').id, atime: toSeconds(atime, 'atime'), mtime: toSeconds(mtime, 'mtime') })
}

/**
 * Open a file; answers a descriptor number for the callback and Sync APIs.
 * @param {unknown} path
 * @param {string | number | null} [flags]
 * @param {number | string | null} [mode]
 * @returns {number}
 */
export function openSync (path, flags = 'r', mode = 0o666) {
  const target = toPath(path)
  const id = newId()
  const answer = call('fs.open', { id, path: target, flags: toFlags(flags ?? 'r'), mode: toMode(mode, 0o666) })
  return track(new FileHandle(id, typeof answer?.fd === 'number' ? answer.fd : -1, target))
}

/** @param {unknown} fd */
export function closeSync (fd) {
  const handle = handleOf(fd, 'close')
  call('fs.close', { id: handle.id })
  markClosed(handle)
}

/**
 * Open a directory for reading entry by entry (its `read()`/`close()` stay asynchronous, as
 * Node's have `readSync()`/`closeSync()` beside them).
 * @param {unknown} path
 * @param {{ bufferSize?: number }} [options]
 * @returns {Dir}
 */
export function opendirSync (path, options = undefined) {
  const { bufferSize } = getOptions(options, { bufferSize: 32 })
  const target = toPath(path)
  const id = newId()
  call('fs.opendir', { id, path: target })
  return new Dir(id, target, bufferSize)
}
