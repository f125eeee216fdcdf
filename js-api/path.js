/**
 * `oro:path` (also `node:path`) — Node's POSIX `path` module, from the `path-browserify` npm
 * package (Node's own `path.posix`, ported for browsers; bundled as ESM into `vendor/path.js`).
 *
 * `resolve()` of relative paths uses `process.cwd()` where there is one, else `__args.cwd`,
 * else `/`. `path.win32` is Node's win32 path from the `path-unified` npm package (Node's
 * lib/path.js as an ES module; path-browserify has no win32), also served as `oro:path/win32`.
 *
 * ```js
 * import path from 'node:path'
 * path.join('notes', '2024', 'a.txt') // 'notes/2024/a.txt'
 * ```
 * @module oro:path
 */

import path, {
  basename,
  delimiter,
  dirname,
  extname,
  format,
  isAbsolute,
  join,
  normalize,
  parse,
  posix,
  relative,
  resolve,
  sep
} from './vendor/path.js'
import win32 from './vendor/path-win32.js'

/**
 * On POSIX, Node's `toNamespacedPath()` returns its argument unchanged.
 * @param {string} path
 * @returns {string}
 */
export function toNamespacedPath (path) {
  return path
}

// As in Node, each flavour reaches the other: path.win32.posix === path.posix.
for (const flavour of [path, win32]) {
  Object.defineProperty(flavour, 'win32', { value: win32, writable: true, configurable: true, enumerable: true })
  Object.defineProperty(flavour, 'posix', { value: posix, writable: true, configurable: true, enumerable: true })
}

if (!('toNamespacedPath' in path)) {
  Object.defineProperty(path, 'toNamespacedPath', {
    value: toNamespacedPath, writable: true, configurable: true, enumerable: true
  })
}

export {
  basename,
  delimiter,
  dirname,
  extname,
  format,
  isAbsolute,
  join,
  normalize,
  parse,
  posix,
  relative,
  resolve,
  sep,
  win32
}
export default path
