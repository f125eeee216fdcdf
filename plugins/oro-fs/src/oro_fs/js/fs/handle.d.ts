/**
 * `oro:fs/handle` — Oro's handle classes: `FileHandle` (Node's, plus `FileHandle.open`) and
 * `DirectoryHandle` (a directory read in batches of entries).
 * @module oro:fs/handle
 */

import type { EventEmitter } from 'oro:events'
import type { Dirent, FileHandle, PathLike } from 'oro:fs'

export { FileHandle } from 'oro:fs'

/** Oro's keys of a `FileHandle`'s state: `[kOpening]` (null), `[kClosing]` (the close promise
 * or null), `[kClosed]` (true once `close()` was called). */
export const kOpening: unique symbol
export const kClosing: unique symbol
export const kClosed: unique symbol

/** An open directory read in batches (`Dir` reads one entry at a time). Emits `close`. */
export class DirectoryHandle extends EventEmitter {
  /** The most entries one `read()` asks for (256). */
  static readonly MAX_BUFFER_SIZE: number
  static readonly MAX_ENTRIES: number
  /** Entries per `read()` when no `entries` option is given (32). */
  static readonly DEFAULT_BUFFER_SIZE: number
  static open (path: PathLike, options?: { bufferSize?: number }): Promise<DirectoryHandle>
  private constructor ()
  readonly id: string
  readonly path: string
  readonly opened: boolean
  readonly closed: boolean
  /** The next batch of entries; an empty array at the end. */
  read (options?: { entries?: number }): Promise<Dirent[]>
  close (): Promise<void>
}

declare const _default: {
  DirectoryHandle: typeof DirectoryHandle
  FileHandle: typeof FileHandle
  kClosed: typeof kClosed
  kClosing: typeof kClosing
  kOpening: typeof kOpening
}
export default _default
