/**
 * `oro:ip` — IP address literals as Node tells them apart (`net.isIP`, `net.isIPv4`,
 * `net.isIPv6`): dotted decimal without leading zeros, IPv6 in every textual form (an IPv4 tail,
 * a zone id `%eth0`). `oro:net`, `oro:dns` and `oro:dgram` use these, so they agree.
 *
 * ```js
 * import { isIP } from 'oro:ip'
 * isIP('::ffff:127.0.0.1')   // 6
 * normalizeIPv4('1.128')      // '0.0.1.128' (Oro's shorthand: missing leading parts are 0)
 * ```
 * @module oro:ip
 */

const v4Seg = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])'
const v4Str = `(?:${v4Seg}\\.){3}${v4Seg}`
const IPv4Reg = new RegExp(`^${v4Str}$`)
const v6Seg = '(?:[0-9a-fA-F]{1,4})'
const IPv6Reg = new RegExp('^(?:' +
  `(?:${v6Seg}:){7}(?:${v6Seg}|:)|` +
  `(?:${v6Seg}:){6}(?:${v4Str}|:${v6Seg}|:)|` +
  `(?:${v6Seg}:){5}(?::${v4Str}|(?::${v6Seg}){1,2}|:)|` +
  `(?:${v6Seg}:){4}(?:(?::${v6Seg}){0,1}:${v4Str}|(?::${v6Seg}){1,3}|:)|` +
  `(?:${v6Seg}:){3}(?:(?::${v6Seg}){0,2}:${v4Str}|(?::${v6Seg}){1,4}|:)|` +
  `(?:${v6Seg}:){2}(?:(?::${v6Seg}){0,3}:${v4Str}|(?::${v6Seg}){1,5}|:)|` +
  `(?:${v6Seg}:){1}(?:(?::${v6Seg}){0,4}:${v4Str}|(?::${v6Seg}){1,6}|:)|` +
  `(?::(?:(?::${v6Seg}){0,5}:${v4Str}|(?::${v6Seg}){1,7}|:))` +
')(?:%[0-9a-zA-Z-.:]{1,})?$')

/**
 * Whether `input` is an IPv4 address in dotted decimal (Node's rules: no leading zeros).
 * @param {unknown} input
 * @returns {boolean}
 */
export function isIPv4 (input) {
  return IPv4Reg.test(`${input}`)
}

/**
 * Whether `input` is an IPv6 address (a zone id `%eth0` allowed).
 * @param {unknown} input
 * @returns {boolean}
 */
export function isIPv6 (input) {
  return IPv6Reg.test(`${input}`)
}

/**
 * 4, 6, or 0 when `input` is no IP address.
 * @param {unknown} input
 * @returns {0 | 4 | 6}
 */
export function isIP (input) {
  if (isIPv4(input)) return 4
  if (isIPv6(input)) return 6
  return 0
}

/**
 * `input` as a dotted IPv4 string, as Oro's `normalizeIPv4`: fewer than four parts are padded
 * with leading zeros (`'127'` → `'0.0.0.127'`), an array or byte array is joined
 * (`Uint8Array.of(127, 0, 0, 1)` → `'127.0.0.1'`), and parts that are no number in 0..255 are
 * dropped (so the result of a bad input fails `isIPv4`). `''` for an empty input.
 * @param {string | ArrayLike<number | string> | ArrayBufferView | unknown} input
 * @returns {string}
 */
export function normalizeIPv4 (input) {
  if (input !== null && typeof input === 'object') {
    const parts = ArrayBuffer.isView(input)
      ? Array.from(new Uint8Array(input.buffer, input.byteOffset, input.byteLength))
      : Array.from(/** @type {ArrayLike<unknown>} */ (input))
    return normalizeIPv4(parts.join('.'))
  }
  const text = String(input ?? '')
  if (!text) return ''
  const parts = text.split('.')
  while (parts.length < 4) parts.unshift('0')
  return parts
    .map((part) => Number.parseInt(part, 10))
    .filter((value) => value >= 0 && value <= 255)
    .join('.')
}

export default { isIP, isIPv4, isIPv6, normalizeIPv4 }
