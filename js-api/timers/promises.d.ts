/**
 * `oro:timers/promises` (also `node:timers/promises`) — Node's promise timers; aborting rejects
 * with an `AbortError` (`ABORT_ERR`, `cause` the signal's reason).
 * @module oro:timers/promises
 * @alias node:timers/promises
 */

export interface TimerOptions {
  signal?: AbortSignal
  ref?: boolean
}

export function setTimeout<T = void> (delay?: number, value?: T, options?: TimerOptions): Promise<T>
export function setImmediate<T = void> (value?: T, options?: TimerOptions): Promise<T>
export function setInterval<T = void> (delay?: number, value?: T, options?: TimerOptions): AsyncGenerator<T, void, unknown>

export const scheduler: {
  yield (): Promise<void>
  wait (delay: number, options?: { signal?: AbortSignal }): Promise<void>
}

declare const timersPromises: {
  scheduler: typeof scheduler
  setImmediate: typeof setImmediate
  setInterval: typeof setInterval
  setTimeout: typeof setTimeout
}
export default timersPromises
