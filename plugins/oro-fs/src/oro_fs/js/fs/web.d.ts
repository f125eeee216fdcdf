/**
 * `oro:fs/web` — Oro's File System Access bridge: web `File`s and `FileSystemFileHandle` /
 * `FileSystemDirectoryHandle` / `FileSystemWritableFileStream` objects over `oro:fs` (paths
 * as `oro:fs` takes them; the host's sandbox applies). The classes are the page's: the
 * engine's where it has them, else (WebKitGTK) this module's, which become the page's globals.
 * @module oro:fs/web
 */

import type { FileHandle } from 'oro:fs'

type PermissionMode = 'read' | 'readwrite'

/** The web's `FileSystemHandle`. Made by this module only (`new` throws). */
export class FileSystemHandle {
  protected constructor ()
  readonly kind: 'file' | 'directory'
  /** Last component of the path (`''` for the data directory). */
  readonly name: string
  isSameEntry (other: FileSystemHandle): Promise<boolean>
  /** `'denied'` for `readwrite` on a read-only handle, else `'granted'`. */
  queryPermission (descriptor?: { mode?: PermissionMode }): Promise<PermissionState>
  requestPermission (descriptor?: { mode?: PermissionMode }): Promise<PermissionState>
}

export class FileSystemFileHandle extends FileSystemHandle {
  readonly kind: 'file'
  /** The current content as a web `File` (read whole). */
  getFile (): Promise<File>
  /** Writes go to a temporary file that `close()` puts in place. */
  createWritable (options?: { keepExistingData?: boolean }): Promise<FileSystemWritableFileStream>
  move (name: string): Promise<void>
  move (destination: FileSystemDirectoryHandle, name?: string): Promise<void>
  remove (): Promise<void>
}

export class FileSystemDirectoryHandle extends FileSystemHandle implements AsyncIterable<[string, FileSystemFileHandle | FileSystemDirectoryHandle]> {
  readonly kind: 'directory'
  entries (): AsyncGenerator<[string, FileSystemFileHandle | FileSystemDirectoryHandle], void, undefined>
  keys (): AsyncGenerator<string, void, undefined>
  values (): AsyncGenerator<FileSystemFileHandle | FileSystemDirectoryHandle, void, undefined>
  [Symbol.asyncIterator] (): AsyncGenerator<[string, FileSystemFileHandle | FileSystemDirectoryHandle], void, undefined>
  getFileHandle (name: string, options?: { create?: boolean }): Promise<FileSystemFileHandle>
  getDirectoryHandle (name: string, options?: { create?: boolean }): Promise<FileSystemDirectoryHandle>
  removeEntry (name: string, options?: { recursive?: boolean }): Promise<void>
  /** Names from this directory to the descendant, `[]` for itself, null when not inside. */
  resolve (possibleDescendant: FileSystemHandle): Promise<string[] | null>
  remove (options?: { recursive?: boolean }): Promise<void>
}

export type WriteChunk = string | BufferSource | Blob
export type WriteCommand =
  | { type: 'write', data: WriteChunk, position?: number | null }
  | { type: 'seek', position: number }
  | { type: 'truncate', size: number }

export class FileSystemWritableFileStream extends WritableStream<WriteChunk | WriteCommand> {
  protected constructor ()
  write (data: WriteChunk | WriteCommand): Promise<void>
  seek (position: number): Promise<void>
  truncate (size: number): Promise<void>
  /** Put what was written in the file's place. */
  close (): Promise<void>
}

/** Oro's keys: the path a `File` (`kFileFullName`) or handle (`kFileSystemHandleFullName`)
 * stands for, the `FileHandle` a `File` was read through (`kFileDescriptor`, or null). */
export const kFileSystemHandleFullName: unique symbol
export const kFileDescriptor: unique symbol
export const kFileFullName: unique symbol
/** The class of what `createFile` answers: the page's own `File`. */
export const File: typeof globalThis.File

/** A web `File` with the content of `filename` (read whole), its name, type and mtime. */
export function createFile (filename: string, options?: { fd?: FileHandle }): Promise<File>
export function createFileSystemFileHandle (file: string | File, options?: { writable?: boolean }): Promise<FileSystemFileHandle>
export function createFileSystemDirectoryHandle (dirname: string, options?: { writable?: boolean }): Promise<FileSystemDirectoryHandle>
export function createFileSystemWritableFileStream (handle: FileSystemFileHandle, options?: { keepExistingData?: boolean }): Promise<FileSystemWritableFileStream>

declare const _default: {
  File: typeof File
  FileSystemDirectoryHandle: typeof FileSystemDirectoryHandle
  FileSystemFileHandle: typeof FileSystemFileHandle
  FileSystemHandle: typeof FileSystemHandle
  FileSystemWritableFileStream: typeof FileSystemWritableFileStream
  createFile: typeof createFile
  createFileSystemDirectoryHandle: typeof createFileSystemDirectoryHandle
  createFileSystemFileHandle: typeof createFileSystemFileHandle
  createFileSystemWritableFileStream: typeof createFileSystemWritableFileStream
}
export default _default
