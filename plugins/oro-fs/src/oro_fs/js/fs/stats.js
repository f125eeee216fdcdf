/**
 * `oro:fs/stats` — `Stats`, the class `fs.stat`/`lstat`/`FileHandle.stat` answer with.
 * @module oro:fs/stats
 */

import { Stats } from './internal/stats.js'

export { Stats }

export default { Stats }
