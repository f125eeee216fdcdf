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
import { invalidArgument } from './errors.js'

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
 * Called for uncaught errors (`error`) and unhandled promise rejections (`unhandledrejection`).
 * @param {Listener} callback
 */
export function onError (callback) {
  checkCallback(callback, 'onError')
  const off = [on('error', callback), on('unhandledrejection', callback)]
  return () => off.forEach((unsubscribe) => unsubscribe())
}

export default {
  on,
  once,
  onApplicationPause,
  onApplicationResume,
  onApplicationStop,
  onApplicationURL,
  onError,
  onInit,
  onLoad,
  onOffline,
  onOnline,
  onPermissionChange,
  onReady
}
