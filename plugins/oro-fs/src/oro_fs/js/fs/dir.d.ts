/**
 * `oro:fs/dir` — Oro's directory module: `Dir` and `Dirent` (the classes `oro:fs` uses) and
 * `sortDirectoryEntries`.
 * @module oro:fs/dir
 */

import type { Dir, Dirent } from 'oro:fs'

export { Dir, Dirent } from 'oro:fs'

/** Compare two entries (names or `Dirent`s) by name, for `Array.prototype.sort`. */
export function sortDirectoryEntries (a: string | Dirent, b: string | Dirent): number

declare const _default: { Dir: typeof Dir, Dirent: typeof Dirent, sortDirectoryEntries: typeof sortDirectoryEntries }
export default _default
