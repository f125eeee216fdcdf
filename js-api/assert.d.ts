/**
 * `oro:assert` (also `node:assert`) — Node's `assert` (the `assert` npm package).
 * @module oro:assert
 * @alias node:assert
 */

export class AssertionError extends Error {
  constructor (options: { message?: string, actual?: unknown, expected?: unknown, operator?: string, stackStartFn?: Function })
  readonly code: 'ERR_ASSERTION'
  actual: unknown
  expected: unknown
  operator: string
  generatedMessage: boolean
}

export type ErrorMatcher = RegExp | Function | Record<string, unknown> | Error | ((error: any) => boolean)

export interface AssertFunctions {
  (value: unknown, message?: string | Error): asserts value
  ok (value: unknown, message?: string | Error): asserts value
  equal (actual: unknown, expected: unknown, message?: string | Error): void
  notEqual (actual: unknown, expected: unknown, message?: string | Error): void
  deepEqual (actual: unknown, expected: unknown, message?: string | Error): void
  notDeepEqual (actual: unknown, expected: unknown, message?: string | Error): void
  strictEqual<T> (actual: unknown, expected: T, message?: string | Error): asserts actual is T
  notStrictEqual (actual: unknown, expected: unknown, message?: string | Error): void
  deepStrictEqual<T> (actual: unknown, expected: T, message?: string | Error): asserts actual is T
  notDeepStrictEqual (actual: unknown, expected: unknown, message?: string | Error): void
  throws (fn: () => unknown, error?: ErrorMatcher | string, message?: string | Error): void
  doesNotThrow (fn: () => unknown, error?: ErrorMatcher | string, message?: string | Error): void
  rejects (promiseOrFn: Promise<unknown> | (() => Promise<unknown>), error?: ErrorMatcher | string, message?: string | Error): Promise<void>
  doesNotReject (promiseOrFn: Promise<unknown> | (() => Promise<unknown>), error?: ErrorMatcher | string, message?: string | Error): Promise<void>
  ifError (value: unknown): void
  match (value: string, regexp: RegExp, message?: string | Error): void
  doesNotMatch (value: string, regexp: RegExp, message?: string | Error): void
  fail (message?: string | Error): never
  AssertionError: typeof AssertionError
  strict: AssertFunctions
}

declare const assertModule: AssertFunctions
export const ok: AssertFunctions['ok']
export const equal: AssertFunctions['equal']
export const notEqual: AssertFunctions['notEqual']
export const deepEqual: AssertFunctions['deepEqual']
export const notDeepEqual: AssertFunctions['notDeepEqual']
export const strictEqual: AssertFunctions['strictEqual']
export const notStrictEqual: AssertFunctions['notStrictEqual']
export const deepStrictEqual: AssertFunctions['deepStrictEqual']
export const notDeepStrictEqual: AssertFunctions['notDeepStrictEqual']
export const throws: AssertFunctions['throws']
export const doesNotThrow: AssertFunctions['doesNotThrow']
export const rejects: AssertFunctions['rejects']
export const doesNotReject: AssertFunctions['doesNotReject']
export const ifError: AssertFunctions['ifError']
export const match: AssertFunctions['match']
export const doesNotMatch: AssertFunctions['doesNotMatch']
export const fail: AssertFunctions['fail']
export const strict: AssertFunctions
/** The default export under its own name, as Oro's module names it. */
export const assert: AssertFunctions
export default assertModule
