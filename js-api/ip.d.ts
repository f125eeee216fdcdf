/**
 * `oro:ip` — IP address literals as Node tells them apart (`net.isIP`, `isIPv4`, `isIPv6`).
 * @module oro:ip
 */

/** Dotted decimal without leading zeros. */
export function isIPv4 (input: unknown): boolean
/** Any textual IPv6 form (an IPv4 tail, a zone id `%eth0`). */
export function isIPv6 (input: unknown): boolean
/** 4, 6, or 0 when `input` is no IP address. */
export function isIP (input: unknown): 0 | 4 | 6
/** Oro's `normalizeIPv4`: `'127'` → `'0.0.0.127'`, `[127, 0, 0, 1]` or a `Uint8Array` →
 * `'127.0.0.1'`; parts outside 0..255 are dropped. */
export function normalizeIPv4 (input: string | ArrayLike<number | string> | ArrayBufferView): string

declare const ip: {
  isIP: typeof isIP
  isIPv4: typeof isIPv4
  isIPv6: typeof isIPv6
  normalizeIPv4: typeof normalizeIPv4
}
export default ip
