/**
 * `oro:worker_threads` (also `node:worker_threads`) — Node's threads over the page's Web Workers,
 * as Oro emulates them (socketsupply/socket `api/worker_threads.js`, `api/worker_threads/init.js`):
 * `new Worker(url, { workerData, transferList, name, eval })` starts a module worker that imports
 * `url` once `workerData`, `threadId` and `parentPort` are set; the worker ends by
 * `process.exit(code)` (the thread's, not the app's), by an uncaught error (`'error'`, then
 * `'exit'` 1) or by `worker.terminate()` (`'exit'` 1); every worker ends with its page.
 *
 * ```js
 * import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
 * if (isMainThread) {
 *   new Worker(new URL(import.meta.url), { workerData: 21 }).on('message', console.log)
 * } else {
 *   parentPort.postMessage(workerData * 2)
 * }
 * ```
 * @module oro:worker_threads
 */

import { EventEmitter } from './events.js'
import { invalidArgType } from './errors.js'

const TAG = '__oro_worker_threads__'
const STATE = Symbol.for('oro.runtime.worker_threads.state')

/** Node's symbol: `env: SHARE_ENV` shares the parent's `process.env` (here, the page's). */
export const SHARE_ENV = Symbol.for('nodejs.worker_threads.SHARE_ENV')

/** @returns {boolean} */
function inWorker () {
  const scope = /** @type {any} */ (globalThis).WorkerGlobalScope
  return typeof scope === 'function' && globalThis instanceof scope
}

/**
 * This realm's thread facts, on `globalThis` so that every copy of this module in it (another
 * URL of it) agrees: one `parentPort`, one listener of the page's messages.
 * @type {{ threadId: number, workerData: any, environment: Map<any, any>, nextId: number, queued: any[], parentPort: any }}
 */
const state = /** @type {any} */ (globalThis)[STATE] ??= {
  threadId: 0, workerData: null, environment: new Map(), nextId: 1, queued: [], parentPort: undefined
}

/** `true` in the page (Oro's "main thread": the window), `false` in a worker. */
export const isMainThread = !inWorker()
/** Node's `resourceLimits`: a Web Worker has none to report. */
export const resourceLimits = Object.freeze({})
/** The live workers this realm started, by `threadId` (Oro's `workers`). */
export const workers = new Map()

/** This thread's id: 0 in the page, the `Worker`'s `threadId` in the worker (live binding). */
export let threadId = state.threadId
/** The clone of the `workerData` option the worker was started with (live binding). */
export let workerData = state.workerData

// ---------------------------------------------------------------------------------------------
// Node's EventEmitter side of the platform's MessagePort and BroadcastChannel
// ---------------------------------------------------------------------------------------------

/** @type {WeakMap<Function, EventListener>} */
const wrappers = new WeakMap()

/**
 * @param {string} type
 * @param {Function} listener
 * @param {boolean} once
 * @returns {EventListener}
 */
function wrap (type, listener, once) {
  const wrapped = /** @type {EventListener} */ ((event) => {
    const value = type === 'message' || type === 'messageerror' ? /** @type {MessageEvent} */ (event).data : event
    listener(value)
  })
  if (!once) wrappers.set(listener, wrapped)
  return wrapped
}

const emitterSide = {
  /** @this {any} @param {string} type @param {Function} listener */
  on (type, listener) {
    this.addEventListener(type, wrap(type, listener, false))
    this.start?.()
    return this
  },
  /** @this {any} @param {string} type @param {Function} listener */
  once (type, listener) {
    this.addEventListener(type, wrap(type, listener, true), { once: true })
    this.start?.()
    return this
  },
  /** @this {any} @param {string} type @param {Function} listener */
  off (type, listener) {
    const wrapped = wrappers.get(listener)
    if (wrapped) this.removeEventListener(type, wrapped)
    return this
  },
  /** Node's: keeps a process alive; a page's ports never hold it. @this {any} */
  ref () { return this },
  /** @this {any} */
  unref () { return this }
}

for (const Target of [globalThis.MessagePort, globalThis.BroadcastChannel]) {
  if (typeof Target !== 'function') continue
  for (const [name, value] of Object.entries({ ...emitterSide, addListener: emitterSide.on, removeListener: emitterSide.off })) {
    if (!(name in Target.prototype)) {
      Object.defineProperty(Target.prototype, name, { value, writable: true, configurable: true })
    }
  }
}

/** The platform's `MessageChannel`, whose ports also have Node's `on`/`once`/`off`. */
export const MessageChannel = globalThis.MessageChannel
/** The platform's `MessagePort`, with Node's `on`/`once`/`off`. */
export const MessagePort = globalThis.MessagePort
/** The platform's `BroadcastChannel`, with Node's `on`/`once`/`off`. */
export const BroadcastChannel = globalThis.BroadcastChannel

// ---------------------------------------------------------------------------------------------
// Environment data
// ---------------------------------------------------------------------------------------------

/**
 * Set `key` for the workers started after this call (Node's copy at start); `undefined` deletes.
 * @param {any} key
 * @param {any} [value]
 */
export function setEnvironmentData (key, value) {
  if (value === undefined) state.environment.delete(key)
  else state.environment.set(key, value)
}

/**
 * The value of `key` as this thread has it (set here, or copied when the worker started).
 * @param {any} key
 * @returns {any}
 */
export function getEnvironmentData (key) {
  return state.environment.get(key)
}

// ---------------------------------------------------------------------------------------------
// The page's side: Worker
// ---------------------------------------------------------------------------------------------

/**
 * An error the worker reported, rebuilt with its class when it is a standard one.
 * @param {{ name?: string, message?: string, stack?: string, code?: string }} reported
 * @returns {Error}
 */
function rebuild (reported) {
  /** @type {Record<string, ErrorConstructor>} */
  const classes = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError }
  const Class = classes[reported.name ?? ''] ?? Error
  const error = new Class(reported.message ?? 'An unknown error occurred in the worker')
  if (Class === Error && reported.name && reported.name !== 'Error') {
    // Another class (a DOMException's name, an app's own): its name, on an Error.
    Object.defineProperty(error, 'name', { value: reported.name, configurable: true, writable: true })
  }
  if (reported.stack) error.stack = reported.stack
  if (reported.code) Object.assign(error, { code: reported.code })
  return error
}

/**
 * @typedef {{
 *   workerData?: any,
 *   transferList?: Transferable[],
 *   name?: string,
 *   eval?: boolean,
 *   env?: object | symbol,
 *   resourceLimits?: object,
 *   stdin?: boolean, stdout?: boolean, stderr?: boolean
 * }} WorkerOptions
 */

/**
 * A thread running `filename` (a URL, or a path resolved against the page's URL) as a module
 * worker. Events: `'online'`, `'message'` (the value), `'messageerror'`, `'error'` (an `Error`),
 * `'exit'` (the exit code).
 */
export class Worker extends EventEmitter {
  /** @type {globalThis.Worker | null} */
  #worker = null
  /** @type {number} */
  #threadId

  /**
   * @param {string | URL} filename
   * @param {WorkerOptions} [options]
   */
  constructor (filename, options = {}) {
    super()
    if (typeof filename !== 'string' && !(filename instanceof URL)) {
      throw invalidArgType('filename', 'of type string or an instance of URL', filename)
    }
    if (options === null || typeof options !== 'object') {
      throw invalidArgType('options', 'of type object', options)
    }
    if (options.transferList !== undefined && !Array.isArray(options.transferList)) {
      throw invalidArgType('options.transferList', 'an instance of Array', options.transferList)
    }
    const source = options.eval === true
      ? String(filename)
      : new URL(String(filename), globalThis.location?.href).href
    this.#threadId = state.nextId++
    const entry = new URL(import.meta.url)
    this.#worker = new globalThis.Worker(entry.href, { type: 'module', name: options.name ?? '' })
    this.#worker.addEventListener('message', (event) => this.#onMessage(event))
    this.#worker.addEventListener('messageerror', (event) => this.emit('messageerror', event))
    // The worker's script itself failed to load (this module could not start in it).
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault()
      this.#fail({ name: 'Error', message: event.message || 'The worker could not start' })
    })
    const init = {
      source,
      eval: options.eval === true,
      threadId: this.#threadId,
      workerData: options.workerData ?? null,
      environment: [...state.environment]
    }
    try {
      // workerData crosses now: a value that cannot be cloned throws here, as in Node.
      this.#worker.postMessage({ [TAG]: { init } }, options.transferList ?? [])
    } catch (error) {
      this.#worker.terminate()
      this.#worker = null
      throw error
    }
    workers.set(this.#threadId, this)
  }

  /** This thread's id, unique in the page (the first worker's is 1, as in Node). */
  get threadId () { return this.#threadId }
  /** Oro's name of `threadId`. */
  get id () { return this.#threadId }
  /** Node's streams of the worker's stdio: a page's worker has none. */
  get stdin () { return null }
  get stdout () { return null }
  get stderr () { return null }
  /** Node's `resourceLimits`: none in a Web Worker. */
  get resourceLimits () { return {} }

  /**
   * Send `value` (structured clone) to the worker's `parentPort`.
   * @param {any} value
   * @param {Transferable[]} [transferList]
   */
  postMessage (value, transferList = []) {
    this.#worker?.postMessage({ [TAG]: { message: value } }, transferList)
  }

  /**
   * Stop the worker at once, whatever it runs (a loop that never ends included).
   * @returns {Promise<number | undefined>} the exit code, 1; `undefined` when it had ended
   */
  async terminate () {
    if (this.#worker === null) return undefined
    this.#end(1)
    return 1
  }

  /** Node's: a page's worker never keeps anything alive. */
  ref () {}
  unref () {}

  /** @param {MessageEvent} event */
  #onMessage (event) {
    const control = event.data?.[TAG]
    if (!control) return
    if ('message' in control) this.emit('message', control.message)
    else if (control.online) this.emit('online')
    else if (control.error) this.#fail(control.error)
    else if (control.exit) this.#end(Number(control.exit.code ?? 0) || 0)
  }

  /** @param {{ name?: string, message?: string, stack?: string, code?: string }} reported */
  #fail (reported) {
    if (this.#worker === null) return
    const error = rebuild(reported)
    this.#end(1, () => this.emit('error', error))
  }

  /**
   * @param {number} code
   * @param {() => void} [before] what is emitted before `'exit'`
   */
  #end (code, before) {
    if (this.#worker === null) return
    this.#worker.terminate()
    this.#worker = null
    workers.delete(this.#threadId)
    // After the caller's code, as Node emits them.
    queueMicrotask(() => {
      before?.()
      this.emit('exit', code)
    })
  }
}

// A page's workers end with it (the browser ends them; this says so to their listeners too).
if (isMainThread && typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('pagehide', () => {
    for (const worker of [...workers.values()]) worker.terminate()
  })
}

// ---------------------------------------------------------------------------------------------
// The worker's side: parentPort and the start of the thread
// ---------------------------------------------------------------------------------------------

/**
 * The worker's end of the channel to the page, an `EventEmitter` (`'message'` with the value)
 * with `postMessage`; `null` in the page. Messages sent before a `'message'` listener is added
 * wait for it, as on Node's port.
 */
class ParentPort extends EventEmitter {
  constructor () {
    super()
    this.on('newListener', (/** @type {string} */ type) => {
      if (type !== 'message') return
      queueMicrotask(() => {
        while (state.queued.length > 0) this.emit('message', state.queued.shift())
      })
    })
  }

  /**
   * @param {any} value
   * @param {Transferable[]} [transferList]
   */
  postMessage (value, transferList = []) {
    // A worker's global postMessage (the DOM types know the window's only).
    /** @type {any} */ (globalThis).postMessage({ [TAG]: { message: value } }, transferList)
  }

  /** Ends the thread's side of the channel: the thread ends, exit code 0. */
  close () { exitThread(0) }
  start () {}
  ref () { return this }
  unref () { return this }
}

const listening = state.parentPort !== undefined
/** @type {ParentPort | null} */
export const parentPort = state.parentPort ??= isMainThread ? null : new ParentPort()

/** @param {number} code */
function exitThread (code) {
  globalThis.postMessage({ [TAG]: { exit: { code } } })
  globalThis.close()
}

/** @param {any} error */
function sendError (error) {
  const thrown = error instanceof Error ? error : new Error(String(error ?? 'An unknown error occurred'))
  globalThis.postMessage({
    [TAG]: {
      error: {
        name: thrown.name, message: thrown.message, stack: thrown.stack, code: /** @type {any} */ (thrown).code
      }
    }
  })
}

/**
 * Start the thread: its facts, `process.exit` ending the thread (in the page it stops the app),
 * then the worker's script.
 * @param {{ source: string, eval: boolean, threadId: number, workerData: any, environment: [any, any][] }} init
 */
async function start (init) {
  state.threadId = threadId = init.threadId
  state.workerData = workerData = init.workerData
  for (const [key, value] of init.environment) state.environment.set(key, value)
  try {
    // oro:process, loaded in the worker only (the page's copy of this module never needs it).
    const { default: oroProcess } = await import(new URL('process.js', import.meta.url).href)
    Object.defineProperty(oroProcess, 'exit', {
      value: (/** @type {number | undefined} */ code) => exitThread(Number(code ?? oroProcess.exitCode ?? 0) || 0),
      writable: true,
      configurable: true
    })
  } catch {
    // oro:process cannot start here: the script cannot import it either.
  }
  globalThis.postMessage({ [TAG]: { online: true } })
  if (init.eval) {
    (0, eval)(init.source) // eslint-disable-line no-eval
  } else {
    await import(init.source)
  }
}

if (parentPort !== null && !listening) {
  globalThis.addEventListener('message', (event) => {
    const control = /** @type {MessageEvent} */ (event).data?.[TAG]
    if (!control) return
    event.stopImmediatePropagation()
    if (control.init) {
      start(control.init).catch(sendError)
    } else if ('message' in control) {
      if (parentPort.listenerCount('message') > 0) parentPort.emit('message', control.message)
      else state.queued.push(control.message)
    }
  })
  globalThis.addEventListener('error', (event) => {
    event.preventDefault()
    sendError(/** @type {ErrorEvent} */ (event).error ?? /** @type {ErrorEvent} */ (event).message)
  })
  globalThis.addEventListener('unhandledrejection', (event) => {
    event.preventDefault()
    sendError(/** @type {PromiseRejectionEvent} */ (event).reason)
  })
}

export default {
  BroadcastChannel,
  MessageChannel,
  MessagePort,
  SHARE_ENV,
  Worker,
  getEnvironmentData,
  isMainThread,
  get parentPort () { return parentPort },
  resourceLimits,
  setEnvironmentData,
  get threadId () { return threadId },
  get workerData () { return workerData },
  workers
}
