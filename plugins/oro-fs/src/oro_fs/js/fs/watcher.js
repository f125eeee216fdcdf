/**
 * `oro:fs/watcher` — Oro's `Watcher`: the `FSWatcher` `fs.watch` returns (`change`, `error`,
 * `close` events; `close()`).
 * @module oro:fs/watcher
 */

import { FSWatcher } from './internal/watcher.js'

/** Oro's name for `FSWatcher`: `new Watcher(path, { recursive })` starts watching. */
export const Watcher = FSWatcher

export { FSWatcher }

export default { FSWatcher, Watcher }
