/**
 * `oro:process` (also `node:process`) — Node's `process` for a page: what the host handed the
 * page at load (`env`, `argv`, `cwd()`, `platform`, `arch`, `versions`, `pid`...) answers at
 * once; `memoryUsage().rss` asks the host synchronously; `nextTick` queues before promise
 * callbacks, as Node's does; `exit()` stops the app. The object is an `EventEmitter` (`'exit'`,
 * `'warning'`).
 *
 * ```js
 * import process from 'node:process'
 * console.log(process.platform, process.cwd(), process.env.APP_MODE)
 * process.on('exit', (code) => save())
 * ```
 *
 * This module does not define `globalThis.process` (Oro's does not either): pages import it.
 * `env` holds only the variables the app declares in `oro.toml` (`build.env`, `[env]`).
 * @module oro:process
 */

import { EventEmitter } from './events.js'
import { request, sendSync, primordials } from './ipc.js'
import { NotAllowedError, invalidArgType, withCode } from './errors.js'
import { arch as osArch, hrtime as osHrtime, platform as osPlatform } from './os.js'

/** @returns {any} */
function args () {
  return /** @type {any} */ (globalThis).__args ?? {}
}

/** @returns {Record<string, any>} */
function facts () {
  return args().process ?? {}
}

/** Bytes as Node reports them, from Chromium's `performance.memory` where it has one. */
function heap () {
  const memory = /** @type {any} */ (globalThis).performance?.memory
  return {
    heapTotal: Number(memory?.totalJSHeapSize ?? 0),
    heapUsed: Number(memory?.usedJSHeapSize ?? 0)
  }
}

// --------------------------------------------------------------------------------------------
// nextTick
// --------------------------------------------------------------------------------------------

/** @type {Array<() => void>} */
const ticks = []
let draining = false

/** Report an error thrown by a tick callback without stopping the other callbacks. */
function report (/** @type {unknown} */ error) {
  const reportError = /** @type {any} */ (globalThis).reportError
  if (typeof reportError === 'function') reportError(error)
  else setTimeout(() => { throw error })
}

function drain () {
  // Ticks queued while draining run in this same drain, before any promise callback queued
  // meanwhile: Node empties its tick queue before it runs promise jobs.
  for (let tick = ticks.shift(); tick; tick = ticks.shift()) {
    try { tick() } catch (error) { report(error) }
  }
  draining = false
}

/**
 * Run `callback(...args)` after the current code, before promise callbacks queued after this
 * call (Node's `process.nextTick`; a microtask).
 * @param {(...args: any[]) => void} callback
 * @param {...any} callbackArgs
 */
export function nextTick (callback, ...callbackArgs) {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
  ticks.push(() => callback(...callbackArgs))
  if (!draining) {
    draining = true
    queueMicrotask(drain)
  }
}

// --------------------------------------------------------------------------------------------
// hrtime, memory, uptime
// --------------------------------------------------------------------------------------------

/**
 * `[seconds, nanoseconds]` of a monotonic clock, relative to `time` when given.
 * @param {[number, number]} [time]
 * @returns {[number, number]}
 */
function hrtimeTuple (time) {
  if (time !== undefined) {
    if (!Array.isArray(time)) throw invalidArgType('time', 'an instance of Array', time)
    if (time.length !== 2) {
      throw withCode(new RangeError(`The value of "time" is out of range. It must be 2. Received ${time.length}`), 'ERR_OUT_OF_RANGE')
    }
  }
  const now = osHrtime.bigint()
  let seconds = Number(now / 1000000000n)
  let nanoseconds = Number(now % 1000000000n)
  if (time) {
    seconds -= time[0]
    nanoseconds -= time[1]
    if (nanoseconds < 0) {
      seconds -= 1
      nanoseconds += 1e9
    }
  }
  return [seconds, nanoseconds]
}

/**
 * Node's `process.hrtime([time])`, with `hrtime.bigint()` in nanoseconds.
 */
export const hrtime = Object.assign(hrtimeTuple, { bigint: osHrtime.bigint })

/**
 * Seconds since the host process started (Node's `process.uptime()`), without a round trip:
 * the host's uptime at page load plus the page's own time since.
 * @returns {number}
 */
export function uptime () {
  const performance = /** @type {any} */ (globalThis).performance
  const since = performance ? performance.now() / 1000 : 0
  return Number(facts().uptime ?? 0) + since
}

/**
 * The host's resident set size in bytes (a synchronous call; route `process.memoryUsage`).
 * @returns {number}
 */
function rss () {
  const { err, data } = sendSync('process.memoryUsage')
  if (err) throw err
  return Number(data?.rss ?? 0)
}

/**
 * Node's `process.memoryUsage()`: `rss` is the host's, `heapTotal`/`heapUsed` the page's (where
 * Chromium tells them; else 0), `external` and `arrayBuffers` 0.
 */
export const memoryUsage = Object.assign(function memoryUsage () {
  return { rss: rss(), ...heap(), external: 0, arrayBuffers: 0 }
}, { rss })

// --------------------------------------------------------------------------------------------
// The process object
// --------------------------------------------------------------------------------------------

/**
 * A stream-shaped object that writes to the console (Node's `process.stdout`/`stderr`).
 * @param {number} fd
 * @param {'log' | 'error'} method
 */
function consoleWritable (fd, method) {
  let pending = ''
  return {
    fd,
    isTTY: false,
    writable: true,
    /**
     * @param {string | Uint8Array} chunk
     * @param {any} [encoding]
     * @param {() => void} [callback]
     */
    write (chunk, encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
      const lines = (pending + text).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) console[method](line)
      const done = typeof encoding === 'function' ? encoding : callback
      if (typeof done === 'function') queueMicrotask(done)
      return true
    },
    /** @param {string | Uint8Array} [chunk] */
    end (chunk) {
      if (chunk !== undefined) this.write(chunk)
      if (pending) console[method](pending)
      pending = ''
    }
  }
}

let exited = false
/** @type {number | undefined} */
let exitCode

class Process extends EventEmitter {
  stdout = consoleWritable(1, 'log')
  stderr = consoleWritable(2, 'error')
  title = String(facts().title ?? 'oro')
  /** Always empty: the host passes no options to the page's engine. */
  execArgv = /** @type {string[]} */ ([])
  /** True once `exit()` was called or the app began stopping. */
  get exiting () { return exited }
  get env () { return env }
  get argv () { return argv }
  get argv0 () { return argv[0] ?? '' }
  get execPath () { return String(facts().execPath ?? '') }
  get pid () { return Number(facts().pid ?? 0) }
  get ppid () { return Number(facts().ppid ?? 0) }
  get platform () { return osPlatform() }
  get arch () {
    try { return osArch() } catch { return '' } // no page: nothing handed out
  }
  get version () { return `v${versions.oro ?? '0.0.0'}` }
  get versions () { return versions }
  get release () { return { name: 'oro-framework', ...(facts().release ?? {}) } }
  get exitCode () { return exitCode }
  set exitCode (code) {
    if (code !== undefined && code !== null && !Number.isInteger(Number(code))) {
      throw invalidArgType('code', 'of type number', code)
    }
    exitCode = code === undefined || code === null ? undefined : Number(code)
  }

  /**
   * Oro's working directory: the app's resources (`webview.root`), as the host hands it (also
   * `primordials.cwd`); oro:fs resolves relative paths there. `NotAllowedError` while
   * permission `runtime` is off.
   */
  cwd () {
    const cwd = facts().cwd ?? primordials.cwd
    if (typeof cwd !== 'string') {
      throw new NotAllowedError('oro:process has no cwd: the page was not served by the host, ' +
        'or permission runtime is off', { code: 'ERR_ORO_PROCESS_FACT_UNAVAILABLE' })
    }
    return cwd
  }

  /**
   * Not supported: a page cannot change the host's working directory (Node's worker threads
   * throw the same error).
   * @param {string} directory
   */
  chdir (directory) {
    if (typeof directory !== 'string') throw invalidArgType('directory', 'of type string', directory)
    throw withCode(new TypeError('process.chdir() is not supported in pages'), 'ERR_WORKER_UNSUPPORTED_OPERATION')
  }

  nextTick = nextTick
  hrtime = hrtime
  uptime = uptime
  memoryUsage = memoryUsage

  /**
   * Emit `'exit'` with the code, then ask the host to stop the app (route `application.exit`).
   * @param {number} [code] default: `process.exitCode`, else 0
   */
  exit (code) {
    if (code !== undefined) this.exitCode = code
    const final = exitCode ?? 0
    emitExit(final)
    request('application.exit', { value: final }).catch(report)
  }

  /**
   * Emit `'warning'` with an `Error` named `type` (default `Warning`), as Node does.
   * @param {string | Error} warning
   * @param {string | { type?: string, code?: string, detail?: string }} [options]
   * @param {string} [code]
   */
  emitWarning (warning, options, code) {
    const settings = typeof options === 'string' ? { type: options, code } : (options ?? {})
    const error = typeof warning === 'string' ? new Error(warning) : warning
    if (!(error instanceof Error)) throw invalidArgType('warning', 'one of type string or Error', warning)
    if (typeof warning === 'string') error.name = settings.type ?? 'Warning'
    if (settings.code) Object.assign(error, { code: settings.code })
    if (settings.detail) Object.assign(error, { detail: settings.detail })
    nextTick(() => this.emit('warning', error))
  }
}

/** @param {number} code */
function emitExit (code) {
  if (exited) return
  exited = true
  processObject.emit('exit', code)
}

/** Oro's `versions` (`oro` and its libraries) plus ours: `oro-framework`, `python`... */
const versions = Object.freeze({ ...(facts().versions ?? {}) })

/** What an `env` listener is told: the variable's `key` and its new `value` (none on delete). */
export class ProcessEnvironmentEvent extends Event {
  /**
   * @param {string} type
   * @param {string | symbol} key
   * @param {unknown} [value]
   */
  constructor (type, key, value = undefined) {
    super(type)
    /** @type {string | symbol} */
    this.key = key
    /** @type {unknown} */
    this.value = value
  }
}

/**
 * Oro's observable environment: an `EventTarget` that dispatches `set`, `delete` and then
 * `change` when a variable of `env` is set or deleted (in this page: the host's environment
 * does not change).
 */
export class ProcessEnvironment extends EventTarget {
  get [Symbol.toStringTag] () { return 'ProcessEnvironment' }

  /**
   * `env` is one too, though it shows Node's shape (a plain object's prototype).
   * @param {unknown} value
   */
  static [Symbol.hasInstance] (value) {
    return value === env || Function.prototype[Symbol.hasInstance].call(this, value)
  }
}

/**
 * `env` as Oro has it and as Node code reads it at once: the declared variables as string
 * properties (set values become strings, as in Node), over a `ProcessEnvironment` whose
 * `addEventListener`... it answers for names no variable has; `env.proxy` is `env` itself.
 * Its prototype and tag are a plain object's, as Node's `process.env` (so that
 * `deepStrictEqual(env, {...})` holds); `env instanceof ProcessEnvironment` is still true.
 * @returns {Record<string, string> & ProcessEnvironment & { readonly proxy: Record<string, string> }}
 */
function observableEnvironment () {
  const target = new ProcessEnvironment()
  /** @type {Record<string, string>} */
  const values = { ...(args().env ?? {}) }
  const has = (/** @type {string | symbol} */ key) => typeof key === 'string' && Object.prototype.hasOwnProperty.call(values, key)
  /** @param {string} type @param {string} key @param {unknown} [value] */
  const notify = (type, key, value) => {
    target.dispatchEvent(new ProcessEnvironmentEvent(type, key, value))
    target.dispatchEvent(new ProcessEnvironmentEvent('change', key, value))
  }
  /** @type {any} */
  const proxy = new Proxy(target, {
    get (object, key) {
      if (key === 'proxy') return proxy
      if (key === Symbol.toStringTag) return undefined
      if (has(key)) return values[/** @type {string} */ (key)]
      const value = Reflect.get(object, key, object)
      return typeof value === 'function' ? value.bind(object) : value
    },
    set (object, key, value) {
      if (typeof key === 'symbol') return Reflect.set(object, key, value)
      values[key] = String(value)
      notify('set', key, values[key])
      return true
    },
    deleteProperty (_object, key) {
      if (!has(key)) return true
      delete values[/** @type {string} */ (key)]
      notify('delete', /** @type {string} */ (key))
      return true
    },
    has (object, key) { return has(key) || Reflect.has(object, key) },
    getPrototypeOf () { return Object.prototype },
    ownKeys () { return Object.keys(values) },
    getOwnPropertyDescriptor (_object, key) {
      if (!has(key)) return undefined
      return { value: values[/** @type {string} */ (key)], writable: true, enumerable: true, configurable: true }
    },
    defineProperty (_object, key, descriptor) {
      if (typeof key === 'symbol' || !('value' in descriptor)) return false
      values[key] = String(descriptor.value)
      notify('set', key, values[key])
      return true
    }
  })
  return proxy
}

/**
 * The declared environment (`build.env`, `[env]`), which the page may change: read and set as
 * Node's `process.env`, listened to as Oro's `ProcessEnvironment` (`set`, `delete`, `change`).
 */
export const env = observableEnvironment()

/** `[execPath, script, ...arguments]` of the host, values of secret-named options redacted. */
export const argv = /** @type {string[]} */ ([...(args().argv ?? [])])

const processObject = new Process()

const target = /** @type {any} */ (globalThis)
if (typeof target.addEventListener === 'function') {
  target.addEventListener('applicationstop', () => emitExit(exitCode ?? 0), { once: true })
}

export const platform = processObject.platform
export const arch = processObject.arch
export const pid = processObject.pid
export const ppid = processObject.ppid
export const execPath = processObject.execPath
export const execArgv = processObject.execArgv
export const argv0 = processObject.argv0
export const title = processObject.title
export const version = processObject.version
export { versions }
export const release = processObject.release
export const stdout = processObject.stdout
export const stderr = processObject.stderr

/** The host's working directory. */
export function cwd () { return processObject.cwd() }
/** @param {string} directory */
export function chdir (directory) { return processObject.chdir(directory) }
/** @param {number} [code] */
export function exit (code) { return processObject.exit(code) }
/**
 * @param {string | Error} warning
 * @param {string | { type?: string, code?: string, detail?: string }} [options]
 * @param {string} [code]
 */
export function emitWarning (warning, options, code) { return processObject.emitWarning(warning, options, code) }

export default processObject
