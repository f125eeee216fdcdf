/**
 * `oro:signal` — the signals the app's process receives, as events on `globalThis`, and Oro's
 * signal names, numbers and messages.
 *
 * ```js
 * import signal from 'oro:signal'
 * signal.addEventListener('SIGUSR1', (event) => console.log(event.name, event.code, event.message))
 * ```
 *
 * The host forwards `SIGHUP`, `SIGUSR1` and `SIGUSR2` sent to the app (`kill -USR1 <pid>`) to
 * every page, and keeps running: a page hears them as a `SignalEvent` named after the signal
 * (`SIGUSR1`), as Oro's pages do. `SIGINT` and `SIGTERM` reach the pages the same way and then
 * stop the app cleanly (pages get `applicationstop`). The host sends each window the event
 * itself, so Oro's relay between windows (a `BroadcastChannel`) is not needed. Numbers come from
 * `oro:os/constants` (empty while permission `device_info` is off: events still carry theirs).
 * @module oro:signal
 * @plugin os
 */

import { subscribe } from './bootstrap.js'
import { SignalEvent } from './internal/events.js'
import { signals as constants } from './os/constants.js'

export { constants }

/** What each signal means (Oro's words), by name. @type {Readonly<Record<string, string>>} */
const MESSAGES = Object.freeze({
  SIGHUP: 'Terminal line hangup',
  SIGINT: 'Interrupt program',
  SIGQUIT: 'Quit program',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace trap',
  SIGABRT: 'Abort program',
  SIGIOT: 'Abort program',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating-point exception',
  SIGKILL: 'Kill program',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation violation',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Write on a pipe with no reader',
  SIGALRM: 'Real-time timer expired',
  SIGTERM: 'Software termination signal',
  SIGCHLD: 'Child status has changed',
  SIGCONT: 'Continue after stop',
  SIGSTOP: 'Stop signal',
  SIGTSTP: 'Stop signal generated from keyboard',
  SIGTTIN: 'Background read attempted from control terminal',
  SIGTTOU: 'Background write attempted to control terminal',
  SIGURG: 'Urgent condition present on socket',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual time alarm',
  SIGPROF: 'Profiling timer alarm',
  SIGWINCH: 'Window size change',
  SIGIO: 'I/O is possible on a descriptor',
  SIGINFO: 'Status request from keyboard',
  SIGSYS: 'Non-existent system call invoked'
})

export const SIGHUP = constants.SIGHUP
export const SIGINT = constants.SIGINT
export const SIGQUIT = constants.SIGQUIT
export const SIGILL = constants.SIGILL
export const SIGTRAP = constants.SIGTRAP
export const SIGABRT = constants.SIGABRT
export const SIGIOT = constants.SIGIOT
export const SIGBUS = constants.SIGBUS
export const SIGFPE = constants.SIGFPE
export const SIGKILL = constants.SIGKILL
export const SIGUSR1 = constants.SIGUSR1
export const SIGSEGV = constants.SIGSEGV
export const SIGUSR2 = constants.SIGUSR2
export const SIGPIPE = constants.SIGPIPE
export const SIGALRM = constants.SIGALRM
export const SIGTERM = constants.SIGTERM
export const SIGCHLD = constants.SIGCHLD
export const SIGCONT = constants.SIGCONT
export const SIGSTOP = constants.SIGSTOP
export const SIGTSTP = constants.SIGTSTP
export const SIGTTIN = constants.SIGTTIN
export const SIGTTOU = constants.SIGTTOU
export const SIGURG = constants.SIGURG
export const SIGXCPU = constants.SIGXCPU
export const SIGXFSZ = constants.SIGXFSZ
export const SIGVTALRM = constants.SIGVTALRM
export const SIGPROF = constants.SIGPROF
export const SIGWINCH = constants.SIGWINCH
export const SIGIO = constants.SIGIO
export const SIGINFO = constants.SIGINFO
export const SIGSYS = constants.SIGSYS

/** Messages by signal number (Oro's `strings`). @type {Record<number, string>} */
export const strings = Object.fromEntries(
  Object.entries(MESSAGES)
    .filter(([name]) => typeof constants[name] === 'number')
    .map(([name, message]) => [constants[name], message])
)

/**
 * The message of signal number `code` (`''` when unknown).
 * @param {number} code
 * @returns {string}
 */
export function toString (code) {
  return strings[code] ?? ''
}

/**
 * The number of signal `name` (`'SIGUSR1'`, any case), `0` when unknown.
 * @param {string | number} name
 * @returns {number}
 */
export function getCode (name) {
  const key = String(name).toUpperCase()
  return Object.hasOwn(constants, key) ? constants[key] : 0
}

/**
 * The name of signal `code` (a number, or a name given back upper-cased), `''` when unknown.
 * @param {string | number} code
 * @returns {string}
 */
export function getName (code) {
  if (typeof code === 'string') {
    const key = code.toUpperCase()
    return Object.hasOwn(constants, key) || Object.hasOwn(MESSAGES, key) ? key : ''
  }
  return Object.keys(constants).find((key) => constants[key] === code) ?? ''
}

/**
 * The message of a signal, by number or name.
 * @param {string | number} code
 * @returns {string}
 */
export function getMessage (code) {
  const name = getName(code)
  return Object.hasOwn(MESSAGES, name) ? MESSAGES[name] : ''
}

/**
 * Call `callback` with a `SignalEvent` each time the app receives signal `signalName` (a name
 * or a number).
 * @param {string | number} signalName
 * @param {(event: SignalEvent) => void} callback
 * @param {boolean | AddEventListenerOptions | null} [options]
 */
export function addEventListener (signalName, callback, options = null) {
  globalThis.addEventListener(getName(signalName), /** @type {EventListener} */ (callback), options ?? undefined)
}

/**
 * Stop calling `callback` for signal `signalName`.
 * @param {string | number} signalName
 * @param {(event: SignalEvent) => void} callback
 * @param {boolean | EventListenerOptions | null} [options]
 */
export function removeEventListener (signalName, callback, options = null) {
  globalThis.removeEventListener(getName(signalName), /** @type {EventListener} */ (callback), options ?? undefined)
}

/**
 * The host's `signal` event `{signal, name}` as Oro dispatches it: a `SignalEvent` named after
 * the signal.
 * @param {Event} event
 */
function onSignal (event) {
  const detail = /** @type {{ signal?: unknown, name?: unknown } | null} */ (/** @type {CustomEvent} */ (event).detail)
  const name = typeof detail?.name === 'string' ? getName(detail.name) : getName(Number(detail?.signal))
  if (!/^SIG[A-Z0-9]+$/.test(name)) return
  const code = typeof detail?.signal === 'number' ? detail.signal : getCode(name)
  globalThis.dispatchEvent(new SignalEvent(name, { code, message: getMessage(name) }))
}

const STATE = Symbol.for('oro.signal.listening')
const target = /** @type {any} */ (globalThis)
if (!target[STATE] && typeof target.addEventListener === 'function') {
  // One listener per page, however many copies of the module a page loads (none in Node, which
  // imports the module for its names).
  Object.defineProperty(target, STATE, { value: true })
  subscribe('signal')
  globalThis.addEventListener('signal', onSignal)
}

export default {
  addEventListener,
  removeEventListener,
  constants,
  strings,
  toString,
  getName,
  getCode,
  getMessage,
  SIGHUP,
  SIGINT,
  SIGQUIT,
  SIGILL,
  SIGTRAP,
  SIGABRT,
  SIGIOT,
  SIGBUS,
  SIGFPE,
  SIGKILL,
  SIGUSR1,
  SIGSEGV,
  SIGUSR2,
  SIGPIPE,
  SIGALRM,
  SIGTERM,
  SIGCHLD,
  SIGCONT,
  SIGSTOP,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGURG,
  SIGXCPU,
  SIGXFSZ,
  SIGVTALRM,
  SIGPROF,
  SIGWINCH,
  SIGIO,
  SIGINFO,
  SIGSYS
}
