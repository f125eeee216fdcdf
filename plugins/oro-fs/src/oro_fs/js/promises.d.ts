/**
 * `oro:fs/promises` (also `node:fs/promises`) — Node's promise API of `fs`, with Oro's extra
 * names (`chown`, `lchmod`, `futimes`, `readv`..., the classes).
 * @module oro:fs/promises
 * @alias node:fs/promises
 */

import type { FsPromises } from 'oro:fs'

export type {
  PathLike, OpenFlags, Encoding, WatchEvent, WatchIterator
} from 'oro:fs'

export const access: FsPromises['access']
export const appendFile: FsPromises['appendFile']
export const chmod: FsPromises['chmod']
export const chown: FsPromises['chown']
export const fstat: FsPromises['fstat']
export const futimes: FsPromises['futimes']
export const lchmod: FsPromises['lchmod']
export const lchown: FsPromises['lchown']
export const lutimes: FsPromises['lutimes']
export const readv: FsPromises['readv']
export const writev: FsPromises['writev']
export const constants: FsPromises['constants']
export const copyFile: FsPromises['copyFile']
export const cp: FsPromises['cp']
export const link: FsPromises['link']
export const lstat: FsPromises['lstat']
export const mkdir: FsPromises['mkdir']
export const mkdtemp: FsPromises['mkdtemp']
export const open: FsPromises['open']
export const opendir: FsPromises['opendir']
export const readFile: FsPromises['readFile']
export const readdir: FsPromises['readdir']
export const readlink: FsPromises['readlink']
export const realpath: FsPromises['realpath']
export const rename: FsPromises['rename']
export const rm: FsPromises['rm']
export const rmdir: FsPromises['rmdir']
export const stat: FsPromises['stat']
export const symlink: FsPromises['symlink']
export const truncate: FsPromises['truncate']
export const unlink: FsPromises['unlink']
export const utimes: FsPromises['utimes']
export const watch: FsPromises['watch']
export const writeFile: FsPromises['writeFile']
export {
  bookmarks, Dir, DirectoryHandle, Dirent, fds, FileHandle, ReadStream, Stats, Watcher, WriteStream
} from 'oro:fs'
declare const promises: FsPromises
export default promises
