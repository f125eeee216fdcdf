/**
 * `oro:path` (also `node:path`) — Node's POSIX `path` module, from the `path-browserify` npm
 * package (Node's own `path.posix`, ported for browsers; bundled as ESM into `vendor/path.js`).
 *
 * `resolve()` of relative paths uses `process.cwd()` where there is one, else `__args.cwd`,
 * else `/`. `path.win32` is Node's win32 path from the `path-unified` npm package (Node's
 * lib/path.js as an ES module; path-browserify has no win32), also served as `oro:path/win32`.
 *
 * Oro's own names are here too: `cwd()`, the `Path` class and the well-known directories
 * (`HOME`, `DOCUMENTS`..., as `oro:path/well-known` has them).
 *
 * ```js
 * import path from 'node:path'
 * path.join('notes', '2024', 'a.txt') // 'notes/2024/a.txt'
 * ```
 * @module oro:path
 */

import { invalidArgType } from './errors.js'
import path, {
  basename,
  delimiter,
  dirname,
  extname,
  format,
  isAbsolute as isPosixAbsolute,
  join,
  normalize,
  parse,
  posix,
  relative,
  resolve,
  sep
} from './vendor/path.js'
import win32 from './vendor/path-win32.js'
import {
  CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, RESOURCES, TMP, VIDEOS
} from './path/well-known.js'
import * as mounts from './path/mounts.js'

/**
 * Oro's `isAbsolute()`: a path rooted in either flavour (`/a`, `\\a`, `C:\\a`, `C:/a`, `\\\\server`)
 * is absolute, as Oro answers on every platform; Node's POSIX answer is false for the Windows
 * forms. A POSIX path gets Node's answer.
 * @param {string} path
 * @returns {boolean}
 */
function isAbsolute (path) {
  return isPosixAbsolute(path) || win32.isAbsolute(path)
}

const windowsRooted = /^[\\/](?![\\/])/
const windowsRelative = win32.relative
/**
 * Two paths rooted without a drive (`\\a\\b`) are on the same drive, as Node on Windows relates
 * them (`..\\b`); on POSIX, Node resolves them against a POSIX working directory and answers
 * the target unchanged.
 * @param {string} from
 * @param {string} to
 * @returns {string}
 */
function relativeOnOneDrive (from, to) {
  if (typeof from === 'string' && typeof to === 'string' && windowsRooted.test(from) && windowsRooted.test(to)) {
    return windowsRelative('C:' + from, 'C:' + to)
  }
  return windowsRelative(from, to)
}
Object.defineProperty(win32, 'relative', { value: relativeOnOneDrive, writable: true, configurable: true, enumerable: true })

/**
 * On POSIX, Node's `toNamespacedPath()` returns its argument unchanged.
 * @param {string} path
 * @returns {string}
 */
export function toNamespacedPath (path) {
  return path
}

/**
 * Oro's `cwd()`: `process.cwd()` where there is a global `process`, else the host's working
 * directory as the page was handed it (`__args.cwd`, the process facts, the primordials), else `/`.
 * @returns {string}
 */
export function cwd () {
  const host = /** @type {any} */ (globalThis)
  if (typeof host.process?.cwd === 'function') return host.process.cwd()
  const args = host.__args
  for (const found of [args?.cwd, args?.process?.cwd, args?.process?.primordials?.cwd]) {
    if (typeof found === 'string' && found.startsWith('/')) return found
  }
  return '/'
}

/**
 * @typedef {string | Path | URL | { pathname: string } | { url: string }} PathComponent
 */

/**
 * @param {PathComponent} input
 * @returns {string}
 */
function sourceOf (input) {
  if (input instanceof Path) return input.source
  if (input instanceof URL) {
    if (input.protocol !== 'file:') throw invalidArgType('input', 'a path or a file: URL', input.href)
    return decodeURIComponent(input.pathname)
  }
  if (typeof input === 'string') return input
  if (input && typeof input === 'object') {
    if (typeof (/** @type {any} */ (input)).pathname === 'string') return /** @type {any} */ (input).pathname
    if (typeof (/** @type {any} */ (input)).url === 'string') return sourceOf(new URL(/** @type {any} */ (input).url))
  }
  throw invalidArgType('input', 'a string, a Path, a file: URL, { pathname } or { url }', input)
}

/**
 * Oro's parsed path: the `source` as given, its `value` (normalised), whether it `isRelative`,
 * and the absolute `pathname` it names from `cwd`, with `root`, `dir`, `base`, `name`, `ext`.
 */
export class Path {
  /**
   * A `Path` of `input` (a path, a `Path`, a `file:` URL, `{pathname}` or `{url}`); a relative
   * one is read from `cwd`.
   * @param {PathComponent} input
   * @param {string} [from]
   * @returns {Path}
   */
  static from (input, from = undefined) {
    return new this(sourceOf(input), from)
  }

  /** @type {string} */
  #source
  /** @type {string} */
  #cwd

  /**
   * @param {string} pathname
   * @param {string} [from]
   */
  constructor (pathname, from = cwd()) {
    this.#source = String(pathname)
    this.#cwd = from
  }

  /** The path as given. */
  get source () { return this.#source }
  /** True when the path is relative. */
  get isRelative () { return !isAbsolute(this.#source) }
  /** The path normalised (still relative when given relative). */
  get value () { return this.#source === '' ? '.' : normalize(this.#source) }
  /** The absolute path it names. */
  get pathname () { return resolve(this.#cwd, this.#source) }
  /** `file:`. */
  get protocol () { return 'file:' }
  /** Its `file:` URL. */
  get href () { return this.toURL().href }
  /** Its `file:` URL as a `URL`. */
  get url () { return this.toURL() }
  /** The directory that holds it (absolute). */
  get parent () { return dirname(this.pathname) }
  get root () { return parse(this.value).root }
  get dir () { return parse(this.value).dir }
  get base () { return parse(this.value).base }
  get name () { return parse(this.value).name }
  get ext () { return parse(this.value).ext }
  /** The drive letter given (`C:`), if any. @returns {string | null} */
  get drive () { return /^([A-Za-z]:)/.exec(this.#source)?.[1] ?? null }
  /** @returns {URL} */
  toURL () {
    const url = new URL('file://')
    url.pathname = this.pathname
    return url
  }

  toString () { return this.value }
  inspect () {
    const { root, dir, base, ext, name } = this
    return { root, dir, base, ext, name }
  }

  get [Symbol.toStringTag] () { return 'Path' }
}

// As in Node, each flavour reaches the other: path.win32.posix === path.posix.
for (const flavour of [path, win32]) {
  Object.defineProperty(flavour, 'win32', { value: win32, writable: true, configurable: true, enumerable: true })
  Object.defineProperty(flavour, 'posix', { value: posix, writable: true, configurable: true, enumerable: true })
}

// Oro's path objects have cwd() too.
for (const flavour of [path, win32]) {
  if (!('cwd' in flavour)) Object.defineProperty(flavour, 'cwd', { value: cwd, writable: true, configurable: true, enumerable: true })
}

Object.defineProperty(path, 'isAbsolute', { value: isAbsolute, writable: true, configurable: true, enumerable: true })
// Oro's default export is its module namespace: the well-known directories are on it too.
const wellKnown = { CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, RESOURCES, TMP, VIDEOS, mounts }
for (const [name, value] of Object.entries(wellKnown)) {
  Object.defineProperty(path, name, { value, writable: true, configurable: true, enumerable: true })
}

if (!('toNamespacedPath' in path)) {
  Object.defineProperty(path, 'toNamespacedPath', {
    value: toNamespacedPath, writable: true, configurable: true, enumerable: true
  })
}

export {
  CONFIG,
  DATA,
  DESKTOP,
  DOCUMENTS,
  DOWNLOADS,
  HOME,
  LOG,
  MEDIA,
  MUSIC,
  PICTURES,
  RESOURCES,
  TMP,
  VIDEOS,
  basename,
  delimiter,
  dirname,
  extname,
  format,
  isAbsolute,
  join,
  mounts,
  normalize,
  parse,
  posix,
  relative,
  resolve,
  sep,
  win32
}
export default path
