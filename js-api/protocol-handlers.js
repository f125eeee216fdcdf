/**
 * `oro:protocol-handlers` — URLs of the app's own schemes (`weather:current`,
 * `web+demo://host/path?q`), served by the scheme's Service Worker at
 * `/oro/protocol/weather//current` and `/oro/protocol/web+demo/host/path?q` on the app origin.
 *
 * Loaded by `oro:bootstrap` in every page. For each scheme in `__args.protocolHandlers` (from
 * `[webview.protocol-handlers]` or `protocol.register`) it registers the worker with scope
 * `/oro/protocol/<scheme>/` (`type: 'module'`, through the shell `/oro/service-worker/shell.js`
 * so that Oro's default-export handlers answer), and makes these work with the scheme's URLs:
 *
 * - `fetch(url | Request)` and `new EventSource(url)`: they wait until the worker is active, then
 *   go out from a hidden same-origin frame inside the worker's scope. A worker only sees the
 *   requests of pages it controls, and it controls only pages inside its scope: the frame is
 *   such a page, the app's own page is not. What the worker posts to the frame's client reaches
 *   the page's `navigator.serviceWorker` 'message' listeners.
 * - `<a href="web+demo://...">` clicks: the window navigates to the mapped URL (the worker
 *   serves it; before the worker exists, the host answers with a page that installs it and
 *   reloads). A plain `location.href = 'web+demo://...'` works in window mode, where the scheme
 *   is also registered with QtWebEngine.
 * - `getServiceWorker({ scheme })`, `navigator.permissions.request({ name })` (the state
 *   `permissions.query` gives: nothing is granted here) and `navigator.serviceWorker.startMessages()`.
 *
 * ```js
 * import * as protocols from 'oro:protocol-handlers'
 * await protocols.register('notes', './notes-sw.js', { owner: 'me' })
 * const response = await fetch('notes:inbox/1')
 * ```
 * @module oro:protocol-handlers
 */

import { NotFoundError, SecurityError, invalidArgument } from './errors.js'
import { request } from './ipc.js'

const STATE = Symbol.for('oro.runtime.protocol-handlers')

/** The path prefix of protocol-handler URLs on the app origin. */
export const PROTOCOL_PREFIX = '/oro/protocol/'

/** Schemes HTML's `registerProtocolHandler` allows without the `web+` prefix. */
export const SAFELISTED_SCHEMES = Object.freeze([
  'bitcoin', 'ftp', 'ftps', 'geo', 'im', 'irc', 'ircs', 'magnet', 'mailto', 'matrix', 'mms',
  'news', 'nntp', 'openpgp4fpr', 'sftp', 'sip', 'sms', 'smsto', 'ssh', 'tel', 'urn', 'webcal',
  'wtai', 'xmpp'
])

const WEB_SCHEME = /^web\+[a-z]+$/
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/
const DOT = new Set(['.', '%2e'])
const DOUBLE_DOT = new Set(['..', '.%2e', '%2e.', '%2e%2e'])
// eslint-disable-next-line no-control-regex
const REFUSED = /[\x00-\x20\x7f\\"<>`{}]|[^\x00-\x7f]/
/** How long a protocol request waits for its worker to become active, in ms. */
export const WORKER_TIMEOUT = 32000

/**
 * @typedef {object} ProtocolHandler
 * @property {string} scheme
 * @property {string} scriptURL an app path such as `/demo-sw.js`
 * @property {string} scope `/oro/protocol/<scheme>/`
 */

/**
 * @typedef {object} ProtocolState
 * @property {boolean} installed
 * @property {Map<string, ProtocolHandler>} handlers
 * @property {Map<string, Promise<ServiceWorkerRegistration>>} registrations
 * @property {Map<string, Promise<any>>} frames the scheme's frame window, once controlled
 * @property {{ fetch?: typeof fetch, EventSource?: typeof EventSource }} originals
 */

/** @returns {ProtocolState} */
function getState () {
  const target = /** @type {any} */ (globalThis)
  if (!target[STATE]) {
    Object.defineProperty(target, STATE, {
      value: { installed: false, handlers: new Map(), registrations: new Map(), frames: new Map(), originals: {} },
      enumerable: false,
      configurable: true
    })
  }
  return target[STATE]
}

/**
 * Schemes no handler may claim, with the reason (`oro_framework.host.protocols.RESERVED_SCHEMES`
 * holds the same list): the engine, the web or oro already gives their URLs a meaning.
 */
export const RESERVED_SCHEMES = Object.freeze({
  http: "the app's own origin and the web",
  https: "the app's own origin and the web",
  ws: 'WebSocket connections (the host\'s IPC and Conduit among them)',
  wss: 'WebSocket connections',
  file: "local files, which only the host's sandbox opens",
  data: 'inline data the engine decodes itself',
  blob: "object URLs of the page's own memory",
  javascript: 'runs script in the page',
  about: "about:blank and about:srcdoc, the engine's own documents",
  filesystem: "Chromium's sandboxed file system URLs",
  'view-source': "the engine's source viewer",
  chrome: "Chromium's internal pages (QtWebEngine is Chromium)",
  'chrome-extension': 'Chromium extensions',
  'chrome-untrusted': "Chromium's internal pages",
  'chrome-error': "Chromium's error pages",
  'chrome-search': "Chromium's internal pages",
  devtools: 'the developer tools',
  qrc: "Qt's compiled-in resources, answered by QtWebEngine itself",
  'webkit-pdfjs-viewer': "WebKitGTK's PDF viewer",
  ipc: "Oro's IPC scheme, which oro serves at /ipc",
  oro: "oro's module specifiers (oro:fs)",
  socket: "Socket Runtime's module specifiers, read as oro: (socket:fs)",
  node: 'Node.js module specifiers (node:fs)',
  npm: "package specifiers of the app's node_modules (npm:hono), served at /oro/npm/"
})

/** The longest scheme a handler may claim. */
export const MAX_SCHEME_LENGTH = 64
const VALID_SCHEME = /^[a-z][a-z0-9+.-]*$/

/**
 * `scheme` in lowercase if an app may have a handler for it: any URL scheme (`weather`) that is
 * not reserved, `web+` and lowercase ASCII letters, or a safelisted scheme; otherwise throws
 * `SecurityError`.
 * @param {string} scheme
 * @returns {string}
 */
export function checkScheme (scheme) {
  if (typeof scheme !== 'string') throw invalidArgument('The "scheme" argument must be a string')
  const lowered = /^[\x00-\x7f]*$/.test(scheme) ? scheme.toLowerCase() : scheme // eslint-disable-line no-control-regex
  if (WEB_SCHEME.test(lowered) || SAFELISTED_SCHEMES.includes(lowered)) return lowered
  if (lowered.startsWith('web+')) {
    throw new SecurityError(
      `The scheme '${scheme}' cannot have a protocol handler: after 'web+' HTML allows ` +
      'lowercase ASCII letters only (web+demo)'
    )
  }
  /** @type {string | null} */
  let reason = Object.hasOwn(RESERVED_SCHEMES, lowered) ? RESERVED_SCHEMES[/** @type {keyof typeof RESERVED_SCHEMES} */ (lowered)] : null
  if (reason === null && lowered.startsWith('chrome')) reason = "Chromium's internal schemes"
  if (reason !== null) {
    throw new SecurityError(`The scheme '${scheme}' cannot have a protocol handler: it is reserved (${reason})`)
  }
  if (lowered.length > MAX_SCHEME_LENGTH || !VALID_SCHEME.test(lowered)) {
    throw new SecurityError(
      `The scheme '${scheme}' cannot have a protocol handler: a scheme is an ASCII letter ` +
      "followed by letters, digits, '+', '-' or '.' (weather, web+demo)"
    )
  }
  return lowered
}

/**
 * The lower-case scheme of `url`, or `null`.
 * @param {string} url
 */
export function schemeOf (url) {
  const colon = url.indexOf(':')
  if (colon <= 0) return null
  const head = url.slice(0, colon)
  return SCHEME.test(head) ? head.toLowerCase() : null
}

/** @param {string} segment @param {Set<string>} dots */
function isDot (segment, dots) {
  return dots.has(segment.toLowerCase())
}

/** @param {string} path */
function removeDotSegments (path) {
  if (!path) return path
  const segments = path.split('/').slice(1)
  /** @type {string[]} */
  const output = []
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1
    if (isDot(segment, DOUBLE_DOT)) {
      output.pop()
      if (last) output.push('')
    } else if (isDot(segment, DOT)) {
      if (last) output.push('')
    } else {
      output.push(segment)
    }
  })
  return '/' + output.join('/')
}

/** @param {string} text @param {string} marks */
function firstOf (text, marks) {
  let cut = text.length
  for (const mark of marks) {
    const position = text.indexOf(mark)
    if (position !== -1 && position < cut) cut = position
  }
  return cut
}

/**
 * The path on the app origin serving a protocol URL, by the host's rules
 * (`oro_framework.host.protocols.to_app_path`): `web+demo://h/a/../b?q` →
 * `/oro/protocol/web+demo/h/b?q`, and Oro's opaque `weather:a/../b?q` (an empty host, as Oro
 * reads it: `weather:///b?q`) → `/oro/protocol/weather//b?q`. Throws `SecurityError` for a
 * scheme that cannot have a handler and `TypeError` for a URL holding characters an `http:`
 * URL would change or a host that is a dot segment.
 * @param {string} url
 * @returns {string}
 */
export function toAppPath (url) {
  const text = String(url)
  const found = schemeOf(text)
  if (found === null) throw invalidArgument(`'${text}' is not a URL with a scheme`)
  const scheme = checkScheme(found)
  const rest = text.slice(text.indexOf(':') + 1)
  if (REFUSED.test(rest)) {
    throw invalidArgument(`'${text}' contains spaces, control characters, backslashes or non-ASCII characters: percent-encode them`)
  }
  if (!rest.startsWith('//')) {
    const cut = firstOf(rest, '?#')
    const path = rest.slice(0, cut)
    return `${PROTOCOL_PREFIX}${scheme}/${removeDotSegments('/' + (path.startsWith('/') ? path.slice(1) : path))}${rest.slice(cut)}`
  }
  const after = rest.slice(2)
  const hostEnd = firstOf(after, '/?#')
  const host = after.slice(0, hostEnd)
  if (isDot(host, DOT) || isDot(host, DOUBLE_DOT)) {
    throw invalidArgument(`The host of '${text}' cannot be a dot segment`)
  }
  const remainder = after.slice(hostEnd)
  const cut = firstOf(remainder, '?#')
  return `${PROTOCOL_PREFIX}${scheme}/${host}${removeDotSegments(remainder.slice(0, cut))}${remainder.slice(cut)}`
}

/**
 * The protocol URL an app path under `/oro/protocol/` stands for (the inverse of `toAppPath`):
 * `/oro/protocol/weather//current` → `weather:///current`, `/oro/protocol/web+demo/h/p` →
 * `web+demo://h/p`; `null` for any other path.
 * @param {string} path
 * @returns {string | null}
 */
export function fromAppPath (path) {
  if (!path.startsWith(PROTOCOL_PREFIX)) return null
  const rest = path.slice(PROTOCOL_PREFIX.length)
  const slash = rest.indexOf('/')
  if (slash <= 0) return null
  return `${rest.slice(0, slash)}://${rest.slice(slash + 1)}`
}

/**
 * The URL a `fetch`/`EventSource` argument names, trimmed, or `null`.
 * @param {unknown} input
 */
function urlText (input) {
  const text = typeof input === 'string'
    ? input
    : input instanceof URL
      ? input.href
      : input && typeof input === 'object' && typeof (/** @type {any} */ (input)).url === 'string'
        ? /** @type {any} */ (input).url
        : null
  return text === null ? null : text.trim()
}

function pageOrigin () {
  const location = /** @type {any} */ (globalThis).location
  if (location && /^https?:/.test(String(location.origin))) return location.origin
  const origin = /** @type {any} */ (globalThis).__args?.origin
  return typeof origin === 'string' ? origin.replace(/\/+$/, '') : ''
}

/**
 * The app URL serving `input` when it is a URL of a registered scheme, else `null`.
 * @param {string | URL | { url: string }} input
 * @returns {string | null}
 */
export function toAppURL (input) {
  const text = urlText(input)
  if (text === null) return null
  const scheme = schemeOf(text)
  if (scheme === null || !getState().handlers.has(scheme)) return null
  return pageOrigin() + toAppPath(text.trim())
}

/** The registered schemes: `{scheme: {scheme, scriptURL, scope}}`. */
export function getHandlers () {
  return Object.fromEntries(getState().handlers)
}

/** The Service Worker that runs an app's worker script as Oro does (the host generates it). */
export const SHELL_PATH = '/oro/service-worker/shell.js'

/**
 * The URL a worker script is registered at: the shell, which imports oro-sw's runtime and then
 * the script, so that a module whose default export answers fetches (`export default async
 * function (request, env, ctx)`) works as a plain `addEventListener('fetch')` script does.
 * @param {string} scriptURL an app path
 */
export function shellURL (scriptURL) {
  const url = `${SHELL_PATH}?script=${encodeURIComponent(scriptURL)}`
  // Oro gives workers the app's declared environment (`build.env`, `[env]`), which this page
  // holds; the worker reads it from its own URL, as no host answer is needed for it.
  const env = /** @type {any} */ (globalThis).__args?.env
  return env && Object.keys(env).length > 0
    ? `${url}&env=${encodeURIComponent(JSON.stringify(env))}`
    : url
}

/** @param {ServiceWorkerRegistration} registration */
function activated (registration) {
  const worker = registration.installing ?? registration.waiting ?? registration.active
  if (!worker) return Promise.reject(new NotFoundError('The registration has no worker'))
  if (worker.state === 'activated') return Promise.resolve(registration)
  return new Promise((resolve, reject) => {
    const onChange = () => {
      if (worker.state === 'activated') resolve(registration)
      if (worker.state === 'redundant') reject(new NotFoundError(`The worker ${worker.scriptURL} failed to install`))
    }
    worker.addEventListener('statechange', onChange)
  })
}

/**
 * Resolves with the scheme's worker registration once its worker is active (registering it if
 * this page has not yet). Rejects with `NotFoundError` for an unknown scheme or a worker that
 * fails to install.
 * @param {string} scheme
 * @returns {Promise<ServiceWorkerRegistration>}
 */
export function ready (scheme) {
  const state = getState()
  const handler = state.handlers.get(String(scheme).toLowerCase())
  if (!handler) return Promise.reject(new NotFoundError(`No protocol handler is registered for '${scheme}'`))
  const known = state.registrations.get(handler.scheme)
  if (known) return known
  const container = /** @type {any} */ (globalThis).navigator?.serviceWorker
  /** @type {Promise<ServiceWorkerRegistration>} */
  const pending = container
    ? container.register(shellURL(handler.scriptURL), { scope: handler.scope, type: 'module' }).then(activated)
    : Promise.reject(new NotFoundError('Service Workers are not available in this page'))
  state.registrations.set(handler.scheme, pending)
  pending.catch(() => state.registrations.delete(handler.scheme))
  return pending
}

/**
 * The active worker of a scheme's handler (Oro's `getServiceWorker`), registering it if this
 * page has not yet; `null` when no handler serves `options.scheme`. Rejects with
 * `NotFoundError` when the worker fails to install or the page has no Service Workers.
 * @param {{ scheme: string }} options
 * @returns {Promise<ServiceWorker | null>}
 */
export async function getServiceWorker (options) {
  const scheme = String(options?.scheme ?? '').replace(/:$/, '').toLowerCase()
  if (!getState().handlers.has(scheme)) return null
  const registration = await ready(scheme)
  return registration.active ?? null
}

/**
 * The window of a hidden frame inside the scheme's scope, controlled by its worker: requests
 * made through its `fetch` and `EventSource` are that worker's to answer.
 * @param {string} scheme
 * @returns {Promise<any>}
 */
function frameWindow (scheme) {
  const state = getState()
  let pending = state.frames.get(scheme)
  if (!pending) {
    pending = ready(scheme).then(async () => {
      const document = /** @type {any} */ (globalThis).document
      if (document.readyState === 'loading') {
        await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
      }
      const frame = document.createElement('iframe')
      frame.hidden = true
      frame.setAttribute('aria-hidden', 'true')
      frame.dataset.oroProtocolFrame = scheme
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }))
      frame.src = `${pageOrigin()}${PROTOCOL_PREFIX}${scheme}/`
      document.documentElement.appendChild(frame)
      await loaded
      const view = frame.contentWindow
      if (!view?.navigator?.serviceWorker?.controller) {
        throw new NotFoundError(`The worker of ${scheme} does not control its scope`)
      }
      relayMessages(view, scheme)
      return view
    })
    state.frames.set(scheme, pending)
    pending.catch(() => state.frames.delete(scheme))
  }
  return pending
}

/**
 * What the scheme's worker posts to the frame's client (`ctx.client().postMessage(...)` for a
 * request the page made) reaches the page's own `navigator.serviceWorker` as a 'message' event:
 * the page made the request, the frame only carried it.
 * @param {any} view the frame's window
 * @param {string} scheme
 */
function relayMessages (view, scheme) {
  const inner = view.navigator.serviceWorker
  const outer = /** @type {any} */ (globalThis).navigator?.serviceWorker
  if (!outer || inner === outer) return
  inner.addEventListener('message', async (/** @type {MessageEvent} */ event) => {
    const registration = await getState().registrations.get(scheme)?.catch(() => null)
    outer.dispatchEvent(new MessageEvent('message', {
      data: event.data,
      origin: event.origin,
      lastEventId: event.lastEventId,
      source: registration?.active ?? null,
      ports: [...event.ports]
    }))
  })
  inner.startMessages?.()
}

/** @param {string} scheme */
function withTimeout (scheme, /** @type {Promise<any>} */ promise) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new NotFoundError(`The worker of ${scheme} did not become active in ${WORKER_TIMEOUT} ms`)), WORKER_TIMEOUT)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Fetch a protocol URL through its scheme's worker (what the wrapped `fetch` does for one).
 * @param {string} mapped the app URL
 * @param {string} scheme
 * @param {RequestInfo | URL} input
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
async function fetchThroughWorker (mapped, scheme, input, init) {
  const view = await withTimeout(scheme, frameWindow(scheme))
  const OriginalRequest = /** @type {any} */ (globalThis).Request
  if (typeof OriginalRequest === 'function' && input instanceof OriginalRequest) {
    return view.fetch(new view.Request(mapped, input), init)
  }
  return view.fetch(mapped, { credentials: 'same-origin', ...(init ?? {}) })
}

const EVENT_SOURCE_EVENTS = ['open', 'message', 'error']

/**
 * An `EventSource` for a protocol URL: it connects once the scheme's worker is active, from the
 * scheme's frame, and re-dispatches what that connection receives.
 */
export class ProtocolEventSource extends EventTarget {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  CONNECTING = 0
  OPEN = 1
  CLOSED = 2

  /** @type {((event: Event) => void) | null} */ onopen = null
  /** @type {((event: MessageEvent) => void) | null} */ onmessage = null
  /** @type {((event: Event) => void) | null} */ onerror = null
  /** @type {EventSource | null} */ #inner = null
  /** @type {Set<string>} */ #types = new Set()
  #closed = false

  /**
   * @param {string} url the protocol URL
   * @param {string} mapped the app URL serving it
   * @param {string} scheme
   * @param {EventSourceInit} [init]
   */
  constructor (url, mapped, scheme, init) {
    super()
    this.url = mapped
    this.protocolURL = url
    this.withCredentials = Boolean(init?.withCredentials)
    for (const type of EVENT_SOURCE_EVENTS) this.#forward(type)
    withTimeout(scheme, frameWindow(scheme)).then((view) => {
      if (this.#closed) return
      this.#inner = new view.EventSource(mapped, init)
      for (const type of this.#types) this.#inner?.addEventListener(type, this.#relay)
    }, (error) => {
      this.#closed = true
      const event = new Event('error')
      Object.defineProperty(event, 'error', { value: error })
      this.dispatchEvent(event)
    })
  }

  get readyState () {
    if (this.#closed) return 2
    return this.#inner ? this.#inner.readyState : 0
  }

  close () {
    this.#closed = true
    this.#inner?.close()
  }

  /** @param {Event} event */
  #relay = (event) => {
    const copy = event instanceof MessageEvent || 'data' in event
      ? new MessageEvent(event.type, {
        data: /** @type {MessageEvent} */ (event).data,
        lastEventId: /** @type {MessageEvent} */ (event).lastEventId,
        origin: /** @type {MessageEvent} */ (event).origin
      })
      : new Event(event.type)
    this.dispatchEvent(copy)
  }

  /** @param {string} type */
  #forward (type) {
    if (this.#types.has(type)) return
    this.#types.add(type)
    this.#inner?.addEventListener(type, this.#relay)
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  addEventListener (type, listener, options) {
    // Named SSE events reach only listeners of that name: subscribe the inner source too.
    this.#forward(type)
    super.addEventListener(type, listener, options)
  }

  /** @param {Event} event */
  dispatchEvent (event) {
    const handler = /** @type {any} */ (this)[`on${event.type}`]
    const result = super.dispatchEvent(event)
    if (typeof handler === 'function' && EVENT_SOURCE_EVENTS.includes(event.type)) handler.call(this, event)
    return result
  }
}

/** @param {any} target */
function installURLMapping (target) {
  const state = getState()
  if (typeof target.fetch === 'function' && !state.originals.fetch) {
    const originalFetch = target.fetch
    state.originals.fetch = originalFetch
    /**
     * @param {RequestInfo | URL} input
     * @param {RequestInit} [init]
     */
    target.fetch = function fetch (input, init) {
      let mapped
      try {
        mapped = toAppURL(/** @type {any} */ (input))
      } catch (error) {
        return Promise.reject(error)
      }
      if (mapped === null) return originalFetch.call(target, input, init)
      const scheme = /** @type {string} */ (schemeOf(/** @type {string} */ (urlText(input))))
      return fetchThroughWorker(mapped, scheme, input, init)
    }
  }
  if (typeof target.EventSource === 'function' && !state.originals.EventSource) {
    const OriginalEventSource = target.EventSource
    state.originals.EventSource = OriginalEventSource
    /**
     * @param {string | URL} url
     * @param {EventSourceInit} [init]
     */
    const EventSource = function EventSource (url, init) {
      const mapped = toAppURL(url)
      if (mapped === null) return new OriginalEventSource(url, init)
      const scheme = /** @type {string} */ (schemeOf(/** @type {string} */ (urlText(url))))
      return new ProtocolEventSource(String(url), mapped, scheme, init)
    }
    Object.assign(EventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 })
    EventSource.prototype = OriginalEventSource.prototype
    target.EventSource = EventSource
  }
  const document = target.document
  if (document && typeof document.addEventListener === 'function') {
    document.addEventListener('click', (/** @type {MouseEvent} */ event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
      const anchor = /** @type {any} */ (event.target)?.closest?.('a[href]')
      const href = anchor?.getAttribute('href')
      if (typeof href !== 'string') return
      let mapped
      try {
        mapped = toAppURL(href)
      } catch {
        return
      }
      if (mapped === null) return
      event.preventDefault()
      target.location.assign(mapped)
    })
  }
}

/**
 * Oro's additions to the page's `navigator` that its protocol-handler apps use:
 * `navigator.permissions.request({ name })` resolves with the `PermissionStatus` that
 * `navigator.permissions.query` gives (it never grants anything the engine would not: a
 * permission is asked for by the API that needs it, `getCurrentPosition` for geolocation), and
 * `navigator.serviceWorker.startMessages()` where an engine lacks it.
 * @param {any} target
 */
function installNavigatorExtensions (target) {
  const permissions = target.navigator?.permissions
  if (permissions && typeof permissions.request !== 'function') {
    Object.defineProperty(permissions, 'request', {
      configurable: true,
      writable: true,
      /** @param {PermissionDescriptor} descriptor */
      value: function request (descriptor) {
        if (!descriptor || typeof descriptor !== 'object') {
          return Promise.reject(new TypeError("Failed to execute 'request' on 'Permissions': parameter 1 is not of type 'object'."))
        }
        return permissions.query(descriptor)
      }
    })
  }
  const container = target.navigator?.serviceWorker
  if (container && typeof container.startMessages !== 'function') {
    Object.defineProperty(container, 'startMessages', { configurable: true, writable: true, value: function startMessages () {} })
  }
}

/**
 * Take the schemes of `__args.protocolHandlers`, register their workers and map their URLs for
 * `fetch`, `EventSource` and link clicks. Idempotent.
 * @param {any} [target]
 */
export function install (target = globalThis) {
  const state = getState()
  if (state.installed) return
  state.installed = true
  const given = target.__args?.protocolHandlers ?? {}
  for (const handler of Object.values(given)) {
    state.handlers.set(handler.scheme, handler)
  }
  installURLMapping(target)
  installNavigatorExtensions(target)
  for (const scheme of state.handlers.keys()) {
    // Registering early means the first request rarely waits; a failure shows on use.
    ready(scheme).catch(() => {})
  }
}

/**
 * Serve URLs of `scheme` with the worker at `scriptURL` (an app path; default: the one
 * configured for it) and keep `data` with it; resolves with the worker's registration.
 * @param {string} scheme
 * @param {string} [scriptURL]
 * @param {unknown} [data]
 * @returns {Promise<ServiceWorkerRegistration>}
 */
export async function register (scheme, scriptURL, data) {
  /** @type {Record<string, unknown>} */
  const params = { scheme: checkScheme(scheme) }
  if (scriptURL !== undefined) params.scriptURL = String(scriptURL)
  if (data !== undefined) params.data = data
  const handler = await request('protocol.register', params)
  const state = getState()
  const previous = state.handlers.get(handler.scheme)
  if (previous && previous.scriptURL !== handler.scriptURL) {
    state.registrations.delete(handler.scheme)
    state.frames.delete(handler.scheme)
  }
  state.handlers.set(handler.scheme, handler)
  return ready(handler.scheme)
}

/**
 * Stop serving `scheme`: the host forgets it and its worker is unregistered.
 * @param {string} scheme
 * @returns {Promise<boolean>}
 */
export async function unregister (scheme) {
  const handler = await request('protocol.unregister', { scheme: checkScheme(scheme) })
  const state = getState()
  state.handlers.delete(handler.scheme)
  state.frames.delete(handler.scheme)
  const pending = state.registrations.get(handler.scheme)
  state.registrations.delete(handler.scheme)
  for (const frame of /** @type {any} */ (globalThis).document?.querySelectorAll?.(`iframe[data-oro-protocol-frame="${handler.scheme}"]`) ?? []) frame.remove()
  const registration = pending
    ? await pending.catch(() => null)
    : await /** @type {any} */ (globalThis).navigator?.serviceWorker?.getRegistration(handler.scope)
  return registration ? registration.unregister() : false
}

/**
 * The data kept with `scheme` (`null` when none).
 * @param {string} scheme
 * @returns {Promise<unknown>}
 */
export async function getData (scheme) {
  return (await request('protocol.getData', { scheme: checkScheme(scheme) })).data
}

/**
 * Keep `data` (any JSON value) with `scheme`.
 * @param {string} scheme
 * @param {unknown} data
 * @returns {Promise<void>}
 */
export async function setData (scheme, data) {
  const params = { scheme: checkScheme(scheme), data }
  await request('protocol.setData', params)
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default {
  MAX_SCHEME_LENGTH,
  PROTOCOL_PREFIX,
  RESERVED_SCHEMES,
  SAFELISTED_SCHEMES,
  SHELL_PATH,
  WORKER_TIMEOUT,
  ProtocolEventSource,
  checkScheme,
  fromAppPath,
  getData,
  getHandlers,
  getServiceWorker,
  install,
  ready,
  register,
  schemeOf,
  setData,
  shellURL,
  toAppPath,
  toAppURL,
  unregister
}
