/**
 * `oro:buffer` (also `node:buffer`) — Node's `buffer` (the `buffer` npm package).
 * @module oro:buffer
 * @alias node:buffer
 */

export type BufferEncoding =
  | 'ascii' | 'utf8' | 'utf-8' | 'utf16le' | 'utf-16le' | 'ucs2' | 'ucs-2'
  | 'base64' | 'base64url' | 'latin1' | 'binary' | 'hex'

export class Buffer extends Uint8Array {
  /** Backed by an `ArrayBuffer`. */
  readonly buffer: ArrayBuffer
  static poolSize: number
  static TYPED_ARRAY_SUPPORT: boolean
  static from (data: string, encoding?: BufferEncoding): Buffer
  static from (data: ArrayBuffer | SharedArrayBuffer, byteOffset?: number, length?: number): Buffer
  static from (data: Uint8Array | readonly number[] | ArrayLike<number> | Iterable<number>): Buffer
  static from (data: { valueOf (): string | object } | { [Symbol.toPrimitive] (hint: 'string'): string }, encodingOrOffset?: BufferEncoding | number, length?: number): Buffer
  static alloc (size: number, fill?: string | number | Uint8Array, encoding?: BufferEncoding): Buffer
  static allocUnsafe (size: number): Buffer
  static allocUnsafeSlow (size: number): Buffer
  static byteLength (value: string | ArrayBufferView | ArrayBuffer | SharedArrayBuffer, encoding?: BufferEncoding): number
  static compare (a: Uint8Array, b: Uint8Array): -1 | 0 | 1
  static concat (list: readonly Uint8Array[], totalLength?: number): Buffer
  static isBuffer (value: unknown): value is Buffer
  static isEncoding (encoding: string): encoding is BufferEncoding

  write (string: string, encoding?: BufferEncoding): number
  write (string: string, offset: number, encoding?: BufferEncoding): number
  write (string: string, offset: number, length: number, encoding?: BufferEncoding): number
  toString (encoding?: BufferEncoding, start?: number, end?: number): string
  toJSON (): { type: 'Buffer', data: number[] }
  equals (other: Uint8Array): boolean
  compare (target: Uint8Array, targetStart?: number, targetEnd?: number, sourceStart?: number, sourceEnd?: number): -1 | 0 | 1
  copy (target: Uint8Array, targetStart?: number, sourceStart?: number, sourceEnd?: number): number
  slice (start?: number, end?: number): Buffer
  subarray (start?: number, end?: number): Buffer
  fill (value: string | number | Uint8Array, offset?: number, end?: number, encoding?: BufferEncoding): this
  indexOf (value: string | number | Uint8Array, byteOffset?: number, encoding?: BufferEncoding): number
  lastIndexOf (value: string | number | Uint8Array, byteOffset?: number, encoding?: BufferEncoding): number
  includes (value: string | number | Uint8Array, byteOffset?: number, encoding?: BufferEncoding): boolean
  swap16 (): this
  swap32 (): this
  swap64 (): this

  readUInt8 (offset?: number): number
  readUInt16LE (offset?: number): number
  readUInt16BE (offset?: number): number
  readUInt32LE (offset?: number): number
  readUInt32BE (offset?: number): number
  readUIntLE (offset: number, byteLength: number): number
  readUIntBE (offset: number, byteLength: number): number
  readInt8 (offset?: number): number
  readInt16LE (offset?: number): number
  readInt16BE (offset?: number): number
  readInt32LE (offset?: number): number
  readInt32BE (offset?: number): number
  readIntLE (offset: number, byteLength: number): number
  readIntBE (offset: number, byteLength: number): number
  readFloatLE (offset?: number): number
  readFloatBE (offset?: number): number
  readDoubleLE (offset?: number): number
  readDoubleBE (offset?: number): number
  readBigUInt64LE (offset?: number): bigint
  readBigUInt64BE (offset?: number): bigint
  readBigInt64LE (offset?: number): bigint
  readBigInt64BE (offset?: number): bigint
  readUint8: Buffer['readUInt8']
  readUint16LE: Buffer['readUInt16LE']
  readUint16BE: Buffer['readUInt16BE']
  readUint32LE: Buffer['readUInt32LE']
  readUint32BE: Buffer['readUInt32BE']

  writeUInt8 (value: number, offset?: number): number
  writeUInt16LE (value: number, offset?: number): number
  writeUInt16BE (value: number, offset?: number): number
  writeUInt32LE (value: number, offset?: number): number
  writeUInt32BE (value: number, offset?: number): number
  writeUIntLE (value: number, offset: number, byteLength: number): number
  writeUIntBE (value: number, offset: number, byteLength: number): number
  writeInt8 (value: number, offset?: number): number
  writeInt16LE (value: number, offset?: number): number
  writeInt16BE (value: number, offset?: number): number
  writeInt32LE (value: number, offset?: number): number
  writeInt32BE (value: number, offset?: number): number
  writeIntLE (value: number, offset: number, byteLength: number): number
  writeIntBE (value: number, offset: number, byteLength: number): number
  writeFloatLE (value: number, offset?: number): number
  writeFloatBE (value: number, offset?: number): number
  writeDoubleLE (value: number, offset?: number): number
  writeDoubleBE (value: number, offset?: number): number
  writeBigUInt64LE (value: bigint, offset?: number): number
  writeBigUInt64BE (value: bigint, offset?: number): number
  writeBigInt64LE (value: bigint, offset?: number): number
  writeBigInt64BE (value: bigint, offset?: number): number
  writeUint8: Buffer['writeUInt8']
  writeUint16LE: Buffer['writeUInt16LE']
  writeUint16BE: Buffer['writeUInt16BE']
  writeUint32LE: Buffer['writeUInt32LE']
  writeUint32BE: Buffer['writeUInt32BE']
}

/** @deprecated use `Buffer.allocUnsafeSlow()` */
export const SlowBuffer: { new (size: number): Buffer, (size: number): Buffer, prototype: Buffer }
export const INSPECT_MAX_BYTES: number
export const kMaxLength: number
export const kStringMaxLength: number
export const constants: { readonly MAX_LENGTH: number, readonly MAX_STRING_LENGTH: number }
export function isUtf8 (input: ArrayBuffer | ArrayBufferView): boolean
export function isAscii (input: ArrayBuffer | ArrayBufferView): boolean
export const Blob: typeof globalThis.Blob
export const File: typeof globalThis.File
export const atob: typeof globalThis.atob
export const btoa: typeof globalThis.btoa

/**
 * The default export is the `Buffer` class, as Oro's (`import Buffer from 'oro:buffer'`), which
 * also carries the module's names, as Node's default object does (`buffer.Buffer.from`).
 */
declare const buffer: typeof Buffer & {
  Buffer: typeof Buffer
  SlowBuffer: typeof SlowBuffer
  INSPECT_MAX_BYTES: number
  kMaxLength: number
  kStringMaxLength: number
  constants: typeof constants
  isUtf8: typeof isUtf8
  isAscii: typeof isAscii
  Blob: typeof Blob
  File: typeof File
  atob: typeof atob
  btoa: typeof btoa
}
export default buffer
