/**
 * `oro:fs/watcher` — Oro's `Watcher`: the `FSWatcher` `fs.watch` returns (`change`, `error`,
 * `close` events; `close()`).
 * @module oro:fs/watcher
 */

import type { FSWatcher } from 'oro:fs'

export { FSWatcher } from 'oro:fs'

/** Oro's name for `FSWatcher`: `new Watcher(path, { recursive })` starts watching. */
export const Watcher: typeof FSWatcher
export type Watcher = FSWatcher

declare const _default: { FSWatcher: typeof FSWatcher, Watcher: typeof FSWatcher }
export default _default
