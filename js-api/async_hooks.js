/**
 * `oro:async_hooks` (also `node:async_hooks`) — Node's `AsyncLocalStorage` and `AsyncResource`
 * for a page, which has no async context of its own.
 *
 * A store set by `run()` holds while its function runs synchronously, and follows the callbacks
 * that carry a snapshot of it: those given to `oro:timers` (`setTimeout`, `setInterval`,
 * `setImmediate`) and to `oro:timers/promises`' iterator, and functions wrapped by
 * `AsyncResource.bind`, `AsyncLocalStorage.bind` and `AsyncLocalStorage.snapshot` (wrap a
 * callback before handing it to `queueMicrotask`, `addEventListener`, `fetch().then`...). It does
 * not follow `await`, promise reactions, the page's own `setTimeout` or event listeners: after
 * `await` inside `run()`, `getStore()` answers what is current when the continuation runs (usually
 * `undefined`). `createHook()` gives an object whose hooks never fire.
 * @module oro:async_hooks
 */

import { invalidArgType } from './errors.js'

/**
 * The stores current right now, by storage. Replaced (never mutated) on every change, so a
 * snapshot is the map itself.
 * @type {Map<AsyncLocalStorage<any>, unknown>}
 */
let current = new Map()

let lastAsyncId = 1
let executionId = 1
let triggerId = 0

/**
 * Calls `fn` with `context` as the current stores and the given async ids, then restores them.
 * @template R
 * @param {Map<AsyncLocalStorage<any>, unknown>} context
 * @param {number} asyncId
 * @param {number} trigger
 * @param {(...args: any[]) => R} fn
 * @param {unknown} thisArg
 * @param {any[]} args
 * @returns {R}
 */
function runWithin (context, asyncId, trigger, fn, thisArg, args) {
  const saved = current
  const savedIds = [executionId, triggerId]
  current = context
  executionId = asyncId
  triggerId = trigger
  try {
    return fn.apply(thisArg, args)
  } finally {
    current = saved
    executionId = savedIds[0]
    triggerId = savedIds[1]
  }
}

/**
 * Node's `AsyncLocalStorage`: a store that holds for a function and the callbacks it schedules
 * through the carriers this module lists.
 * @template T
 */
export class AsyncLocalStorage {
  /** @type {boolean} */
  #enabled = false

  /**
   * `fn` bound to the stores current now.
   * @template {(...args: any[]) => any} F
   * @param {F} fn
   * @returns {F}
   */
  static bind (fn) {
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn)
    return new AsyncResource('bound-anonymous-fn').bind(fn)
  }

  /**
   * A function that calls its argument within the stores current now.
   * @returns {<R, A extends any[]>(fn: (...args: A) => R, ...args: A) => R}
   */
  static snapshot () {
    const context = current
    const asyncId = executionId
    const trigger = triggerId
    return (fn, ...args) => runWithin(context, asyncId, trigger, fn, undefined, args)
  }

  /** The store current now, or `undefined` outside `run()`/`enterWith()`. @returns {T | undefined} */
  getStore () {
    if (!this.#enabled) return undefined
    return /** @type {T | undefined} */ (current.get(this))
  }

  /**
   * Calls `callback(...args)` with `store` as this storage's store, and answers what it returns.
   * @template R
   * @param {T} store
   * @param {(...args: any[]) => R} callback
   * @param {...any} args
   * @returns {R}
   */
  run (store, callback, ...args) {
    this.#enabled = true
    const context = new Map(current)
    context.set(this, store)
    return runWithin(context, executionId, triggerId, callback, undefined, args)
  }

  /**
   * Calls `callback(...args)` outside this storage's store.
   * @template R
   * @param {(...args: any[]) => R} callback
   * @param {...any} args
   * @returns {R}
   */
  exit (callback, ...args) {
    if (!this.#enabled) return callback(...args)
    const context = new Map(current)
    context.delete(this)
    return runWithin(context, executionId, triggerId, callback, undefined, args)
  }

  /**
   * Makes `store` current for the rest of this synchronous execution (until the task or the
   * callback that called it returns to oro:timers / a bound function, which restore theirs).
   * @param {T} store
   */
  enterWith (store) {
    this.#enabled = true
    const context = new Map(current)
    context.set(this, store)
    current = context
  }

  /** Stops answering stores until the next `run()` or `enterWith()`. */
  disable () {
    this.#enabled = false
    if (current.has(this)) {
      const context = new Map(current)
      context.delete(this)
      current = context
    }
  }
}

/** Node's `AsyncResource`: an async id and the stores current when it was made. */
export class AsyncResource {
  /** @type {Map<AsyncLocalStorage<any>, unknown>} */
  #context
  /** @type {number} */
  #asyncId
  /** @type {number} */
  #triggerAsyncId

  /**
   * @param {string} type
   * @param {number | { triggerAsyncId?: number, requireManualDestroy?: boolean }} [options]
   */
  constructor (type, options = {}) {
    if (typeof type !== 'string') throw invalidArgType('type', 'of type string', type)
    const trigger = typeof options === 'number' ? options : options?.triggerAsyncId
    this.#context = current
    this.#asyncId = ++lastAsyncId
    this.#triggerAsyncId = trigger ?? executionId
  }

  /**
   * `fn` bound to a new resource's stores.
   * @template {(...args: any[]) => any} F
   * @param {F} fn
   * @param {string} [type]
   * @param {unknown} [thisArg]
   * @returns {F}
   */
  static bind (fn, type, thisArg) {
    return new AsyncResource(type || fn?.name || 'bound-anonymous-fn').bind(fn, thisArg)
  }

  /**
   * Calls `fn` with this resource's stores and async id current.
   * @template R
   * @param {(...args: any[]) => R} fn
   * @param {unknown} [thisArg]
   * @param {...any} args
   * @returns {R}
   */
  runInAsyncScope (fn, thisArg, ...args) {
    return runWithin(this.#context, this.#asyncId, this.#triggerAsyncId, fn, thisArg, args)
  }

  /**
   * `fn` that always runs in this resource's scope (`this` is the caller's unless `thisArg`).
   * @template {(...args: any[]) => any} F
   * @param {F} fn
   * @param {unknown} [thisArg]
   * @returns {F}
   */
  bind (fn, thisArg) {
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn)
    const resource = this
    const bound = thisArg === undefined
      ? function (/** @type {any[]} */ ...args) {
        // @ts-ignore: `this` is the caller's, as in Node
        return resource.runInAsyncScope(fn, this, ...args)
      }
      : (/** @type {any[]} */ ...args) => resource.runInAsyncScope(fn, thisArg, ...args)
    Object.defineProperties(bound, {
      length: { configurable: true, enumerable: false, value: fn.length, writable: false },
      asyncResource: { configurable: true, enumerable: true, value: this, writable: true }
    })
    return /** @type {any} */ (bound)
  }

  /** Nothing to release in a page; answers the resource, as Node does. @returns {this} */
  emitDestroy () {
    return this
  }

  /** @returns {number} */
  asyncId () {
    return this.#asyncId
  }

  /** @returns {number} */
  triggerAsyncId () {
    return this.#triggerAsyncId
  }
}

/**
 * The id of the resource whose callback runs now (1 outside any).
 * @returns {number}
 */
export function executionAsyncId () {
  return executionId
}

/**
 * The id of the resource that caused the current one (0 outside any).
 * @returns {number}
 */
export function triggerAsyncId () {
  return triggerId
}

/**
 * The resource whose callback runs now: an object, as Node's is (its fields differ).
 * @returns {object}
 */
export function executionAsyncResource () {
  return { asyncId: executionId, triggerAsyncId: triggerId }
}

/**
 * @typedef {object} HookCallbacks
 * @property {(asyncId: number, type: string, triggerAsyncId: number, resource: object) => void} [init]
 * @property {(asyncId: number) => void} [before]
 * @property {(asyncId: number) => void} [after]
 * @property {(asyncId: number) => void} [destroy]
 * @property {(asyncId: number) => void} [promiseResolve]
 */

/**
 * @typedef {object} AsyncHook
 * @property {() => AsyncHook} enable
 * @property {() => AsyncHook} disable
 */

/**
 * Node's `createHook`: checks the callbacks as Node does and gives an `enable`/`disable`
 * object, but a page cannot see its async resources, so the hooks never fire.
 * @param {HookCallbacks} callbacks
 * @returns {AsyncHook}
 */
export function createHook (callbacks) {
  if (callbacks === null || typeof callbacks !== 'object') {
    throw invalidArgType('callbacks', 'of type object', callbacks)
  }
  for (const name of /** @type {const} */ (['init', 'before', 'after', 'destroy', 'promiseResolve'])) {
    const hook = callbacks[name]
    if (hook !== undefined && typeof hook !== 'function') {
      throw Object.assign(new TypeError(`hook.${name} must be a function`), { code: 'ERR_ASYNC_CALLBACK' })
    }
  }
  /** @type {AsyncHook} */
  const hook = {
    enable: () => hook,
    disable: () => hook
  }
  return hook
}

/** Node's table of provider types; the page has none of them, so it is empty. */
export const asyncWrapProviders = Object.freeze(/** @type {Record<string, number>} */ ({}))

export default {
  AsyncLocalStorage,
  AsyncResource,
  asyncWrapProviders,
  createHook,
  executionAsyncId,
  executionAsyncResource,
  triggerAsyncId
}
