/**
 * `oro:zlib/node` (also `node:zlib`) — Node's `zlib` for page JavaScript, done by Python's zlib
 * in the host: the callback and `*Sync` one-shot forms, `oro:stream` Transforms, `constants`,
 * `codes` and `crc32`. Brotli throws `NotSupportedError` (Python's standard library has none);
 * `options.dictionary`, `options.info`, `reset()` and `params()` too.
 * @module oro:zlib/node
 * @alias node:zlib
 */

import { Transform } from 'oro:stream'
import type { TransformOptions } from 'oro:stream'
import type { Buffer } from 'oro:buffer'

export type InputType = string | ArrayBuffer | ArrayBufferView

export interface ZlibOptions {
  /** Default flush of each write (`Z_NO_FLUSH`). */
  flush?: number
  /** Flush at the end (`Z_FINISH`); `Z_SYNC_FLUSH` accepts a compressed stream cut short. */
  finishFlush?: number
  /** Checked (>= 64) and otherwise unused: the host chooses the pieces. */
  chunkSize?: number
  windowBits?: number
  level?: number
  memLevel?: number
  strategy?: number
  /** Throws `NotSupportedError`. */
  dictionary?: ArrayBufferView | ArrayBuffer
  /** Throws `NotSupportedError`. */
  info?: boolean
  /** Most bytes a one-shot inflate may produce (the host's `zlib.max_output_bytes` is the cap). */
  maxOutputLength?: number
}

export type CompressCallback = (error: Error | null, result: Buffer) => void

/** A Transform whose zlib state is held by the host for this page. */
declare class ZlibBase extends Transform {
  constructor (mode: 'deflate' | 'inflate', format: 'zlib' | 'gzip' | 'raw' | 'auto', options?: ZlibOptions & TransformOptions)
  /** Input bytes the host has taken. */
  bytesWritten: number
  /** Node's deprecated name for `bytesWritten`. */
  readonly bytesRead: number
  /** Flush what zlib holds (default `Z_FULL_FLUSH`), in order with earlier writes. */
  flush (kind?: number | (() => void), callback?: () => void): void
  /** Destroy the stream; `callback` on `close`. */
  close (callback?: () => void): void
  /** Throws `NotSupportedError`. */
  reset (): never
  /** Throws `NotSupportedError`. */
  params (level?: number, strategy?: number, callback?: () => void): never
}
export class Deflate extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class Inflate extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class Gzip extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class Gunzip extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class DeflateRaw extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class InflateRaw extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
export class Unzip extends ZlibBase { constructor (options?: ZlibOptions & TransformOptions) }
/** Throws `NotSupportedError`. */
export class BrotliCompress extends Transform { constructor (options?: unknown) }
/** Throws `NotSupportedError`. */
export class BrotliDecompress extends Transform { constructor (options?: unknown) }

export function createDeflate (options?: ZlibOptions & TransformOptions): Deflate
export function createInflate (options?: ZlibOptions & TransformOptions): Inflate
export function createGzip (options?: ZlibOptions & TransformOptions): Gzip
export function createGunzip (options?: ZlibOptions & TransformOptions): Gunzip
export function createDeflateRaw (options?: ZlibOptions & TransformOptions): DeflateRaw
export function createInflateRaw (options?: ZlibOptions & TransformOptions): InflateRaw
export function createUnzip (options?: ZlibOptions & TransformOptions): Unzip
/** Throws `NotSupportedError`. */
export function createBrotliCompress (options?: unknown): BrotliCompress
/** Throws `NotSupportedError`. */
export function createBrotliDecompress (options?: unknown): BrotliDecompress

type OneShot = {
  (buffer: InputType, callback: CompressCallback): void
  (buffer: InputType, options: ZlibOptions, callback: CompressCallback): void
}
type OneShotSync = (buffer: InputType, options?: ZlibOptions) => Buffer

export const deflate: OneShot
export const inflate: OneShot
export const gzip: OneShot
export const gunzip: OneShot
export const deflateRaw: OneShot
export const inflateRaw: OneShot
export const unzip: OneShot
/** A synchronous request to the host (`sendSync`): the page waits for the answer. */
export const deflateSync: OneShotSync
export const inflateSync: OneShotSync
export const gzipSync: OneShotSync
export const gunzipSync: OneShotSync
export const deflateRawSync: OneShotSync
export const inflateRawSync: OneShotSync
export const unzipSync: OneShotSync
/** Calls back with `NotSupportedError`. */
export function brotliCompress (buffer: InputType, options: unknown, callback?: CompressCallback): void
/** Calls back with `NotSupportedError`. */
export function brotliDecompress (buffer: InputType, options: unknown, callback?: CompressCallback): void
/** Throws `NotSupportedError`. */
export function brotliCompressSync (buffer: InputType, options?: unknown): never
/** Throws `NotSupportedError`. */
export function brotliDecompressSync (buffer: InputType, options?: unknown): never

/** The CRC-32 of `data` (strings as UTF-8), continuing from `value`; computed in the page. */
export function crc32 (data: string | ArrayBufferView, value?: number): number

/** Node's `zlib.constants`; `ZLIB_VERNUM` is the host's zlib (a synchronous request when first read). */
export const constants: Readonly<Record<string, number>>
/** zlib's return codes by name and by number. */
export const codes: Readonly<Record<string, string | number>>

declare const zlib: {
  constants: typeof constants
  codes: typeof codes
  crc32: typeof crc32
  Deflate: typeof Deflate
  Inflate: typeof Inflate
  Gzip: typeof Gzip
  Gunzip: typeof Gunzip
  DeflateRaw: typeof DeflateRaw
  InflateRaw: typeof InflateRaw
  Unzip: typeof Unzip
  BrotliCompress: typeof BrotliCompress
  BrotliDecompress: typeof BrotliDecompress
  createDeflate: typeof createDeflate
  createInflate: typeof createInflate
  createGzip: typeof createGzip
  createGunzip: typeof createGunzip
  createDeflateRaw: typeof createDeflateRaw
  createInflateRaw: typeof createInflateRaw
  createUnzip: typeof createUnzip
  createBrotliCompress: typeof createBrotliCompress
  createBrotliDecompress: typeof createBrotliDecompress
  deflate: typeof deflate
  deflateSync: typeof deflateSync
  inflate: typeof inflate
  inflateSync: typeof inflateSync
  gzip: typeof gzip
  gzipSync: typeof gzipSync
  gunzip: typeof gunzip
  gunzipSync: typeof gunzipSync
  deflateRaw: typeof deflateRaw
  deflateRawSync: typeof deflateRawSync
  inflateRaw: typeof inflateRaw
  inflateRawSync: typeof inflateRawSync
  unzip: typeof unzip
  unzipSync: typeof unzipSync
  brotliCompress: typeof brotliCompress
  brotliCompressSync: typeof brotliCompressSync
  brotliDecompress: typeof brotliDecompress
  brotliDecompressSync: typeof brotliDecompressSync
}
export default zlib
