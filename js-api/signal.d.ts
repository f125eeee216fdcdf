/**
 * `oro:signal` — the signals the app's process receives (`SIGHUP`, `SIGUSR1`, `SIGUSR2`, and
 * `SIGINT`/`SIGTERM` before the app stops) as `SignalEvent`s on `globalThis`, and Oro's signal
 * names, numbers and messages.
 * @module oro:signal
 * @plugin os
 */

import type { SignalEvent } from './internal/events.js'

/** Signal numbers by name (empty while permission `device_info` is off). */
export const constants: Record<string, number>
/** Messages by signal number. */
export const strings: Record<number, string>
export function toString (code: number): string
export function getCode (name: string | number): number
export function getName (code: string | number): string
export function getMessage (code: string | number): string
export function addEventListener (signalName: string | number, callback: (event: SignalEvent) => void, options?: boolean | AddEventListenerOptions | null): void
export function removeEventListener (signalName: string | number, callback: (event: SignalEvent) => void, options?: boolean | EventListenerOptions | null): void

export const SIGHUP: number | undefined
export const SIGINT: number | undefined
export const SIGQUIT: number | undefined
export const SIGILL: number | undefined
export const SIGTRAP: number | undefined
export const SIGABRT: number | undefined
export const SIGIOT: number | undefined
export const SIGBUS: number | undefined
export const SIGFPE: number | undefined
export const SIGKILL: number | undefined
export const SIGUSR1: number | undefined
export const SIGSEGV: number | undefined
export const SIGUSR2: number | undefined
export const SIGPIPE: number | undefined
export const SIGALRM: number | undefined
export const SIGTERM: number | undefined
export const SIGCHLD: number | undefined
export const SIGCONT: number | undefined
export const SIGSTOP: number | undefined
export const SIGTSTP: number | undefined
export const SIGTTIN: number | undefined
export const SIGTTOU: number | undefined
export const SIGURG: number | undefined
export const SIGXCPU: number | undefined
export const SIGXFSZ: number | undefined
export const SIGVTALRM: number | undefined
export const SIGPROF: number | undefined
export const SIGWINCH: number | undefined
export const SIGIO: number | undefined
export const SIGINFO: number | undefined
export const SIGSYS: number | undefined

declare const signal: Readonly<{
  addEventListener: typeof addEventListener
  removeEventListener: typeof removeEventListener
  constants: typeof constants
  strings: typeof strings
  toString: typeof toString
  getName: typeof getName
  getCode: typeof getCode
  getMessage: typeof getMessage
  SIGHUP: number | undefined
  SIGINT: number | undefined
  SIGQUIT: number | undefined
  SIGILL: number | undefined
  SIGTRAP: number | undefined
  SIGABRT: number | undefined
  SIGIOT: number | undefined
  SIGBUS: number | undefined
  SIGFPE: number | undefined
  SIGKILL: number | undefined
  SIGUSR1: number | undefined
  SIGSEGV: number | undefined
  SIGUSR2: number | undefined
  SIGPIPE: number | undefined
  SIGALRM: number | undefined
  SIGTERM: number | undefined
  SIGCHLD: number | undefined
  SIGCONT: number | undefined
  SIGSTOP: number | undefined
  SIGTSTP: number | undefined
  SIGTTIN: number | undefined
  SIGTTOU: number | undefined
  SIGURG: number | undefined
  SIGXCPU: number | undefined
  SIGXFSZ: number | undefined
  SIGVTALRM: number | undefined
  SIGPROF: number | undefined
  SIGWINCH: number | undefined
  SIGIO: number | undefined
  SIGINFO: number | undefined
  SIGSYS: number | undefined
}>
export default signal
