/**
 * `oro:util` (also `node:util`, `node:sys`) — Node's `util`. `inspect`, `format` and
 * `formatWithOptions` are Node's own code from the `node-inspect-extracted` npm package;
 * `callbackify`, `inherits`, `deprecate`, `debuglog` and `types` come from the `util` npm
 * package (browserify's port), `isDeepStrictEqual` from the `assert` package's port of Node's
 * comparisons, `parseArgs` from `@pkgjs/parseargs` (all bundled into `vendor/util.js`).
 * `promisify`, `styleText` and the few `types` a page can answer are written here.
 *
 * ```js
 * import { format, inspect, promisify } from 'node:util'
 * format('%s is %d', 'x', 42)          // 'x is 42'
 * inspect({ a: [1, 2] })               // '{ a: [ 1, 2 ] }'
 * ```
 * @module oro:util
 */

import {
  callbackify,
  debuglog,
  deprecate,
  format,
  formatWithOptions,
  inherits,
  inspect,
  isDeepStrictEqual,
  parseArgs,
  promisify as promisifyVendored,
  stripVTControlCharacters,
  types as vendoredTypes
} from './vendor/util.js'
import { invalidArgType, received, withCode } from './errors.js'

const kCustomPromisified = Symbol.for('nodejs.util.promisify.custom')

/**
 * @template {(...args: any[]) => any} T
 * @typedef {T & { [kCustomPromisified]?: (...args: any[]) => Promise<any> }} Promisifiable
 */

/**
 * Node's `promisify`: a function's `[util.promisify.custom]` (Node's registered symbol, which the
 * util package does not use) wins; otherwise the last argument becomes an `(error, value)` callback.
 * @param {(...args: any[]) => any} original
 * @returns {(...args: any[]) => Promise<any>}
 */
export function promisify (original) {
  if (typeof original !== 'function') throw invalidArgType('original', 'of type function', original)
  const custom = /** @type {Promisifiable<typeof original>} */ (original)[kCustomPromisified]
  if (custom !== undefined) {
    if (typeof custom !== 'function') throw invalidArgType('util.promisify.custom', 'of type function', custom)
    return Object.defineProperty(custom, kCustomPromisified, { value: custom, enumerable: false, writable: false, configurable: true })
  }
  const promisified = promisifyVendored(original)
  return Object.defineProperty(promisified, kCustomPromisified, { value: promisified, enumerable: false, writable: false, configurable: true })
}
promisify.custom = kCustomPromisified

/** @param {number} code */
const escapeStyleCode = (code) => `\u001b[${code}m`

/**
 * Node's `styleText(format, text, options)`: `text` wrapped in the ANSI codes of `format` (a
 * name of `inspect.colors`, or an array of them). As in Node, only when `options.stream` (by
 * default the `process.stdout` there is, none in a page) is a terminal with colours, unless
 * `validateStream: false`.
 * @param {string | string[]} format
 * @param {string} text
 * @param {{ validateStream?: boolean, stream?: any }} [options]
 * @returns {string}
 */
export function styleText (format, text, { validateStream = true, stream } = {}) {
  if (typeof text !== 'string') throw invalidArgType('text', 'of type string', text)
  /** @type {Record<string, [number, number]>} */
  const colors = /** @type {any} */ (inspect).colors
  /** @param {string} key */
  const codes = (key) => {
    const found = colors[key]
    if (found == null) {
      const allowed = Object.keys(colors).map((name) => `'${name}'`).join(', ')
      throw withCode(new TypeError(`The argument 'format' must be one of: ${allowed}. Received ${received(key)}`), 'ERR_INVALID_ARG_VALUE')
    }
    return found
  }
  const plain = () => {
    const target = stream ?? /** @type {any} */ (globalThis).process?.stdout
    return !target || !target.isTTY || (typeof target.hasColors === 'function' && !target.hasColors())
  }
  if (Array.isArray(format)) {
    let left = ''
    let right = ''
    for (const key of format) {
      const [open, close] = codes(key)
      left += escapeStyleCode(open)
      right = `${escapeStyleCode(close)}${right}`
    }
    return validateStream && plain() ? text : `${left}${text}${right}`
  }
  const [open, close] = codes(format)
  return validateStream && plain() ? text : `${escapeStyleCode(open)}${text}${escapeStyleCode(close)}`
}

/**
 * Node's `toUSVString`: lone surrogates replaced by U+FFFD.
 * @param {string} string
 * @returns {string}
 */
export function toUSVString (string) {
  return String(string).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/** `util.types`: the util package's checks, and what a page can tell of the rest. */
export const types = Object.freeze({
  ...vendoredTypes,
  /** A page cannot see through a Proxy. */
  isProxy: (/** @type {unknown} */ _value) => false,
  /** A page has no native externals. */
  isExternal: (/** @type {unknown} */ _value) => false,
  /** @param {unknown} value */
  isModuleNamespaceObject: (value) =>
    value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null &&
    /** @type {any} */ (value)[Symbol.toStringTag] === 'Module',
  /** There are no `KeyObject`s in a page (oro:crypto has none). */
  isKeyObject: (/** @type {unknown} */ _value) => false,
  /** @param {unknown} value */
  isCryptoKey: (value) => typeof CryptoKey === 'function' && value instanceof CryptoKey
})

/** `debuglog`'s other name in Node. */
export const debug = debuglog

const TextEncoderClass = globalThis.TextEncoder
const TextDecoderClass = globalThis.TextDecoder
export { TextEncoderClass as TextEncoder, TextDecoderClass as TextDecoder }

export {
  callbackify,
  debuglog,
  deprecate,
  format,
  formatWithOptions,
  inherits,
  inspect,
  isDeepStrictEqual,
  parseArgs,
  stripVTControlCharacters
}

export default {
  callbackify,
  debug,
  debuglog,
  deprecate,
  format,
  formatWithOptions,
  inherits,
  inspect,
  isDeepStrictEqual,
  parseArgs,
  promisify,
  stripVTControlCharacters,
  styleText,
  TextDecoder: TextDecoderClass,
  TextEncoder: TextEncoderClass,
  toUSVString,
  types
}
