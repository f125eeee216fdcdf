/**
 * `oro:console` (also `node:console`) — the page's `console` (the default export, with
 * `Console` attached, and its methods as named exports) and Node's `Console` class, which writes
 * lines formatted by oro:util's `formatWithOptions` to streams of your own (anything with
 * `write(string)`: an oro:stream Writable, an object collecting lines...).
 *
 * ```js
 * import { Console } from 'node:console'
 * const lines = []
 * const out = { write: (text) => lines.push(text) }
 * new Console({ stdout: out }).log('%s=%d', 'x', 1)  // lines: ['x=1\n']
 * ```
 * @module oro:console
 */

import { format, formatWithOptions, inspect } from './util.js'
import { withCode } from './errors.js'

/** @typedef {{ write (chunk: string): unknown }} WritableLike */
/**
 * @typedef {object} ConsoleOptions
 * @property {WritableLike} stdout
 * @property {WritableLike} [stderr] defaults to `stdout`
 * @property {boolean} [ignoreErrors] ignore errors thrown by `write` (default true)
 * @property {boolean | 'auto'} [colorMode] `true` colours values (default `'auto'`: no colours)
 * @property {Record<string, unknown>} [inspectOptions]
 * @property {number} [groupIndentation] default 2
 */

/** @param {unknown} stream */
const isWritable = (stream) => stream !== null && typeof stream === 'object' && typeof /** @type {any} */ (stream).write === 'function'

/** Node's milliseconds as `console.timeEnd` prints them. */
function formatTime (/** @type {number} */ ms) {
  let hours = 0
  let minutes = 0
  let seconds = 0
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) {
        hours = Math.floor(ms / 3600000)
        ms -= hours * 3600000
      }
      minutes = Math.floor(ms / 60000)
      ms -= minutes * 60000
    }
    seconds = ms / 1000
  }
  if (hours !== 0 || minutes !== 0) {
    const [whole, fraction] = seconds.toFixed(3).split('.')
    const res = hours !== 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : minutes
    return `${res}:${whole.padStart(2, '0')}.${fraction} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`
  }
  if (seconds !== 0) return `${seconds.toFixed(3)}s`
  return `${Number(ms.toFixed(3))}ms`
}

/** Node's `console.Console`. */
export class Console {
  #stdout
  #stderr
  #ignoreErrors
  #inspectOptions
  #groupIndentation
  #indent = ''
  /** @type {Map<string, number>} */
  #counts = new Map()
  /** @type {Map<string, number>} */
  #timers = new Map()

  /**
   * `new Console(stdout, stderr?, ignoreErrors?)` or `new Console({ stdout, stderr, ... })`.
   * @param {WritableLike | ConsoleOptions} stdoutOrOptions
   * @param {WritableLike} [stderr]
   * @param {boolean} [ignoreErrors]
   */
  constructor (stdoutOrOptions, stderr, ignoreErrors = true) {
    /** @type {ConsoleOptions} */
    const options = isWritable(stdoutOrOptions) || !stdoutOrOptions
      ? { stdout: /** @type {WritableLike} */ (stdoutOrOptions), stderr, ignoreErrors }
      : /** @type {ConsoleOptions} */ (stdoutOrOptions)
    if (!isWritable(options.stdout)) throw withCode(new TypeError('The "stdout" argument must be an instance of Stream'), 'ERR_CONSOLE_WRITABLE_STREAM')
    if (options.stderr !== undefined && !isWritable(options.stderr)) throw withCode(new TypeError('The "stderr" argument must be an instance of Stream'), 'ERR_CONSOLE_WRITABLE_STREAM')
    this.#stdout = options.stdout
    this.#stderr = options.stderr ?? options.stdout
    this.#ignoreErrors = options.ignoreErrors ?? true
    this.#inspectOptions = { ...(options.inspectOptions ?? {}), ...(options.colorMode === true ? { colors: true } : {}) }
    this.#groupIndentation = options.groupIndentation ?? 2
    // Node's console methods work detached (`const { log } = console`).
    for (const name of Object.getOwnPropertyNames(Console.prototype)) {
      const value = /** @type {any} */ (this)[name]
      if (name !== 'constructor' && typeof value === 'function') /** @type {any} */ (this)[name] = value.bind(this)
    }
  }

  /**
   * @param {WritableLike} stream
   * @param {string} text
   */
  #write (stream, text) {
    if (this.#indent) text = this.#indent + text.replace(/\n/g, `\n${this.#indent}`)
    try {
      stream.write(`${text}\n`)
    } catch (error) {
      if (!this.#ignoreErrors) throw error
    }
  }

  /** @param {...unknown} args */
  #format (...args) {
    return formatWithOptions(this.#inspectOptions, ...args)
  }

  /** @param {...unknown} args */
  log (...args) { this.#write(this.#stdout, this.#format(...args)) }
  /** @param {...unknown} args */
  info (...args) { this.log(...args) }
  /** @param {...unknown} args */
  debug (...args) { this.log(...args) }
  /** @param {...unknown} args */
  dirxml (...args) { this.log(...args) }
  /** @param {...unknown} args */
  warn (...args) { this.#write(this.#stderr, this.#format(...args)) }
  /** @param {...unknown} args */
  error (...args) { this.warn(...args) }

  /**
   * @param {unknown} object
   * @param {Record<string, unknown>} [options]
   */
  dir (object, options) {
    this.#write(this.#stdout, inspect(object, { customInspect: false, ...this.#inspectOptions, ...options }))
  }

  /** @param {...unknown} args */
  trace (...args) {
    const error = { name: 'Trace', message: this.#format(...args), stack: '' }
    const capture = /** @type {any} */ (Error).captureStackTrace
    if (typeof capture === 'function') capture(error, this.trace)
    this.#write(this.#stderr, error.stack || `Trace: ${error.message}`)
  }

  /**
   * @param {unknown} value
   * @param {...unknown} args
   */
  assert (value, ...args) {
    if (value) return
    if (typeof args[0] === 'string') {
      args[0] = `Assertion failed: ${args[0]}`
      this.warn(...args)
    } else {
      this.warn('Assertion failed', ...args)
    }
  }

  /** @param {...unknown} labels */
  group (...labels) {
    if (labels.length > 0) this.log(...labels)
    this.#indent += ' '.repeat(this.#groupIndentation)
  }

  /** @param {...unknown} labels */
  groupCollapsed (...labels) { this.group(...labels) }

  groupEnd () {
    this.#indent = this.#indent.slice(0, Math.max(0, this.#indent.length - this.#groupIndentation))
  }

  count (label = 'default') {
    label = `${label}`
    const count = (this.#counts.get(label) ?? 0) + 1
    this.#counts.set(label, count)
    this.log(`${label}: ${count}`)
  }

  countReset (label = 'default') {
    label = `${label}`
    if (!this.#counts.has(label)) return this.#warnOnce(`Count for '${label}' does not exist`)
    this.#counts.delete(label)
  }

  time (label = 'default') {
    label = `${label}`
    if (this.#timers.has(label)) return this.#warnOnce(`Label '${label}' already exists for console.time()`)
    this.#timers.set(label, performance.now())
  }

  /** @param {...unknown} data */
  timeLog (label = 'default', ...data) {
    label = `${label}`
    const start = this.#timers.get(label)
    if (start === undefined) return this.#warnOnce(`No such label '${label}' for console.timeLog()`)
    this.log(`${label}: ${formatTime(performance.now() - start)}`, ...data)
  }

  timeEnd (label = 'default') {
    label = `${label}`
    const start = this.#timers.get(label)
    if (start === undefined) return this.#warnOnce(`No such label '${label}' for console.timeEnd()`)
    this.#timers.delete(label)
    this.log(`${label}: ${formatTime(performance.now() - start)}`)
  }

  /**
   * Node prints a table; this prints the data as `log` would.
   * @param {unknown} data
   */
  table (data) { this.log(data) }

  /** Does nothing: a stream has no screen to clear. */
  clear () {}

  /** @param {string} message Node emits a process warning; here it goes to stderr. */
  #warnOnce (message) {
    this.#write(this.#stderr, `Warning: ${message}`)
  }
}

const pageConsole = /** @type {Console & typeof globalThis.console} */ (/** @type {unknown} */ (globalThis.console))
if (!('Console' in pageConsole)) {
  Object.defineProperty(pageConsole, 'Console', { value: Console, writable: true, configurable: true, enumerable: false })
}

/** @param {keyof typeof globalThis.console} name */
const bound = (name) => /** @type {any} */ (globalThis.console)[name].bind(globalThis.console)

export const log = bound('log')
export const info = bound('info')
export const debug = bound('debug')
export const warn = bound('warn')
export const error = bound('error')
export const dir = bound('dir')
export const dirxml = bound('dirxml')
export const table = bound('table')
export const trace = bound('trace')
export const assert = bound('assert')
export const clear = bound('clear')
export const count = bound('count')
export const countReset = bound('countReset')
export const group = bound('group')
export const groupCollapsed = bound('groupCollapsed')
export const groupEnd = bound('groupEnd')
export const time = bound('time')
export const timeEnd = bound('timeEnd')
export const timeLog = bound('timeLog')

/** The page's own `console`, as Oro names it (`null` where there is none). */
export const globalConsole = globalThis.console ?? null

const PATCHED = Symbol.for('oro.runtime.console.patched')
/** Where each method's line goes, as Oro's `Console.write` sends it. */
const DESTINATIONS = /** @type {Record<string, string>} */ ({
  log: 'stdout', info: 'stdout', count: 'stdout', table: 'stdout', timeLog: 'stdout', timeEnd: 'stdout',
  debug: 'stderr', error: 'stderr', warn: 'stderr', trace: 'stderr', assert: 'stderr'
})

/**
 * Oro's `patchGlobalConsole`: each method of `target` (default: the page's console) keeps
 * doing what it did (the original stays reachable as `method.platform`) and also hands
 * `options.postMessage` the line as Oro's `ipc://stdout?value=…` / `ipc://stderr?value=…`
 * message. This host has no `stdout` route, so without `postMessage` nothing is mirrored; the
 * console is marked patched either way, and patching twice changes nothing.
 * @param {any} [target]
 * @param {{ postMessage?: (message: string) => unknown }} [options]
 * @returns {any} the console
 */
export function patchGlobalConsole (target, options = {}) {
  const subject = target && typeof target === 'object' ? target : globalThis.console
  if (!subject) throw withCode(new TypeError('Cannot determine a global console object to patch'), 'ERR_INVALID_ARG_TYPE')
  if (subject[PATCHED] === true) return subject
  Object.defineProperty(subject, PATCHED, { value: true, configurable: true })
  const post = typeof options.postMessage === 'function' ? options.postMessage : null
  if (!post) return subject
  for (const [name, destination] of Object.entries(DESTINATIONS)) {
    if (typeof subject[name] !== 'function') continue
    const original = subject[name].bind(subject)
    const patched = (/** @type {unknown[]} */ ...args) => {
      original(...args)
      if (name === 'assert') {
        if (args[0]) return
        args = [`Assertion failed: ${format(...args.slice(1))}`]
      }
      const debug = name === 'debug' ? '&debug=true' : ''
      post(`ipc://${destination}?value=${encodeURIComponent(format(...args))}${debug}&resolve=false`)
    }
    subject[name] = Object.assign(patched, { platform: original })
  }
  return subject
}

if (!('globalConsole' in pageConsole)) {
  Object.defineProperty(pageConsole, 'globalConsole', { value: globalConsole, writable: true, configurable: true, enumerable: false })
}

export default pageConsole
