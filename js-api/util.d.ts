/**
 * `oro:util` (also `node:util`) — Node's `util` (inspect/format from `node-inspect-extracted`, the rest from the `util` npm package).
 * @module oro:util
 * @alias node:util
 */

import { Buffer } from './buffer.js'
import { MIMEType, MIMEParams } from './mime.js'

export interface InspectOptions {
  showHidden?: boolean
  depth?: number | null
  colors?: boolean
  customInspect?: boolean
  showProxy?: boolean
  maxArrayLength?: number | null
  maxStringLength?: number | null
  breakLength?: number
  compact?: boolean | number
  sorted?: boolean | ((a: string, b: string) => number)
  getters?: boolean | 'get' | 'set'
  numericSeparator?: boolean
}

export interface Inspect {
  (object: unknown, options?: InspectOptions): string
  (object: unknown, showHidden?: boolean, depth?: number | null, colors?: boolean): string
  readonly custom: unique symbol
  /** Oro's: a value's own `inspect()` marked with this symbol (`fn[inspect.ignore] = true`) is not called. */
  readonly ignore: unique symbol
  colors: Record<string, [number, number]>
  styles: Record<string, string>
  defaultOptions: InspectOptions
}

export interface ParseArgsOptionConfig {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  default?: string | boolean | string[] | boolean[]
}

export interface ParseArgsConfig {
  args?: string[]
  options?: Record<string, ParseArgsOptionConfig>
  strict?: boolean
  allowPositionals?: boolean
  tokens?: boolean
}

export const inspect: Inspect
export function format (format?: unknown, ...args: unknown[]): string
export function formatWithOptions (options: InspectOptions, format?: unknown, ...args: unknown[]): string
export function stripVTControlCharacters (text: string): string
export const promisify: {
  (original: (...args: any[]) => any): (...args: any[]) => Promise<any>
  readonly custom: symbol
}
export function callbackify (original: (...args: any[]) => Promise<any>): (...args: any[]) => void
export function inherits (constructor: Function, superConstructor: Function): void
export function deprecate<T extends Function> (fn: T, message: string, code?: string): T
/** Prints `SECTION <pid>: message` when `NODE_DEBUG` or `ORO_DEBUG` names the section; `enabled` may be set. */
export function debuglog (section: string, callback?: (log: (...args: unknown[]) => void) => void): ((...args: unknown[]) => void) & { enabled: boolean }
export const debug: typeof debuglog
export function isDeepStrictEqual (a: unknown, b: unknown): boolean
export function parseArgs (config?: ParseArgsConfig): { values: Record<string, string | boolean | Array<string | boolean> | undefined>, positionals: string[], tokens?: object[] }
export function styleText (format: string | string[], text: string, options?: { validateStream?: boolean, stream?: unknown }): string
export function toUSVString (text: string): string
export const types: typeof import('./util/types.js').default
declare const TextEncoderClass: typeof globalThis.TextEncoder
declare const TextDecoderClass: typeof globalThis.TextDecoder
export { TextEncoderClass as TextEncoder, TextDecoderClass as TextDecoder }

// Oro's own helpers, as its api/util.d.ts declares them.
export const isArray: (value: unknown) => value is any[]
export const inspectSymbols: symbol[]
export const ESM_TEST_REGEX: RegExp
export class IllegalConstructor { constructor () }
export function hasOwnProperty (object: unknown, property: PropertyKey): boolean
export function isDate (object: unknown): object is Date
export function isTypedArray (object: unknown): boolean
export function isArrayLike (input: unknown): boolean
export function isError (object: unknown): object is Error
export function isSymbol (value: unknown): value is symbol
export function isNumber (value: unknown): boolean
export function isBoolean (value: unknown): boolean
export function isArrayBufferView (value: unknown): value is ArrayBufferView
export function isAsyncFunction (object: unknown): boolean
export function isArgumentsObject (object: unknown): boolean
export function isEmptyObject (object: unknown): boolean
export function isObject (object: unknown): object is object
export function isUndefined (value: unknown): value is undefined
export function isNull (value: unknown): value is null
export function isNullOrUndefined (value: unknown): value is null | undefined
export function isPrimitive (value: unknown): boolean
export function isRegExp (value: unknown): value is RegExp
export function isPlainObject (object: unknown): boolean
export function isArrayBuffer (object: unknown): object is ArrayBuffer
export function isBufferLike (object: unknown): boolean
export function isFunction (value: unknown): boolean
export function isErrorLike (error: unknown): boolean
export function isClass (value: unknown): boolean
export function isBuffer (value: unknown): value is Buffer
export function isPromiseLike (object: unknown): object is PromiseLike<unknown>
export function toString (object: unknown): string
export function toBuffer (object: unknown, encoding?: string): Buffer
export function toProperCase (text: string): string
export function splitBuffer (buffer: unknown, highWaterMark: number): Buffer[]
export function clamp (value: number, min: number, max: number): number
export function parseJSON (text: unknown): any
export function parseHeaders (headers: string | string[]): string[][]
export function noop (): void
export function isValidPercentageValue (input: unknown): boolean
export function compareBuffers (a: unknown, b: unknown): -1 | 0 | 1
export function isESMSource (source: string): boolean
export { MIMEType, MIMEParams }

declare const util: {
  callbackify: typeof callbackify
  debug: typeof debuglog
  debuglog: typeof debuglog
  deprecate: typeof deprecate
  format: typeof format
  formatWithOptions: typeof formatWithOptions
  inherits: typeof inherits
  inspect: Inspect
  isDeepStrictEqual: typeof isDeepStrictEqual
  parseArgs: typeof parseArgs
  promisify: typeof promisify
  stripVTControlCharacters: typeof stripVTControlCharacters
  styleText: typeof styleText
  TextDecoder: typeof globalThis.TextDecoder
  TextEncoder: typeof globalThis.TextEncoder
  toUSVString: typeof toUSVString
  types: typeof types
  MIMEType: typeof MIMEType
  MIMEParams: typeof MIMEParams
  isArray: typeof isArray
  inspectSymbols: symbol[]
  ESM_TEST_REGEX: RegExp
  IllegalConstructor: typeof IllegalConstructor
  hasOwnProperty: typeof hasOwnProperty
  isDate: typeof isDate
  isTypedArray: typeof isTypedArray
  isArrayLike: typeof isArrayLike
  isError: typeof isError
  isSymbol: typeof isSymbol
  isNumber: typeof isNumber
  isBoolean: typeof isBoolean
  isArrayBufferView: typeof isArrayBufferView
  isAsyncFunction: typeof isAsyncFunction
  isArgumentsObject: typeof isArgumentsObject
  isEmptyObject: typeof isEmptyObject
  isObject: typeof isObject
  isUndefined: typeof isUndefined
  isNull: typeof isNull
  isNullOrUndefined: typeof isNullOrUndefined
  isPrimitive: typeof isPrimitive
  isRegExp: typeof isRegExp
  isPlainObject: typeof isPlainObject
  isArrayBuffer: typeof isArrayBuffer
  isBufferLike: typeof isBufferLike
  isFunction: typeof isFunction
  isErrorLike: typeof isErrorLike
  isClass: typeof isClass
  isBuffer: typeof isBuffer
  isPromiseLike: typeof isPromiseLike
  toString: typeof toString
  toBuffer: typeof toBuffer
  toProperCase: typeof toProperCase
  splitBuffer: typeof splitBuffer
  clamp: typeof clamp
  parseJSON: typeof parseJSON
  parseHeaders: typeof parseHeaders
  noop: typeof noop
  isValidPercentageValue: typeof isValidPercentageValue
  compareBuffers: typeof compareBuffers
  isESMSource: typeof isESMSource
}
export default util
