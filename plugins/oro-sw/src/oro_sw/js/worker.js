// oro:service-worker/worker — helpers for the app's own Service Worker script. Import them by
// URL: module workers get no import map.
//
//   // sw.js, registered with type: 'module' (oro:service-worker does)
//   import { serve } from '/oro/service-worker/worker.js'
//   serve(async (request, env, ctx) => {
//     if (new URL(request.url).pathname === '/hello') return new Response('hi')
//   })
//
// Fetch-first by default: a request goes to the host, and only a 404 reaches the handler (Oro's
// "resource first, worker for what is missing"). With `shouldPreferServiceWorker` the handler
// answers first and whatever it leaves (`undefined`) goes to the host. Never intercepted: other
// origins, the IPC bridge (/ipc), the event channel (/oro/events), and launch-URL navigations
// (`?oro_launch=`), which must reach the host to trade the token for this run's session cookie.
import { rehydrate } from '/oro/errors.js'
import { Environment } from '/oro/service-worker/environment.js'

export const LAUNCH_PARAMETER = 'oro_launch'
export const NEVER_INTERCEPTED = Object.freeze(['/ipc', '/oro/events'])

/** @type {any} */
const scope = globalThis

/**
 * Whether a request must go to the network untouched.
 * @param {Request} request
 * @param {string} [origin]
 */
export function isPassThrough (request, origin = scope.location?.origin) {
  const url = new URL(request.url)
  if (url.origin !== origin) return true
  if (NEVER_INTERCEPTED.some((prefix) => url.pathname === prefix || url.pathname.startsWith(prefix + '/'))) return true
  return url.searchParams.has(LAUNCH_PARAMETER)
}

/**
 * Call a `serviceWorker.*` route from the worker (its fetches carry the page's session cookie
 * and are never intercepted by the worker itself).
 * @param {string} route
 * @param {Record<string, string>} params
 * @param {string} [body] sent as a POST's body
 */
export async function call (route, params, body) {
  const url = new URL(`/ipc/${route}`, scope.location.origin)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  const response = await fetch(url, body === undefined
    ? { credentials: 'same-origin' }
    : { credentials: 'same-origin', method: 'POST', body })
  const envelope = await response.json()
  if (envelope.err) throw rehydrate(envelope.err)
  return envelope.data
}

/** @type {Promise<Environment> | null} */
let opening = null

/** This worker's registration's Environment, opened once (again after a failure). */
export function environment () {
  if (opening === null) {
    opening = Environment.open({ scope: scope.registration.scope, scriptURL: scope.location.href }, call)
    opening.catch(() => { opening = null })
  }
  return opening
}

/**
 * @typedef {(request: Request, env: Environment | null, ctx: { event: any, waitUntil: (promise: Promise<unknown>) => void }) => Response | undefined | null | Promise<Response | undefined | null>} Handler
 */

/**
 * The plugins' extensions of this worker (the host's `oro_service_worker_modules`), in plugin
 * order, and what failed of them: kept on the worker's global too (`__oroWorkerExtensions`),
 * where DevTools (and an extension) read them; the last 100 failures are kept.
 * @type {{ active: { plugin: string, specifier: string, fetch: Function }[], failures: { plugin: string, specifier: string, message: string }[] }}
 */
const extensions = { active: [], failures: [] }
const KEPT_FAILURES = 100
Object.defineProperty(scope, '__oroWorkerExtensions', { value: extensions, configurable: true })

/**
 * Note a failure of a plugin's extension, naming the plugin: one line in the worker's console.
 * @param {{ plugin: string, specifier: string }} extension
 * @param {string} what
 */
function failed ({ plugin, specifier }, what) {
  const message = `oro-sw: the service worker extension ${specifier} of plugin "${plugin}" ${what}`
  extensions.failures.push({ plugin, specifier, message })
  // The last ones only: an extension failing on every request must not grow the worker.
  if (extensions.failures.length > KEPT_FAILURES) extensions.failures.shift()
  console.error(message)
}

/**
 * Take in the modules the shell imported for the plugins: a default export that is a function
 * or has `fetch` answers; anything else is left out, named.
 * @param {{ plugin: string, specifier: string, module: any }[]} given
 */
export function extend (given) {
  for (const { plugin, specifier, module } of given) {
    const main = module?.default
    const fetch = typeof main === 'function'
      ? main
      : (main && typeof main === 'object' && typeof main.fetch === 'function' ? main.fetch.bind(main) : null)
    if (fetch) extensions.active.push({ plugin, specifier, fetch })
    else failed({ plugin, specifier }, 'exports no fetch handler (export default { fetch (request, env, ctx) { ... } }): left out')
  }
}

/** @param {unknown} error */
function describe (error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/**
 * The first answer of the plugins' extensions to `event`'s request, or `null` (none, or none
 * answered): each gets its own copy of the request, and one that throws, rejects or answers
 * something else than a Response is skipped for this request, named.
 * @param {any} event
 * @returns {Promise<Response | null>}
 */
export async function extensionAnswer (event) {
  if (extensions.active.length === 0) return null
  const opened = await environment().catch(() => null)
  const env = opened?.context ?? null
  const ctx = { event, env, waitUntil: (/** @type {Promise<unknown>} */ promise) => event.waitUntil(promise) }
  const { method, url } = event.request
  try {
    for (const extension of extensions.active) {
      try {
        const response = await extension.fetch(event.request.clone(), env, ctx)
        if (response instanceof Response) return response
        if (response !== undefined && response !== null) {
          failed(extension, `answered ${method} ${url} with ${Object.prototype.toString.call(response)}, not a Response: passed on`)
        }
      } catch (error) {
        failed(extension, `failed on ${method} ${url}: ${describe(error)}: passed on`)
      }
    }
    return null
  } finally {
    // Environment writes an extension made are kept before the worker may be stopped.
    if (opened) event.waitUntil(opened.settled())
  }
}

/**
 * Answer the worker's fetches with `handler` (a function, or an object with `fetch`).
 * @param {Handler | { fetch: Handler, shouldPreferServiceWorker?: boolean }} handler
 * @param {{ shouldPreferServiceWorker?: boolean, claim?: boolean }} [options]
 */
export function serve (handler, options = {}) {
  const fetchHandler = typeof handler === 'function' ? handler : handler.fetch.bind(handler)
  const preferWorker = Boolean(options.shouldPreferServiceWorker ??
    (typeof handler === 'object' && handler.shouldPreferServiceWorker))
  if (options.claim !== false) {
    // A new script takes over at once, and the page that registered it is controlled without a
    // reload, as Oro's workers are.
    scope.addEventListener('install', () => scope.skipWaiting())
    scope.addEventListener('activate', (/** @type {any} */ event) => event.waitUntil(scope.clients.claim()))
  }
  scope.addEventListener('fetch', (/** @type {any} */ event) => {
    if (isPassThrough(event.request)) {
      // A launch navigation is answered with the host's own answer (the redirect setting this
      // run's cookie) rather than left to the browser: Chromium, starting a stopped worker for
      // the app's first navigation after a restart, never loaded the redirect's target when
      // the handler left the launch request alone.
      if (new URL(event.request.url).searchParams.has(LAUNCH_PARAMETER)) {
        event.respondWith(fetch(event.request))
      }
      return
    }
    event.respondWith(respond(event, fetchHandler, preferWorker))
  })
}

/**
 * @param {any} event
 * @param {Handler} handler
 * @param {boolean} preferWorker
 * @returns {Promise<Response>}
 */
async function respond (event, handler, preferWorker) {
  const request = event.request
  const extended = await extensionAnswer(event)
  if (extended) return extended
  if (!preferWorker) {
    const response = await fetch(request.clone())
    if (response.status !== 404) return response
    return (await answer(event, handler)) ?? response
  }
  return (await answer(event, handler)) ?? await fetch(request)
}

/**
 * @param {any} event
 * @param {Handler} handler
 * @returns {Promise<Response | null>}
 */
async function answer (event, handler) {
  const env = await environment().catch(() => null)
  try {
    const response = await handler(event.request, env, { event, waitUntil: (promise) => event.waitUntil(promise) })
    return response instanceof Response ? response : null
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return new Response(`500 Service Worker handler failed: ${message}\n`, {
      status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }
    })
  }
}

export default { serve, call, environment, isPassThrough, extend, extensionAnswer }
