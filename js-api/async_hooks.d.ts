/**
 * `oro:async_hooks` (also `node:async_hooks`) — Node's `AsyncLocalStorage` and `AsyncResource`;
 * stores follow oro:timers callbacks and bound functions, not `await`. Hooks never fire.
 * @module oro:async_hooks
 * @alias node:async_hooks
 */

export class AsyncLocalStorage<T> {
  static bind<F extends (...args: any[]) => any> (fn: F): F
  static snapshot (): <R, A extends any[]>(fn: (...args: A) => R, ...args: A) => R
  getStore (): T | undefined
  run<R> (store: T, callback: (...args: any[]) => R, ...args: any[]): R
  exit<R> (callback: (...args: any[]) => R, ...args: any[]): R
  enterWith (store: T): void
  disable (): void
}

export class AsyncResource {
  constructor (type: string, options?: number | { triggerAsyncId?: number, requireManualDestroy?: boolean })
  static bind<F extends (...args: any[]) => any> (fn: F, type?: string, thisArg?: unknown): F
  runInAsyncScope<R> (fn: (...args: any[]) => R, thisArg?: unknown, ...args: any[]): R
  bind<F extends (...args: any[]) => any> (fn: F, thisArg?: unknown): F
  emitDestroy (): this
  asyncId (): number
  triggerAsyncId (): number
}

export interface HookCallbacks {
  init?: (asyncId: number, type: string, triggerAsyncId: number, resource: object) => void
  before?: (asyncId: number) => void
  after?: (asyncId: number) => void
  destroy?: (asyncId: number) => void
  promiseResolve?: (asyncId: number) => void
}

export interface AsyncHook {
  enable (): AsyncHook
  disable (): AsyncHook
}

export function executionAsyncId (): number
export function triggerAsyncId (): number
export function executionAsyncResource (): object
/** Checks the callbacks as Node does; the hooks never fire in a page. */
export function createHook (callbacks: HookCallbacks): AsyncHook
export const asyncWrapProviders: Readonly<Record<string, number>>

declare const asyncHooks: {
  AsyncLocalStorage: typeof AsyncLocalStorage
  AsyncResource: typeof AsyncResource
  asyncWrapProviders: typeof asyncWrapProviders
  createHook: typeof createHook
  executionAsyncId: typeof executionAsyncId
  executionAsyncResource: typeof executionAsyncResource
  triggerAsyncId: typeof triggerAsyncId
}
export default asyncHooks
