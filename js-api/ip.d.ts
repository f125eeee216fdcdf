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

declare const ip: {
  isIP: typeof isIP
  isIPv4: typeof isIPv4
  isIPv6: typeof isIPv6
}
export default ip
