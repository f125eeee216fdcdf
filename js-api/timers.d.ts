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
}
export default timers
