/**
 * `oro:test` (also `node:test`) — Oro's tapzero-style test runner: `test(name, fn)` with
 * `t.ok`/`t.equal`/`t.deepEqual`/`t.throws`..., TAP version 13 output that `oro test` collects.
 * @module oro:test
 * @alias node:test
 */

export type TestFn = (t: Test) => void | Promise<void>

export interface RunResult {
  total: number
  success: number
  fail: number
}

export interface AssertionDetails {
  pass: boolean
  id: number
  description: string
  operator?: string
  actual?: unknown
  expected?: unknown
  origin?: Error
}

export function getDefaultTestRunnerTimeout (): number
export function toJSON (value: unknown): string
export function deepEqual (a: unknown, b: unknown): boolean
export function formatAssertion (details: AssertionDetails): string[]

export class Test {
  constructor (name: string, fn: TestFn, runner: TestRunner)
  name: string
  fn: TestFn
  runner: TestRunner
  strict: boolean
  done: boolean
  skipped: boolean
  /** Ended by `abandon()` before its function settled. */
  abandoned: boolean
  /** End the test now, its function unsettled; later assertions are not counted. */
  abandon (reason: string): void
  comment (message: string): void
  plan (count: number): void
  ok (actual: unknown, message?: string): void
  notOk (actual: unknown, message?: string): void
  equal<T> (actual: T, expected: T, message?: string): void
  notEqual (actual: unknown, expected: unknown, message?: string): void
  deepEqual<T> (actual: T, expected: T, message?: string): void
  notDeepEqual (actual: unknown, expected: unknown, message?: string): void
  pass (message?: string): void
  fail (message?: string): void
  ifError (error: unknown, message?: string): void
  /** `fn` throws what `expected` describes: nothing (`null`), a RegExp its message matches, an
   * error class, a validation function answering `true`, or an object of its properties. */
  throws (fn: () => unknown, expected?: ThrowsExpectation | string | null, message?: string): void
  doesNotThrow (fn: () => unknown, expected?: ThrowsExpectation | string | null, message?: string): void
  rejects (promiseOrFn: Promise<unknown> | (() => Promise<unknown>), expected?: ThrowsExpectation | string | null, message?: string): Promise<void>
  sleep (ms: number, message?: string): Promise<void>
  requestAnimationFrame (message?: string): Promise<void>
  querySelector (selector: string, message?: string): Element | null
  querySelectorAll (selector: string, message?: string): Element[]
  click (selector: string | HTMLElement, message?: string): Promise<void>
  eventClick (selector: string | Element, message?: string): Promise<void>
  dispatchEvent (event: string | Event, target: string | Element, message?: string): Promise<void>
  focus (selector: string | Element, message?: string): Promise<void>
  blur (selector: string | Element, message?: string): Promise<void>
  type (selector: string | Element, text: string, message?: string): Promise<void>
  appendChild (parentSelector: string | Element, child: Element, message?: string): Promise<void>
  removeElement (selector: string | Element, message?: string): Promise<void>
  elementVisible (selector: string | Element, message?: string): Promise<void>
  elementInvisible (selector: string | Element, message?: string): Promise<void>
  waitFor (selectorOrFn: string | (() => Element | null | undefined), options?: { visible?: boolean, timeout?: number } | string, message?: string): Promise<Element | void>
  waitForText (selector: string | Element, options: { text?: string, regex?: RegExp, timeout?: number, multipleTags?: boolean } | string | RegExp, message?: string): Promise<Element | void>
  getComputedStyle (selector: string | Element, message?: string): CSSStyleDeclaration
  run (): Promise<{ pass: number, fail: number }>
}

/** What `t.throws()` checks a thrown error against. */
export type ThrowsExpectation = RegExp | (new (...args: any[]) => unknown) | ((error: unknown) => boolean) | Record<string, unknown>

export class TestRunner {
  constructor (report?: ((line: string) => void) | null)
  report: (line: string) => void
  tests: Test[]
  onlyTests: Test[]
  scheduled: boolean
  completed: boolean
  strict: boolean
  autoRun: boolean
  match: RegExp | null
  begun: boolean
  /** The test running now, if any. */
  current: Test | null
  begin (): void
  readonly length: number
  nextId (): string
  add (name: string, fn: TestFn, only: boolean, skipped?: boolean): void
  record (pass: boolean, details: { description: string, operator: string, actual?: unknown, expected?: unknown, origin?: Error }): void
  failRun (description: string, error: unknown): void
  run (): Promise<RunResult>
  onFinish (callback: (result: RunResult) => void): void
}

export const GLOBAL_TEST_RUNNER: TestRunner

export interface TestFunction {
  (name: string, fn?: TestFn): void
  only (name: string, fn?: TestFn): void
  skip (name: string, fn?: TestFn): void
  /** Oro's OS variants: the test is registered only on that OS (nothing is registered elsewhere). */
  linux (name: string, fn?: TestFn): void
  windows (name: string, fn?: TestFn): void
  win32 (name: string, fn?: TestFn): void
  unix (name: string, fn?: TestFn): void
  macosx (name: string, fn?: TestFn): void
  macos (name: string, fn?: TestFn): void
  mac (name: string, fn?: TestFn): void
  darwin (name: string, fn?: TestFn): void
  iphone: ((name: string, fn?: TestFn) => void) & { simulator (name: string, fn?: TestFn): void }
  ios: ((name: string, fn?: TestFn) => void) & { simulator (name: string, fn?: TestFn): void }
  android: ((name: string, fn?: TestFn) => void) & { emulator (name: string, fn?: TestFn): void }
  desktop (name: string, fn?: TestFn): void
  mobile (name: string, fn?: TestFn): void
}

export const test: TestFunction
export function only (name: string, fn?: TestFn): void
export function skip (name: string, fn?: TestFn): void
export function setStrict (strict: boolean): void

export default test
