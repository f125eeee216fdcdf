/**
 * `oro:path/posix` (also `node:path/posix`) — `path.posix` as a module.
 * @module oro:path/posix
 */

import { posix } from '../path.js'

export const {
  basename, delimiter, dirname, extname, format, isAbsolute, join, normalize, parse, relative,
  resolve, sep, toNamespacedPath, win32
} = posix
export { posix }
export default posix
