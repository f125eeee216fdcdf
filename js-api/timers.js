/**
 * `oro:timers` (also `node:timers`) — Node's timers over the page's clock, with Node's
 * `Timeout`/`Immediate` objects and Node's order of callbacks.
 *
 * The timers of this module run through a small event loop of their own, modelled on Node's:
 * each turn runs the due timers (by due time, then creation order), then the immediates queued
 * before that phase began; an immediate queued outside the loop (page code, an I/O callback)
 * starts a turn at the immediates. So, as in Node, `setImmediate` scheduled in a timer or an I/O
 * callback runs before a `setTimeout(fn, 0)` scheduled there, two due timers run before the
 * immediates they queue, and microtasks run after every callback (each is a task of its own,
 * dispatched through a `MessageChannel`). The page's clock wakes the loop (a native
 * `setTimeout` per timer). Timers made with the page's global `setTimeout` are not part of that
 * order, and the page's global `clearTimeout` does not cancel these (this module's
 * `clearTimeout` takes both). `ref()`/`unref()` only keep their flag:
 * nothing keeps a page alive.
 * @module oro:timers
 */

import { AsyncResource } from './async_hooks.js'
import { invalidArgType } from './errors.js'
import * as promises from './timers/promises.js'

const TIMEOUT_MAX = 2 ** 31 - 1

const host = /** @type {any} */ (globalThis)
const nativeSetTimeout = /** @type {(fn: () => void, ms: number) => any} */ (host.setTimeout.bind(host))
const nativeClearTimeout = /** @type {(handle: any) => void} */ (host.clearTimeout.bind(host))

/**
 * Runs `fn` in a task of its own, after the tasks dispatched before it. Node (unit tests) has
 * `setImmediate`; a page gets a `MessageChannel`, whose messages are delivered in order.
 * @type {(fn: () => void) => void}
 */
const dispatch = (() => {
  if (typeof host.setImmediate === 'function') return (fn) => { host.setImmediate(fn) }
  const channel = new MessageChannel()
  /** @type {Array<() => void>} */
  const queue = []
  channel.port1.onmessage = () => { queue.shift()?.() }
  return (fn) => {
    queue.push(fn)
    channel.port2.postMessage(null)
  }
})()

/** @type {number | undefined} */
let cachedNow

/**
 * Milliseconds, the same for the whole synchronous run (Node reads its loop's cached time), so
 * timers made together with the same delay are due together.
 * @returns {number}
 */
function loopNow () {
  if (cachedNow === undefined) {
    cachedNow = Math.floor(performance.now())
    queueMicrotask(() => { cachedNow = undefined })
  }
  return cachedNow
}

/** @type {Set<Timeout>} */
const active = new Set()
/** @type {Map<number, Timeout>} */
const byId = new Map()
/** @type {Immediate[]} */
let immediates = []
/** @type {'idle' | 'timers' | 'check'} */
let phase = 'idle'
/** @type {Array<() => void>} */
let jobs = []
let stepQueued = false
let sequence = 0
// Ids of their own, far above the page's timer ids: the page's `clearTimeout(timer)` must not
// cancel some other timer of the page by accident (it leaves these alone).
let lastId = 2 ** 30

function kick () {
  if (!stepQueued) {
    stepQueued = true
    dispatch(step)
  }
}

/** One callback per task, so that microtasks run between callbacks as they do in Node. */
function step () {
  stepQueued = false
  advance()
  const job = jobs.shift()
  if (!job) return
  // The next step is queued before the job runs: a throwing callback must not stop the loop.
  kick()
  job()
}

/** Moves to the next phase with work, or to idle when there is none. */
function advance () {
  while (jobs.length === 0 && phase !== 'idle') {
    if (phase === 'timers') {
      phase = 'check'
      jobs = takeImmediates()
    } else {
      const due = dueTimers()
      if (due.length === 0 && immediates.length === 0) {
        phase = 'idle'
      } else {
        phase = 'timers'
        jobs = due
      }
    }
  }
}

/** @returns {Array<() => void>} */
function takeImmediates () {
  const taken = immediates
  immediates = []
  return taken.map((immediate) => () => immediate._run())
}

/** @returns {Array<() => void>} */
function dueTimers () {
  // A woken timer proves the page's clock reached its due time, even where `performance.now()`
  // (coarsened, with jitter) still reads a little earlier: timers due no later are due too, so
  // two timers made together with the same delay run in one turn, as in Node.
  let now = performance.now()
  for (const timer of active) if (timer._woken) now = Math.max(now, timer._due)
  return [...active]
    .filter((timer) => timer._isDue(now))
    .sort((a, b) => a._due - b._due || a._sequence - b._sequence)
    .map((timer) => () => timer._fire())
}

/** @param {'timers' | 'check'} start */
function wake (start) {
  if (phase !== 'idle') return
  phase = start
  jobs = start === 'timers' ? dueTimers() : takeImmediates()
  kick()
}

/**
 * @param {unknown} callback
 * @returns {asserts callback is (...args: any[]) => void}
 */
function validateCallback (callback) {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
}

/**
 * Node's delay: a number of ms from 1 to 2**31-1, anything else is 1.
 * @param {unknown} delay
 */
function normalizeDelay (delay) {
  const after = Number(delay)
  return after >= 1 && after <= TIMEOUT_MAX ? after : 1
}

const disposeSymbol = /** @type {any} */ (Symbol).dispose

/** Node's `Timeout`: what `setTimeout` and `setInterval` return. */
export class Timeout {
  /** @type {any} */
  #handle
  #id = 0
  #woken = false
  #refed = true
  #cleared = false
  #resource

  /**
   * @param {(...args: any[]) => void} callback
   * @param {number} delay
   * @param {any[]} args
   * @param {boolean} repeat
   */
  constructor (callback, delay, args, repeat) {
    this._idleTimeout = delay
    this._onTimeout = callback
    this._timerArgs = args
    /** @type {number | null} */
    this._repeat = repeat ? delay : null
    this._destroyed = false
    this._due = 0
    this._sequence = 0
    // Node's timer is an async resource: its callback runs with the stores current at creation.
    this.#resource = new AsyncResource('Timeout')
    this.#arm()
  }

  #arm () {
    if (this.#handle !== undefined) nativeClearTimeout(this.#handle)
    this._due = loopNow() + this._idleTimeout
    this._sequence = ++sequence
    this.#woken = false
    this._destroyed = false
    this.#handle = nativeSetTimeout(() => {
      this.#woken = true
      wake('timers')
    }, this._idleTimeout)
    if (!this.#refed) this.#handle?.unref?.()
    if (this.#id === 0) this.#id = ++lastId
    active.add(this)
    byId.set(this.#id, this)
  }

  #end () {
    active.delete(this)
    byId.delete(this.#id)
    this._destroyed = true
  }

  /**
   * @param {number} now
   * @returns {boolean}
   */
  _isDue (now) {
    return this.#woken || this._due <= now
  }

  /** Whether the page's clock has woken this timer (its due time has come). */
  get _woken () {
    return this.#woken
  }

  _fire () {
    if (!active.has(this) || typeof this._onTimeout !== 'function') return
    const repeat = this._repeat !== null
    if (!repeat) {
      this.#end()
      nativeClearTimeout(this.#handle)
    }
    try {
      // Node calls a timer's callback with the timer as `this`.
      this.#resource.runInAsyncScope(this._onTimeout, this, ...this._timerArgs)
    } finally {
      if (repeat && !this.#cleared && active.has(this)) this.#arm()
    }
  }

  /** Restarts the delay from now (also after the timer fired, not after it was cleared). */
  refresh () {
    if (!this.#cleared) this.#arm()
    return this
  }

  /** Marks the timer as keeping the app alive (the default); a page has nothing to keep. */
  ref () {
    this.#refed = true
    this.#handle?.ref?.()
    return this
  }

  unref () {
    this.#refed = false
    this.#handle?.unref?.()
    return this
  }

  /** @returns {boolean} */
  hasRef () {
    return this.#refed
  }

  /** Cancels the timer, as `clearTimeout(timer)` does. */
  close () {
    this.#cleared = true
    this._idleTimeout = -1
    nativeClearTimeout(this.#handle)
    this.#end()
    return this
  }

  /** The timer's id: `clearTimeout(Number(timer))` cancels it. */
  [Symbol.toPrimitive] () {
    return this.#id
  }

  static {
    if (disposeSymbol) {
      Object.defineProperty(Timeout.prototype, disposeSymbol, {
        configurable: true,
        writable: true,
        /** @this {Timeout} */
        value: function () { this.close() }
      })
    }
  }
}

/** Node's `Immediate`: what `setImmediate` returns. */
export class Immediate {
  #refed = true
  #resource

  /**
   * @param {(...args: any[]) => void} callback
   * @param {any[]} args
   */
  constructor (callback, args) {
    this._onImmediate = callback
    this._argv = args
    this._destroyed = false
    this.#resource = new AsyncResource('Immediate')
    immediates.push(this)
    wake('check')
  }

  _run () {
    if (this._destroyed) return
    this._destroyed = true
    this.#resource.runInAsyncScope(this._onImmediate, this, ...this._argv)
  }

  ref () {
    this.#refed = true
    return this
  }

  unref () {
    this.#refed = false
    return this
  }

  /** @returns {boolean} */
  hasRef () {
    return this.#refed
  }

  static {
    if (disposeSymbol) {
      Object.defineProperty(Immediate.prototype, disposeSymbol, {
        configurable: true,
        writable: true,
        /** @this {Immediate} */
        value: function () { clearImmediate(this) }
      })
    }
  }
}

/**
 * Calls `callback(...args)` once after `delay` ms (1 when missing or out of range).
 * @param {(...args: any[]) => void} callback
 * @param {number} [delay]
 * @param {...any} args
 * @returns {Timeout}
 */
export function setTimeout (callback, delay, ...args) {
  validateCallback(callback)
  return new Timeout(callback, normalizeDelay(delay), args, false)
}

/**
 * Calls `callback(...args)` every `delay` ms.
 * @param {(...args: any[]) => void} callback
 * @param {number} [delay]
 * @param {...any} args
 * @returns {Timeout}
 */
export function setInterval (callback, delay, ...args) {
  validateCallback(callback)
  return new Timeout(callback, normalizeDelay(delay), args, true)
}

/**
 * Calls `callback(...args)` after the current callback and its microtasks, before timers
 * scheduled in the same callback.
 * @param {(...args: any[]) => void} callback
 * @param {...any} args
 * @returns {Immediate}
 */
export function setImmediate (callback, ...args) {
  validateCallback(callback)
  return new Immediate(callback, args)
}

/**
 * Cancels a `Timeout`, given as the object or its number; anything else is handed to the page's
 * `clearTimeout`.
 * @param {Timeout | number | string | null | undefined} timer
 */
export function clearTimeout (timer) {
  if (timer instanceof Timeout) {
    timer.close()
    return
  }
  if (typeof timer === 'number' || typeof timer === 'string') {
    const known = byId.get(Number(timer))
    if (known) {
      known.close()
      return
    }
  }
  if (timer !== null && timer !== undefined) nativeClearTimeout(timer)
}

/** Same as `clearTimeout`. */
export const clearInterval = clearTimeout

/**
 * Cancels an `Immediate`.
 * @param {Immediate | null | undefined} immediate
 */
export function clearImmediate (immediate) {
  if (!(immediate instanceof Immediate) || immediate._destroyed) return
  immediate._destroyed = true
  immediates = immediates.filter((queued) => queued !== immediate)
}

/**
 * The engine's own timer functions, bound to the global object (Oro's `timers.platform`):
 * `setImmediate`/`clearImmediate` are the engine's timeout ones (a page has no immediates), and
 * `postTask` is `scheduler.postTask` where the engine has it (Chromium), else a function that
 * resolves without running anything, as in Oro.
 */
export const platform = Object.freeze({
  setTimeout: host.setTimeout.bind(host),
  setInterval: host.setInterval.bind(host),
  setImmediate: host.setTimeout.bind(host),
  clearTimeout: host.clearTimeout.bind(host),
  clearInterval: host.clearInterval.bind(host),
  clearImmediate: host.clearTimeout.bind(host),
  postTask: host.scheduler?.postTask?.bind(host.scheduler) ?? (async function notSupported () {})
})

/**
 * Resolves after `timeout` ms (Oro's `timers.sleep`; a timer of this module, so it keeps the
 * order of Node's timers).
 * @param {number} timeout
 * @returns {Promise<void>}
 */
export function sleep (timeout) {
  return new Promise((resolve) => { setTimeout(resolve, timeout) })
}

/**
 * Blocks the thread for `timeout` ms (Oro's `sleep.sync`). A worker waits with `Atomics.wait`;
 * a page's main thread may not, so there it spins on `performance.now()`: nothing else of the
 * page runs meanwhile, as with any synchronous wait.
 * @param {number} timeout
 */
sleep.sync = function sync (timeout) {
  const ms = Math.max(0, Number(timeout) || 0)
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
    return
  } catch {
    // The main thread of a page, or no SharedArrayBuffer (a page without cross-origin isolation).
  }
  const end = performance.now() + ms
  while (performance.now() < end) { /* spin */ }
}

export { promises }

export default {
  Immediate,
  Timeout,
  clearImmediate,
  clearInterval,
  clearTimeout,
  promises,
  setImmediate,
  setInterval,
  setTimeout,
  platform,
  sleep
}
