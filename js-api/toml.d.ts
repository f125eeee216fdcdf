/**
 * `oro:toml` — Oro's TOML `parse` and `stringify` (TOML 1.1 and 1.0, by smol-toml) with Oro's date and time types.
 * @module oro:toml
 */

export interface ParseOptions {
  /** Called for every value, children first, then the document with key `''`; its answer replaces the value. */
  reviver?: (this: any, key: string, value: unknown) => unknown
  /** The longest document read, in characters: 1048576 (1 MiB) by default, `Infinity` for no limit. */
  maxLength?: number
  /** The deepest nesting of tables and arrays: 1000 by default, also the most. */
  maxDepth?: number
}

/**
 * Parse a TOML document: tables as plain objects, integers as numbers (as `BigInt`s past
 * 2^53), offset date-times as `Date`s, local ones as Oro's types.
 * @throws {SyntaxError} not TOML (`line`, `column`; `code` `ERR_TOML_PARSE`)
 * @throws {RangeError} over a limit (`code` `ERR_TOML_TOO_LARGE` or `ERR_TOML_TOO_DEEP`)
 */
export function parse (source: string, options?: ParseOptions): any
/**
 * Write a table as a TOML document; `null` and `undefined` values are left out.
 * @throws {TypeError} not a table, or a value TOML has no type for
 * @throws {RangeError} nested deeper than 1000 (a cycle), or a `BigInt` beyond 64 bits
 */
export function stringify (table: Record<string, any>, options?: {}): string

/** A TOML local date (`1979-05-27`). */
export class TomlLocalDate {
  /** @throws {RangeError} a part out of range (`ERR_OUT_OF_RANGE`), {TypeError} not an integer */
  constructor (year: number, month: number, day: number)
  readonly year: number
  readonly month: number
  readonly day: number
  toString (): string
  toJSON (): string
}

/** A TOML local time (`07:32:00.999999`), to the nanosecond. */
export class TomlLocalTime {
  /** @throws {RangeError} a part out of range (`ERR_OUT_OF_RANGE`), {TypeError} not an integer */
  constructor (hour: number, minute: number, second: number, nanosecond: number)
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly nanosecond: number
  toString (): string
  toJSON (): string
}

/** A TOML local date-time (`1979-05-27T07:32:00`). */
export class TomlLocalDateTime {
  constructor (date: TomlLocalDate, time: TomlLocalTime)
  readonly date: TomlLocalDate
  readonly time: TomlLocalTime
  toString (): string
  toJSON (): string
}

declare const toml: {
  parse: typeof parse
  stringify: typeof stringify
  TomlLocalDate: typeof TomlLocalDate
  TomlLocalTime: typeof TomlLocalTime
  TomlLocalDateTime: typeof TomlLocalDateTime
}
export default toml
