/**
 * `oro:child_process` (also `node:child_process`) — Node's `child_process` for page JavaScript:
 * programs the app's `[process]` policy allows, run by the host. `stdout`/`stderr` are
 * `Readable`s and `stdin` a `Writable` of `oro:stream`; errors carry Node's `code`, `errno`,
 * `syscall`, `path` and `spawnargs`. The synchronous forms throw `NotSupportedError`.
 * @module oro:child_process
 * @alias node:child_process
 */

import { EventEmitter } from 'oro:events'
import { AsyncResource } from 'oro:async_hooks'
import { Readable, Writable } from 'oro:stream'
import type { Buffer, BufferEncoding } from 'oro:buffer'

export type StdioPipe = 'pipe' | 'overlapped' | 'ignore' | null | undefined

export interface SpawnOptions {
  /** The child's working directory (default: the app's data directory). */
  cwd?: string | URL
  /** The whole environment (names must be on `[process] env`); default: the host's values of those names. */
  env?: Record<string, string | undefined>
  /** `true`: run `/bin/sh -c <command and args>` (allowed only when `sh` is); a string: that shell. */
  shell?: boolean | string
  /** ms after which the host sends `killSignal` (0: never). */
  timeout?: number
  killSignal?: string | number
  /** Per fd: `pipe` or `ignore` (the page has none of the host's descriptors to give). */
  stdio?: StdioPipe | [StdioPipe, StdioPipe?, StdioPipe?]
  /** Aborting it kills the child (`killSignal`) and emits an `AbortError`. */
  signal?: AbortSignal
  /** Refused (`NotSupportedError`): children run as the host's user. */
  uid?: never
  /** Refused (`NotSupportedError`). */
  gid?: never
  /** Refused (`NotSupportedError`): the host runs the program under the name it allowed. */
  argv0?: never
  /** Ignored: every child runs in a process group of its own. */
  detached?: boolean
  /** Ignored. */
  windowsHide?: boolean
}

export interface ExecOptions extends Omit<SpawnOptions, 'stdio'> {
  /** `'buffer'` (or an unknown encoding) gives Buffers; default `'utf8'` strings. */
  encoding?: BufferEncoding | 'buffer' | null
  /** Bytes of stdout or stderr before the child is killed (default 1 MiB). */
  maxBuffer?: number
}

export interface ExecOptionsWithBuffer extends ExecOptions {
  encoding: 'buffer' | null
}

/** A failed spawn, as Node reports it (`spawn foo ENOENT`). */
export interface SpawnError extends Error {
  code: string
  errno: number
  syscall: string
  path: string
  spawnargs: string[]
}

/** The error `exec`/`execFile` give a child that failed (exit code, signal, maxBuffer...). */
export interface ExecException extends Error {
  /** The exit code, or the spawn error's code. */
  code?: number | string | null
  killed?: boolean
  signal?: string | null
  cmd?: string
  stdout?: string | Buffer
  stderr?: string | Buffer
}

export type ExecCallback<T extends string | Buffer = string> = (error: ExecException | null, stdout: T, stderr: T) => void

/** Node's AbortError (`ABORT_ERR`). */
export class AbortError extends Error {
  constructor (message?: string, options?: { cause?: unknown })
  code: 'ABORT_ERR'
}

/** A program the host runs for this page (Node's `ChildProcess`). */
export class ChildProcess extends EventEmitter {
  /** The child's process id, once `spawn` was emitted (Node knows it at once). */
  pid: number | undefined
  stdin: Writable | null
  stdout: Readable | null
  stderr: Readable | null
  readonly stdio: [Writable | null, Readable | null, Readable | null]
  exitCode: number | null
  signalCode: string | null
  killed: boolean
  /** Always `false`: no IPC channel. */
  connected: boolean
  spawnargs: string[]
  spawnfile: string | undefined
  /** `true` while the page knows the child runs; `false` once it exited or never started. */
  kill (signal?: string | number): boolean
  ref (): this
  unref (): this
  on (event: 'spawn', listener: () => void): this
  on (event: 'exit' | 'close', listener: (code: number | null, signal: string | null) => void): this
  on (event: 'error', listener: (error: Error) => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
  once (event: 'spawn', listener: () => void): this
  once (event: 'exit' | 'close', listener: (code: number | null, signal: string | null) => void): this
  once (event: 'error', listener: (error: Error) => void): this
  once (event: string | symbol, listener: (...args: any[]) => void): this
}

export function spawn (command: string, options?: SpawnOptions): ChildProcess
export function spawn (command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess

export function execFile (file: string, callback?: ExecCallback): ChildProcess
export function execFile (file: string, args: readonly string[] | null | undefined, callback?: ExecCallback): ChildProcess
export function execFile (file: string, options: ExecOptionsWithBuffer, callback?: ExecCallback<Buffer>): ChildProcess
export function execFile (file: string, options: ExecOptions | null | undefined, callback?: ExecCallback<string | Buffer>): ChildProcess
export function execFile (file: string, args: readonly string[] | null | undefined, options: ExecOptionsWithBuffer, callback?: ExecCallback<Buffer>): ChildProcess
export function execFile (file: string, args: readonly string[] | null | undefined, options: ExecOptions | null | undefined, callback?: ExecCallback<string | Buffer>): ChildProcess
export namespace execFile {
  function __promisify__ (file: string, args?: readonly string[] | null, options?: ExecOptions | null): Promise<{ stdout: string | Buffer, stderr: string | Buffer }> & { child: ChildProcess }
}

export function exec (command: string, callback?: ExecCallback): ChildProcess
export function exec (command: string, options: ExecOptionsWithBuffer, callback?: ExecCallback<Buffer>): ChildProcess
export function exec (command: string, options: ExecOptions | null | undefined, callback?: ExecCallback<string | Buffer>): ChildProcess
export namespace exec {
  function __promisify__ (command: string, options?: ExecOptions | null): Promise<{ stdout: string | Buffer, stderr: string | Buffer }> & { child: ChildProcess }
}

/**
 * Oro's `Pipe`: the child's `stdout`/`stderr` events run in the async context the pipe was made
 * in; once destroyed (by hand or by the child's `close`) their `data` is dropped.
 */
export class Pipe extends AsyncResource {
  constructor (child: ChildProcess)
  /** `true` until the pipe is destroyed. */
  readonly reading: boolean
  /** The child process whose output this pipe carries. */
  readonly process: ChildProcess
  destroy (): void
}

export interface SpawnSyncOptions extends SpawnOptions {
  /** Written to the child's stdin, which is then closed (a string in `encoding`, else UTF-8). */
  input?: string | ArrayBufferView
  /** `'buffer'` (default) for Buffers, else the outputs decoded as strings. */
  encoding?: BufferEncoding | 'buffer' | null
  /** Bytes each of stdout and stderr may hold (default 1 MiB); more ends the child (`ENOBUFS`). */
  maxBuffer?: number
}

export interface SpawnSyncReturns<T extends string | Buffer = Buffer> {
  pid: number
  output: Array<T | null> | null
  stdout: T | null
  stderr: T | null
  status: number | null
  signal: string | null
  /** The child could not start (`ENOENT`...), timed out (`ETIMEDOUT`) or exceeded `maxBuffer` (`ENOBUFS`). */
  error?: Error & { code: string, errno: number, syscall: string, path: string, spawnargs: string[] }
}

/**
 * Run `command` in `/bin/sh` while the page waits (one synchronous call to the host) and answer
 * its stdout; throws, with the result's fields, when it failed or exited with another code than
 * 0. The child's stderr goes to `console.error` unless `stdio` is given.
 */
export function execSync (command: string, options?: SpawnSyncOptions): string | Buffer
/** Run `file` while the page waits and answer its stdout; throws as `execSync` does. */
export function execFileSync (file: string, args?: readonly string[], options?: SpawnSyncOptions): string | Buffer
export function execFileSync (file: string, options?: SpawnSyncOptions): string | Buffer
/** Run a child to completion while the page waits; never throws for the child's own failure. */
export function spawnSync (command: string, args?: readonly string[], options?: SpawnSyncOptions): SpawnSyncReturns<string | Buffer>
export function spawnSync (command: string, options?: SpawnSyncOptions): SpawnSyncReturns<string | Buffer>
/** Throws `NotSupportedError` (code `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM`): nothing to fork. */
export function fork (...args: unknown[]): never

declare const childProcess: {
  ChildProcess: typeof ChildProcess
  Pipe: typeof Pipe
  exec: typeof exec
  execFile: typeof execFile
  execFileSync: typeof execFileSync
  execSync: typeof execSync
  fork: typeof fork
  spawn: typeof spawn
  spawnSync: typeof spawnSync
}
export default childProcess
