// @module oro:conduit/codec
/** Conduit frame codec (Oro framing plus the >64 KiB body extension; see docs/conduit.md). */

export const MAX_OPTIONS: 255
export const MAX_KEY_BYTES: 255
export const MAX_VALUE_BYTES: 65535
export const MAX_SHORT_BODY: 65535

/** A message that is not a valid frame; `message` is the reason (sent with close code 1007). */
export class FrameError extends Error {
  constructor (message: string)
  code: 'ERR_CONDUIT_FRAME'
}

export type OptionValue = string | number | boolean | null

/** `true`/`false`/`null`, safe integers and short decimals decoded; other text stays a string. */
export function decodeValue (text: string): OptionValue
/** The text of an option value (`String(n)` for numbers, JSON for objects). */
export function encodeValue (value: unknown): string
/** One frame, options sorted by the UTF-8 bytes of their keys; `undefined` values left out. */
export function encode (options?: Record<string, unknown>, payload?: ArrayBuffer | ArrayBufferView | string | null): Uint8Array
/** Decode one frame; `raw: true` keeps option values as the strings sent. */
export function decode (message: ArrayBuffer | ArrayBufferView, settings?: { raw?: boolean }): { options: Record<string, any>, payload: Uint8Array }

declare const codec: {
  FrameError: typeof FrameError
  decode: typeof decode
  decodeValue: typeof decodeValue
  encode: typeof encode
  encodeValue: typeof encodeValue
  MAX_OPTIONS: typeof MAX_OPTIONS
  MAX_KEY_BYTES: typeof MAX_KEY_BYTES
  MAX_VALUE_BYTES: typeof MAX_VALUE_BYTES
  MAX_SHORT_BODY: typeof MAX_SHORT_BODY
}
export default codec
