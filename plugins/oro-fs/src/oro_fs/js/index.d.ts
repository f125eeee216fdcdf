/**
 * `oro:fs` (also `node:fs`) — Node's `fs` for page JavaScript: callback API, `promises`,
 * streams, `watch`. Relative paths resolve against the app's resources (Oro's); the host's sandbox
 * refuses anything outside the allowed roots with `SecurityError` (code `EPERM`).
 * @module oro:fs
 * @alias node:fs
 */

import type { Buffer, BufferEncoding } from 'oro:buffer'
import type { EventEmitter } from 'oro:events'
import type { FsConstants } from 'oro:fs/constants'

/** A path: a string, UTF-8 bytes, or a `file:` URL. */
export type PathLike = string | Uint8Array | URL
/** Open flags: `'r'`, `'r+'`, `'w'`, `'wx'`, `'w+'`, `'a'`, `'ax'`, `'a+'`... or a number. */
export type OpenFlags = string | number
export type Encoding = BufferEncoding | 'buffer'
export type Mode = number | string
export type TimeLike = number | string | Date

/** An error from the host: Node's `code` (`ENOENT`...), negative `errno`, `syscall`, `path`. */
export interface ErrnoException extends Error {
  code?: string
  errno?: number
  syscall?: string
  path?: string
}

export type Callback<T = void> = T extends void
  ? (error: ErrnoException | null) => void
  : (error: ErrnoException | null, value: T) => void

export class Stats {
  dev: number
  ino: number
  mode: number
  nlink: number
  uid: number
  gid: number
  rdev: number
  size: number
  blksize: number
  blocks: number
  atimeMs: number
  mtimeMs: number
  ctimeMs: number
  birthtimeMs: number
  atime: Date
  mtime: Date
  ctime: Date
  birthtime: Date
  constructor (record?: Partial<Record<string, number>>)
  isFile (): boolean
  isDirectory (): boolean
  isSymbolicLink (): boolean
  isFIFO (): boolean
  isSocket (): boolean
  isCharacterDevice (): boolean
  isBlockDevice (): boolean
}

export class Dirent {
  name: string
  /** The directory the entry was read from. */
  parentPath: string
  /** Same as `parentPath`. */
  path: string
  constructor (name: string, type: number, parentPath: string)
  /** Oro's type numbers (`UV_DIRENT_*`). */
  static readonly UNKNOWN: number
  static readonly FILE: number
  static readonly DIR: number
  static readonly LINK: number
  static readonly FIFO: number
  static readonly SOCKET: number
  static readonly CHAR: number
  static readonly BLOCK: number
  /** Oro's: from `{ name, type, parentPath? }`, or a name and a type number. */
  static from (name: string | { name: string, type?: number | string, parentPath?: string }, type?: number | string): Dirent
  /** The type number (Oro's). */
  readonly type: number
  isFile (): boolean
  isDirectory (): boolean
  isSymbolicLink (): boolean
  isFIFO (): boolean
  isSocket (): boolean
  isCharacterDevice (): boolean
  isBlockDevice (): boolean
}

export class Dir implements AsyncIterable<Dirent> {
  readonly path: string
  /** Oro's: true once closed (`for await` closes it at its end, or on `break`). */
  readonly closed: boolean
  /** Oro's: true while a `close()` waits for the host. */
  readonly closing: boolean
  read (): Promise<Dirent | null>
  read (callback: (error: Error | null, dirent?: Dirent | null) => void): void
  close (): Promise<void>
  close (callback: (error: Error | null) => void): void
  /** Node's: the next entry synchronously (a synchronous XHR when the buffer ran out). */
  readSync (): Dirent | null
  /** Node's: close synchronously. */
  closeSync (): void
  entries (): AsyncGenerator<Dirent, void, undefined>
  [Symbol.asyncIterator] (): AsyncGenerator<Dirent, void, undefined>
}

export interface ReadResult<T> { bytesRead: number, buffer: T }
export interface WriteResult<T> { bytesWritten: number, buffer: T }

export class FileHandle extends EventEmitter {
  /** Open a file (as `fs/promises.open`; Oro's `FileHandle.open`). */
  static open (path: PathLike, flags?: OpenFlags, mode?: Mode): Promise<FileHandle>
  /** This page's descriptor number (-1 once closed); not a host descriptor. */
  readonly fd: number
  /** The id the host knows the descriptor by. */
  readonly id: string
  readonly path: string
  read<T extends ArrayBufferView = Buffer> (buffer: T, offset?: number | null, length?: number | null, position?: number | null): Promise<ReadResult<T>>
  read<T extends ArrayBufferView = Buffer> (buffer: T, options?: { offset?: number, length?: number, position?: number | null }): Promise<ReadResult<T>>
  read<T extends ArrayBufferView = Buffer> (options?: { buffer?: T, offset?: number, length?: number, position?: number | null }): Promise<ReadResult<T>>
  write<T extends ArrayBufferView> (buffer: T, offset?: number | null, length?: number | null, position?: number | null): Promise<WriteResult<T>>
  write<T extends ArrayBufferView> (buffer: T, options?: { offset?: number, length?: number, position?: number | null }): Promise<WriteResult<T>>
  write (data: string, position?: number | null, encoding?: BufferEncoding): Promise<WriteResult<string>>
  writev (buffers: ArrayBufferView[], position?: number | null): Promise<{ bytesWritten: number, buffers: ArrayBufferView[] }>
  /** Fill `buffers` one after the other; stops at the end of the file. */
  readv (buffers: ArrayBufferView[], position?: number | null): Promise<{ bytesRead: number, buffers: ArrayBufferView[] }>
  readFile (options?: { encoding?: null, signal?: AbortSignal } | null): Promise<Buffer>
  readFile (options: BufferEncoding | { encoding: BufferEncoding, signal?: AbortSignal }): Promise<string>
  /** `flush: true` syncs the file to disk once written. */
  writeFile (data: WriteData, options?: BufferEncoding | { encoding?: BufferEncoding | null, signal?: AbortSignal, flush?: boolean } | null): Promise<void>
  appendFile (data: WriteData, options?: BufferEncoding | { encoding?: BufferEncoding | null, signal?: AbortSignal, flush?: boolean } | null): Promise<void>
  stat (): Promise<Stats>
  truncate (length?: number): Promise<void>
  utimes (atime: TimeLike, mtime: TimeLike): Promise<void>
  sync (): Promise<void>
  datasync (): Promise<void>
  close (): Promise<void>
  /** From the current position to the end, chunk by chunk (bounded memory). */
  readableWebStream (options?: { chunkSize?: number, autoClose?: boolean }): ReadableStream<Uint8Array>
  /** Not in Node: each chunk written at the current position. */
  writableWebStream (options?: { autoClose?: boolean }): WritableStream<Uint8Array | string>
}

/** What `writeFile` takes: a string, bytes, or an (async) iterable of them. */
export type WriteData =
  | string | ArrayBufferView | ArrayBuffer
  | Iterable<string | ArrayBufferView> | AsyncIterable<string | ArrayBufferView>

export interface WatchEvent<T = string> { eventType: 'rename' | 'change', filename: T }

/** `fs/promises.watch`: ends on `break`/`return()`, fails with `AbortError` on `signal`. */
export interface WatchIterator<T = string> extends AsyncIterableIterator<WatchEvent<T>> {
  /** Not in Node: resolves (with the watcher id) once the host watches. */
  ready: Promise<string>
}

export interface WatchOptions { recursive?: boolean, encoding?: Encoding, signal?: AbortSignal, persistent?: boolean }

export type ReadFileOptions = { encoding?: null, flag?: OpenFlags, signal?: AbortSignal } | null
export type ReadFileTextOptions = BufferEncoding | { encoding: BufferEncoding, flag?: OpenFlags, signal?: AbortSignal }
/**
 * `writeFile`/`appendFile` options. `flush` (Node): sync the data to disk before resolving.
 * `atomic` (Oro): write a temporary file `.<name>.oro-tmp-<random>` beside the file, sync it and
 * rename it over the file, so the file holds the old or the new content whole, even if the app
 * dies mid-write (paths only, not `FileHandle`s or descriptors).
 */
export type WriteFileOptions = BufferEncoding | {
  encoding?: BufferEncoding | null
  mode?: Mode
  flag?: OpenFlags
  signal?: AbortSignal
  flush?: boolean
  atomic?: boolean
} | null
export interface MkdirOptions { recursive?: boolean, mode?: Mode }
export interface RmOptions { recursive?: boolean, force?: boolean }
export interface CpOptions { recursive?: boolean, force?: boolean, errorOnExist?: boolean }
export interface ReaddirOptions { encoding?: BufferEncoding | null, recursive?: boolean }

export interface FsPromises {
  readonly constants: FsConstants
  /** Resolves `true` (Oro's; Node's resolves undefined); rejects when access is denied. */
  access (path: PathLike, mode?: number): Promise<boolean>
  appendFile (path: PathLike | FileHandle, data: WriteData, options?: WriteFileOptions): Promise<void>
  chmod (path: PathLike, mode: Mode): Promise<void>
  /** `uid`/`gid` -1 keeps one; the kernel decides who may give a file away (`EPERM`). */
  chown (path: PathLike, uid: number, gid: number): Promise<void>
  lchown (path: PathLike, uid: number, gid: number): Promise<void>
  /** A symlink's own mode: Linux refuses it (`ENOTSUP`); other files change as `chmod`. */
  lchmod (path: PathLike, mode: Mode): Promise<void>
  lutimes (path: PathLike, atime: TimeLike, mtime: TimeLike): Promise<void>
  futimes (fd: FileHandle | number, atime: TimeLike, mtime: TimeLike): Promise<void>
  fstat (fd: FileHandle | number): Promise<Stats>
  writev (fd: FileHandle | number, buffers: ArrayBufferView[], position?: number | null): Promise<number>
  readv (fd: FileHandle | number, buffers: ArrayBufferView[], position?: number | null): Promise<{ bytesRead: number, buffers: ArrayBufferView[] }>
  copyFile (src: PathLike, dest: PathLike, mode?: number): Promise<void>
  cp (src: PathLike, dest: PathLike, options?: CpOptions): Promise<void>
  link (existingPath: PathLike, newPath: PathLike): Promise<void>
  lstat (path: PathLike): Promise<Stats>
  mkdir (path: PathLike, options: MkdirOptions & { recursive: true }): Promise<string | undefined>
  mkdir (path: PathLike, options?: Mode | MkdirOptions | null): Promise<string | undefined>
  mkdtemp (prefix: string, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string>
  open (path: PathLike, flags?: OpenFlags, mode?: Mode): Promise<FileHandle>
  opendir (path: PathLike, options?: { bufferSize?: number }): Promise<Dir>
  readFile (path: PathLike | FileHandle, options?: ReadFileOptions): Promise<Buffer>
  readFile (path: PathLike | FileHandle, options: ReadFileTextOptions): Promise<string>
  readdir (path: PathLike, options: ReaddirOptions & { withFileTypes: true }): Promise<Dirent[]>
  readdir (path: PathLike, options?: BufferEncoding | (ReaddirOptions & { withFileTypes?: false }) | null): Promise<string[]>
  readlink (path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string>
  realpath (path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string>
  rename (oldPath: PathLike, newPath: PathLike): Promise<void>
  rm (path: PathLike, options?: RmOptions): Promise<void>
  rmdir (path: PathLike, options?: { recursive?: boolean }): Promise<void>
  stat (path: PathLike): Promise<Stats>
  symlink (target: PathLike, path: PathLike, type?: 'file' | 'dir' | 'junction' | null): Promise<void>
  truncate (path: PathLike, length?: number): Promise<void>
  unlink (path: PathLike): Promise<void>
  utimes (path: PathLike, atime: TimeLike, mtime: TimeLike): Promise<void>
  watch (path: PathLike, options?: BufferEncoding | WatchOptions): WatchIterator<string>
  writeFile (path: PathLike | FileHandle, data: WriteData, options?: WriteFileOptions): Promise<void>
}

/** Node's `fs.FSWatcher`: `change` (eventType, filename), `error`, `close`. */
export class FSWatcher extends EventEmitter {
  /** Starts watching (what `fs.watch` does; also Oro's `new Watcher(path, options)`). */
  constructor (path: PathLike, options?: WatchOptions)
  /** Not in Node: resolves with the watcher id once the host watches, null if it could not. */
  readonly ready: Promise<string | null>
  close (): void
  ref (): this
  unref (): this
}

export interface ReadStreamOptions {
  flags?: OpenFlags
  encoding?: BufferEncoding | null
  fd?: FileHandle | number
  mode?: Mode
  autoClose?: boolean
  emitClose?: boolean
  start?: number
  /** Last byte, inclusive. */
  end?: number
  highWaterMark?: number
  signal?: AbortSignal
}

export interface WriteStreamOptions {
  flags?: OpenFlags
  encoding?: BufferEncoding
  fd?: FileHandle | number
  mode?: Mode
  autoClose?: boolean
  emitClose?: boolean
  start?: number
  highWaterMark?: number
  signal?: AbortSignal
}

/** A Node-like readable file stream: `data`, `end`, `error`, `close`, `open`, `ready`. */
export class ReadStream extends EventEmitter implements AsyncIterable<Buffer | string> {
  constructor (path: PathLike, options?: BufferEncoding | ReadStreamOptions)
  readonly path: string
  bytesRead: number
  pending: boolean
  destroyed: boolean
  readableEnded: boolean
  setEncoding (encoding: BufferEncoding | null): this
  isPaused (): boolean
  pause (): this
  resume (): this
  destroy (error?: Error): this
  close (callback?: (error?: Error | null) => void): this
  pipe<D extends { write (chunk: any): boolean | void, end? (): void, once?: Function }> (destination: D, options?: { end?: boolean }): D
  [Symbol.asyncIterator] (): AsyncGenerator<Buffer | string, void, undefined>
}

/** A Node-like writable file stream: `drain`, `finish`, `error`, `close`, `open`, `ready`. */
export class WriteStream extends EventEmitter {
  constructor (path: PathLike, options?: BufferEncoding | WriteStreamOptions)
  readonly path: string
  bytesWritten: number
  pending: boolean
  destroyed: boolean
  writableEnded: boolean
  writableFinished: boolean
  readonly writableLength: number
  write (chunk: string | ArrayBufferView | ArrayBuffer, callback?: (error?: Error | null) => void): boolean
  write (chunk: string | ArrayBufferView | ArrayBuffer, encoding?: BufferEncoding, callback?: (error?: Error | null) => void): boolean
  end (callback?: () => void): this
  end (chunk: string | ArrayBufferView | ArrayBuffer, callback?: () => void): this
  end (chunk: string | ArrayBufferView | ArrayBuffer, encoding?: BufferEncoding, callback?: () => void): this
  destroy (error?: Error): this
  close (callback?: (error?: Error | null) => void): this
}

/** Node's `fs.StatWatcher` (what `watchFile` answers): `change` (current, previous), `stop`. */
export class StatWatcher extends EventEmitter {
  stop (): void
  ref (): this
  unref (): this
}

import { DirectoryHandle } from 'oro:fs/handle'
import fds from 'oro:fs/fds'
import bookmarks from 'oro:fs/bookmarks'
export { DirectoryHandle, fds, bookmarks }
/** Oro's name for `FSWatcher`. */
export const Watcher: typeof FSWatcher

export const constants: FsConstants
export const promises: FsPromises
export const F_OK: number
export const R_OK: number
export const W_OK: number
export const X_OK: number

/** The callback gets `(null, true)` on success (Oro's; Node's gets `(null)`). */
export function access (path: PathLike, callback: Callback<boolean>): void
export function access (path: PathLike, mode: number | undefined, callback: Callback<boolean>): void
export function chown (path: PathLike, uid: number, gid: number, callback: Callback): void
export function lchown (path: PathLike, uid: number, gid: number, callback: Callback): void
export function lchmod (path: PathLike, mode: Mode, callback: Callback): void
export function lutimes (path: PathLike, atime: TimeLike, mtime: TimeLike, callback: Callback): void
export function futimes (fd: number, atime: TimeLike, mtime: TimeLike, callback: Callback): void
export function writev (fd: number, buffers: ArrayBufferView[], callback: (error: ErrnoException | null, bytesWritten: number, buffers: ArrayBufferView[]) => void): void
export function writev (fd: number, buffers: ArrayBufferView[], position: number | null | undefined, callback: (error: ErrnoException | null, bytesWritten: number, buffers: ArrayBufferView[]) => void): void
export function readv (fd: number, buffers: ArrayBufferView[], callback: (error: ErrnoException | null, bytesRead: number, buffers: ArrayBufferView[]) => void): void
export function readv (fd: number, buffers: ArrayBufferView[], position: number | null | undefined, callback: (error: ErrnoException | null, bytesRead: number, buffers: ArrayBufferView[]) => void): void
/**
 * Poll `path`'s stats every `interval` ms (default 5007); `listener(current, previous)` runs
 * when they change (a missing file is all zeros).
 */
export function watchFile (path: PathLike, listener: (current: Stats, previous: Stats) => void): StatWatcher
export function watchFile (path: PathLike, options: { interval?: number, persistent?: boolean } | undefined, listener: (current: Stats, previous: Stats) => void): StatWatcher
export function unwatchFile (path: PathLike, listener?: (current: Stats, previous: Stats) => void): void

// The Sync functions block the page on a synchronous XHR until the host answers.
/** `true` when `path` may be reached with `mode` (Oro's; Node's answers undefined); throws otherwise. */
export function accessSync (path: PathLike, mode?: number): boolean
export function existsSync (path: PathLike): boolean
export function appendFileSync (path: PathLike | number, data: string | ArrayBufferView | ArrayBuffer, options?: WriteFileOptions): void
export function chmodSync (path: PathLike, mode: Mode): void
export function chownSync (path: PathLike, uid: number, gid: number): void
export function lchownSync (path: PathLike, uid: number, gid: number): void
export function lchmodSync (path: PathLike, mode: Mode): void
export function closeSync (fd: number): void
export function copyFileSync (src: PathLike, dest: PathLike, mode?: number): void
export function cpSync (src: PathLike, dest: PathLike, options?: CpOptions): void
export function fstatSync (fd: number | FileHandle): Stats
export function futimesSync (fd: number | FileHandle, atime: TimeLike, mtime: TimeLike): void
export function linkSync (existingPath: PathLike, newPath: PathLike): void
export function lstatSync (path: PathLike, options?: { throwIfNoEntry?: true }): Stats
/** With `throwIfNoEntry: false`, a path that does not exist answers `undefined`. */
export function lstatSync (path: PathLike, options: { throwIfNoEntry: boolean }): Stats | undefined
export function lutimesSync (path: PathLike, atime: TimeLike, mtime: TimeLike): void
export function mkdirSync (path: PathLike, options?: Mode | MkdirOptions | null): string | undefined
export function mkdtempSync (prefix: string, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): string
export function openSync (path: PathLike, flags?: OpenFlags | null, mode?: Mode | null): number
export function opendirSync (path: PathLike, options?: { bufferSize?: number }): Dir
export function readFileSync (path: PathLike | number | FileHandle, options?: ReadFileOptions): Buffer
export function readFileSync (path: PathLike | number | FileHandle, options: ReadFileTextOptions): string
export function readdirSync (path: PathLike, options: ReaddirOptions & { withFileTypes: true }): Dirent[]
export function readdirSync (path: PathLike, options?: BufferEncoding | (ReaddirOptions & { withFileTypes?: false }) | null): string[]
export function readlinkSync (path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): string
export function realpathSync (path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): string
export function renameSync (oldPath: PathLike, newPath: PathLike): void
export function rmSync (path: PathLike, options?: RmOptions): void
export function rmdirSync (path: PathLike, options?: { recursive?: boolean }): void
export function statSync (path: PathLike, options?: { throwIfNoEntry?: true }): Stats
/** With `throwIfNoEntry: false`, a path that does not exist answers `undefined`. */
export function statSync (path: PathLike, options: { throwIfNoEntry: boolean }): Stats | undefined
export function symlinkSync (target: PathLike, path: PathLike, type?: 'file' | 'dir' | 'junction' | null): void
export function truncateSync (path: PathLike, length?: number): void
export function unlinkSync (path: PathLike): void
export function utimesSync (path: PathLike, atime: TimeLike, mtime: TimeLike): void
export function writeFileSync (path: PathLike | number | FileHandle, data: string | ArrayBufferView | ArrayBuffer, options?: WriteFileOptions): void
export function appendFile (path: PathLike | number, data: WriteData, callback: Callback): void
export function appendFile (path: PathLike | number, data: WriteData, options: WriteFileOptions, callback: Callback): void
export function chmod (path: PathLike, mode: Mode, callback: Callback): void
export function close (fd: number, callback?: Callback): void
export function copyFile (src: PathLike, dest: PathLike, callback: Callback): void
export function copyFile (src: PathLike, dest: PathLike, mode: number, callback: Callback): void
export function cp (src: PathLike, dest: PathLike, callback: Callback): void
export function cp (src: PathLike, dest: PathLike, options: CpOptions, callback: Callback): void
export function createReadStream (path: PathLike, options?: BufferEncoding | ReadStreamOptions): ReadStream
export function createWriteStream (path: PathLike, options?: BufferEncoding | WriteStreamOptions): WriteStream
/** @deprecated use `access` or `stat` */
export function exists (path: PathLike, callback: (exists: boolean) => void): void
export function fdatasync (fd: number, callback: Callback): void
export function fstat (fd: number, callback: Callback<Stats>): void
export function fsync (fd: number, callback: Callback): void
export function ftruncate (fd: number, callback: Callback): void
export function ftruncate (fd: number, length: number, callback: Callback): void
export function link (existingPath: PathLike, newPath: PathLike, callback: Callback): void
export function lstat (path: PathLike, callback: Callback<Stats>): void
export function mkdir (path: PathLike, callback: Callback<string | undefined>): void
export function mkdir (path: PathLike, options: Mode | MkdirOptions | null, callback: Callback<string | undefined>): void
export function mkdtemp (prefix: string, callback: Callback<string>): void
export function mkdtemp (prefix: string, options: BufferEncoding | { encoding?: BufferEncoding | null } | null, callback: Callback<string>): void
export function open (path: PathLike, callback: Callback<number>): void
export function open (path: PathLike, flags: OpenFlags | undefined, callback: Callback<number>): void
export function open (path: PathLike, flags: OpenFlags | undefined, mode: Mode | undefined, callback: Callback<number>): void
export function opendir (path: PathLike, callback: Callback<Dir>): void
export function opendir (path: PathLike, options: { bufferSize?: number }, callback: Callback<Dir>): void
export function read<T extends ArrayBufferView> (fd: number, buffer: T, offset: number, length: number, position: number | null, callback: (error: ErrnoException | null, bytesRead: number, buffer: T) => void): void
export function read<T extends ArrayBufferView> (fd: number, options: { buffer?: T, offset?: number, length?: number, position?: number | null }, callback: (error: ErrnoException | null, bytesRead: number, buffer: T) => void): void
export function read (fd: number, callback: (error: ErrnoException | null, bytesRead: number, buffer: Buffer) => void): void
export function readdir (path: PathLike, callback: Callback<string[]>): void
export function readdir (path: PathLike, options: ReaddirOptions & { withFileTypes: true }, callback: Callback<Dirent[]>): void
export function readdir (path: PathLike, options: BufferEncoding | (ReaddirOptions & { withFileTypes?: false }) | null, callback: Callback<string[]>): void
export function readFile (path: PathLike | number, callback: Callback<Buffer>): void
export function readFile (path: PathLike | number, options: ReadFileOptions, callback: Callback<Buffer>): void
export function readFile (path: PathLike | number, options: ReadFileTextOptions, callback: Callback<string>): void
export function readlink (path: PathLike, callback: Callback<string>): void
export function readlink (path: PathLike, options: BufferEncoding | { encoding?: BufferEncoding | null } | null, callback: Callback<string>): void
export function realpath (path: PathLike, callback: Callback<string>): void
export function realpath (path: PathLike, options: BufferEncoding | { encoding?: BufferEncoding | null } | null, callback: Callback<string>): void
export function rename (oldPath: PathLike, newPath: PathLike, callback: Callback): void
export function rm (path: PathLike, callback: Callback): void
export function rm (path: PathLike, options: RmOptions, callback: Callback): void
export function rmdir (path: PathLike, callback: Callback): void
export function rmdir (path: PathLike, options: { recursive?: boolean }, callback: Callback): void
export function stat (path: PathLike, callback: Callback<Stats>): void
export function symlink (target: PathLike, path: PathLike, callback: Callback): void
export function symlink (target: PathLike, path: PathLike, type: 'file' | 'dir' | 'junction' | null | undefined, callback: Callback): void
export function truncate (path: PathLike, callback: Callback): void
export function truncate (path: PathLike, length: number, callback: Callback): void
export function unlink (path: PathLike, callback: Callback): void
export function utimes (path: PathLike, atime: TimeLike, mtime: TimeLike, callback: Callback): void
export function watch (path: PathLike, listener?: (eventType: 'rename' | 'change', filename: string) => void): FSWatcher
export function watch (path: PathLike, options: BufferEncoding | WatchOptions | undefined, listener?: (eventType: 'rename' | 'change', filename: string) => void): FSWatcher
export function write<T extends ArrayBufferView> (fd: number, buffer: T, callback: (error: ErrnoException | null, bytesWritten: number, buffer: T) => void): void
export function write<T extends ArrayBufferView> (fd: number, buffer: T, offset: number | null | undefined, callback: (error: ErrnoException | null, bytesWritten: number, buffer: T) => void): void
export function write<T extends ArrayBufferView> (fd: number, buffer: T, offset: number | null | undefined, length: number | null | undefined, callback: (error: ErrnoException | null, bytesWritten: number, buffer: T) => void): void
export function write<T extends ArrayBufferView> (fd: number, buffer: T, offset: number | null | undefined, length: number | null | undefined, position: number | null | undefined, callback: (error: ErrnoException | null, bytesWritten: number, buffer: T) => void): void
export function write (fd: number, data: string, callback: (error: ErrnoException | null, bytesWritten: number, data: string) => void): void
export function write (fd: number, data: string, position: number | null | undefined, callback: (error: ErrnoException | null, bytesWritten: number, data: string) => void): void
export function write (fd: number, data: string, position: number | null | undefined, encoding: BufferEncoding | undefined, callback: (error: ErrnoException | null, bytesWritten: number, data: string) => void): void
export function writeFile (path: PathLike | number, data: WriteData, callback: Callback): void
export function writeFile (path: PathLike | number, data: WriteData, options: WriteFileOptions, callback: Callback): void

declare const fs: {
  F_OK: number
  R_OK: number
  W_OK: number
  X_OK: number
  Dir: typeof Dir
  Dirent: typeof Dirent
  FSWatcher: typeof FSWatcher
  FileHandle: typeof FileHandle
  ReadStream: typeof ReadStream
  Stats: typeof Stats
  WriteStream: typeof WriteStream
  access: typeof access
  appendFile: typeof appendFile
  chmod: typeof chmod
  close: typeof close
  constants: FsConstants
  copyFile: typeof copyFile
  cp: typeof cp
  createReadStream: typeof createReadStream
  createWriteStream: typeof createWriteStream
  exists: typeof exists
  fdatasync: typeof fdatasync
  fstat: typeof fstat
  fsync: typeof fsync
  ftruncate: typeof ftruncate
  link: typeof link
  lstat: typeof lstat
  mkdir: typeof mkdir
  mkdtemp: typeof mkdtemp
  open: typeof open
  opendir: typeof opendir
  promises: FsPromises
  read: typeof read
  readFile: typeof readFile
  readdir: typeof readdir
  readlink: typeof readlink
  realpath: typeof realpath
  rename: typeof rename
  rm: typeof rm
  rmdir: typeof rmdir
  stat: typeof stat
  symlink: typeof symlink
  truncate: typeof truncate
  unlink: typeof unlink
  utimes: typeof utimes
  watch: typeof watch
  write: typeof write
  writeFile: typeof writeFile
  DirectoryHandle: typeof DirectoryHandle
  StatWatcher: typeof StatWatcher
  Watcher: typeof Watcher
  accessSync: typeof accessSync
  appendFileSync: typeof appendFileSync
  bookmarks: typeof bookmarks
  chmodSync: typeof chmodSync
  chown: typeof chown
  chownSync: typeof chownSync
  closeSync: typeof closeSync
  copyFileSync: typeof copyFileSync
  cpSync: typeof cpSync
  existsSync: typeof existsSync
  fds: typeof fds
  fstatSync: typeof fstatSync
  futimes: typeof futimes
  futimesSync: typeof futimesSync
  lchmod: typeof lchmod
  lchmodSync: typeof lchmodSync
  lchown: typeof lchown
  lchownSync: typeof lchownSync
  linkSync: typeof linkSync
  lstatSync: typeof lstatSync
  lutimes: typeof lutimes
  lutimesSync: typeof lutimesSync
  mkdirSync: typeof mkdirSync
  mkdtempSync: typeof mkdtempSync
  openSync: typeof openSync
  opendirSync: typeof opendirSync
  readFileSync: typeof readFileSync
  readdirSync: typeof readdirSync
  readlinkSync: typeof readlinkSync
  readv: typeof readv
  realpathSync: typeof realpathSync
  renameSync: typeof renameSync
  rmSync: typeof rmSync
  rmdirSync: typeof rmdirSync
  statSync: typeof statSync
  symlinkSync: typeof symlinkSync
  truncateSync: typeof truncateSync
  unlinkSync: typeof unlinkSync
  unwatchFile: typeof unwatchFile
  utimesSync: typeof utimesSync
  watchFile: typeof watchFile
  writeFileSync: typeof writeFileSync
  writev: typeof writev
}
export default fs
