/**
 * `oro:querystring` (also `node:querystring`) — Node's `querystring`, from the
 * `querystring-browser` npm package (Node 5's lib/querystring.js; bundled as ESM into
 * `vendor/querystring.js`, its Buffers oro:buffer's). Brought up to Node 20 here: empty pairs
 * (`a=1&&b=2`) are skipped, malformed UTF-8 in escapes decodes as Node's does (WHATWG, one U+FFFD
 * per bad sequence), bigints stringify.
 *
 * ```js
 * import querystring from 'node:querystring'
 * querystring.parse('a=1&b=x+y&a=2')          // { a: ['1', '2'], b: 'x y' }
 * querystring.stringify({ q: 'é', n: [1, 2] }) // 'q=%C3%A9&n=1&n=2'
 * ```
 * @module oro:querystring
 */

import querystring, { escape, unescapeBuffer } from './vendor/querystring.js'

const utf8 = new TextDecoder()

/**
 * Node's `unescape`: `decodeURIComponent`, or, when that fails on a malformed escape, the bytes
 * decoded as UTF-8 (what a bad `%` sequence decodes to in Node).
 * @param {string} string
 * @param {boolean} [decodeSpaces] `+` as a space
 * @returns {string}
 */
export function unescape (string, decodeSpaces) {
  try {
    return decodeURIComponent(string)
  } catch {
    return utf8.decode(unescapeBuffer(string, decodeSpaces))
  }
}
// The vendored parse decodes with the module's `unescape` unless told otherwise.
querystring.unescape = unescape

/**
 * @typedef {{ maxKeys?: number, decodeURIComponent?: (text: string) => string }} ParseOptions
 * @typedef {{ encodeURIComponent?: (text: string) => string }} StringifyOptions
 */

/**
 * Node's `parse(text, sep = '&', eq = '=', options)`: keys with one value map to a string, keys
 * repeated to an array; the result has no prototype.
 * @param {string} text
 * @param {string | null} [sep]
 * @param {string | null} [eq]
 * @param {ParseOptions} [options]
 * @returns {Record<string, string | string[]>}
 */
export function parse (text, sep, eq, options) {
  const separator = sep || '&'
  // Node skips empty pairs; Node 5 made them '' keys.
  const pairs = typeof text === 'string' ? text.split(separator).filter((pair) => pair.length > 0).join(separator) : text
  return Object.assign(Object.create(null), querystring.parse(pairs, separator, eq, options))
}

/** @param {unknown} value */
const primitive = (value) => (typeof value === 'bigint' ? String(value) : value)

/**
 * Node's `stringify(object, sep = '&', eq = '=', options)`: strings, finite numbers, bigints and
 * booleans as text, anything else as empty; arrays repeat their key.
 * @param {Record<string, unknown>} object
 * @param {string | null} [sep]
 * @param {string | null} [eq]
 * @param {StringifyOptions} [options]
 * @returns {string}
 */
export function stringify (object, sep, eq, options) {
  if (object !== null && typeof object === 'object') {
    /** @type {Record<string, unknown>} */
    const copy = {}
    for (const key of Object.keys(object)) {
      const value = object[key]
      copy[key] = Array.isArray(value) ? value.map(primitive) : primitive(value)
    }
    return querystring.stringify(copy, sep, eq, options)
  }
  return querystring.stringify(object, sep, eq, options)
}

export const decode = parse
export const encode = stringify

export { escape, unescapeBuffer }

export default { decode, encode, escape, parse, stringify, unescape, unescapeBuffer }
