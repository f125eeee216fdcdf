/**
 * `oro:fs/promises` (also `node:fs/promises`) — Node's promise API of `fs`, the same object as
 * `fs.promises` of `oro:fs`. Oro's extra names (`chown`, `lchmod`, `futimes`, `readv`...,
 * and the classes `Dir`, `FileHandle`, `Watcher`...) are here too.
 *
 * ```js
 * import { readFile, writeFile, watch, open } from 'oro:fs/promises'
 * await writeFile('data:notes/today.md', '# hi')            // in the app data dir
 * for await (const { eventType, filename } of watch('data:notes', { recursive: true })) ...
 * const handle = await open('data:big.bin')
 * for await (const chunk of handle.readableWebStream()) ...
 * ```
 * @module oro:fs/promises
 */

// Through the import map, so that this module and `oro:fs` share one instance of the
// implementation (a relative URL would differ: this file is served at /oro/fs/promises.js).
import {
  promises, bookmarks, Dir, DirectoryHandle, Dirent, fds, FileHandle, ReadStream, Stats, Watcher, WriteStream
} from 'oro:fs'

export { bookmarks, Dir, DirectoryHandle, Dirent, fds, FileHandle, ReadStream, Stats, Watcher, WriteStream }

export const {
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
} = promises

export default promises
