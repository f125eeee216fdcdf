/**
 * `oro:zlib` — Oro's zlib API: promise-based one-shot calls and host-side streams, done by
 * Python's zlib in the host. Node's API is `node:zlib` (`oro:zlib/node`).
 * @module oro:zlib
 */

import type { Buffer } from 'oro:buffer'

export type ZlibFormat = 'zlib' | 'gzip' | 'raw'
export type ZlibMode = 'deflate' | 'inflate'
export type ZlibOptions = {
  format?: ZlibFormat
  /** Compression level (0-9, zlib default when omitted). */
  level?: number
  signal?: AbortSignal
  timeout?: number
}
export type ZlibStreamOptions = ZlibOptions & { mode?: ZlibMode }
export type ZlibChunkOptions = {
  finish?: boolean
  signal?: AbortSignal
  timeout?: number
}

/** Whether zlib is available (always, while the plugin is installed and allowed). */
export function isAvailable (): Promise<boolean>
/** Compresses a buffer (zlib framing unless `options.format` says otherwise). */
export function deflate (input: Buffer | Uint8Array | ArrayBuffer | string, options?: ZlibOptions | null): Promise<Buffer>
/** Decompresses a buffer (zlib framing unless `options.format` says otherwise). */
export function inflate (input: Buffer | Uint8Array | ArrayBuffer | string, options?: ZlibOptions | null): Promise<Buffer>
/** Compresses a buffer with gzip framing. */
export function gzip (input: Buffer | Uint8Array | ArrayBuffer | string, options?: ZlibOptions | null): Promise<Buffer>
/** Decompresses a gzip buffer. */
export function gunzip (input: Buffer | Uint8Array | ArrayBuffer | string, options?: ZlibOptions | null): Promise<Buffer>
/** Opens a deflate stream. */
export function createDeflateStream (options?: ZlibStreamOptions | null): Promise<ZlibStream>
/** Opens an inflate stream. */
export function createInflateStream (options?: ZlibStreamOptions | null): Promise<ZlibStream>

/** A stateful zlib stream held by the host for this page (closed when the page goes away). */
export class ZlibStream {
  /** Opens a new zlib stream. */
  static create (mode?: ZlibMode, options?: ZlibStreamOptions | null): Promise<ZlibStream>
  constructor (state: { id: string | number | bigint, mode: ZlibMode, format: ZlibFormat })
  id: string
  mode: string
  format: string
  closed: boolean
  /** Writes a chunk into the stream and returns the output it produced. */
  write (chunk: Buffer | Uint8Array | ArrayBuffer | string, options?: ZlibChunkOptions | null): Promise<Buffer>
  /** Signals the end of the stream, with an optional last chunk; the rest of the output. */
  end (chunk?: Buffer | Uint8Array | ArrayBuffer | string | null, options?: ZlibChunkOptions | null): Promise<Buffer>
  /** Closes the stream without sending additional data; subsequent writes throw. */
  close (): void
}

declare const api: Readonly<{
  isAvailable: typeof isAvailable
  deflate: typeof deflate
  inflate: typeof inflate
  gzip: typeof gzip
  gunzip: typeof gunzip
  ZlibStream: typeof ZlibStream
  createDeflateStream: typeof createDeflateStream
  createInflateStream: typeof createInflateStream
}>
export default api
