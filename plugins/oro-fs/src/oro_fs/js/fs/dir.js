/**
 * `oro:fs/dir` — Oro's directory module: `Dir` and `Dirent` (the classes `oro:fs` uses) and
 * `sortDirectoryEntries`, and Oro's `kType` (the key of a `Dirent`'s type number).
 * @module oro:fs/dir
 */

import { Dir } from './internal/handle.js'
import { Dirent, kType } from './internal/stats.js'

export { Dir, Dirent, kType }

/**
 * Compare two entries (names or `Dirent`s) by name, for `Array.prototype.sort`; code unit
 * order, as Oro sorts.
 * @param {string | Dirent} a
 * @param {string | Dirent} b
 * @returns {number}
 */
export function sortDirectoryEntries (a, b) {
  const left = a instanceof Dirent ? a.name : a
  const right = b instanceof Dirent ? b.name : b
  return left < right ? -1 : left > right ? 1 : 0
}

export default { Dir, Dirent, kType, sortDirectoryEntries }
