/**
 * `oro:fs/dir` — Oro's directory module: `Dir` and `Dirent` (the classes `oro:fs` uses) and
 * `sortDirectoryEntries`.
 * @module oro:fs/dir
 */

import type { Dir, Dirent } from 'oro:fs'

export { Dir, Dirent } from 'oro:fs'

/** Oro's key of a `Dirent`'s type number (`dirent[kType] === dirent.type`). */
export const kType: unique symbol

/** Compare two entries (names or `Dirent`s) by name, for `Array.prototype.sort`. */
export function sortDirectoryEntries (a: string | Dirent, b: string | Dirent): number

declare const _default: {
  Dir: typeof Dir
  Dirent: typeof Dirent
  kType: typeof kType
  sortDirectoryEntries: typeof sortDirectoryEntries
}
export default _default
