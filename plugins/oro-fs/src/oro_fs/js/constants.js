/**
 * `oro:fs/constants` (also `node:fs/constants`) — Node's `fs.constants`: open flags, file types
 * and modes, access modes, copy flags and the `UV_DIRENT_*` numbers of `fs.readdir`.
 *
 * The values are the host's: inside the Oro runtime they come from the `fs.constants` route,
 * so the numbers JS sends (`flags`, `mode`) mean the same to the Python side. Elsewhere (Node
 * tests, a page outside the runtime) the Linux values are used.
 *
 * ```js
 * import { O_RDONLY, COPYFILE_EXCL } from 'oro:fs/constants'
 * ```
 * @module oro:fs/constants
 */

import { sendSync } from 'oro:ipc'

/** Linux's values: used when the host cannot be asked, and for keys the host leaves out. */
const LINUX = {
  UV_FS_SYMLINK_DIR: 1,
  UV_FS_SYMLINK_JUNCTION: 2,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0,
  UV_DIRENT_FILE: 1,
  UV_DIRENT_DIR: 2,
  UV_DIRENT_LINK: 3,
  UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5,
  UV_DIRENT_CHAR: 6,
  UV_DIRENT_BLOCK: 7,
  S_IFMT: 61440,
  S_IFREG: 32768,
  S_IFDIR: 16384,
  S_IFCHR: 8192,
  S_IFBLK: 24576,
  S_IFIFO: 4096,
  S_IFLNK: 40960,
  S_IFSOCK: 49152,
  O_CREAT: 64,
  O_EXCL: 128,
  UV_FS_O_FILEMAP: 0,
  O_NOCTTY: 256,
  O_TRUNC: 512,
  O_APPEND: 1024,
  O_DIRECTORY: 65536,
  O_NOATIME: 262144,
  O_NOFOLLOW: 131072,
  O_SYNC: 1052672,
  O_DSYNC: 4096,
  O_DIRECT: 16384,
  O_NONBLOCK: 2048,
  S_IRWXU: 448,
  S_IRUSR: 256,
  S_IWUSR: 128,
  S_IXUSR: 64,
  S_IRWXG: 56,
  S_IRGRP: 32,
  S_IWGRP: 16,
  S_IXGRP: 8,
  S_IRWXO: 7,
  S_IROTH: 4,
  S_IWOTH: 2,
  S_IXOTH: 1,
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  UV_FS_COPYFILE_EXCL: 1,
  COPYFILE_EXCL: 1,
  UV_FS_COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE: 2,
  UV_FS_COPYFILE_FICLONE_FORCE: 4,
  COPYFILE_FICLONE_FORCE: 4
}

/**
 * The host's table over Linux's (only numeric entries are taken). Asked synchronously: a
 * top-level `await` here made every module importing `oro:fs` an async module, and WebKit
 * (2.4x) then evaluated a module importing `oro:fs` before `oro:fs` itself when a page imported
 * two of them at once (`oro:fs/promises` and `oro:fs/web`: "Cannot access uninitialized
 * variable"). A Service Worker has no synchronous request; it gets Linux's values.
 * @returns {Record<string, number>}
 */
function load () {
  /** @type {Record<string, number>} */
  const table = { ...LINUX }
  if (/** @type {any} */ (globalThis).isOroRuntime !== true) return table
  // The route missing or refused (filesystem permission off) leaves Linux's values: every fs
  // call fails with that error anyway, and the constants stay usable.
  const { err, data } = sendSync('fs.constants')
  if (!err && data !== null && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'number' && Number.isFinite(value)) table[key] = value
    }
  }
  return table
}

/** Every constant, frozen. */
export const constants = Object.freeze(load())

export const {
  O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_DIRECTORY,
  O_NOATIME, O_NOFOLLOW, O_SYNC, O_DSYNC, O_DIRECT, O_NONBLOCK,
  S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFLNK, S_IFSOCK,
  S_IRWXU, S_IRUSR, S_IWUSR, S_IXUSR, S_IRWXG, S_IRGRP, S_IWGRP, S_IXGRP,
  S_IRWXO, S_IROTH, S_IWOTH, S_IXOTH,
  F_OK, R_OK, W_OK, X_OK,
  COPYFILE_EXCL, COPYFILE_FICLONE, COPYFILE_FICLONE_FORCE,
  UV_FS_COPYFILE_EXCL, UV_FS_COPYFILE_FICLONE, UV_FS_COPYFILE_FICLONE_FORCE,
  UV_FS_SYMLINK_DIR, UV_FS_SYMLINK_JUNCTION, UV_FS_O_FILEMAP,
  UV_DIRENT_UNKNOWN, UV_DIRENT_FILE, UV_DIRENT_DIR, UV_DIRENT_LINK, UV_DIRENT_FIFO,
  UV_DIRENT_SOCKET, UV_DIRENT_CHAR, UV_DIRENT_BLOCK
} = constants

/**
 * Oro's extra open flags, with the host's values where it has them, else Linux's. Not in
 * `constants` (Node's `fs.constants` has none of them) and not accepted by `fs.open`: the
 * host opens only with the flags `constants` lists.
 */
const EXTRA = { O_ASYNC: 8192, O_CLOEXEC: 524288, O_LARGEFILE: 0, O_NDELAY: 2048, O_PATH: 2097152, O_TMPFILE: 4259840 }
export const { O_ASYNC, O_CLOEXEC, O_LARGEFILE, O_NDELAY, O_PATH, O_TMPFILE } = EXTRA

export default constants
