/**
 * `oro:querystring` (also `node:querystring`) — Node's `querystring`, from the
 * `querystring-browser` npm package (Node 5's lib/querystring.js; bundled as ESM into
 * `vendor/querystring.js`) for `escape`, Node's encoder. `parse`, `stringify`, `unescape` and
 * `unescapeBuffer` follow Node 20's lib/querystring.js here: the package's, Node 5's, differ on
 * empty pairs, '+', malformed escapes, empty arrays and bigints, and no package carries Node's
 * current ones.
 *
 * ```js
 * import querystring from 'node:querystring'
 * querystring.parse('a=1&b=x+y&a=2')          // { a: ['1', '2'], b: 'x y' }
 * querystring.stringify({ q: 'é', n: [1, 2] }) // 'q=%C3%A9&n=1&n=2'
 * ```
 * @module oro:querystring
 */

import { escape } from './vendor/querystring.js'
import { Buffer as OroBuffer } from './buffer.js'

const utf8 = new TextDecoder()

/** @param {number} code */
const hexValue = (code) =>
  code >= 48 && code <= 57 ? code - 48 : code >= 65 && code <= 70 ? code - 55 : code >= 97 && code <= 102 ? code - 87 : -1

/**
 * Node's `unescapeBuffer`: `%XX` escapes as bytes, other characters as their low byte, `+` as a
 * space when `decodeSpaces`. (Node 5's, in the package, reads a bad escape differently.)
 * @param {string} string
 * @param {boolean} [decodeSpaces]
 * @returns {import('./buffer.js').Buffer}
 */
export function unescapeBuffer (string, decodeSpaces) {
  const out = OroBuffer.alloc(string.length)
  let length = 0
  for (let index = 0; index < string.length; index++) {
    let code = string.charCodeAt(index)
    if (code === 43 && decodeSpaces) code = 32
    else if (code === 37 && index < string.length - 2) {
      const high = hexValue(string.charCodeAt(index + 1))
      const low = hexValue(string.charCodeAt(index + 2))
      if (high >= 0 && low >= 0) {
        code = high * 16 + low
        index += 2
      }
    }
    out[length++] = code & 0xff
  }
  return out.subarray(0, length)
}

/**
 * Node's `unescape`: `decodeURIComponent`, or, when that fails on a malformed escape, the bytes
 * of {@link unescapeBuffer} decoded as UTF-8 (WHATWG: one U+FFFD per bad sequence).
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

/**
 * @typedef {{ maxKeys?: number, decodeURIComponent?: (text: string) => string }} ParseOptions
 * @typedef {{ encodeURIComponent?: (text: string) => string }} StringifyOptions
 */

/** @param {string} text */
const charCodes = (text) => Array.from(text, (_char, index) => text.charCodeAt(index))

/** @param {number} code */
const isHex = (code) => hexValue(code) >= 0

/**
 * Node's `parse(text, sep = '&', eq = '=', options)`: keys with one value map to a string,
 * repeated keys to an array; '+' is a space; the result has no prototype; at most `maxKeys`
 * (1000) pairs. Node 20's lib/querystring.js scan, as it is: the package's (Node 5's) keeps empty
 * pairs, drops a last pair ending in '+' and decides differently which parts to decode.
 * @param {string} text
 * @param {string | null} [sep]
 * @param {string | null} [eq]
 * @param {ParseOptions} [options]
 * @returns {Record<string, string | string[]>}
 */
export function parse (text, sep, eq, options) {
  /** @type {Record<string, string | string[]>} */
  const result = Object.create(null)
  if (typeof text !== 'string' || text.length === 0) return result
  const sepCodes = charCodes(sep ? String(sep) : '&')
  const eqCodes = charCodes(eq ? String(eq) : '=')
  const sepLen = sepCodes.length
  const eqLen = eqCodes.length
  let pairs = options && typeof options.maxKeys === 'number' ? (options.maxKeys > 0 ? options.maxKeys : -1) : 1000
  const decode = options && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape
  const customDecode = decode !== unescape
  const plusChar = customDecode ? '%20' : ' '

  /** @param {string} part */
  const decodePart = (part) => {
    try {
      return decode(part)
    } catch {
      return unescape(part, true)
    }
  }
  /**
   * @param {string} key
   * @param {string} value
   * @param {boolean} keyEncoded
   * @param {boolean} valueEncoded
   */
  const add = (key, value, keyEncoded, valueEncoded) => {
    if (key.length > 0 && keyEncoded) key = decodePart(key)
    if (value.length > 0 && valueEncoded) value = decodePart(value)
    const current = result[key]
    if (current === undefined) result[key] = value
    else if (Array.isArray(current)) current.push(value)
    else result[key] = [current, value]
  }

  let lastPos = 0
  let sepIdx = 0
  let eqIdx = 0
  let key = ''
  let value = ''
  let keyEncoded = customDecode
  let valueEncoded = customDecode
  let encodeCheck = 0
  for (let index = 0; index < text.length; ++index) {
    const code = text.charCodeAt(index)
    if (code === sepCodes[sepIdx]) {
      if (++sepIdx === sepLen) {
        const end = index - sepIdx + 1
        if (eqIdx < eqLen) {
          if (lastPos < end) {
            key += text.slice(lastPos, end)
          } else if (key.length === 0) {
            // An empty pair: skipped, but counted.
            if (--pairs === 0) return result
            lastPos = index + 1
            sepIdx = eqIdx = 0
            continue
          }
        } else if (lastPos < end) {
          value += text.slice(lastPos, end)
        }
        add(key, value, keyEncoded, valueEncoded)
        if (--pairs === 0) return result
        keyEncoded = valueEncoded = customDecode
        key = value = ''
        encodeCheck = 0
        lastPos = index + 1
        sepIdx = eqIdx = 0
      }
      continue
    }
    sepIdx = 0
    if (eqIdx < eqLen) {
      if (code === eqCodes[eqIdx]) {
        if (++eqIdx === eqLen) {
          const end = index - eqIdx + 1
          if (lastPos < end) key += text.slice(lastPos, end)
          encodeCheck = 0
          lastPos = index + 1
        }
        continue
      }
      eqIdx = 0
      // Decode only parts holding a valid escape; the scan goes on into the value check below
      // for characters it does not consume, as Node's does.
      if (!keyEncoded) {
        if (code === 37) {
          encodeCheck = 1
          continue
        } else if (encodeCheck > 0) {
          if (isHex(code)) {
            if (++encodeCheck === 3) keyEncoded = true
            continue
          }
          encodeCheck = 0
        }
      }
      if (code === 43) {
        if (lastPos < index) key += text.slice(lastPos, index)
        key += plusChar
        lastPos = index + 1
        continue
      }
    }
    if (code === 43) {
      if (lastPos < index) value += text.slice(lastPos, index)
      value += plusChar
      lastPos = index + 1
    } else if (!valueEncoded) {
      if (code === 37) {
        encodeCheck = 1
      } else if (encodeCheck > 0) {
        if (isHex(code)) {
          if (++encodeCheck === 3) valueEncoded = true
        } else {
          encodeCheck = 0
        }
      }
    }
  }
  if (lastPos < text.length) {
    if (eqIdx < eqLen) key += text.slice(lastPos)
    else if (sepIdx < sepLen) value += text.slice(lastPos)
  } else if (eqIdx === 0 && key.length === 0) {
    return result
  }
  add(key, value, keyEncoded, valueEncoded)
  return result
}

/**
 * A value as text for a query (Node's stringifyPrimitive).
 * @param {unknown} value
 * @returns {string}
 */
function primitive (value) {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return `${value}`
  if (typeof value === 'bigint') return `${value}`
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return ''
}

/**
 * A value encoded with the default `escape` (Node's encodeStringified: numbers need none below 1e21).
 * @param {unknown} value
 * @returns {string}
 */
function encodeDefault (value) {
  if (typeof value === 'string') return value.length ? escape(value) : ''
  if (typeof value === 'number' && Number.isFinite(value)) return Math.abs(value) < 1e21 ? `${value}` : escape(`${value}`)
  return primitive(value)
}

/**
 * Node's `stringify(object, sep = '&', eq = '=', options)`, as Node 20's lib/querystring.js has
 * it (the package's, Node 5's, writes a separator for an empty array): strings, finite numbers,
 * bigints and booleans as text, anything else as empty; arrays repeat their key, empty ones are
 * left out; not an object: `''`. Encoding is the package's `escape` (Node's), or
 * `options.encodeURIComponent`.
 * @param {Record<string, unknown>} object
 * @param {string | null} [sep]
 * @param {string | null} [eq]
 * @param {StringifyOptions} [options]
 * @returns {string}
 */
export function stringify (object, sep, eq, options) {
  if (object === null || typeof object !== 'object') return ''
  const separator = sep || '&'
  const equals = eq || '='
  const encode = options && typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : null
  /** @param {unknown} value */
  const convert = (value) => (encode ? encode(primitive(value)) : encodeDefault(value))
  let fields = ''
  for (const key of Object.keys(object)) {
    const value = object[key]
    const prefix = convert(key) + equals
    if (Array.isArray(value)) {
      if (value.length === 0) continue
      if (fields) fields += separator
      fields += value.map((item) => prefix + convert(item)).join(separator)
    } else {
      if (fields) fields += separator
      fields += prefix + convert(value)
    }
  }
  return fields
}

export const decode = parse
export const encode = stringify

export { escape }

export default { decode, encode, escape, parse, stringify, unescape, unescapeBuffer }
