/**
 * `oro:console` (also `node:console`) — the page's console and Node's `Console` class.
 * @module oro:console
 * @alias node:console
 */

export interface WritableLike { write (chunk: string): unknown }
export interface ConsoleOptions {
  stdout: WritableLike
  stderr?: WritableLike
  ignoreErrors?: boolean
  colorMode?: boolean | 'auto'
  inspectOptions?: Record<string, unknown>
  groupIndentation?: number
}

export class Console {
  constructor (stdout: WritableLike, stderr?: WritableLike, ignoreErrors?: boolean)
  constructor (options: ConsoleOptions)
  log (...args: unknown[]): void
  info (...args: unknown[]): void
  debug (...args: unknown[]): void
  dirxml (...args: unknown[]): void
  warn (...args: unknown[]): void
  error (...args: unknown[]): void
  dir (object: unknown, options?: Record<string, unknown>): void
  trace (...args: unknown[]): void
  assert (value: unknown, ...args: unknown[]): void
  group (...labels: unknown[]): void
  groupCollapsed (...labels: unknown[]): void
  groupEnd (): void
  count (label?: string): void
  countReset (label?: string): void
  time (label?: string): void
  timeLog (label?: string, ...data: unknown[]): void
  timeEnd (label?: string): void
  table (data: unknown): void
  clear (): void
}

export const log: typeof globalThis.console.log
export const info: typeof globalThis.console.info
export const debug: typeof globalThis.console.debug
export const warn: typeof globalThis.console.warn
export const error: typeof globalThis.console.error
export const dir: typeof globalThis.console.dir
export const dirxml: typeof globalThis.console.dirxml
export const table: typeof globalThis.console.table
export const trace: typeof globalThis.console.trace
export const assert: typeof globalThis.console.assert
export const clear: typeof globalThis.console.clear
export const count: typeof globalThis.console.count
export const countReset: typeof globalThis.console.countReset
export const group: typeof globalThis.console.group
export const groupCollapsed: typeof globalThis.console.groupCollapsed
export const groupEnd: typeof globalThis.console.groupEnd
export const time: typeof globalThis.console.time
export const timeEnd: typeof globalThis.console.timeEnd
export const timeLog: typeof globalThis.console.timeLog

/** The page's own `console` (Oro's `globalConsole`). */
export const globalConsole: typeof globalThis.console
/** Oro's `patchGlobalConsole`: mirror each line of `target` (default: the page's console) to
 * `options.postMessage` as `ipc://stdout?value=…` / `ipc://stderr?value=…`; originals stay as
 * `method.platform`. Idempotent. */
export function patchGlobalConsole<T extends object = typeof globalThis.console> (target?: T | null, options?: { postMessage?: (message: string) => unknown }): T

declare const pageConsole: typeof globalThis.console & { Console: typeof Console, globalConsole: typeof globalThis.console }
export default pageConsole
