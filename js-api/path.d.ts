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
  /** Oro's: the directory relative paths resolve against. */
  cwd (): string
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

/** Oro's: the directory relative paths resolve against (`process.cwd()`, else the host's). */
export function cwd (): string
export type PathComponent = string | Path | URL | { pathname: string } | { url: string }
/** Oro's parsed path. */
export class Path {
  static from (input: PathComponent, cwd?: string): Path
  protected constructor (pathname: string, cwd?: string)
  get source (): string
  get isRelative (): boolean
  get value (): string
  get pathname (): string
  get protocol (): string
  get href (): string
  get url (): URL
  get parent (): string
  get root (): string
  get dir (): string
  get base (): string
  get name (): string
  get ext (): string
  get drive (): string | null
  toURL (): URL
  toString (): string
  inspect (): ParsedPath
  get [Symbol.toStringTag] (): string
}
export {
  CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, RESOURCES, TMP, VIDEOS
} from './path/well-known.js'
/** Oro's: the app's navigator mounts (`oro:path/mounts`), URL path → host folder. */
import * as mounts from './path/mounts.js'
export { mounts }

declare const path: PlatformPath
export default path
