/**
 * `oro:fs` (also `node:fs`) — Node's `fs` module for page JavaScript: the callback API, the
 * promise API (`fs.promises`, also `oro:fs/promises`), streams, `fs.watch` and the classes
 * (`Stats`, `Dirent`, `Dir`, `FileHandle`, `ReadStream`, `WriteStream`, `FSWatcher`).
 *
 * ```js
 * import fs from 'node:fs'
 * fs.readFile('data:notes/today.md', 'utf8', (err, text) => { ... })   // the app data dir
 * const page = await fs.promises.readFile('index.html', 'utf8')     // relative: the app's files
 * ```
 *
 * Every call is an `oro:ipc` request to a host route `fs.*` (so it travels over Conduit when
 * that transport is active). The `*Sync` functions (Oro's) are synchronous XHRs to the same
 * routes: the page is blocked until the host answers, so keep them for small work.
 * Descriptor numbers (`fd`) given to callbacks are this page's own, not host descriptors.
 * @module oro:fs
 */

import { constants } from 'oro:fs/constants'
import * as api from './fs/internal/api.js'
import { Dir, DirectoryHandle, FileHandle } from './fs/internal/handle.js'
import { Dirent, Stats } from './fs/internal/stats.js'
import { ReadStream, WriteStream } from './fs/internal/streams.js'
import { FSWatcher } from './fs/internal/watcher.js'
import { StatWatcher, unwatchFile, watchFile } from './fs/internal/statwatch.js'
import { track } from './fs/internal/fds.js'
import * as sync from './fs/internal/sync.js'
import { checkCallback, getOptions } from './fs/internal/util.js'
import bookmarks from './fs/bookmarks.js'
import fds from './fs/fds.js'

const { handleOf } = sync

/** Oro's name for `FSWatcher`. */
export const Watcher = FSWatcher

export {
  bookmarks, constants, Dir, DirectoryHandle, Dirent, fds, FileHandle, FSWatcher, ReadStream, Stats, StatWatcher,
  WriteStream, unwatchFile, watchFile
}

export const {
  accessSync, appendFileSync, chmodSync, chownSync, closeSync, copyFileSync, cpSync, existsSync, fstatSync,
  futimesSync, lchmodSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, openSync,
  opendirSync, readFileSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, rmdirSync, statSync,
  symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync
} = sync

/** The promise API (same object as `oro:fs/promises`' default export). */
export const promises = api.promises


/**
 * Run `work` and report to Node-style `callback(err, ...values)`; a synchronous throw (bad
 * argument) is thrown, as Node does.
 * @param {Function} callback
 * @param {() => Promise<any>} work
 * @param {(value: any) => any[]} [spread] the callback's value arguments
 */
function settle (callback, work, spread = (value) => (value === undefined ? [] : [value])) {
  checkCallback(callback)
  let promise
  try {
    promise = work()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error
    promise = Promise.reject(error)
  }
  promise.then(
    (value) => callback(null, ...spread(value)),
    (error) => callback(error)
  )
}

/**
 * Split `(a, b, ..., callback)` where trailing optional arguments may be left out.
 * @param {any[]} args
 * @returns {[any[], Function]}
 */
function split (args) {
  const callback = args[args.length - 1]
  if (typeof callback !== 'function') checkCallback(callback)
  return [args.slice(0, -1), callback]
}

/**
 * `access(path, [mode], callback(err, ok))`: `ok` is `true` (Oro's; Node passes nothing).
 * @param {any[]} args
 */
export function access (...args) {
  const [[path, mode], callback] = split(args)
  settle(callback, () => api.access(path, mode ?? undefined))
}

/** @param {any[]} args */
export function chown (...args) {
  const [[path, uid, gid], callback] = split(args)
  settle(callback, () => api.chown(path, uid, gid))
}

/** @param {any[]} args */
export function lchown (...args) {
  const [[path, uid, gid], callback] = split(args)
  settle(callback, () => api.lchown(path, uid, gid))
}

/**
 * Linux cannot change a symlink's own mode: a symlink gives `ENOTSUP` (Node has no `lchmod`
 * on Linux; Oro declares it).
 * @param {any[]} args
 */
export function lchmod (...args) {
  const [[path, mode], callback] = split(args)
  settle(callback, () => api.lchmod(path, mode))
}

/** @param {any[]} args */
export function lutimes (...args) {
  const [[path, atime, mtime], callback] = split(args)
  settle(callback, () => api.lutimes(path, atime, mtime))
}

/** @param {any[]} args */
export function futimes (...args) {
  const [[fd, atime, mtime], callback] = split(args)
  settle(callback, () => api.futimes(handleOf(fd, 'futime'), atime, mtime))
}

/**
 * `writev(fd, buffers, [position], callback(err, bytesWritten, buffers))`.
 * @param {any[]} args
 */
export function writev (...args) {
  const [[fd, buffers, position], callback] = split(args)
  settle(callback, () => handleOf(fd, 'write').writev(buffers, position ?? null),
    ({ bytesWritten }) => [bytesWritten, buffers])
}

/**
 * `readv(fd, buffers, [position], callback(err, bytesRead, buffers))`.
 * @param {any[]} args
 */
export function readv (...args) {
  const [[fd, buffers, position], callback] = split(args)
  settle(callback, () => handleOf(fd, 'read').readv(buffers, position ?? null),
    ({ bytesRead }) => [bytesRead, buffers])
}

/** @param {any[]} args */
export function appendFile (...args) {
  const [[path, data, options], callback] = split(args)
  settle(callback, () => api.appendFile(path, data, options))
}

/** @param {any[]} args */
export function chmod (...args) {
  const [[path, mode], callback] = split(args)
  settle(callback, () => api.chmod(path, mode))
}

/** @param {any[]} args */
export function copyFile (...args) {
  const [[src, dest, mode], callback] = split(args)
  settle(callback, () => api.copyFile(src, dest, mode ?? 0))
}

/** @param {any[]} args */
export function cp (...args) {
  const [[src, dest, options], callback] = split(args)
  settle(callback, () => api.cp(src, dest, options))
}

/** @param {any[]} args */
export function link (...args) {
  const [[existingPath, newPath], callback] = split(args)
  settle(callback, () => api.link(existingPath, newPath))
}

/** @param {any[]} args */
export function lstat (...args) {
  const [[path], callback] = split(args)
  settle(callback, () => api.lstat(path))
}

/** @param {any[]} args */
export function mkdir (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.mkdir(path, options))
}

/** @param {any[]} args */
export function mkdtemp (...args) {
  const [[prefix, options], callback] = split(args)
  settle(callback, () => api.mkdtemp(prefix, options))
}

/**
 * `open(path, [flags], [mode], callback(err, fd))`; `fd` is a number for `read`, `write`,
 * `fstat`, `close`...
 * @param {any[]} args
 */
export function open (...args) {
  const [[path, flags, mode], callback] = split(args)
  settle(callback, async () => {
    return track(await api.open(path, flags ?? 'r', mode ?? 0o666))
  })
}

/** @param {any[]} args */
export function close (...args) {
  const [[fd], callback] = args.length > 1 ? split(args) : [[args[0]], () => {}]
  settle(callback, () => handleOf(fd, 'close').close())
}

/**
 * `read(fd, buffer, offset, length, position, callback(err, bytesRead, buffer))`, also
 * `read(fd, { buffer, offset, length, position }, callback)` and `read(fd, callback)`.
 * @param {any[]} args
 */
export function read (...args) {
  const [[fd, ...rest], callback] = split(args)
  settle(callback, () => handleOf(fd, 'read').read(...rest), ({ bytesRead, buffer }) => [bytesRead, buffer])
}

/**
 * `write(fd, buffer, [offset], [length], [position], callback(err, bytesWritten, buffer))` or
 * `write(fd, string, [position], [encoding], callback)`.
 * @param {any[]} args
 */
export function write (...args) {
  const [[fd, data, ...rest], callback] = split(args)
  settle(callback, () => handleOf(fd, 'write').write(data, ...rest), ({ bytesWritten, buffer }) => [bytesWritten, buffer])
}

/** @param {any[]} args */
export function fstat (...args) {
  const [[fd], callback] = split(args)
  settle(callback, () => handleOf(fd, 'fstat').stat())
}

/** @param {any[]} args */
export function ftruncate (...args) {
  const [[fd, length], callback] = split(args)
  settle(callback, () => handleOf(fd, 'ftruncate').truncate(length ?? 0))
}

/** @param {any[]} args */
export function fsync (...args) {
  const [[fd], callback] = split(args)
  settle(callback, () => handleOf(fd, 'fsync').sync())
}

/** @param {any[]} args */
export function fdatasync (...args) {
  const [[fd], callback] = split(args)
  settle(callback, () => handleOf(fd, 'fdatasync').datasync())
}

/** @param {any[]} args */
export function opendir (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.opendir(path, options))
}

/** @param {any[]} args */
export function readdir (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.readdir(path, options))
}

/** @param {any[]} args */
export function readFile (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.readFile(typeof path === 'number' ? handleOf(path, 'read') : path, options))
}

/** @param {any[]} args */
export function readlink (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.readlink(path, options))
}

/** @param {any[]} args */
export function realpath (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.realpath(path, options))
}

/** @param {any[]} args */
export function rename (...args) {
  const [[oldPath, newPath], callback] = split(args)
  settle(callback, () => api.rename(oldPath, newPath))
}

/** @param {any[]} args */
export function rm (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.rm(path, options))
}

/** @param {any[]} args */
export function rmdir (...args) {
  const [[path, options], callback] = split(args)
  settle(callback, () => api.rmdir(path, options))
}

/** @param {any[]} args */
export function stat (...args) {
  const [[path], callback] = split(args)
  settle(callback, () => api.stat(path))
}

/** @param {any[]} args */
export function symlink (...args) {
  const [[target, path, type], callback] = split(args)
  settle(callback, () => api.symlink(target, path, type ?? null))
}

/** @param {any[]} args */
export function truncate (...args) {
  const [[path, length], callback] = split(args)
  settle(callback, () => api.truncate(path, length ?? 0))
}

/** @param {any[]} args */
export function unlink (...args) {
  const [[path], callback] = split(args)
  settle(callback, () => api.unlink(path))
}

/** @param {any[]} args */
export function utimes (...args) {
  const [[path, atime, mtime], callback] = split(args)
  settle(callback, () => api.utimes(path, atime, mtime))
}

/** @param {any[]} args */
export function writeFile (...args) {
  const [[path, data, options], callback] = split(args)
  settle(callback, () => api.writeFile(typeof path === 'number' ? handleOf(path, 'write') : path, data, options))
}

/**
 * `exists(path, callback(exists))` — deprecated in Node, kept for old code: the callback
 * gets a boolean, never an error.
 * @param {unknown} path
 * @param {(exists: boolean) => void} callback
 */
export function exists (path, callback) {
  checkCallback(callback)
  api.exists(path).then(callback)
}

/**
 * Watch a file or directory: an `FSWatcher` emitting `change` (eventType, filename) with
 * `eventType` `'rename'` or `'change'`; `listener`, when given, is a `change` listener.
 * @param {unknown} path
 * @param {unknown} [options] encoding or `{ recursive, encoding, signal }`
 * @param {(eventType: string, filename: string | import('oro:buffer').Buffer) => void} [listener]
 * @returns {FSWatcher}
 */
export function watch (path, options = undefined, listener = undefined) {
  if (typeof options === 'function') { listener = /** @type {any} */ (options); options = undefined }
  const watcher = new FSWatcher(path, getOptions(options, { recursive: false, encoding: 'utf8', signal: undefined }))
  if (listener) watcher.on('change', listener)
  return watcher
}

/**
 * A readable stream of a file; `options.fd` may be a `FileHandle` or a descriptor number.
 * @param {unknown} path
 * @param {any} [options]
 */
export function createReadStream (path, options = undefined) {
  if (options !== null && typeof options === 'object' && typeof options.fd === 'number') {
    options = { ...options, fd: handleOf(options.fd, 'read') }
  }
  return new ReadStream(path, options)
}

/**
 * A writable stream to a file; `options.fd` may be a `FileHandle` or a descriptor number.
 * @param {unknown} path
 * @param {any} [options]
 */
export function createWriteStream (path, options = undefined) {
  if (options !== null && typeof options === 'object' && typeof options.fd === 'number') {
    options = { ...options, fd: handleOf(options.fd, 'write') }
  }
  return new WriteStream(path, options)
}

/** `F_OK`, `R_OK`, `W_OK`, `X_OK` at top level, as Node has them. */
export const { F_OK, R_OK, W_OK, X_OK } = constants

export default {
  F_OK,
  R_OK,
  W_OK,
  X_OK,
  Dir,
  DirectoryHandle,
  Dirent,
  FSWatcher,
  FileHandle,
  ReadStream,
  StatWatcher,
  Stats,
  Watcher,
  WriteStream,
  access,
  accessSync,
  appendFile,
  appendFileSync,
  bookmarks,
  chmod,
  chmodSync,
  chown,
  chownSync,
  close,
  closeSync,
  constants,
  copyFile,
  copyFileSync,
  cp,
  cpSync,
  createReadStream,
  createWriteStream,
  exists,
  existsSync,
  fdatasync,
  fds,
  fstat,
  fstatSync,
  fsync,
  ftruncate,
  futimes,
  futimesSync,
  lchmod,
  lchmodSync,
  lchown,
  lchownSync,
  link,
  linkSync,
  lstat,
  lstatSync,
  lutimes,
  lutimesSync,
  mkdir,
  mkdirSync,
  mkdtemp,
  mkdtempSync,
  open,
  openSync,
  opendir,
  opendirSync,
  promises,
  read,
  readFile,
  readFileSync,
  readdir,
  readdirSync,
  readlink,
  readlinkSync,
  readv,
  realpath,
  realpathSync,
  rename,
  renameSync,
  rm,
  rmSync,
  rmdir,
  rmdirSync,
  stat,
  statSync,
  symlink,
  symlinkSync,
  truncate,
  truncateSync,
  unlink,
  unlinkSync,
  unwatchFile,
  utimes,
  utimesSync,
  watch,
  watchFile,
  write,
  writeFile,
  writeFileSync,
  writev
}
