/**
 * `oro:toml` — Oro's TOML module: `parse` and `stringify` by smol-toml (a TOML 1.1 parser and
 * serializer, so 1.0 too, passing the toml-test suite; bundled into `vendor/toml.js`), with Oro's
 * API around it: plain-object tables, an offset date-time as a `Date`, local dates and times
 * as Oro's `TomlLocalDate`, `TomlLocalTime` (nanoseconds kept) and `TomlLocalDateTime`, and
 * `parse`'s `reviver`. Computed in the page; Oro's is a parser of its own in JavaScript too.
 *
 * Where Oro's own parser departs from TOML, TOML wins: arrays may mix types, integers
 * beyond 2^53 come back as `BigInt`s (Oro rounds them), `stringify` skips `null` and
 * `undefined` values. A syntax error is a `SyntaxError` with `line` and `column`; a document
 * over `maxLength` characters or nested deeper than `maxDepth` is a `RangeError` naming the
 * limit, before any of it is parsed or built.
 *
 * ```js
 * import { parse, stringify } from 'oro:toml'
 * const config = parse('[window]\nwidth = 800\n')   // { window: { width: 800 } }
 * stringify({ title: 'x', tags: ['a', 1] })          // 'title = "x"\ntags = [ "a", 1 ]\n'
 * ```
 * @module oro:toml
 */

import { parse as parseDocument, stringify as stringifyDocument, TomlError } from './vendor/toml.js'
import { invalidArgType, withCode } from './errors.js'

/** A document longer than this (in UTF-16 code units) is refused unless `maxLength` says more. */
const DEFAULT_MAX_LENGTH = 1024 * 1024
/** Tables and arrays nested deeper are refused; also the most `maxDepth` may be, as parsing recurses. */
const MAX_DEPTH = 1000
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const OFFSET = /^(?:Z|([+-])(\d{2}):(\d{2}))$/i

/** @param {number} value @param {number} length */
const pad = (value, length) => String(value).padStart(length, '0')

/** @param {number} year @param {number} month */
function daysInMonth (year, month) {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

/**
 * @param {string} what
 * @param {Record<string, number>} parts name → value
 * @param {Record<string, [number, number]>} ranges name → inclusive bounds
 */
function checkParts (what, parts, ranges) {
  for (const [name, value] of Object.entries(parts)) {
    if (!Number.isInteger(value)) throw invalidArgType(name, 'an integer', value)
    const [low, high] = ranges[name]
    if (value < low || value > high) {
      throw withCode(new RangeError(`The ${what}'s ${name} must be from ${low} to ${high}. Received ${value}`), 'ERR_OUT_OF_RANGE')
    }
  }
}

/** A TOML local date (`1979-05-27`): no time, no offset. */
export class TomlLocalDate {
  /**
   * @param {number} year 0 to 9999
   * @param {number} month 1 to 12
   * @param {number} day 1 to the month's last
   */
  constructor (year, month, day) {
    checkParts('date', { year, month }, { year: [0, 9999], month: [1, 12] })
    checkParts('date', { day }, { day: [1, daysInMonth(year, month)] })
    this.year = year
    this.month = month
    this.day = day
    Object.freeze(this)
  }

  toString () {
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`
  }

  toJSON () {
    return this.toString()
  }
}

/** A TOML local time (`07:32:00.999999`): no date, no offset, to the nanosecond. */
export class TomlLocalTime {
  /**
   * @param {number} hour 0 to 23
   * @param {number} minute 0 to 59
   * @param {number} second 0 to 60 (a leap second)
   * @param {number} nanosecond 0 to 999999999
   */
  constructor (hour, minute, second, nanosecond) {
    checkParts('time', { hour, minute, second, nanosecond },
      { hour: [0, 23], minute: [0, 59], second: [0, 60], nanosecond: [0, 999999999] })
    this.hour = hour
    this.minute = minute
    this.second = second
    this.nanosecond = nanosecond
    Object.freeze(this)
  }

  toString () {
    const fraction = this.nanosecond > 0 ? `.${pad(this.nanosecond, 9).replace(/0+$/, '')}` : ''
    return `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}${fraction}`
  }

  toJSON () {
    return this.toString()
  }
}

/** A TOML local date-time (`1979-05-27T07:32:00`): no offset. */
export class TomlLocalDateTime {
  /**
   * @param {TomlLocalDate} date
   * @param {TomlLocalTime} time
   */
  constructor (date, time) {
    if (!(date instanceof TomlLocalDate)) throw invalidArgType('date', 'an instance of TomlLocalDate', date)
    if (!(time instanceof TomlLocalTime)) throw invalidArgType('time', 'an instance of TomlLocalTime', time)
    this.date = date
    this.time = time
    Object.freeze(this)
  }

  toString () {
    return `${this.date.toString()}T${this.time.toString()}`
  }

  toJSON () {
    return this.toString()
  }
}

/** @param {string} text `YYYY-MM-DD` */
function localDate (text) {
  const [, year, month, day] = /** @type {RegExpExecArray} */ (DATE.exec(text))
  return new TomlLocalDate(Number(year), Number(month), Number(day))
}

/** @param {string} text `HH:MM[:SS[.fraction]]` (seconds are optional in TOML 1.1, which smol-toml reads) */
function localTime (text) {
  const [, hour, minute, second = '0', fraction = ''] = /** @type {RegExpExecArray} */ (TIME.exec(text))
  // Digits past the ninth are below a nanosecond: TOML says to truncate them.
  return new TomlLocalTime(Number(hour), Number(minute), Number(second), Number(fraction.slice(0, 9).padEnd(9, '0')))
}

/**
 * Oro's value for one of smol-toml's dates, from the text it was read from (see the
 * `./date.js` shim in scripts/vendor.mjs): smol-toml's own `Date` rolls an impossible day
 * (February 30th) over and keeps milliseconds only.
 * @param {Date & { tomlText: string, tomlKind: number }} value
 */
function fromTomlDate (value) {
  const text = value.tomlText
  const [date, rest = ''] = value.tomlKind === 4 ? ['', text] : [text.slice(0, 10), text.slice(11)]
  try {
    if (value.tomlKind === 3) return localDate(date)
    if (value.tomlKind === 4) return localTime(rest)
    if (value.tomlKind === 2) return new TomlLocalDateTime(localDate(date), localTime(rest))
    const [time, offset] = rest.split(/(?=[Zz+-])/)
    const [, sign = '+', hours = '0', minutes = '0'] = /** @type {RegExpExecArray} */ (OFFSET.exec(offset))
    checkParts('offset', { hours: Number(hours), minutes: Number(minutes) }, { hours: [0, 23], minutes: [0, 59] })
    const day = localDate(date)
    const clock = localTime(time)
    // From the parts, not smol-toml's Date: engines round a sub-millisecond fraction differently
    // (JavaScriptCore up, V8 down); TOML truncates.
    const instant = new Date(0)
    instant.setUTCFullYear(day.year, day.month - 1, day.day)
    instant.setUTCHours(clock.hour, clock.minute, clock.second, Math.floor(clock.nanosecond / 1e6))
    const shift = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
    return new Date(instant.getTime() - shift * 60000)
  } catch (error) {
    throw parseError(`invalid date or time "${text}": ${/** @type {Error} */ (error).message}`)
  }
}

/**
 * A `SyntaxError` of a document; `line` and `column` always its own (JavaScriptCore gives every
 * error the line of the code that made it), `undefined` when not known.
 * @param {string} message
 * @param {number} [line]
 * @param {number} [column]
 */
function parseError (message, line, column) {
  return Object.assign(new SyntaxError(message.startsWith('Invalid TOML document: ') ? message : `Invalid TOML document: ${message}`),
    { line, column, code: 'ERR_TOML_PARSE' })
}

/** @param {number} limit */
const tooDeep = (limit) =>
  withCode(new RangeError(`TOML nesting deeper than ${limit} tables and arrays (options.maxDepth)`), 'ERR_TOML_TOO_DEEP')

/**
 * smol-toml's tables (objects without a prototype) as plain objects, its dates as Oro's.
 * `__proto__` stays an own key, as `JSON.parse` keeps it. Header and dotted-key tables nest
 * without recursing in smol-toml, so the depth limit is checked here too.
 * @param {unknown} value
 * @param {number} depth
 * @param {number} limit
 * @returns {unknown}
 */
function fromDocument (value, depth, limit) {
  if (typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX)) {
    throw parseError(`integer ${value} is out of range (TOML integers are 64-bit)`)
  }
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return fromTomlDate(/** @type {any} */ (value))
  if (depth > limit) throw tooDeep(limit)
  if (Array.isArray(value)) return value.map((item) => fromDocument(item, depth + 1, limit))
  /** @type {Record<string, unknown>} */
  const table = {}
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(table, key, { value: fromDocument(item, depth + 1, limit), enumerable: true, writable: true, configurable: true })
  }
  return table
}

/**
 * Oro's reviver walk: children first, then the value itself with its key (`''` for the
 * document), into tables and arrays but not dates.
 * @param {any} holder
 * @param {string} key
 * @param {(key: string, value: unknown) => unknown} reviver
 * @returns {unknown}
 */
function revive (holder, key, reviver) {
  const value = holder[key]
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = revive(value, String(index), reviver)
  } else if (isTable(value)) {
    for (const name of Object.keys(value)) value[name] = revive(value, name, reviver)
  }
  return reviver.call(holder, key, value)
}

/** @param {unknown} value */
function isTable (value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) &&
    !(value instanceof TomlLocalDate) && !(value instanceof TomlLocalTime) && !(value instanceof TomlLocalDateTime)
}

/**
 * @param {Record<string, any>} options
 * @returns {{ maxLength: number, maxDepth: number }}
 */
function limits (options) {
  const { maxLength = DEFAULT_MAX_LENGTH, maxDepth = MAX_DEPTH } = options
  if (typeof maxLength !== 'number' || !(maxLength >= 0)) throw invalidArgType('options.maxLength', 'a number from 0 up', maxLength)
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH) {
    throw withCode(new RangeError(`The "options.maxDepth" property must be an integer from 1 to ${MAX_DEPTH}. Received ${maxDepth}`), 'ERR_OUT_OF_RANGE')
  }
  return { maxLength, maxDepth }
}

/** @param {unknown} options */
function optionsObject (options) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  return /** @type {Record<string, any>} */ (options)
}

/**
 * Parse a TOML document.
 *
 * @param {string} source
 * @param {{ reviver?: (key: string, value: unknown) => unknown, maxLength?: number, maxDepth?: number }} [options]
 *   `maxLength`: the longest document read, in characters (1 MiB by default; `Infinity` for
 *   no limit); `maxDepth`: the deepest nesting of tables and arrays (1000, also the most).
 * @returns {any}
 * @throws {SyntaxError} not TOML (`line` and `column` say where, `code` is `ERR_TOML_PARSE`)
 * @throws {RangeError} over a limit (`code` `ERR_TOML_TOO_LARGE` or `ERR_TOML_TOO_DEEP`)
 */
export function parse (source, options = {}) {
  if (typeof source !== 'string') throw invalidArgType('source', 'of type string', source)
  const settings = optionsObject(options)
  const { maxLength, maxDepth } = limits(settings)
  const reviver = settings.reviver
  if (reviver !== undefined && typeof reviver !== 'function') throw invalidArgType('options.reviver', 'of type function', reviver)
  if (source.length > maxLength) {
    throw withCode(new RangeError(`TOML document of ${source.length} characters is longer than the limit of ${maxLength} (options.maxLength)`), 'ERR_TOML_TOO_LARGE')
  }
  let document
  try {
    // Integers past 2^53 as BigInts, the others as numbers: no integer is rounded.
    document = parseDocument(source, { maxDepth, integersAsBigInt: 'asNeeded' })
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    if (/excessively nested/.test(error.message)) throw tooDeep(maxDepth)
    throw parseError(error.message, error.line, error.column)
  }
  const result = fromDocument(document, 0, maxDepth)
  return reviver ? revive({ '': result }, '', reviver) : result
}

/** A date or time written as its TOML text: smol-toml writes a `Date` by its `toISOString()`. */
class TomlText extends Date {
  /** @type {string} */
  #text

  /** @param {string} text */
  constructor (text) {
    super(0)
    this.#text = text
  }

  toISOString () {
    return this.#text
  }
}

/**
 * A copy for smol-toml: Oro's local dates and times as their text, the depth limit checked
 * (a cycle is nesting without end), and integers TOML cannot hold refused.
 * @param {unknown} value
 * @param {number} depth
 * @returns {unknown}
 */
function toDocument (value, depth) {
  if (typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX)) {
    throw withCode(new RangeError(`TOML integers are 64-bit; ${value} is out of range`), 'ERR_OUT_OF_RANGE')
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  if (value instanceof TomlLocalDate || value instanceof TomlLocalTime || value instanceof TomlLocalDateTime) {
    return new TomlText(value.toString())
  }
  if (depth > MAX_DEPTH) throw tooDeep(MAX_DEPTH)
  if (Array.isArray(value)) return value.map((item) => toDocument(item, depth + 1))
  /** @type {Record<string, unknown>} */
  const table = {}
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(table, key, { value: toDocument(item, depth + 1), enumerable: true, writable: true, configurable: true })
  }
  return table
}

/**
 * Write a table as a TOML document: nested tables as `[headers]`, arrays of tables as
 * `[[headers]]`, `Date`s as offset date-times (UTC), Oro's local types as local ones.
 *
 * @param {Record<string, any>} table
 * @param {{}} [options]
 * @returns {string}
 * @throws {TypeError} not a table, or a value TOML has no type for (a function, a symbol,
 *   `null` in an array)
 * @throws {RangeError} nested deeper than 1000 (a cycle), or a `BigInt` beyond 64 bits
 */
export function stringify (table, options = {}) {
  if (table === null || typeof table !== 'object' || Array.isArray(table) || table instanceof Date) {
    throw invalidArgType('table', 'a plain object', table)
  }
  optionsObject(options)
  // The depth is bounded by toDocument above; smol-toml's own count differs from it.
  return stringifyDocument(toDocument(table, 0), { maxDepth: Infinity })
}

export default {
  parse,
  stringify,
  TomlLocalDate,
  TomlLocalTime,
  TomlLocalDateTime
}
