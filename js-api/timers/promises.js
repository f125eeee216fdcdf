/**
 * `oro:timers/promises` (also `node:timers/promises`) — Node's promise timers over
 * `oro:timers`, with Node's `AbortError` (`code` `ABORT_ERR`, `cause` the signal's reason).
 * @module oro:timers/promises
 */

import * as timers from '../timers.js'
import { AbortError, invalidArgType } from '../errors.js'

/**
 * @typedef {object} TimerOptions
 * @property {AbortSignal} [signal] aborting rejects with an `AbortError`
 * @property {boolean} [ref] kept as the timer's `hasRef()` (a page has nothing to keep alive)
 */

/**
 * Node's `AbortError` for an aborted timer.
 * @param {AbortSignal | undefined} signal
 */
function abortError (signal) {
  return new AbortError('The operation was aborted', { cause: signal?.reason })
}

/**
 * Checks `options` as Node does and answers its signal and ref.
 * @param {unknown} options
 * @returns {{ signal: AbortSignal | undefined, ref: boolean }}
 */
function checkOptions (options) {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const { signal, ref = true } = /** @type {TimerOptions} */ (options)
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType('options.signal', 'an instance of AbortSignal', signal)
  }
  if (typeof ref !== 'boolean') throw invalidArgType('options.ref', 'of type boolean', ref)
  return { signal, ref }
}

/**
 * @param {unknown} delay
 */
function checkDelay (delay) {
  if (delay !== undefined && typeof delay !== 'number') throw invalidArgType('delay', 'of type number', delay)
}

/**
 * Resolves with `value` after `delay` ms.
 * @template [T=void]
 * @param {number} [delay]
 * @param {T} [value]
 * @param {TimerOptions} [options]
 * @returns {Promise<T>}
 */
export function setTimeout (delay, value, options = {}) {
  try {
    checkDelay(delay)
    const { signal, ref } = checkOptions(options)
    if (signal?.aborted) return Promise.reject(abortError(signal))
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        timers.clearTimeout(timer)
        reject(abortError(signal))
      }
      const timer = timers.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve(/** @type {T} */ (value))
      }, delay)
      if (!ref) timer.unref()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * Resolves with `value` after the current callback, as `setImmediate` would call it.
 * @template [T=void]
 * @param {T} [value]
 * @param {TimerOptions} [options]
 * @returns {Promise<T>}
 */
export function setImmediate (value, options = {}) {
  try {
    const { signal, ref } = checkOptions(options)
    if (signal?.aborted) return Promise.reject(abortError(signal))
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        timers.clearImmediate(immediate)
        reject(abortError(signal))
      }
      const immediate = timers.setImmediate(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve(/** @type {T} */ (value))
      })
      if (!ref) immediate.unref()
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * An async iterator that yields `value` every `delay` ms (once per tick that has passed, as
 * Node's does) until the loop ends or the signal aborts.
 * @template [T=void]
 * @param {number} [delay]
 * @param {T} [value]
 * @param {TimerOptions} [options]
 * @returns {AsyncGenerator<T, void, unknown>}
 */
export async function * setInterval (delay, value, options = {}) {
  checkDelay(delay)
  const { signal, ref } = checkOptions(options)
  if (signal?.aborted) throw abortError(signal)
  /** @type {(() => void) | undefined} */
  let onCancel
  /** @type {timers.Timeout | undefined} */
  let interval
  try {
    let notYielded = 0
    /** @type {((value?: any) => void) | undefined} */
    let callback
    interval = timers.setInterval(() => {
      notYielded++
      if (callback) {
        callback()
        callback = undefined
      }
    }, delay)
    if (!ref) interval.unref()
    if (signal) {
      onCancel = () => {
        timers.clearInterval(interval)
        if (callback) {
          callback(Promise.reject(abortError(signal)))
          callback = undefined
        }
      }
      signal.addEventListener('abort', onCancel, { once: true })
    }
    while (!signal?.aborted) {
      if (notYielded === 0) await new Promise((resolve) => { callback = resolve })
      for (; notYielded > 0; notYielded--) yield /** @type {T} */ (value)
    }
    throw abortError(signal)
  } finally {
    timers.clearInterval(interval)
    if (onCancel) signal?.removeEventListener('abort', onCancel)
  }
}

/** Node's `scheduler` (the proposed Web Scheduling API's `wait` and `yield`). */
class Scheduler {
  /**
   * Resolves after the current callback, as `setImmediate` would.
   * @returns {Promise<void>}
   */
  yield () {
    return setImmediate()
  }

  /**
   * Resolves after `delay` ms.
   * @param {number} delay
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<void>}
   */
  wait (delay, options) {
    return setTimeout(delay, undefined, { signal: options?.signal })
  }
}

export const scheduler = new Scheduler()

export default {
  scheduler,
  setImmediate,
  setInterval,
  setTimeout
}
