/**
 * `oro:process` (also `node:process`) — Node's `process` for a page: facts handed at load answer
 * at once, `nextTick` runs before promise callbacks, `exit()` stops the app. Not a global: import it.
 * @module oro:process
 * @alias node:process
 * @plugin process
 */

import type { EventEmitter } from './events.js'

export interface HRTime {
  /** `[seconds, nanoseconds]`, relative to `time` when given. */
  (time?: [number, number]): [number, number]
  /** Nanoseconds. */
  bigint (): bigint
}

export interface MemoryUsage {
  /** The host's resident set size. */
  rss: number
  /** The page's JS heap (Chromium's `performance.memory`), else 0. */
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export interface MemoryUsageFn {
  (): MemoryUsage
  /** The host's resident set size (a synchronous call). */
  rss (): number
}

/** Writes to the console, line by line. */
export interface ConsoleWritable {
  readonly fd: number
  readonly isTTY: false
  readonly writable: true
  write (chunk: string | Uint8Array, encoding?: string | (() => void), callback?: () => void): boolean
  end (chunk?: string | Uint8Array): void
}

export interface WarningOptions {
  type?: string
  code?: string
  detail?: string
}

export interface Process extends EventEmitter {
  readonly env: Record<string, string>
  readonly argv: string[]
  readonly argv0: string
  readonly execArgv: string[]
  readonly execPath: string
  readonly pid: number
  readonly ppid: number
  readonly platform: string
  readonly arch: string
  /** `v<oro-framework release>`. */
  readonly version: string
  readonly versions: Readonly<Record<string, string>>
  readonly release: { name: string }
  readonly exiting: boolean
  title: string
  exitCode: number | undefined
  readonly stdout: ConsoleWritable
  readonly stderr: ConsoleWritable
  cwd (): string
  /** Throws `ERR_WORKER_UNSUPPORTED_OPERATION`. */
  chdir (directory: string): never
  nextTick (callback: (...args: any[]) => void, ...args: any[]): void
  hrtime: HRTime
  uptime (): number
  memoryUsage: MemoryUsageFn
  /** Emits `'exit'`, then asks the host to stop the app. */
  exit (code?: number): void
  emitWarning (warning: string | Error, options?: string | WarningOptions, code?: string): void
}

/** Runs `callback` after the current code, before promise callbacks queued after it. */
export function nextTick (callback: (...args: any[]) => void, ...args: any[]): void
export const hrtime: HRTime
/** Seconds since the host process started. */
export function uptime (): number
export const memoryUsage: MemoryUsageFn
/** Oro's event for a change of `env`: the variable's `key` and new `value` (none on delete). */
export class ProcessEnvironmentEvent extends Event {
  constructor (type: string, key: string | symbol, value?: unknown)
  key: string | symbol
  value: unknown
}
/** Oro's observable environment: dispatches `set`, `delete`, then `change`. */
export class ProcessEnvironment extends EventTarget {
  get [Symbol.toStringTag] (): string
}
/**
 * Only the variables the app declares (`build.env`, `[env]`), read and set as Node's
 * `process.env` and listened to as Oro's `ProcessEnvironment`; `env.proxy` is `env`.
 */
export const env: Record<string, string> & ProcessEnvironment & { readonly proxy: Record<string, string> }
export const argv: string[]
export const platform: string
export const arch: string
export const pid: number
export const ppid: number
export const execPath: string
export const execArgv: string[]
export const argv0: string
export const title: string
export const version: string
export const versions: Readonly<Record<string, string>>
export const release: { name: string }
export const stdout: ConsoleWritable
export const stderr: ConsoleWritable
export function cwd (): string
export function chdir (directory: string): never
export function exit (code?: number): void
export function emitWarning (warning: string | Error, options?: string | WarningOptions, code?: string): void

declare const process: Process
export default process
