/**
 * `oro:hooks` — subscribe to the runtime's lifecycle and host events. Every `on*` function takes a
 * callback and returns a function that unsubscribes it.
 *
 * ```js
 * import { onApplicationPause, onApplicationResume, onReady } from 'oro:hooks'
 * const stop = onApplicationPause(() => video.pause())
 * onReady(() => console.log('runtime ready'))
 * stop() // no longer called
 * ```
 *
 * Host events arrive on `globalThis` as `CustomEvent`s (dispatched by `oro:bootstrap`); the
 * callback receives the event, its payload is `event.detail`.
 * @module oro:hooks
 */

import { isReady, subscribe, whenReady } from './bootstrap.js'
import { AbortError, invalidArgument } from './errors.js'

/**
 * @callback Listener
 * @param {Event} event
 * @returns {void}
 */

/**
 * @param {unknown} callback
 * @param {string} name
 * @returns {asserts callback is Function}
 */
function checkCallback (callback, name) {
  if (typeof callback !== 'function') {
    throw invalidArgument(`${name}() expects a function, got ${typeof callback}`)
  }
}

/**
 * Call `callback` for every `name` event dispatched on `globalThis`. Returns the unsubscribe
 * function. Host events of any name reach it (the channel is subscribed to `name`).
 * @param {string} name
 * @param {Listener} callback
 * @param {{ once?: boolean, signal?: AbortSignal }} [options]
 * @returns {() => void}
 */
export function on (name, callback, options = {}) {
  checkCallback(callback, 'on')
  subscribe(name)
  const target = /** @type {any} */ (globalThis)
  if (typeof target.addEventListener !== 'function') return () => {}
  /** @param {Event} event */
  const listener = (event) => callback(event)
  target.addEventListener(name, listener, options)
  let active = true
  return () => {
    if (!active) return
    active = false
    target.removeEventListener(name, listener, options)
  }
}

/**
 * Like `on()`, for the first event only.
 * @param {string} name
 * @param {Listener} callback
 * @returns {() => void}
 */
export function once (name, callback) {
  return on(name, callback, { once: true })
}

/**
 * Called when the application is paused (window hidden or minimized, app in background).
 * @param {Listener} callback
 */
export function onApplicationPause (callback) {
  checkCallback(callback, 'onApplicationPause')
  return on('applicationpause', callback)
}

/**
 * Called when the application resumes (window shown or restored, app in foreground).
 * @param {Listener} callback
 */
export function onApplicationResume (callback) {
  checkCallback(callback, 'onApplicationResume')
  return on('applicationresume', callback)
}

/**
 * Called when the application is about to stop (last window closing, Ctrl-C, `exit()`).
 * @param {Listener} callback
 */
export function onApplicationStop (callback) {
  checkCallback(callback, 'onApplicationStop')
  return on('applicationstop', callback)
}

/**
 * Called when the app is opened through a URL of its own protocol (`applicationurl` event, an
 * `ApplicationURLEvent`: `event.url`, `event.source`, `event.path`, `event.detail`).
 * @param {Listener} callback
 */
export function onApplicationURL (callback) {
  checkCallback(callback, 'onApplicationURL')
  return on('applicationurl', callback)
}

/**
 * Called when a runtime permission changes (`permissionchange`, detail `{name, state}`).
 * @param {Listener} callback
 */
export function onPermissionChange (callback) {
  checkCallback(callback, 'onPermissionChange')
  return on('permissionchange', callback)
}

/**
 * Called once the runtime is initialised: the document is parsed and the host event channel is
 * open (`runtimeinit`). Called on a microtask if that already happened. Returns an unsubscribe
 * function (which does nothing once the callback ran).
 * @param {() => void} callback
 * @returns {() => void}
 */
export function onReady (callback) {
  checkCallback(callback, 'onReady')
  let active = true
  const run = () => {
    if (!active) return
    active = false
    callback()
  }
  if (isReady()) queueMicrotask(run)
  else whenReady().then(run)
  return () => { active = false }
}

/** Same as `onReady()` (the Oro Runtime's `onInit`). */
export const onInit = onReady

/**
 * Called once the page's `load` event has fired (on a microtask if it already did).
 * @param {() => void} callback
 * @returns {() => void}
 */
export function onLoad (callback) {
  checkCallback(callback, 'onLoad')
  const document = /** @type {any} */ (globalThis).document
  if (!document || document.readyState === 'complete') {
    let active = true
    queueMicrotask(() => { if (active) callback() })
    return () => { active = false }
  }
  return on('load', () => callback(), { once: true })
}

/**
 * Called when the browser goes online.
 * @param {Listener} callback
 */
export function onOnline (callback) {
  checkCallback(callback, 'onOnline')
  return on('online', callback)
}

/**
 * Called when the browser goes offline.
 * @param {Listener} callback
 */
export function onOffline (callback) {
  checkCallback(callback, 'onOffline')
  return on('offline', callback)
}

/**
 * Called for uncaught errors (`error`), unhandled promise rejections (`unhandledrejection`) and
 * messages that could not be deserialised (`messageerror`).
 * @param {Listener} callback
 */
export function onError (callback) {
  checkCallback(callback, 'onError')
  const off = ['error', 'unhandledrejection', 'messageerror'].map((type) => on(type, callback))
  return () => off.forEach((unsubscribe) => unsubscribe())
}

/**
 * Called for `data` events dispatched on `globalThis` (Oro's global data pipe).
 * @param {Listener} callback
 */
export function onData (callback) {
  checkCallback(callback, 'onData')
  return on('data', callback)
}

/**
 * Called for `message` events on `globalThis` (`postMessage` from another window or a worker).
 * @param {Listener} callback
 */
export function onMessage (callback) {
  checkCallback(callback, 'onMessage')
  return on('message', callback)
}

/**
 * Called when the user's preferred language changes (`languagechange`).
 * @param {Listener} callback
 */
export function onLanguageChange (callback) {
  checkCallback(callback, 'onLanguageChange')
  return on('languagechange', callback)
}

/**
 * Called when the user acts on a presented notification (`notificationresponse`, detail
 * `{id, action}`).
 * @param {Listener} callback
 */
export function onNotificationResponse (callback) {
  checkCallback(callback, 'onNotificationResponse')
  return on('notificationresponse', callback)
}

/**
 * Called when a notification was presented (`notificationpresented`, detail `{id}`).
 * @param {Listener} callback
 */
export function onNotificationPresented (callback) {
  checkCallback(callback, 'onNotificationPresented')
  return on('notificationpresented', callback)
}

/** The event this runtime dispatches on `globalThis` once initialised (Oro names its own
 * `__runtime_init__`; here it is `oro:bootstrap`'s `runtimeinit`). */
export const RUNTIME_INIT_EVENT_NAME = 'runtimeinit'

/** The global events the hooks listen to (Oro's list). */
export const GLOBAL_EVENTS = Object.freeze([
  RUNTIME_INIT_EVENT_NAME,
  'applicationurl',
  'applicationpause',
  'applicationresume',
  'data',
  'error',
  'init',
  'languagechange',
  'load',
  'message',
  'messageerror',
  'notificationpresented',
  'notificationresponse',
  'offline',
  'online',
  'permissionchange',
  'unhandledrejection'
])

/** Dispatched on a `Hooks` instance when the runtime is initialised. */
export class InitEvent extends Event {
  constructor () { super('init') }
}

/** Dispatched on a `Hooks` instance when the page has loaded. */
export class LoadEvent extends Event {
  constructor () { super('load') }
}

/** Dispatched on a `Hooks` instance when the runtime and the page are both ready. */
export class ReadyEvent extends Event {
  constructor () { super('ready') }
}

/** The runtime's initialisation event (`RUNTIME_INIT_EVENT_NAME`). */
export class RuntimeInitEvent extends Event {
  constructor () { super(RUNTIME_INIT_EVENT_NAME) }
}

// The page's `load`: true from then on (at once in a page that already loaded, and in a
// worker, which has none). Kept here, not per instance, so that every `Hooks` agrees.
let globalLoaded = false
{
  const document = /** @type {any} */ (globalThis).document
  if (!document || document.readyState === 'complete' ||
    typeof globalThis.addEventListener !== 'function') {
    globalLoaded = true
  } else {
    globalThis.addEventListener('load', () => { globalLoaded = true }, { once: true })
  }
}

/** Each hook by the lower-case event name `wait()` takes. */
const HOOKS = /** @type {Record<string, (callback: (event?: any) => void) => () => void>} */ ({
  ready: onReady,
  load: onLoad,
  init: onInit,
  error: onError,
  data: onData,
  message: onMessage,
  online: onOnline,
  offline: onOffline,
  languagechange: onLanguageChange,
  permissionchange: onPermissionChange,
  notificationresponse: onNotificationResponse,
  notificationpresented: onNotificationPresented,
  applicationurl: onApplicationURL,
  applicationpause: onApplicationPause,
  applicationresume: onApplicationResume,
  applicationstop: onApplicationStop
})

/**
 * Resolves with the next event of a hook (`'ready'`, `'applicationurl'`... or the hook function
 * itself, `wait(onApplicationPause)`), as Oro's `wait`. `options.signal` rejects it with an
 * `AbortError` and removes the listener. An unknown hook rejects with a `TypeError`
 * (`ERR_INVALID_ARG_VALUE`).
 * @param {string | Function} nameOrFunction
 * @param {{ signal?: AbortSignal | null }} [options]
 * @returns {Promise<any>}
 */
export function wait (nameOrFunction, options = {}) {
  const hook = typeof nameOrFunction === 'string'
    ? HOOKS[nameOrFunction.toLowerCase()]
    : Object.values(HOOKS).find((candidate) => candidate === nameOrFunction)
  if (!hook) {
    const error = invalidArgument(`${String(nameOrFunction)} is not a valid hook to wait for`)
    return Promise.reject(Object.assign(error, { code: 'ERR_INVALID_ARG_VALUE' }))
  }
  const signal = options?.signal ?? null
  if (signal?.aborted) return Promise.reject(new AbortError('The wait was aborted', { cause: signal.reason }))
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      stop()
      reject(new AbortError('The wait was aborted', { cause: signal?.reason }))
    }
    const stop = hook((event) => {
      stop?.()
      signal?.removeEventListener('abort', onAbort)
      resolve(event)
    })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Oro's `Hooks`: an `EventTarget` that re-dispatches the global events of `GLOBAL_EVENTS` on
 * itself (as new events of the same kind), dispatches `load`, `init` and `ready`
 * (`LoadEvent`, `InitEvent`, `ReadyEvent`) as the page and the runtime get there, and has
 * every hook as a method (the module's functions: they listen on `globalThis`).
 */
export class Hooks extends EventTarget {
  static GLOBAL_EVENTS = GLOBAL_EVENTS
  static InitEvent = InitEvent
  static LoadEvent = LoadEvent
  static ReadyEvent = ReadyEvent
  static RuntimeInitEvent = RuntimeInitEvent

  constructor () {
    super()
    const scope = /** @type {any} */ (globalThis)
    if (typeof scope.addEventListener === 'function') {
      // `init` and `load` on a Hooks instance are its own events, dispatched below.
      for (const type of GLOBAL_EVENTS.filter((name) => name !== 'init' && name !== 'load')) {
        on(type, (event) => this.dispatchEvent(copyEvent(event)))
      }
    }
    onLoad(() => {
      this.dispatchEvent(new LoadEvent())
    })
    onReady(() => {
      this.dispatchEvent(new InitEvent())
      this.dispatchEvent(new ReadyEvent())
    })
  }

  get globalEvents () { return GLOBAL_EVENTS }
  get global () { return globalThis }
  get document () { return /** @type {any} */ (globalThis).document ?? null }
  get window () { return /** @type {any} */ (globalThis).window ?? null }
  get isDocumentReady () { return this.document?.readyState === 'complete' }
  /** The page's `load` event has fired (always, in a worker). */
  get isGlobalReady () { return globalLoaded }
  get isRuntimeReady () { return isReady() }
  get isReady () { return this.isRuntimeReady && (this.isWorkerContext || this.isDocumentReady) }
  get isOnline () { return /** @type {any} */ (globalThis).navigator?.onLine ?? false }
  get isWorkerContext () { return !this.document && !this.window && Boolean(/** @type {any} */ (globalThis).self) }
  get isWindowContext () { return Boolean(this.document && this.window) }

  /** @param {string | Function} nameOrFunction @param {{ signal?: AbortSignal | null }} [options] */
  wait (nameOrFunction, options) {
    // A method of this object (`hooks.wait(hooks.onReady)`) names the hook of the same name.
    const method = typeof nameOrFunction === 'function'
      ? Object.getOwnPropertyNames(Hooks.prototype).find((name) => name.startsWith('on') && /** @type {any} */ (this)[name] === nameOrFunction)
      : undefined
    return wait(method ? method.slice(2) : nameOrFunction, options)
  }

  /**
   * `on()` of this module (an addition to Oro's `Hooks`).
   * @param {string} name @param {Listener} callback @param {{ once?: boolean, signal?: AbortSignal }} [options]
   */
  on (name, callback, options) { return on(name, callback, options) }
  /** `once()` of this module. @param {string} name @param {Listener} callback */
  once (name, callback) { return once(name, callback) }
  /** @param {() => void} callback */ onReady (callback) { return onReady(callback) }
  /** @param {() => void} callback */ onLoad (callback) { return onLoad(callback) }
  /** @param {() => void} callback */ onInit (callback) { return onInit(callback) }
  /** @param {Listener} callback */ onError (callback) { return onError(callback) }
  /** @param {Listener} callback */ onData (callback) { return onData(callback) }
  /** @param {Listener} callback */ onMessage (callback) { return onMessage(callback) }
  /** @param {Listener} callback */ onOnline (callback) { return onOnline(callback) }
  /** @param {Listener} callback */ onOffline (callback) { return onOffline(callback) }
  /** @param {Listener} callback */ onLanguageChange (callback) { return onLanguageChange(callback) }
  /** @param {Listener} callback */ onPermissionChange (callback) { return onPermissionChange(callback) }
  /** @param {Listener} callback */ onNotificationResponse (callback) { return onNotificationResponse(callback) }
  /** @param {Listener} callback */ onNotificationPresented (callback) { return onNotificationPresented(callback) }
  /** @param {Listener} callback */ onApplicationURL (callback) { return onApplicationURL(callback) }
  /** @param {Listener} callback */ onApplicationPause (callback) { return onApplicationPause(callback) }
  /** @param {Listener} callback */ onApplicationResume (callback) { return onApplicationResume(callback) }
  /** @param {Listener} callback */ onApplicationStop (callback) { return onApplicationStop(callback) }
}

/**
 * A new event like `event` (an event being dispatched cannot be dispatched again).
 * @param {any} event
 * @returns {Event}
 */
function copyEvent (event) {
  const init = { bubbles: event.bubbles, cancelable: event.cancelable, composed: event.composed }
  if (typeof ErrorEvent === 'function' && event instanceof ErrorEvent) {
    return new ErrorEvent(event.type, { ...init, message: event.message, filename: event.filename, lineno: event.lineno, colno: event.colno, error: event.error })
  }
  if (event instanceof MessageEvent) {
    return new MessageEvent(event.type, { ...init, data: event.data, origin: event.origin, lastEventId: event.lastEventId, source: event.source, ports: [...event.ports] })
  }
  if (typeof PromiseRejectionEvent === 'function' && event instanceof PromiseRejectionEvent) {
    return new PromiseRejectionEvent(event.type, { ...init, promise: event.promise, reason: event.reason })
  }
  if (event instanceof CustomEvent) return new CustomEvent(event.type, { ...init, detail: event.detail })
  return new Event(event.type, init)
}

let instance = /** @type {Hooks | null} */ (null)
/** The page's one `Hooks` (made on first use: it listens to every global event). */
export function getHooks () {
  instance ??= new Hooks()
  return instance
}

/**
 * The page's `Hooks` (`getHooks()`), as Oro's default export: its flags (`isDocumentReady`,
 * `isGlobalReady`, `isRuntimeReady`, `isReady`) and every hook as a method.
 */
export default getHooks()
