/**
 * `fs.watch`: the host watches with watchfiles and sends each change as the host event
 * `fs.watch` (`{id, eventType, filename}`) on the window's event channel; oro:bootstrap
 * dispatches it on `globalThis`, and this module hands it to the watcher with that `id`.
 * @module oro:fs/internal/watcher (internal)
 */

import { EventEmitter } from 'oro:events'
import { subscribe } from 'oro:bootstrap'
import { request } from 'oro:ipc'
import { Buffer } from 'oro:buffer'
import { abortError, checkAborted, getOptions, newId, toPath } from './util.js'

/** The host event name carrying watch events. */
export const WATCH_EVENT = 'fs.watch'

/** @type {Map<string, (event: { eventType: string, filename: string }) => void>} */
const listeners = new Map()
let installed = false

function install () {
  if (installed) return
  installed = true
  // The event channel only delivers names it is subscribed to.
  subscribe(WATCH_EVENT)
  globalThis.addEventListener(WATCH_EVENT, (event) => {
    const detail = /** @type {any} */ (event).detail
    if (detail === null || typeof detail !== 'object') return
    const listener = listeners.get(String(detail.id))
    if (listener && typeof detail.eventType === 'string') {
      listener({ eventType: detail.eventType, filename: typeof detail.filename === 'string' ? detail.filename : '' })
    }
  })
}

/**
 * Start a host watcher and route its events to `listener` (registered before the host starts,
 * so no early event is lost). Resolves with the watcher id.
 * @param {string} path
 * @param {boolean} recursive
 * @param {(event: { eventType: string, filename: string }) => void} listener
 * @returns {Promise<string>}
 */
export async function startWatch (path, recursive, listener) {
  install()
  const id = newId()
  listeners.set(id, listener)
  try {
    await request('fs.watch', { id, path, recursive })
  } catch (error) {
    listeners.delete(id)
    throw error
  }
  return id
}

/**
 * Stop routing events to watcher `id` and stop it on the host (an already-gone watcher is fine).
 * @param {string} id
 */
export async function stopWatch (id) {
  listeners.delete(id)
  try {
    await request('fs.stopWatch', { id })
  } catch (error) {
    if (/** @type {any} */ (error)?.code !== 'ENOTOPEN' && /** @type {any} */ (error)?.name !== 'NotFoundError') throw error
  }
}

/**
 * @param {string} filename
 * @param {string | null} encoding
 */
function encodeName (filename, encoding) {
  return encoding === 'buffer' ? Buffer.from(filename) : filename
}

/**
 * Node's `fs.FSWatcher`: emits `change` (eventType, filename), `error` and `close`.
 */
export class FSWatcher extends EventEmitter {
  /** @type {string | null} */
  #id = null
  #closed = false
  /** @type {Promise<string | null>} */
  #started

  /**
   * @param {unknown} path
   * @param {{ recursive?: boolean, encoding?: string | null, signal?: AbortSignal }} options
   */
  constructor (path, options = {}) {
    super()
    const target = toPath(path, 'filename')
    const encoding = options.encoding ?? 'utf8'
    checkAborted(options.signal)
    options.signal?.addEventListener('abort', () => this.close(), { once: true })
    this.#started = startWatch(target, Boolean(options.recursive), ({ eventType, filename }) => {
      if (!this.#closed) this.emit('change', eventType, encodeName(filename, encoding))
    }).then((id) => {
      this.#id = id
      if (this.#closed) stopWatch(id).catch(() => {})
      return id
    }, (error) => {
      if (!this.#closed) {
        this.emit('error', error)
        this.close()
      }
      return null
    })
  }

  /** Resolves once the host watches (with the watcher id), or null when it could not. */
  get ready () {
    return this.#started
  }

  /** Stop watching; emits `close` once. */
  close () {
    if (this.#closed) return
    this.#closed = true
    if (this.#id !== null) stopWatch(this.#id).catch(() => {})
    queueMicrotask(() => this.emit('close'))
  }

  /** No-op (a page has no event loop to keep alive). */
  ref () { return this }
  /** No-op (a page has no event loop to keep alive). */
  unref () { return this }
}

/**
 * `fs/promises.watch`: an async iterator of `{eventType, filename}`; ends on `return()` /
 * `break`, and fails with `AbortError` when `options.signal` fires.
 * @param {unknown} path
 * @param {unknown} [options]
 * @returns {AsyncIterableIterator<{ eventType: string, filename: string | Buffer }> & { ready: Promise<string> }}
 */
export function watchIterator (path, options = undefined) {
  const settings = getOptions(options, { recursive: false, encoding: 'utf8' })
  const { recursive, encoding } = settings
  /** @type {AbortSignal | undefined} */
  const signal = settings.signal
  const target = toPath(path, 'filename')
  checkAborted(signal)
  /** @type {Array<{ eventType: string, filename: string | Buffer }>} */
  const queue = []
  /** @type {((value: IteratorResult<any>) => void) | null} */
  let wake = null
  /** @type {((error: unknown) => void) | null} */
  let fail = null
  /** @type {unknown} */
  let failure = null
  let done = false
  /** @type {Promise<string> | null} */
  let started = null

  // Settles once the host has let go of the watcher: `break`, `return()` and an abort end the
  // iteration only then, so no descriptor outlives the loop that watched.
  /** @type {Promise<void>} */
  let stopped = Promise.resolve()
  const finish = () => {
    if (done) return stopped
    done = true
    signal?.removeEventListener('abort', onAbort)
    if (started) stopped = started.then((id) => stopWatch(id)).catch(() => {})
    return stopped
  }
  const onAbort = () => {
    failure = abortError(signal?.reason)
    const reject = fail
    wake = fail = null
    finish().then(() => reject?.(failure))
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const ensureStarted = () => {
    if (started) return started
    started = startWatch(target, Boolean(recursive), ({ eventType, filename }) => {
      if (done) return
      const item = { eventType, filename: encodeName(filename, encoding) }
      if (wake) {
        const resolve = wake
        wake = fail = null
        resolve({ done: false, value: item })
      } else {
        queue.push(item)
      }
    })
    started.catch(() => {})
    return started
  }

  /** @type {AsyncIterableIterator<{ eventType: string, filename: string | Buffer }>} */
  const iterator = {
    async next () {
      if (failure) {
        await stopped
        throw failure
      }
      if (done) return { done: true, value: undefined }
      try {
        await ensureStarted()
      } catch (error) {
        await finish()
        throw error
      }
      if (queue.length) return { done: false, value: /** @type {any} */ (queue.shift()) }
      if (failure) throw failure
      if (done) return { done: true, value: undefined }
      return new Promise((resolve, reject) => { wake = resolve; fail = reject })
    },
    async return () {
      const resolve = wake
      wake = fail = null
      await finish()
      resolve?.({ done: true, value: undefined })
      return { done: true, value: undefined }
    },
    [Symbol.asyncIterator] () { return this }
  }
  // Watch from now on (Node starts at the first next()), so that changes made right after
  // watch() returns are not missed; `ready` (not in Node) resolves once the host watches.
  const ready = ensureStarted()
  return Object.assign(iterator, { ready })
}
