/**
 * `fs.watchFile`/`fs.unwatchFile`: Node's stat polling. One `StatWatcher` per path polls
 * `fs.stat` every `interval` ms and calls its listeners with `(current, previous)` when the
 * stats differ; a missing file is a Stats of zeros, so appearing and vanishing are changes too.
 * @module oro:fs/internal/statwatch (internal)
 */

import { EventEmitter } from 'oro:events'
import { request, sendSync } from 'oro:ipc'
import { Stats } from './stats.js'
import { getOptions, toPath, typeError, describe } from './util.js'

/** The fields whose change is a change (Node compares the whole stat; times in ms). */
const COMPARED = /** @type {const} */ (['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'size', 'mtimeMs', 'ctimeMs'])

/**
 * @param {Stats} a
 * @param {Stats} b
 */
function differ (a, b) {
  return COMPARED.some((key) => a[key] !== b[key])
}

/**
 * The stats of `path`, zeros when it cannot be stat'ed.
 * @param {string} path
 * @returns {Promise<Stats>}
 */
async function statOrZeros (path) {
  try {
    return new Stats(await request('fs.stat', { path }))
  } catch {
    return new Stats({})
  }
}

/** Node's `fs.StatWatcher`: emits `change` (current, previous) and `stop`. */
export class StatWatcher extends EventEmitter {
  #path
  #interval
  /** @type {ReturnType<typeof setTimeout> | null} */
  #timer = null
  /** @type {Stats | null} */
  #previous = null
  #stopped = false
  #polling = false

  /**
   * @param {string} path
   * @param {number} interval
   */
  constructor (path, interval) {
    super()
    this.#path = path
    this.#interval = interval
    // Node takes the first stat as watchFile returns, so a change made right after the call
    // is seen: the first stat is synchronous (Oro primes with statSync too).
    const first = sendSync('fs.stat', { path })
    this.#previous = new Stats(first.err ? {} : first.data)
    this.#schedule(interval)
  }

  /** @param {number} delay */
  #schedule (delay) {
    if (!this.#stopped) this.#timer = setTimeout(() => { this.#poll() }, delay)
  }

  async #poll () {
    if (this.#polling) return
    this.#polling = true
    try {
      const current = await statOrZeros(this.#path)
      if (this.#stopped) return
      const previous = this.#previous
      this.#previous = current
      if (previous && differ(current, previous)) this.emit('change', current, previous)
    } finally {
      this.#polling = false
      this.#schedule(this.#interval)
    }
  }

  /** Stop polling (emits `stop`). */
  stop () {
    if (this.#stopped) return
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.emit('stop')
  }

  /** Node keeps the process alive with it; a page has nothing to keep alive. @returns {this} */
  ref () { return this }

  /** @returns {this} */
  unref () { return this }
}

/** The watchers by the path they were asked for. @type {Map<string, StatWatcher>} */
const watchers = new Map()

/**
 * Poll `path`'s stats every `interval` ms (default 5007, as Node's); `listener(current,
 * previous)` runs when they change. Watching a path again adds the listener to its watcher.
 * @param {unknown} path
 * @param {unknown} options `{ interval, persistent, bigint }` or the listener
 * @param {unknown} [listener]
 * @returns {StatWatcher}
 */
export function watchFile (path, options, listener = undefined) {
  if (typeof options === 'function') { listener = options; options = undefined }
  const { interval, bigint } = getOptions(options, { interval: 5007, persistent: true, bigint: false })
  if (typeof listener !== 'function') {
    throw typeError(`The "listener" argument must be of type function. Received ${describe(listener)}`)
  }
  if (bigint) throw typeError('bigint stats are not supported', 'ERR_INVALID_ARG_VALUE')
  if (typeof interval !== 'number' || !(interval >= 0)) {
    throw typeError(`The "options.interval" property must be of type number. Received ${describe(interval)}`)
  }
  const target = toPath(path, 'filename')
  let watcher = watchers.get(target)
  if (!watcher) {
    watcher = new StatWatcher(target, interval)
    watchers.set(target, watcher)
  }
  watcher.on('change', /** @type {(...args: any[]) => void} */ (listener))
  return watcher
}

/**
 * Remove `listener` from `path`'s watcher (every listener when none is given); the watcher
 * stops with its last listener.
 * @param {unknown} path
 * @param {unknown} [listener]
 */
export function unwatchFile (path, listener = undefined) {
  const target = toPath(path, 'filename')
  const watcher = watchers.get(target)
  if (!watcher) return
  if (typeof listener === 'function') watcher.removeListener('change', /** @type {(...args: any[]) => void} */ (listener))
  else watcher.removeAllListeners('change')
  if (watcher.listenerCount('change') === 0) {
    watcher.stop()
    watchers.delete(target)
  }
}
