/**
 * `oro:events` (also `node:events`) — Node's `events` module. `EventEmitter` and `once` come
 * from the `events` npm package (Node's own implementation, ported for browsers; bundled as ESM
 * into `vendor/events.js`); `on`, `getEventListeners`, `setMaxListeners`, `listenerCount` and
 * `addAbortListener` are added here as Node 20 has them.
 *
 * ```js
 * import { EventEmitter, once } from 'node:events'
 * const emitter = new EventEmitter()
 * setTimeout(() => emitter.emit('ready', 42))
 * const [value] = await once(emitter, 'ready')
 * ```
 * @module oro:events
 */

import EventEmitter, { once } from './vendor/events.js'
import { AbortError, invalidArgument } from './errors.js'

/**
 * @param {unknown} signal
 * @param {string} name
 */
function checkSignal (signal, name) {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgument(`The "${name}" argument must be an instance of AbortSignal`)
  }
}

/**
 * An async iterator over `event` emissions of `emitter` (each item the array of the event's
 * arguments), like Node's `events.on()`. An `error` event rejects the pending `next()`; `signal`
 * ends iteration with an `AbortError`; `return()` (or `break`) removes the listeners.
 * @param {any} emitter an EventEmitter, or an EventTarget
 * @param {string | symbol} event
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {AsyncIterableIterator<any[]>}
 */
export function on (emitter, event, options = {}) {
  const signal = options.signal
  checkSignal(signal, 'options.signal')
  if (signal?.aborted) throw new AbortError('The operation was aborted', { cause: signal.reason })

  /** @type {any[][]} */
  const queue = []
  /** @type {Array<{ resolve: (result: IteratorResult<any[]>) => void, reject: (error: unknown) => void }>} */
  const waiting = []
  /** @type {unknown} */
  let failure = null
  let finished = false
  const isTarget = typeof emitter.on !== 'function' && typeof emitter.addEventListener === 'function'

  const onEvent = (/** @type {any[]} */ ...args) => {
    const waiter = waiting.shift()
    if (waiter) waiter.resolve({ value: args, done: false })
    else queue.push(args)
  }
  const onError = (/** @type {unknown} */ error) => {
    finished = true
    remove()
    const waiter = waiting.shift()
    if (waiter) waiter.reject(error)
    else failure = error
    for (const other of waiting.splice(0)) other.resolve({ value: undefined, done: true })
  }
  const onAbort = () => onError(new AbortError('The operation was aborted', { cause: signal?.reason }))

  function remove () {
    if (isTarget) {
      emitter.removeEventListener(event, onEvent)
    } else {
      emitter.removeListener(event, onEvent)
      if (event !== 'error') emitter.removeListener('error', onError)
    }
    signal?.removeEventListener('abort', onAbort)
  }

  if (isTarget) {
    emitter.addEventListener(event, onEvent)
  } else {
    emitter.on(event, onEvent)
    if (event !== 'error') emitter.on('error', onError)
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  /** @type {AsyncIterableIterator<any[]>} */
  const iterator = {
    next () {
      const value = queue.shift()
      if (value) return Promise.resolve({ value, done: false })
      if (failure !== null) {
        const error = failure
        failure = null
        return Promise.reject(error)
      }
      if (finished) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve, reject) => { waiting.push({ resolve, reject }) })
    },
    return () {
      finished = true
      remove()
      queue.length = 0
      for (const waiter of waiting.splice(0)) waiter.resolve({ value: undefined, done: true })
      return Promise.resolve({ value: undefined, done: true })
    },
    throw (error) {
      onError(error)
      return Promise.reject(error)
    },
    [Symbol.asyncIterator] () {
      return this
    }
  }
  return iterator
}

/**
 * The listeners of `event` on an EventEmitter (Node also accepts an EventTarget, whose
 * listeners a page cannot list: that gives a TypeError here).
 * @param {any} emitter
 * @param {string | symbol} event
 * @returns {Function[]}
 */
export function getEventListeners (emitter, event) {
  if (emitter && typeof emitter.listeners === 'function') return emitter.listeners(event)
  throw invalidArgument('getEventListeners() supports EventEmitter instances only here')
}

/**
 * Set the max listener count of each emitter given, or the default of all new emitters when
 * none is given (Node's `events.setMaxListeners(n, ...targets)`).
 * @param {number} [n]
 * @param {...any} emitters
 */
export function setMaxListeners (n = 10, ...emitters) {
  if (emitters.length === 0) {
    EventEmitter.defaultMaxListeners = n
    return
  }
  for (const emitter of emitters) {
    if (emitter && typeof emitter.setMaxListeners === 'function') emitter.setMaxListeners(n)
  }
}

/**
 * Number of listeners of `event` on `emitter` (deprecated in Node, kept for old code).
 * @param {any} emitter
 * @param {string | symbol} event
 * @returns {number}
 */
export function listenerCount (emitter, event) {
  return emitter.listenerCount(event)
}

/**
 * Call `listener` once when `signal` aborts (at once, on a microtask, if it already has).
 * Returns a disposable that removes the listener.
 * @param {AbortSignal} signal
 * @param {(event: Event) => void} listener
 * @returns {{ dispose(): void }}
 */
export function addAbortListener (signal, listener) {
  checkSignal(signal, 'signal')
  if (signal.aborted) {
    queueMicrotask(() => listener(new Event('abort')))
    return { dispose () {} }
  }
  signal.addEventListener('abort', listener, { once: true })
  const disposable = { dispose () { signal.removeEventListener('abort', listener) } }
  const dispose = /** @type {any} */ (Symbol).dispose
  if (typeof dispose === 'symbol') /** @type {any} */ (disposable)[dispose] = disposable.dispose
  return disposable
}

// Node also exposes these as statics of EventEmitter.
for (const [name, value] of Object.entries({ on, getEventListeners, setMaxListeners, listenerCount, addAbortListener })) {
  if (!(name in EventEmitter)) {
    Object.defineProperty(EventEmitter, name, { value, writable: true, configurable: true, enumerable: false })
  }
}

// Oro's `events` module names the DOM's event classes too; they are the page's own (so an
// `instanceof` against the global holds), `undefined` where the engine lacks one.
const scope = /** @type {any} */ (globalThis)
/** @type {typeof globalThis.Event} */
export const Event = scope.Event
/** @type {typeof globalThis.EventTarget} */
export const EventTarget = scope.EventTarget
/** @type {typeof globalThis.CustomEvent} */
export const CustomEvent = scope.CustomEvent
/** @type {typeof globalThis.MessageEvent} */
export const MessageEvent = scope.MessageEvent
/** @type {typeof globalThis.ErrorEvent} */
export const ErrorEvent = scope.ErrorEvent

export { EventEmitter, once }
export default EventEmitter
