/**
 * `oro:path` (also `node:path`) — Node's POSIX `path` module, from the `path-browserify` npm
 * package (Node's own `path.posix`, ported for browsers; bundled as ESM into `vendor/path.js`).
 *
 * `resolve()` of relative paths uses `process.cwd()` where there is one, else `__args.cwd`,
 * else `/`. `path.win32` is not provided (path-browserify has none); see docs/js-api.md.
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

/**
 * On POSIX, Node's `toNamespacedPath()` returns its argument unchanged.
 * @param {string} path
 * @returns {string}
 */
export function toNamespacedPath (path) {
  return path
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
  sep
}
export default path
