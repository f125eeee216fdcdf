/**
 * `oro:querystring` (also `node:querystring`) — Node's `querystring` (the `querystring-browser` npm package).
 * @module oro:querystring
 * @alias node:querystring
 */

export interface ParseOptions { maxKeys?: number, decodeURIComponent?: (text: string) => string }
export interface StringifyOptions { encodeURIComponent?: (text: string) => string }
export type ParsedQuery = Record<string, string | string[]>

export function parse (text: string, sep?: string | null, eq?: string | null, options?: ParseOptions): ParsedQuery
export function stringify (object: Record<string, unknown>, sep?: string | null, eq?: string | null, options?: StringifyOptions): string
export const decode: typeof parse
export const encode: typeof stringify
export function escape (text: string): string
export function unescape (text: string, decodeSpaces?: boolean): string
export function unescapeBuffer (text: string, decodeSpaces?: boolean): import('./buffer.js').Buffer

declare const querystring: {
  decode: typeof parse
  encode: typeof stringify
  escape: typeof escape
  parse: typeof parse
  stringify: typeof stringify
  unescape: typeof unescape
  unescapeBuffer: typeof unescapeBuffer
}
export default querystring
