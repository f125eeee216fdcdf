/**
 * `oro:util` (also `node:util`) — Node's `util` (inspect/format from `node-inspect-extracted`, the rest from the `util` npm package).
 * @module oro:util
 * @alias node:util
 */

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
export function debuglog (section: string): ((...args: unknown[]) => void) & { enabled?: boolean }
export const debug: typeof debuglog
export function isDeepStrictEqual (a: unknown, b: unknown): boolean
export function parseArgs (config?: ParseArgsConfig): { values: Record<string, string | boolean | Array<string | boolean> | undefined>, positionals: string[], tokens?: object[] }
export function styleText (format: string | string[], text: string, options?: { validateStream?: boolean, stream?: unknown }): string
export function toUSVString (text: string): string
export const types: typeof import('./util/types.js').default
declare const TextEncoderClass: typeof globalThis.TextEncoder
declare const TextDecoderClass: typeof globalThis.TextDecoder
export { TextEncoderClass as TextEncoder, TextDecoderClass as TextDecoder }

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
}
export default util
