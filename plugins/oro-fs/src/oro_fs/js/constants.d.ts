/**
 * `oro:fs/constants` (also `node:fs/constants`) — Node's `fs.constants`, with the host's values.
 * @module oro:fs/constants
 * @alias node:fs/constants
 */

export interface FsConstants {
  readonly [name: string]: number
  readonly O_RDONLY: number
  readonly O_WRONLY: number
  readonly O_RDWR: number
  readonly O_CREAT: number
  readonly O_EXCL: number
  readonly O_NOCTTY: number
  readonly O_TRUNC: number
  readonly O_APPEND: number
  readonly O_DIRECTORY: number
  readonly O_NOATIME: number
  readonly O_NOFOLLOW: number
  readonly O_SYNC: number
  readonly O_DSYNC: number
  readonly O_DIRECT: number
  readonly O_NONBLOCK: number
  readonly S_IFMT: number
  readonly S_IFREG: number
  readonly S_IFDIR: number
  readonly S_IFCHR: number
  readonly S_IFBLK: number
  readonly S_IFIFO: number
  readonly S_IFLNK: number
  readonly S_IFSOCK: number
  readonly S_IRWXU: number
  readonly S_IRUSR: number
  readonly S_IWUSR: number
  readonly S_IXUSR: number
  readonly S_IRWXG: number
  readonly S_IRGRP: number
  readonly S_IWGRP: number
  readonly S_IXGRP: number
  readonly S_IRWXO: number
  readonly S_IROTH: number
  readonly S_IWOTH: number
  readonly S_IXOTH: number
  readonly F_OK: number
  readonly R_OK: number
  readonly W_OK: number
  readonly X_OK: number
  readonly COPYFILE_EXCL: number
  readonly COPYFILE_FICLONE: number
  readonly COPYFILE_FICLONE_FORCE: number
  readonly UV_FS_COPYFILE_EXCL: number
  readonly UV_FS_COPYFILE_FICLONE: number
  readonly UV_FS_COPYFILE_FICLONE_FORCE: number
  readonly UV_FS_SYMLINK_DIR: number
  readonly UV_FS_SYMLINK_JUNCTION: number
  readonly UV_FS_O_FILEMAP: number
  readonly UV_DIRENT_UNKNOWN: number
  readonly UV_DIRENT_FILE: number
  readonly UV_DIRENT_DIR: number
  readonly UV_DIRENT_LINK: number
  readonly UV_DIRENT_FIFO: number
  readonly UV_DIRENT_SOCKET: number
  readonly UV_DIRENT_CHAR: number
  readonly UV_DIRENT_BLOCK: number
}

/** Every constant (frozen). */
export const constants: FsConstants
export const O_RDONLY: number
export const O_WRONLY: number
export const O_RDWR: number
export const O_CREAT: number
export const O_EXCL: number
export const O_NOCTTY: number
export const O_TRUNC: number
export const O_APPEND: number
export const O_DIRECTORY: number
export const O_NOATIME: number
export const O_NOFOLLOW: number
export const O_SYNC: number
export const O_DSYNC: number
export const O_DIRECT: number
export const O_NONBLOCK: number
export const S_IFMT: number
export const S_IFREG: number
export const S_IFDIR: number
export const S_IFCHR: number
export const S_IFBLK: number
export const S_IFIFO: number
export const S_IFLNK: number
export const S_IFSOCK: number
export const S_IRWXU: number
export const S_IRUSR: number
export const S_IWUSR: number
export const S_IXUSR: number
export const S_IRWXG: number
export const S_IRGRP: number
export const S_IWGRP: number
export const S_IXGRP: number
export const S_IRWXO: number
export const S_IROTH: number
export const S_IWOTH: number
export const S_IXOTH: number
export const F_OK: number
export const R_OK: number
export const W_OK: number
export const X_OK: number
export const COPYFILE_EXCL: number
export const COPYFILE_FICLONE: number
export const COPYFILE_FICLONE_FORCE: number
export const UV_FS_COPYFILE_EXCL: number
export const UV_FS_COPYFILE_FICLONE: number
export const UV_FS_COPYFILE_FICLONE_FORCE: number
export const UV_FS_SYMLINK_DIR: number
export const UV_FS_SYMLINK_JUNCTION: number
export const UV_FS_O_FILEMAP: number
export const UV_DIRENT_UNKNOWN: number
export const UV_DIRENT_FILE: number
export const UV_DIRENT_DIR: number
export const UV_DIRENT_LINK: number
export const UV_DIRENT_FIFO: number
export const UV_DIRENT_SOCKET: number
export const UV_DIRENT_CHAR: number
export const UV_DIRENT_BLOCK: number
/** Oro's extra open flags (Linux values); not in `constants`, and `fs.open` does not take them. */
export const O_ASYNC: number
export const O_CLOEXEC: number
export const O_LARGEFILE: number
export const O_NDELAY: number
export const O_PATH: number
export const O_TMPFILE: number

export default constants
