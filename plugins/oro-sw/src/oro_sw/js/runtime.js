// oro:service-worker/runtime — what a worker script needs to run as Oro runs it. Imported by the
// shell (/oro/service-worker/shell.js?script=...) before the app's script, so the script finds
// `navigator.serviceWorker` at its top level, then `start(module)` wires the module's default
// export to fetch events:
//
//   export default async function (request, env, ctx) { ... }     // or
//   export default { fetch (request, env, ctx) { ... }, install (env, ctx) {}, activate () {} }
//
// `request.url` is the URL Oro gives: `weather:///current` for `fetch('weather:current')` (the
// scheme's URL, mapped back from /oro/protocol/weather//current), the app URL otherwise.
// `env` is the registration's persistent Environment context (`env.x = 1` is kept by the host
// across worker restarts and runs); `ctx` has `waitUntil`, `passThroughOnException`, `client()`
// (the page that made the request), `data` (the scheme's protocol data) and `env`.
import { environment, extend, extensionAnswer, isPassThrough, LAUNCH_PARAMETER } from '/oro/service-worker/worker.js'

const PROTOCOL_PREFIX = '/oro/protocol/'

/** @type {any} */
const scope = globalThis

/**
 * The worker's `navigator.serviceWorker`: Oro gives workers one, whose 'message' events are the
 * messages pages post to this worker.
 */
class WorkerContainer extends EventTarget {
  /** @type {((event: MessageEvent) => void) | null} */
  #onmessage = null
  #started = false

  get controller () { return null }
  get ready () { return Promise.resolve(scope.registration) }
  get onmessage () { return this.#onmessage }
  set onmessage (handler) {
    if (this.#onmessage) this.removeEventListener('message', this.#onmessage)
    this.#onmessage = typeof handler === 'function' ? handler : null
    if (this.#onmessage) this.addEventListener('message', this.#onmessage)
    this.#started = true
  }

  /** Messages are delivered from the start here; kept for Oro's code, which calls it. */
  async startMessages () { this.#started = true }
  async getRegistration () { return scope.registration }
  async getRegistrations () { return [scope.registration] }
}

/**
 * The app's declared environment, which the page put in the shell's URL (`env`): `oro:process`
 * reads `__args.env`, as in a page. The shell imports this module before the app's script, so
 * it is set before any module of the app reads `process.env`.
 */
function declaredEnvironment () {
  const env = JSON.parse(new URL(scope.location.href).searchParams.get('env') ?? '{}')
  if (env === null || typeof env !== 'object' || Array.isArray(env)) return {}
  return Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === 'string'))
}

if (scope.__args === undefined) {
  Object.defineProperty(scope, '__args', { value: Object.freeze({ env: declaredEnvironment() }) })
}

const container = new WorkerContainer()
if (!scope.navigator?.serviceWorker?.startMessages) {
  Object.defineProperty(scope.navigator, 'serviceWorker', { value: container, configurable: true, enumerable: true })
}
scope.addEventListener('message', (/** @type {any} */ event) => {
  container.dispatchEvent(new MessageEvent('message', {
    data: event.data, origin: event.origin, lastEventId: event.lastEventId, ports: [...(event.ports ?? [])]
  }))
})

/**
 * The protocol URL an app URL under /oro/protocol/<scheme>/ stands for, else the URL itself.
 * @param {string} url
 */
export function handlerURL (url) {
  const parsed = new URL(url)
  if (parsed.origin !== scope.location.origin || !parsed.pathname.startsWith(PROTOCOL_PREFIX)) return url
  const rest = parsed.pathname.slice(PROTOCOL_PREFIX.length)
  const slash = rest.indexOf('/')
  if (slash <= 0) return url
  return `${rest.slice(0, slash)}://${rest.slice(slash + 1)}${parsed.search}`
}

/** Whether this worker serves a protocol handler's scope. */
function isProtocolScope () {
  return new URL(scope.registration.scope).pathname.startsWith(PROTOCOL_PREFIX)
}

/** @type {Map<string, Promise<unknown>>} */
const protocolData = new Map()

/** @param {string} scheme */
function dataOf (scheme) {
  let pending = protocolData.get(scheme)
  if (!pending) {
    const url = new URL('/ipc/protocol.getData', scope.location.origin)
    url.searchParams.set('scheme', scheme)
    pending = fetch(url, { credentials: 'same-origin' })
      .then((response) => response.json())
      .then((envelope) => envelope.data?.data ?? null, () => null)
    protocolData.set(scheme, pending)
  }
  return pending
}

/**
 * Oro's handler context for one event.
 * @param {any} event
 * @param {any} env
 * @param {unknown} data
 */
function contextOf (event, env, data) {
  let passThrough = false
  return {
    event,
    env,
    data,
    get passingThrough () { return passThrough },
    /** @param {Promise<unknown>} promise */
    waitUntil (promise) { event.waitUntil(promise) },
    /** On an exception, the request goes to the host as if no worker were there. */
    passThroughOnException () { passThrough = true },
    get handled () { return event.handled ?? Promise.resolve() },
    /**
     * The page that made the request: the window client that sent it (for a protocol URL, the
     * page's hidden frame, whose messages the page receives on its own
     * `navigator.serviceWorker`), or `null` when it is gone.
     */
    async client () {
      const id = event.clientId || event.resultingClientId
      if (!id) return null
      return (await scope.clients.get(id)) ?? null
    },
    async resetEnvironment () {
      const opened = await environment()
      await opened.clear()
      return true
    }
  }
}

/**
 * The fetch, install and activate handlers a module exports, Oro's way.
 * @param {any} module
 */
export function handlersOf (module) {
  const main = module?.default
  const pick = (/** @type {string} */ name) => {
    if (main && typeof main === 'object' && typeof main[name] === 'function') return main[name].bind(main)
    if (typeof module?.[name] === 'function') return module[name].bind(module)
    return null
  }
  return {
    fetch: typeof main === 'function' ? main : pick('fetch'),
    install: pick('install'),
    activate: pick('activate'),
    shouldPreferServiceWorker: main && typeof main === 'object' ? main.shouldPreferServiceWorker : undefined
  }
}

/**
 * Run `module` as the worker's script: its default export (or `{ fetch }`) answers fetches,
 * after the plugins' `extensions` (the shell's imports of `oro_service_worker_modules`), which
 * a script using `serve()` also asks first.
 * @param {any} module
 * @param {{ script?: string, extensions?: { plugin: string, specifier: string, module: any }[] }} [options]
 */
export function start (module, options = {}) {
  extend(options.extensions ?? [])
  const handlers = handlersOf(module)
  if (!handlers.fetch && !handlers.install && !handlers.activate) return // a plain script
  scope.__oroWorkerScript = options.script ?? null
  scope.addEventListener('install', (/** @type {any} */ event) => {
    event.waitUntil((async () => {
      if (handlers.install) {
        const env = (await environment().catch(() => null))?.context ?? null
        await handlers.install(env, contextOf(event, env, null))
      } else {
        await scope.skipWaiting()
      }
    })())
  })
  scope.addEventListener('activate', (/** @type {any} */ event) => {
    event.waitUntil((async () => {
      if (handlers.activate) {
        const env = (await environment().catch(() => null))?.context ?? null
        await handlers.activate(env, contextOf(event, env, null))
      } else {
        await scope.clients.claim()
      }
    })())
  })
  if (!handlers.fetch) return
  const fetchHandler = handlers.fetch
  // A protocol URL has nothing on the host to come first; elsewhere Oro's order: the app's
  // files first, the handler for what is missing, unless the module prefers the worker.
  const preferWorker = Boolean(handlers.shouldPreferServiceWorker) || isProtocolScope()
  scope.addEventListener('fetch', (/** @type {any} */ event) => {
    if (isPassThrough(event.request)) {
      if (new URL(event.request.url).searchParams.has(LAUNCH_PARAMETER)) event.respondWith(fetch(event.request))
      return
    }
    if (isProtocolFrame(event.request)) {
      event.respondWith(new Response('<!doctype html><title>oro</title>', {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }
      }))
      return
    }
    event.respondWith(respond(event, fetchHandler, preferWorker))
  })
}

/**
 * Whether `request` loads the hidden frame oro:protocol-handlers sends a scheme's requests
 * from (an iframe at the scope's root): oro's plumbing, which the app's handler never sees
 * (hono, for one, fails on a URL without a path).
 * @param {Request} request
 */
function isProtocolFrame (request) {
  return request.mode === 'navigate' && request.destination === 'iframe' &&
    isProtocolScope() && new URL(request.url).pathname === new URL(scope.registration.scope).pathname
}

/**
 * Whether the host has nothing at the request's URL: 404, or 405 for a method other than GET
 * and HEAD (the app's files take only those), so that a worker's API routes answer a POST as
 * under Socket, where what is not a file of the app goes to the worker whatever the method.
 * @param {Request} request
 * @param {Response} response
 */
function isMissing (request, response) {
  if (response.status === 404) return true
  return response.status === 405 && request.method !== 'GET' && request.method !== 'HEAD'
}

/**
 * @param {any} event
 * @param {Function} handler
 * @param {boolean} preferWorker
 * @returns {Promise<Response>}
 */
async function respond (event, handler, preferWorker) {
  const extended = await extensionAnswer(event)
  if (extended) return extended
  if (!preferWorker) {
    const response = await fetch(event.request.clone())
    if (!isMissing(event.request, response)) return response
    return (await answer(event, handler)) ?? response
  }
  return (await answer(event, handler)) ??
    new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/**
 * @param {any} event
 * @param {Function} handler
 * @returns {Promise<Response | null>}
 */
async function answer (event, handler) {
  const opened = await environment().catch(() => null)
  const env = opened?.context ?? null
  const original = event.request
  const url = handlerURL(original.url)
  const scheme = url === original.url ? null : url.slice(0, url.indexOf(':'))
  const data = scheme ? await dataOf(scheme) : null
  const request = url === original.url ? original : withURL(original, url)
  const ctx = contextOf(event, env, data)
  try {
    const response = await handler(request, env, ctx)
    return response instanceof Response ? response : null
  } catch (error) {
    if (ctx.passingThrough) return await fetch(original)
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return new Response(`500 Service Worker handler failed: ${message}\n`, {
      status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }
    })
  } finally {
    // Environment writes the handler made are kept before the worker may be stopped.
    if (opened) event.waitUntil(opened.settled())
  }
}

/**
 * `request` as the handler sees it: the same request (body, headers, signal), its `url` the
 * scheme's URL.
 * @param {Request} request
 * @param {string} url
 */
function withURL (request, url) {
  Object.defineProperty(request, 'url', { value: url, enumerable: true })
  return request
}

export default { start, handlersOf, handlerURL }
