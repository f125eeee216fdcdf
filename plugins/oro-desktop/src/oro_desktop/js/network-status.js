/**
 * `oro:network-status` — whether the machine is online, as the host's network status service
 * sees it (a default route through a usable interface; the host watches the kernel's routes).
 *
 * ```js
 * import { status } from 'oro:network-status'
 * const { online, message } = await status()       // the host route network.status
 * addEventListener('offline', (event) => banner.show(event.detail.message))
 * navigator.onLine                                  // the same answer, in every engine
 * ```
 *
 * Loaded in every page by oro-desktop. With the host's service watching (`__args.networkStatus`
 * is there), it makes the page agree with the host whatever engine renders it:
 * `navigator.onLine` is the host's state, the window gets the host's `online`/`offline` events
 * (`CustomEvent`s, `detail` `{name, message}` as Oro's), and the engine's own `online`/`offline`
 * events (which follow the engine's idea of the network: Chromium counts a link without a route
 * as online) are stopped before the page's listeners see them. Where the host cannot watch, the
 * page keeps its engine's own.
 * @module oro:network-status
 */

import { subscribe, whenReady } from 'oro:bootstrap'
import { request } from 'oro:ipc'

const STATE = Symbol.for('oro.desktop.networkStatus')
const NAMES = /** @type {const} */ (['online', 'offline'])

/**
 * @typedef {object} NetworkStatus
 * @property {boolean} online
 * @property {'online' | 'offline'} name
 * @property {string} message
 * @property {boolean} watching whether the host watches the network (else `online` is `true`)
 */

/**
 * The host's answer now (route `network.status`).
 * @returns {Promise<NetworkStatus>}
 */
export async function status () {
  return /** @type {NetworkStatus} */ (await request('network.status'))
}

/**
 * Whether the page is online as the host last said (`navigator.onLine`).
 * @returns {boolean}
 */
export function isOnline () {
  return /** @type {any} */ (globalThis).navigator?.onLine ?? true
}

/**
 * Make `navigator.onLine` and the window's `online`/`offline` events follow the host. Done on
 * import in an Oro page; idempotent. Returns `false` where the host does not watch the network.
 * @param {any} [target]
 * @returns {boolean}
 */
export function install (target = globalThis) {
  if (target[STATE]) return true
  const initial = target.__args?.networkStatus
  if (!initial || typeof initial.online !== 'boolean' || typeof target.addEventListener !== 'function') {
    return false
  }
  // heard: how many of the host's events have changed the state (the resync below uses it).
  const state = { online: initial.online, heard: 0 }
  Object.defineProperty(target, STATE, { value: state })
  if (target.navigator) {
    Object.defineProperty(target.navigator, 'onLine', {
      configurable: true,
      enumerable: true,
      get: () => state.online
    })
  }
  // The host's events are dispatched on the window by oro:bootstrap: the state changes just
  // before, so that every listener (however early the page added it) reads the new
  // navigator.onLine.
  const dispatch = target.dispatchEvent
  Object.defineProperty(target, 'dispatchEvent', {
    configurable: true,
    writable: true,
    value: function dispatchEvent (/** @type {Event} */ event) {
      if (event instanceof CustomEvent && NAMES.includes(/** @type {any} */ (event.type))) {
        const online = event.type === 'online'
        // As in a browser, these events are changes: one that changes nothing is the host's
        // event for a change the resync below has already dispatched.
        if (online === state.online) return true
        state.online = online
        state.heard++
      }
      return dispatch.call(this, event)
    }
  })
  for (const name of NAMES) {
    // The engine's own events: stopped before the page's listeners added after this one (and,
    // where an engine runs capture listeners first, before all of them).
    target.addEventListener(name, (/** @type {Event} */ event) => {
      if (event.isTrusted) event.stopImmediatePropagation()
    }, { capture: true })
    subscribe(name)
  }
  // A change between serving the page and opening its event channel reached no one: ask once.
  // An event heard after the question was asked is as new as its answer, or newer: it wins.
  whenReady().then(() => {
    const asked = state.heard
    return status().then((now) => ({ now, asked }))
  }).then(({ now, asked }) => {
    if (now.watching && asked === state.heard && now.online !== state.online) {
      target.dispatchEvent(new CustomEvent(now.name, { detail: { name: now.name, message: now.message } }))
    }
  }, () => {})
  return true
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default { install, isOnline, status }
