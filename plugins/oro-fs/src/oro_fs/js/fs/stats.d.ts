/**
 * `oro:fs/stats` — `Stats`, the class `fs.stat`/`lstat`/`FileHandle.stat` answer with.
 * @module oro:fs/stats
 */

import type { Stats } from 'oro:fs'

export { Stats } from 'oro:fs'

declare const _default: { Stats: typeof Stats }
export default _default
