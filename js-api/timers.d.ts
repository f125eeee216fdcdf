/**
 * `oro:timers` (also `node:timers`) — Node's timers with `Timeout`/`Immediate` objects and
 * Node's order of immediates, timers and microtasks.
 * @module oro:timers
 * @alias node:timers
 */

import * as promises from './timers/promises.js'

export class Timeout {
  _idleTimeout: number
  _onTimeout: (...args: any[]) => void
  _timerArgs: any[]
  _repeat: number | null
  _destroyed: boolean
  refresh (): this
  ref (): this
  unref (): this
  hasRef (): boolean
  close (): this
  [Symbol.toPrimitive] (): number
}

export class Immediate {
  _onImmediate: (...args: any[]) => void
  _argv: any[]
  _destroyed: boolean
  ref (): this
  unref (): this
  hasRef (): boolean
}

export function setTimeout<A extends any[]> (callback: (...args: A) => void, delay?: number, ...args: A): Timeout
export function setInterval<A extends any[]> (callback: (...args: A) => void, delay?: number, ...args: A): Timeout
export function setImmediate<A extends any[]> (callback: (...args: A) => void, ...args: A): Immediate
export function clearTimeout (timer: Timeout | number | string | null | undefined): void
export const clearInterval: typeof clearTimeout
export function clearImmediate (immediate: Immediate | null | undefined): void
export { promises }

/** The engine's own timer functions (Oro's `timers.platform`); `setImmediate` is the engine's
 * `setTimeout`, `postTask` is `scheduler.postTask` where there is one. */
export const platform: {
  readonly setTimeout: typeof globalThis.setTimeout
  readonly setInterval: typeof globalThis.setInterval
  readonly setImmediate: typeof globalThis.setTimeout
  readonly clearTimeout: typeof globalThis.clearTimeout
  readonly clearInterval: typeof globalThis.clearInterval
  readonly clearImmediate: typeof globalThis.clearTimeout
  readonly postTask: (callback: () => unknown, options?: { delay?: number, priority?: string, signal?: AbortSignal }) => Promise<unknown>
}
/** Resolves after `timeout` ms (Oro's `timers.sleep`); `sleep.sync(ms)` blocks the thread. */
export const sleep: ((timeout: number) => Promise<void>) & { sync (timeout: number): void }

declare const timers: {
  Immediate: typeof Immediate
  Timeout: typeof Timeout
  clearImmediate: typeof clearImmediate
  clearInterval: typeof clearInterval
  clearTimeout: typeof clearTimeout
  promises: typeof promises
  setImmediate: typeof setImmediate
  setInterval: typeof setInterval
  setTimeout: typeof setTimeout
  platform: typeof platform
  sleep: typeof sleep
}
export default timers
