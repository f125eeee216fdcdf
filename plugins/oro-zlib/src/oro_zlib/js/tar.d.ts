/**
 * `oro:tar` — Oro's tar archives: open, list, read by range, write entry by entry, extract,
 * done by Python's `tarfile` in the host inside the sandbox of the app's folders.
 * @module oro:tar
 */

import type { Buffer } from 'oro:buffer'

export type TarEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'block-device' | 'char-device' | 'fifo' | 'other'
export type TarSparseRegion = { offset: number, length: number }
export type TarEntryHeader = {
  path: string
  /** The body's bytes; required when the body is an async iterable. */
  size?: number
  /** Not supported by this host (`NotSupportedError`). */
  sparse?: TarSparseRegion[]
  sparseSize?: number
  mode?: number
  /** Seconds since the epoch. */
  mtime?: number
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  /** A link's target. */
  linkpath?: string
  devmajor?: number
  devminor?: number
  kind?: TarEntryKind
}
export type TarEntryStat = {
  path: string
  size: number
  mode: number
  mtime: number
  uid: number
  gid: number
  uname?: string
  gname?: string
  kind: TarEntryKind
  isFile: boolean
  isDirectory: boolean
  linkpath?: string
  devmajor?: number
  devminor?: number
  sparse?: TarSparseRegion[]
}
export type TarOpenOptions = {
  writable?: boolean
  mmap?: boolean
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  mtime?: number
}
export type TarReadOptions = { offset?: number, length?: number, signal?: AbortSignal, timeout?: number }
export type TarReadStreamOptions = {
  highWaterMark?: number
  start?: number
  /** Inclusive end offset (defaults to the entry's last byte). */
  end?: number
  signal?: AbortSignal
  timeout?: number
}
export type TarWriteEntryOptions = { mode?: number, mtime?: number, kind?: TarEntryKind }
export type TarWriteOptions = { signal?: AbortSignal, timeout?: number }
export type TarExtractAllOptions = {
  signal?: AbortSignal
  timeout?: number
  filter?: (entry: TarEntryStat) => boolean
  preserveLinks?: boolean
  preserveOwner?: boolean
  preserveSpecialModes?: boolean
}
export type TarExtractOptions = {
  signal?: AbortSignal
  timeout?: number
  preserveOwner?: boolean
  preserveSpecialModes?: boolean
}
export type TarBytes = Buffer | Uint8Array | ArrayBuffer

/** An open tar archive, held by the host for this page. */
export class TarArchive {
  static open (path: string | URL, options?: TarOpenOptions | null): Promise<TarArchive>
  static create (path: string | URL, options?: TarOpenOptions | null): Promise<TarArchive>
  static fromBuffer (buffer: TarBytes): Promise<TarArchive>
  static createInMemory (options?: TarOpenOptions | null): Promise<TarArchive>
  constructor (state: { id: string, path?: string, writable?: boolean, mmap?: boolean, size?: number, entryCount?: number })
  id: string
  path: string
  writable: boolean
  mmap: boolean
  size: number
  entryCount: number
  closed: boolean
  finalized: boolean
  close (): Promise<void>
  entries (): Promise<TarEntryStat[]>
  stat (path: string): Promise<TarEntryStat>
  read (path: string, options?: TarReadOptions | null): Promise<Buffer>
  readStream (path: string, options?: TarReadStreamOptions | null): AsyncIterableIterator<Buffer>
  append (header: TarEntryHeader, body?: TarBytes | AsyncIterable<Uint8Array> | null, options?: TarWriteOptions | null): Promise<void>
  finalize (): Promise<void>
  toBuffer (options?: TarWriteOptions | null): Promise<Buffer>
  /** Checked whole in the host first: an unsafe entry or too many bytes write nothing. */
  extractAll (destDir: string | URL, options?: TarExtractAllOptions | null): Promise<void>
  extract (path: string, destPath: string | URL, options?: TarExtractOptions | null): Promise<void>
}

export function open (path: string | URL, options?: TarOpenOptions | null): Promise<TarArchive>
export function create (path: string | URL, options?: TarOpenOptions | null): Promise<TarArchive>
export function fromBuffer (buffer: TarBytes): Promise<TarArchive>
export function createInMemory (options?: TarOpenOptions | null): Promise<TarArchive>

declare const tar: Readonly<{
  TarArchive: typeof TarArchive
  open: typeof open
  create: typeof create
  fromBuffer: typeof fromBuffer
  createInMemory: typeof createInMemory
}>
export default tar
