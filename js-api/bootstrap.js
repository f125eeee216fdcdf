/**
 * `oro:bootstrap` — loaded first in every page by the preload. It:
 *
 * 1. maps `ipc://<route>?<params>` URLs onto the bridge (`/ipc/<route>?<params>`) for `fetch()`
 *    (a URL or a `Request`), `new EventSource()` and `XMLHttpRequest.open()`, so Oro-style code such as
 *    `fetch('ipc://ping')` keeps working;
 * 2. subscribes to the host's event channel `/oro/events?window=<index>` (a WebSocket; an event
 *    stream where there is none) and re-dispatches each
 *    event as `new CustomEvent(name, { detail })` on `globalThis` (`applicationpause`,
 *    `applicationresume`, `applicationstop` and any other name, see `KNOWN_EVENTS`);
 * 3. dispatches `runtimeinit` on `globalThis` once the document is parsed and the channel is open
 *    (or failed, or 2 s passed).
 *
 * Oro's other page globals (`Buffer`, its event classes and pickers, `require`) are
 * `oro:bootstrap/globals`', loaded in every page when `webview.oro_globals` is on.
 *
 * Installing is idempotent (one state per global object). It happens on import when
 * `globalThis.isOroRuntime === true` (set by the preload); elsewhere call `install()`.
 *
 * It also has Oro's `bootstrap({url, dest})` (download a file to a path, with progress events)
 * and `checkHash(dest, hash, algorithm)` (is the file on disk the one expected?); both need
 * `oro:fs` (the oro-fs plugin).
 * @module oro:bootstrap
 */

import './protocol-handlers.js'
import './internal/schemes.js'
import { Bootstrap, bootstrap, checkHash } from './bootstrap/internal/download.js'
import { ApplicationURLEvent, HotKeyEvent } from './internal/events.js'
import { SocketChannel } from './internal/channel.js'
import { windowCredential } from './internal/params.js'

export { ApplicationURLEvent, Bootstrap, bootstrap, checkHash }

/**
 * Make `navigator.permissions.query` and `.request` `oro:permissions`' (the host's permission
 * broker decides the camera, the microphone, the location and notifications on every engine),
 * importing it when the page first asks: a page that never asks loads nothing more at start.
 * The engine's own `query` is kept for the names the host does not decide. Idempotent.
 * @param {any} [target]
 */
function installPermissions (target = globalThis) {
  const permissions = target.navigator?.permissions
  if (!permissions || permissions[Symbol.for('oro.permissions')]) return
  const own = typeof permissions.query === 'function' ? permissions.query.bind(permissions) : null
  Object.defineProperty(permissions, Symbol.for('oro.permissions.engine'), { value: own })
  for (const key of /** @type {const} */ (['query', 'request'])) {
    Object.defineProperty(permissions, key, {
      configurable: true,
      writable: true,
      /** @param {...any} args */
      value: function (...args) {
        return import('./permissions.js').then((module) => /** @type {any} */ (module)[key](...args))
      }
    })
  }
  Object.defineProperty(permissions, Symbol.for('oro.permissions'), { value: true })
}

/**
 * Web OTP (`navigator.credentials.get({ otp })`) reads a one-time code from an SMS, which a
 * desktop does not receive: as the Oro Runtime answers on desktop, such a call rejects with a
 * `NotSupportedError` at once (an engine would reject for reasons of its own, or wait for a
 * phone). Every other credential is the engine's own `get`. Idempotent.
 * @param {any} [target]
 */
function installWebOTP (target = globalThis) {
  const navigator = target.navigator
  if (!navigator || navigator.credentials?.[Symbol.for('oro.otp')]) return
  if (!navigator.credentials) {
    Object.defineProperty(navigator, 'credentials', { configurable: true, value: {} })
  }
  const credentials = navigator.credentials
  const own = typeof credentials.get === 'function' ? credentials.get.bind(credentials) : null
  const notSupported = (/** @type {string} */ message) =>
    Promise.reject(new DOMException(message, 'NotSupportedError'))
  Object.defineProperty(credentials, 'get', {
    configurable: true,
    writable: true,
    /** @param {any} [options] */
    value: function get (options) {
      if (options !== null && typeof options === 'object' && 'otp' in options) {
        return notSupported('Web OTP reads codes from SMS, which a desktop does not receive')
      }
      return own ? own(options) : notSupported('this engine has no credential manager')
    }
  })
  Object.defineProperty(credentials, Symbol.for('oro.otp'), { value: true })
}

const STATE = Symbol.for('oro.runtime.bootstrap')

/**
 * Event names the host channel is subscribed to from the start. An `EventSource` only delivers a
 * named event to a listener for that name, so the names pages listen for before bootstrap runs
 * must be here; a name a page passes to `globalThis.addEventListener` after bootstrap is
 * subscribed then (see `subscribe()`).
 */
export const KNOWN_EVENTS = Object.freeze([
  'applicationpause',
  'applicationresume',
  'applicationstop',
  'applicationurl',
  'windowmessage',
  'permissionchange',
  'servicestatechange',
  'filedidchange',
  'menuItemSelected',
  'hotkey',
  'hotkeybindings',
  'notificationresponse',
  'notificationpresented',
  'notificationclose',
  'trayclick',
  'windowcreate',
  'windowlaunch',
  'windowshow',
  'windowhide',
  'windowclose',
  'windowresize',
  'windowfocus',
  'windowblur',
  'dropin'
])

/** Names an `EventSource` uses for itself; never treated as host events. */
const RESERVED_NAMES = new Set(['open', 'error', 'message'])

/** How long `runtimeinit` waits for the event channel to open, in ms. */
export const CHANNEL_OPEN_TIMEOUT = 2000

const IPC_URL = /^ipc:(?:\/\/)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i

/**
 * The bridge URL for an `ipc://` URL, or `null` when `input` is not one.
 * `ipc://fs.stat?path=a` → `<origin>/ipc/fs.stat?path=a&index=<window>` (`index` added unless
 * present; no `seq`: the host answers with its own id). The route is the URL's host part.
 * @param {string | URL | { url: string }} input
 * @param {{ origin?: string, index?: number }} [options]
 * @returns {string | null}
 */
export function toIPCURL (input, options = {}) {
  const text = typeof input === 'string'
    ? input
    : input instanceof URL
      ? input.href
      : input && typeof input === 'object' && typeof input.url === 'string'
        ? input.url
        : null
  if (text === null) return null
  const match = IPC_URL.exec(text.trim())
  if (!match) return null
  const [, host, path = '', search = '', hash = ''] = match
  const route = `${host}${path}`.replace(/\/+$/, '')
  const query = search.startsWith('?') ? search.slice(1) : search
  const pairs = query ? query.split('&').filter(Boolean) : []
  if (!pairs.some((pair) => decodeURIComponentSafe(pair.split('=')[0]) === 'index')) {
    pairs.push(`index=${options.index ?? windowIndex()}`)
  }
  const credential = windowCredential()
  if (credential !== null) pairs.push(`oro_window=${encodeURIComponent(credential)}`)
  const origin = options.origin ?? pageOrigin()
  return `${origin}/ipc/${route}?${pairs.join('&')}${hash}`
}

/** @param {string} text */
function decodeURIComponentSafe (text) {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function windowIndex () {
  const index = /** @type {any} */ (globalThis).__args?.index
  return typeof index === 'number' && Number.isFinite(index) ? index : 0
}

function pageOrigin () {
  const location = /** @type {any} */ (globalThis).location
  if (location && typeof location.origin === 'string' && /^https?:/.test(location.origin)) {
    return location.origin
  }
  const origin = /** @type {any} */ (globalThis).__args?.origin
  return typeof origin === 'string' ? origin.replace(/\/+$/, '') : ''
}

/**
 * @typedef {object} BootstrapState
 * @property {boolean} installed
 * @property {boolean} ready true once `runtimeinit` was dispatched
 * @property {Promise<void>} whenReady resolves when `runtimeinit` is dispatched
 * @property {EventSource | SocketChannel | null} channel the host event channel, when open
 * @property {Set<string>} subscribed event names the channel listens for
 * @property {Set<string>} seenEventIds ids of the host events dispatched recently
 * @property {{ fetch?: typeof fetch, EventSource?: typeof EventSource, xhrOpen?: Function, addEventListener?: Function }} originals
 * @property {typeof fetch} [fetch] the `fetch` with `ipc://` mapping ({@link runtimeFetch})
 * @property {boolean} [fetchInstalled] whether it is installed as the global's `fetch`
 * @property {() => void} resolveReady
 */

/**
 * The bootstrap state of `target` (created on first use).
 * @param {any} [target]
 * @returns {BootstrapState}
 */
export function getState (target = globalThis) {
  if (!target[STATE]) {
    /** @type {() => void} */
    let resolveReady = () => {}
    const whenReady = new Promise((resolve) => { resolveReady = () => resolve(undefined) })
    Object.defineProperty(target, STATE, {
      value: {
        installed: false,
        ready: false,
        whenReady,
        channel: null,
        subscribed: new Set(),
        seenEventIds: new Set(),
        originals: {},
        resolveReady
      },
      enumerable: false,
      configurable: true
    })
  }
  return target[STATE]
}

/** True once `runtimeinit` was dispatched. */
export function isReady () {
  return getState().ready
}

/** Resolves when `runtimeinit` has been dispatched (at once if it already was). */
export function whenReady () {
  return getState().whenReady
}

/**
 * Dispatch a host event on `globalThis` as a `CustomEvent` whose `detail` is the JSON-parsed data
 * (`applicationurl` as an {@link ApplicationURLEvent}, `hotkey` as a `HotKeyEvent` whose `data`
 * it is: Oro's classes, from `oro:internal/events`).
 * @param {string} name
 * @param {unknown} detail
 */
export function dispatchHostEvent (name, detail) {
  const target = /** @type {any} */ (globalThis)
  if (typeof target.dispatchEvent !== 'function') return false
  if (name === WINDOW_MESSAGE) return target.dispatchEvent(windowMessage(detail))
  // Oro's drag and drop events, as its runtime dispatches them: the host's `drag` is
  // `platformdrag`; `dropin`/`drop` (files dropped on the window, granted to this page) is
  // `platformdrop` whose `detail.files` are the paths. The page's own DOM `drop` is the engine's.
  if (name === 'drag') return target.dispatchEvent(new CustomEvent('platformdrag', { detail }))
  if (name === 'dropin' || name === 'drop') {
    const given = /** @type {any} */ (detail) ?? {}
    const files = Array.from(given.src || given.files || []).filter(Boolean)
    return target.dispatchEvent(new CustomEvent('platformdrop', { detail: { ...given, files } }))
  }
  const event = name === 'applicationurl'
    ? new ApplicationURLEvent(name, { detail: /** @type {any} */ (detail) })
    : name === 'hotkey'
      ? new HotKeyEvent(name, /** @type {any} */ (detail))
      : new CustomEvent(name, { detail })
  return target.dispatchEvent(event)
}

/** The host event another window's `window.send('message')` arrives as (Socket's `postMessage`). */
const WINDOW_MESSAGE = 'windowmessage'

/**
 * Socket's `MessageEvent('message', { data })` for a window message; `sourceWindowIndex` is the
 * sender's window as the host proved it (`null`: not a page), which no page can choose.
 * @param {any} detail
 */
function windowMessage (detail) {
  const event = new MessageEvent('message', { data: detail?.data, origin: globalThis.location?.origin ?? '' })
  const from = typeof detail?.from === 'number' ? detail.from : null
  Object.defineProperty(event, 'sourceWindowIndex', { value: from, enumerable: true })
  return event
}

/** How many recent event ids are remembered to drop an event arriving on a second channel. */
const SEEN_EVENT_IDS = 4096

/**
 * Dispatch host event `name` unless an event with the same `id` was already dispatched. The
 * host numbers its events; when oro-conduit is installed an event can arrive both on the event
 * channel and on the Conduit socket, and whichever comes first is dispatched. Events without an
 * id are always dispatched.
 * @param {string} name
 * @param {unknown} detail
 * @param {string | number | null} [id]
 * @returns {boolean} whether it was dispatched
 */
export function deliverHostEvent (name, detail, id = null) {
  const key = id === null || id === undefined || id === '' ? null : String(id)
  if (key !== null) {
    const seen = getState().seenEventIds
    if (seen.has(key)) return false
    seen.add(key)
    if (seen.size > SEEN_EVENT_IDS) {
      for (const oldest of seen) {
        seen.delete(oldest)
        break
      }
    }
  }
  dispatchHostEvent(name, detail)
  if (name === 'applicationstop') {
    // The host is going away: do not let the channel reconnect forever.
    getState().channel?.close()
  }
  return true
}

/** @param {string} data */
function parseData (data) {
  if (typeof data !== 'string' || data === '') return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

/**
 * Make the host channel deliver events named `name` (no-op for names already subscribed and for
 * `open`/`error`/`message`). Called for every name in `KNOWN_EVENTS` and for every name passed to
 * `globalThis.addEventListener` once bootstrap is installed.
 * @param {string} name
 */
export function subscribe (name) {
  const state = getState()
  if (typeof name !== 'string' || !name || RESERVED_NAMES.has(name) || state.subscribed.has(name)) return
  state.subscribed.add(name)
  state.channel?.addEventListener(name, onChannelEvent)
}

/** @param {Event} event */
function onChannelEvent (event) {
  const message = /** @type {MessageEvent} */ (event)
  if (typeof message.data !== 'string') return
  deliverHostEvent(event.type, parseData(message.data), message.lastEventId)
}

/**
 * Unnamed `data:` messages on the channel of the form `{"event": name, "data": detail}` are
 * dispatched as `name` (a fallback for names nobody subscribed to).
 * @param {Event} event
 */
function onChannelMessage (event) {
  const payload = parseData(/** @type {MessageEvent} */ (event).data)
  if (payload !== null && typeof payload === 'object' && typeof payload.event === 'string' &&
      payload.event && !RESERVED_NAMES.has(payload.event)) {
    dispatchHostEvent(payload.event, 'data' in payload ? payload.data : payload.detail)
  }
}

/**
 * `target`'s `fetch` with `ipc://` URLs mapped onto the bridge: the function
 * {@link installURLMapping} installs as `target.fetch` (one per global object, made on first
 * use from the `fetch` `target` had then), and `oro:fetch`'s `fetch`. Other URLs go to the
 * original `fetch` untouched.
 * @param {any} [target]
 * @returns {typeof globalThis.fetch}
 */
export function runtimeFetch (target = globalThis) {
  const state = getState(target)
  if (state.fetch) return state.fetch
  const originalFetch = target.fetch
  state.originals.fetch = originalFetch
  /**
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   */
  const fetch = function fetch (input, init) {
    const mapped = toIPCURL(/** @type {any} */ (input))
    if (mapped === null) return originalFetch.call(target, input, init)
    const OriginalRequest = target.Request
    if (typeof OriginalRequest === 'function' && input instanceof OriginalRequest) {
      // Keep the Request's method, headers, body, signal...; init still overrides them.
      return originalFetch.call(target, new OriginalRequest(mapped, input), init)
    }
    return originalFetch.call(target, mapped, { credentials: 'same-origin', ...(init ?? {}) })
  }
  state.fetch = fetch
  return fetch
}

/**
 * Wrap `fetch`, `EventSource` and `XMLHttpRequest.prototype.open` so that `ipc://`
 * URLs reach the bridge. Other URLs pass through untouched. Safe to call twice.
 * @param {any} [target]
 */
export function installURLMapping (target = globalThis) {
  const state = getState(target)
  const originals = state.originals

  if (typeof target.fetch === 'function' && !state.fetchInstalled) {
    state.fetchInstalled = true
    target.fetch = runtimeFetch(target)
  }

  if (typeof target.EventSource === 'function' && !originals.EventSource) {
    const OriginalEventSource = target.EventSource
    originals.EventSource = OriginalEventSource
    const MappedEventSource = class EventSource extends OriginalEventSource {
      /**
       * @param {string | URL} url
       * @param {EventSourceInit} [init]
       */
      constructor (url, init) {
        const mapped = toIPCURL(url)
        super(mapped ?? url, init)
        if (mapped !== null) {
          // An IPC stream that ended is finished: close instead of reconnecting (and replaying
          // the stream from the start) as a plain EventSource would. Registered first, so the
          // page's own `error` listeners already see readyState CLOSED.
          let opened = false
          this.addEventListener('open', () => { opened = true })
          this.addEventListener('error', () => {
            if (opened) this.close()
          })
        }
      }
    }
    target.EventSource = MappedEventSource
  }

  const XHR = target.XMLHttpRequest
  if (typeof XHR === 'function' && !originals.xhrOpen) {
    const originalOpen = XHR.prototype.open
    originals.xhrOpen = originalOpen
    /** @this {XMLHttpRequest} */
    XHR.prototype.open = function open (/** @type {string} */ method, /** @type {string | URL} */ url, /** @type {any[]} */ ...rest) {
      const mapped = toIPCURL(url)
      return originalOpen.call(this, method, mapped ?? url, ...rest)
    }
  }
}

/**
 * Open the host event channel (`/oro/events?window=<index>`) and subscribe it to
 * `KNOWN_EVENTS`; also make `globalThis.addEventListener(name)` subscribe `name`.
 * @param {any} [target]
 * @returns {EventSource | SocketChannel | null}
 */
export function openChannel (target = globalThis) {
  const state = getState(target)
  if (state.channel) return state.channel
  const EventSourceClass = state.originals.EventSource ?? target.EventSource
  const Socket = target.WebSocket
  if (typeof EventSourceClass !== 'function' && typeof Socket !== 'function') return null
  const credential = windowCredential()
  const url = `${pageOrigin()}/oro/events?window=${encodeURIComponent(String(windowIndex()))}` +
    (credential === null ? '' : `&oro_window=${encodeURIComponent(credential)}`)
  // A WebSocket where there is one: an event stream would hold one of the 6 HTTP connections
  // every window of the app shares for as long as the page lives (internal/channel.js).
  /** @type {EventSource | SocketChannel} */
  const channel = typeof Socket === 'function'
    ? new SocketChannel(url, Socket)
    : new EventSourceClass(url)
  state.channel = channel
  channel.addEventListener('message', onChannelMessage)
  for (const name of KNOWN_EVENTS) subscribe(name)
  for (const name of state.subscribed) channel.addEventListener(name, onChannelEvent)

  if (typeof target.addEventListener === 'function' && !state.originals.addEventListener) {
    const originalAdd = target.addEventListener
    state.originals.addEventListener = originalAdd
    Object.defineProperty(target, 'addEventListener', {
      value: function addEventListener (/** @type {string} */ type, /** @type {any[]} */ ...rest) {
        if (this === target || this === undefined) subscribe(type)
        return originalAdd.call(this ?? target, type, ...rest)
      },
      writable: true,
      enumerable: false,
      configurable: true
    })
  }
  return channel
}

/**
 * Resolve when the channel opens, fails, or `timeout` ms pass.
 * @param {EventSource | SocketChannel | null} channel
 * @param {number} timeout
 */
function channelSettled (channel, timeout) {
  if (!channel || channel.readyState === 1) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      channel.removeEventListener('open', done)
      channel.removeEventListener('error', done)
      resolve(undefined)
    }
    const timer = setTimeout(done, timeout)
    channel.addEventListener('open', done)
    channel.addEventListener('error', done)
  })
}

function documentParsed () {
  const document = /** @type {any} */ (globalThis).document
  if (!document || document.readyState !== 'loading') return Promise.resolve()
  return new Promise((resolve) => {
    document.addEventListener('DOMContentLoaded', () => resolve(undefined), { once: true })
  })
}

/**
 * Install everything (URL mapping, event channel, `runtimeinit`). Idempotent.
 * @param {{ channel?: boolean, channelTimeout?: number }} [options] `channel: false` skips the
 *   event channel (then `runtimeinit` only waits for the document)
 * @returns {BootstrapState}
 */
export function install (options = {}) {
  const state = getState()
  if (state.installed) return state
  state.installed = true
  installURLMapping()
  installPermissions()
  installWebOTP()
  const channel = options.channel === false ? null : openChannel()
  Promise.all([
    documentParsed(),
    channelSettled(channel, options.channelTimeout ?? CHANNEL_OPEN_TIMEOUT)
  ]).then(() => {
    state.ready = true
    state.resolveReady()
    dispatchHostEvent('runtimeinit', { index: windowIndex() })
  })
  return state
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default {
  ApplicationURLEvent,
  Bootstrap,
  bootstrap,
  checkHash,
  CHANNEL_OPEN_TIMEOUT,
  KNOWN_EVENTS,
  deliverHostEvent,
  dispatchHostEvent,
  getState,
  install,
  installURLMapping,
  isReady,
  openChannel,
  runtimeFetch,
  subscribe,
  toIPCURL,
  whenReady
}
