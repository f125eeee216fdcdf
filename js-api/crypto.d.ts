/**
 * `oro:crypto` (also `node:crypto`) — Web Crypto, random values and Node's hashes/HMAC (`@noble/hashes`),
 * and Oro's `sodium` (libsodium.js, loaded when first awaited).
 * @module oro:crypto
 * @alias node:crypto
 */

import type { Buffer, BufferEncoding } from './buffer.js'

export type BinaryLike = string | ArrayBufferView | ArrayBuffer

export class Hash {
  constructor (algorithm: string)
  update (data: BinaryLike, inputEncoding?: BufferEncoding): this
  digest (): Buffer
  digest (encoding: BufferEncoding): string
  copy (): Hash
}

export class Hmac {
  constructor (algorithm: string, key: BinaryLike)
  update (data: BinaryLike, inputEncoding?: BufferEncoding): this
  digest (): Buffer
  digest (encoding: BufferEncoding): string
}

export function createHash (algorithm: string): Hash
export function createHmac (algorithm: string, key: BinaryLike): Hmac
export function hash (algorithm: string, data: string | ArrayBufferView, outputEncoding?: BufferEncoding | 'buffer'): any
export function getHashes (): string[]
export const webcrypto: Crypto
export const subtle: SubtleCrypto
export function getRandomValues<T extends ArrayBufferView | null> (array: T): T
export function randomUUID (): string
export function randomBytes (size: number): Buffer
export function randomBytes (size: number, callback: (error: Error | null, buffer: Buffer) => void): undefined
export function randomInt (max: number): number
export function randomInt (min: number, max: number): number
export function randomInt (max: number, callback: (error: Error | null, value: number) => void): undefined
export function randomInt (min: number, max: number, callback: (error: Error | null, value: number) => void): undefined
export function timingSafeEqual (a: ArrayBufferView, b: ArrayBufferView): boolean
export function pbkdf2Sync (password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Buffer
export function pbkdf2 (password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string, callback: (error: Error | null, key?: Buffer) => void): void

// Oro's own names (its api/crypto.d.ts).
export const RANDOM_BYTES_QUOTA: number
export const MAX_RANDOM_BYTES: number
export const MAX_RANDOM_BYTES_PAGES: number
/** Resolves once `sodium` is loaded: awaiting it loads libsodium, importing the module does not. */
export const ready: Promise<void>
/**
 * Oro's libsodium: libsodium.js's sumo build, imported when `ready` is first awaited. Then it holds
 * libsodium.js's functions and constants (`crypto_box_keypair`, `crypto_secretbox_easy`,
 * `to_hex`, `SODIUM_VERSION_STRING`...), see https://github.com/jedisct1/libsodium.js.
 */
export interface Sodium {
  /** Loads libsodium (once) and resolves to this same object. */
  readonly ready: Promise<Sodium>
  [name: string]: any
}
export const sodium: Sodium
export function rand64 (): bigint
export function createDigest (algorithm: string, data: ArrayBuffer | ArrayBufferView): Promise<Buffer>
export function murmur3 (value: string | ArrayBuffer | ArrayBufferView, seed?: number): number

declare const crypto: {
  RANDOM_BYTES_QUOTA: number
  MAX_RANDOM_BYTES: number
  MAX_RANDOM_BYTES_PAGES: number
  ready: Promise<void>
  sodium: Sodium
  rand64: typeof rand64
  createDigest: typeof createDigest
  murmur3: typeof murmur3
  Hash: typeof Hash
  Hmac: typeof Hmac
  createHash: typeof createHash
  createHmac: typeof createHmac
  getHashes: typeof getHashes
  getRandomValues: typeof getRandomValues
  hash: typeof hash
  pbkdf2: typeof pbkdf2
  pbkdf2Sync: typeof pbkdf2Sync
  randomBytes: typeof randomBytes
  randomInt: typeof randomInt
  randomUUID: typeof randomUUID
  subtle: SubtleCrypto
  timingSafeEqual: typeof timingSafeEqual
  webcrypto: Crypto
}
export default crypto
