/**
 * `oro:path` (also `node:path`) — Node's POSIX `path` (the `path-browserify` npm package).
 * @module oro:path
 * @alias node:path
 */

export interface ParsedPath {
  root: string
  dir: string
  base: string
  ext: string
  name: string
}

export interface FormatInputPathObject {
  root?: string
  dir?: string
  base?: string
  ext?: string
  name?: string
}

export interface PlatformPath {
  normalize (path: string): string
  join (...paths: string[]): string
  resolve (...paths: string[]): string
  isAbsolute (path: string): boolean
  relative (from: string, to: string): string
  dirname (path: string): string
  basename (path: string, suffix?: string): string
  extname (path: string): string
  readonly sep: '/' | '\\'
  readonly delimiter: ':' | ';'
  parse (path: string): ParsedPath
  format (pathObject: FormatInputPathObject): string
  toNamespacedPath (path: string): string
  readonly posix: PlatformPath
  readonly win32: PlatformPath
}

export const basename: PlatformPath['basename']
export const delimiter: PlatformPath['delimiter']
export const dirname: PlatformPath['dirname']
export const extname: PlatformPath['extname']
export const format: PlatformPath['format']
export const isAbsolute: PlatformPath['isAbsolute']
export const join: PlatformPath['join']
export const normalize: PlatformPath['normalize']
export const parse: PlatformPath['parse']
export const posix: PlatformPath
export const relative: PlatformPath['relative']
export const resolve: PlatformPath['resolve']
export const sep: PlatformPath['sep']
export function toNamespacedPath (path: string): string
export const win32: PlatformPath

declare const path: PlatformPath
export default path
