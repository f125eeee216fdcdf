/**
 * `oro:util` (also `node:util`, `node:sys`) — Node's `util`. `inspect`, `format` and
 * `formatWithOptions` are Node's own code from the `node-inspect-extracted` npm package;
 * `callbackify`, `inherits`, `deprecate` and `types` come from the `util` npm
 * package (browserify's port), `isDeepStrictEqual` from the `assert` package's port of Node's
 * comparisons, `parseArgs` from `@pkgjs/parseargs` (all bundled into `vendor/util.js`).
 * `promisify`, `styleText` and the few `types` a page can answer are written here; so are Oro's
 * own helpers (`isBufferLike`, `toBuffer`, `compareBuffers`, `parseJSON`, `clamp`...), as Oro's
 * `api/util.d.ts` declares them; `MIMEType`/`MIMEParams` are `oro:mime`'s.
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
import { Buffer as OroBuffer } from './buffer.js'
/** @typedef {import('./buffer.js').Buffer} Buffer */
import { MIMEParams, MIMEType } from './mime.js'

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

// Oro's own helpers (its api/util.d.ts), with Oro's behaviour: the `is*` checks differ from
// Node's deprecated ones of the same names where Oro's do (`isFunction` is false for a class,
// `isPrimitive` for a bigint), since code written for Oro relies on them.

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype)

/** `Array.isArray`. */
export const isArray = Array.isArray.bind(Array)
/** The symbols a value's custom inspect function may be under: Oro's, then Node's. */
export const inspectSymbols = [Symbol.for('oro.runtime.util.inspect.custom'), Symbol.for('nodejs.util.inspect.custom')]
/** Oro's test for ES module source text (an `import ... from` or `export`). */
export const ESM_TEST_REGEX =
  /\b(import\s*[\w{},*\s]*\s*from\s*['"][^'"]+['"]|export\s+(?:\*\s*from\s*['"][^'"]+['"]|default\s*from\s*['"][^'"]+['"]|[\w{}*\s,]+))\s*(?:;|\b)/

/** A class whose constructor always throws, as Oro's `IllegalConstructor`. */
export class IllegalConstructor {
  constructor () {
    throw withCode(new TypeError('Illegal constructor'), 'ERR_ILLEGAL_CONSTRUCTOR')
  }
}

/** @param {unknown} object @param {PropertyKey} property */
export const hasOwnProperty = (object, property) => Object.prototype.hasOwnProperty.call(object, property)
/** @param {unknown} object */
export const isDate = (object) => vendoredTypes.isDate(object)
/** @param {unknown} object */
export const isTypedArray = (object) => vendoredTypes.isTypedArray(object)
/** @param {unknown} input */
export const isArrayLike = (input) =>
  (Array.isArray(input) || isTypedArray(input)) && input !== TypedArrayPrototype && input !== OroBuffer.prototype
/** @param {unknown} object */
export const isError = (object) => vendoredTypes.isNativeError(object) || object instanceof Error
/** @param {unknown} value @returns {value is symbol} */
export const isSymbol = (value) => typeof value === 'symbol'
/** @param {unknown} value */
export const isNumber = (value) => typeof value === 'number' || value instanceof Number
/** @param {unknown} value */
export const isBoolean = (value) => typeof value === 'boolean' || value instanceof Boolean
/** A view that is not a `Buffer`. @param {unknown} value */
export const isArrayBufferView = (value) => !OroBuffer.isBuffer(value) && ArrayBuffer.isView(value)
/** @param {unknown} object */
export const isAsyncFunction = (object) => vendoredTypes.isAsyncFunction(object)
/** @param {unknown} object */
export const isArgumentsObject = (object) => vendoredTypes.isArgumentsObject(object)
/** @param {unknown} object */
export const isObject = (object) => object !== null && typeof object === 'object'
/** An object with no own enumerable keys. @param {unknown} object */
export const isEmptyObject = (object) => isObject(object) && Object.keys(/** @type {object} */ (object)).length === 0
/** @param {unknown} value */
export const isUndefined = (value) => value === undefined
/** @param {unknown} value */
export const isNull = (value) => value === null
/** @param {unknown} value */
export const isNullOrUndefined = (value) => value === null || value === undefined
/** null, undefined, a number, string, symbol or boolean (not a bigint, as in Oro). @param {unknown} value */
export const isPrimitive = (value) =>
  isNullOrUndefined(value) || ['number', 'string', 'symbol', 'boolean'].includes(typeof value)
/** @param {unknown} value */
export const isRegExp = (value) => value instanceof RegExp
/** An object whose prototype is `Object.prototype` or null. @param {unknown} object */
export const isPlainObject = (object) => {
  if (!isObject(object)) return false
  const prototype = Object.getPrototypeOf(object)
  return prototype === Object.prototype || prototype === null
}
/** @param {unknown} object */
export const isArrayBuffer = (object) => object instanceof ArrayBuffer
/** An `ArrayBuffer`, a typed array or a `Buffer`. @param {unknown} object */
export const isBufferLike = (object) => isArrayBuffer(object) || isTypedArray(object) || OroBuffer.isBuffer(object)
/** A function that is not a class. @param {unknown} value */
export const isFunction = (value) => typeof value === 'function' && !isClass(value)
/** An `Error`, or an object with `name` and `message`. @param {unknown} error */
export const isErrorLike = (error) => error instanceof Error || (isObject(error) && 'name' in /** @type {object} */ (error) && 'message' in /** @type {object} */ (error))
/** An ECMAScript class constructor. @param {unknown} value */
export const isClass = (value) => typeof value === 'function' && /^class(?:\s|\{)/.test(Function.prototype.toString.call(value))
/** @param {unknown} value */
export const isBuffer = (value) => OroBuffer.isBuffer(value)
/** An object with a callable `then`. @param {any} object */
export const isPromiseLike = (object) => isFunction(object?.then)
/** `Object.prototype.toString` of `object` (`'[object Date]'`). @param {unknown} object */
export const toString = (object) => Object.prototype.toString.call(object)

/**
 * `object` as a `Buffer`: a `Buffer` itself, a view's bytes without a copy, what its
 * `toBuffer()` answers, else `OroBuffer.from(object, encoding)`.
 * @param {any} object
 * @param {any} [encoding]
 * @returns {Buffer}
 */
export function toBuffer (object, encoding = undefined) {
  if (OroBuffer.isBuffer(object)) return object
  if (ArrayBuffer.isView(object)) return OroBuffer.from(object.buffer, object.byteOffset, object.byteLength)
  if (typeof object?.toBuffer === 'function') return toBuffer(object.toBuffer(), encoding)
  return OroBuffer.from(object, encoding)
}

/** The first letter upper-cased (`''` for none). @param {string} string */
export const toProperCase = (string) => string ? string[0].toUpperCase() + string.slice(1) : ''

/**
 * `buffer`'s bytes in `Buffer`s of at most `highWaterMark` bytes (one empty one for none).
 * @param {any} buffer
 * @param {number} highWaterMark
 * @returns {Buffer[]}
 */
export function splitBuffer (buffer, highWaterMark) {
  if (!(highWaterMark > 0)) throw invalidArgType('highWaterMark', 'a positive number', highWaterMark)
  const buffers = []
  let rest = OroBuffer.from(buffer)
  do {
    buffers.push(OroBuffer.from(rest.subarray(0, highWaterMark)))
    rest = rest.subarray(highWaterMark)
  } while (rest.length > 0)
  return buffers
}

/** `value` within `[min, max]`; a value that is not finite is `min`. @param {number} value @param {number} min @param {number} max */
export const clamp = (value, min, max) => Math.min(max, Math.max(min, Number.isFinite(value) ? value : min))

/**
 * `string` parsed as JSON, else null. Lone backslashes (a Windows path written into JSON
 * unescaped) are read as literal backslashes, as Oro does.
 * @param {unknown} string
 * @returns {any}
 */
export function parseJSON (string) {
  if (string === null || string === undefined) return null
  const text = String(string)
  if (text.includes('\\')) {
    try {
      return JSON.parse(text.replace(/\\(?!["\\/bfnrtu])/g, '\\\\'))
    } catch {}
  }
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * Raw header lines (a string or an array of lines) as `[name, value]` pairs, both trimmed and
 * lower-cased, as Oro answers them; lines without a name or value are left out.
 * @param {unknown} headers
 * @returns {string[][]}
 */
export function parseHeaders (headers) {
  const text = Array.isArray(headers) ? headers.map((line) => String(line).trim()).join('\n') : headers
  if (typeof text !== 'string') return []
  return text.split(/\r?\n/)
    .map((line) => line.trim().split(':'))
    .filter((parts) => parts.length >= 2)
    .map((parts) => [parts[0].trim().toLowerCase(), parts.slice(1).join(':').trim().toLowerCase()])
    .filter(([name, value]) => name.length > 0 && value.length > 0)
}

/** Does nothing. */
export function noop () {}

/** A percentage from `0%` to `100%` (decimals allowed). @param {unknown} input */
export const isValidPercentageValue = (input) => /^(100(\.0+)?|[1-9]?\d(\.\d+)?)%$/.test(String(input))

/**
 * `Buffer.compare` of `a` and `b` after `toBuffer()`: -1, 0 or 1.
 * @param {any} a
 * @param {any} b
 * @returns {-1 | 0 | 1}
 */
export const compareBuffers = (a, b) => toBuffer(a).compare(toBuffer(b))

/** Source text that reads as an ES module. @param {string} source */
export const isESMSource = (source) => ESM_TEST_REGEX.test(source)

const oroHelpers = {
  ESM_TEST_REGEX,
  IllegalConstructor,
  clamp,
  compareBuffers,
  hasOwnProperty,
  inspectSymbols,
  isArgumentsObject,
  isArray,
  isArrayBuffer,
  isArrayBufferView,
  isArrayLike,
  isAsyncFunction,
  isBoolean,
  isBuffer,
  isBufferLike,
  isClass,
  isDate,
  isESMSource,
  isEmptyObject,
  isError,
  isErrorLike,
  isFunction,
  isNull,
  isNullOrUndefined,
  isNumber,
  isObject,
  isPlainObject,
  isPrimitive,
  isPromiseLike,
  isRegExp,
  isSymbol,
  isTypedArray,
  isUndefined,
  isValidPercentageValue,
  noop,
  parseHeaders,
  parseJSON,
  splitBuffer,
  toBuffer,
  toProperCase,
  toString
}

/**
 * The sections debug output is on for: `NODE_DEBUG` and Oro's `ORO_DEBUG` (comma-separated,
 * `*` a wildcard), from the page's declared environment or, under Node, the process's.
 * @returns {RegExp | null}
 */
function debugSections () {
  const host = /** @type {any} */ (globalThis)
  const environment = host.__args?.env ?? host.process?.env ?? {}
  const names = [environment.NODE_DEBUG, environment.ORO_DEBUG]
    .filter((value) => typeof value === 'string' && value.trim())
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean)
  if (names.length === 0) return null
  const patterns = names.map((name) => name.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*'))
  return new RegExp(`^(?:${patterns.join('|')})$`, 'i')
}

/**
 * Node's `debuglog(section)` (Oro's `debug(section)`): a function that prints
 * `SECTION <pid>: <message>` to `console.error` when `NODE_DEBUG` or `ORO_DEBUG` names the
 * section; its `enabled` says whether it does, and may be set.
 * @param {string} section
 * @param {(log: (...args: unknown[]) => void) => void} [callback] called with the logger on first use
 * @returns {((...args: unknown[]) => void) & { enabled: boolean }}
 */
export function debuglog (section, callback = undefined) {
  if (typeof section !== 'string') throw invalidArgType('section', 'of type string', section)
  const name = section.toUpperCase()
  let enabled = debugSections()?.test(section) ?? false
  let first = true
  const logger = /** @type {((...args: unknown[]) => void) & { enabled: boolean }} */ ((...args) => {
    if (first) {
      first = false
      if (typeof callback === 'function') callback(logger)
    }
    if (!enabled) return
    const pid = /** @type {any} */ (globalThis).process?.pid ?? /** @type {any} */ (globalThis).__args?.process?.pid ?? 0
    console.error('%s %d: %s', name, pid, format(...args))
  })
  Object.defineProperty(logger, 'enabled', {
    enumerable: false,
    configurable: true,
    get: () => enabled,
    set: (value) => { enabled = Boolean(value) }
  })
  return logger
}

/** `debuglog`'s other name (Node's and Oro's). */
export const debug = debuglog

// Oro's inspect has an `ignore` symbol (a value's own `inspect()` marked with it is not called).
Object.defineProperty(inspect, 'ignore', {
  value: Symbol.for('oro.runtime.util.inspect.ignore'), writable: true, configurable: true, enumerable: false
})

const TextEncoderClass = globalThis.TextEncoder
const TextDecoderClass = globalThis.TextDecoder
export { TextEncoderClass as TextEncoder, TextDecoderClass as TextDecoder }

export { MIMEParams, MIMEType }

export {
  callbackify,
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
  ...oroHelpers,
  MIMEParams,
  MIMEType,
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
