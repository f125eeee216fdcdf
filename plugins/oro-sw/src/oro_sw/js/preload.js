// oro:service-worker/preload — loaded in every page: registers the workers of
// `[webview] service-workers` (Oro's `webview_service-workers`, or its table
// `[webview.service-workers] "/" = "/service-worker.js"`) unless
// `webview.auto_register_service_workers` is false or the service_worker permission is off
// (the host then leaves `__args.serviceWorker` out). Each runs through the shell
// (`/oro/service-worker/shell.js?script=...`), so an Oro-style module (a default export
// answering fetches) works as a plain script does. oro:service-worker is imported only when
// there is something to register, so other pages load nothing more.

const settings = /** @type {any} */ (globalThis).__args?.serviceWorker
const workers = settings?.workers ?? (settings?.scripts ?? []).map((/** @type {string} */ script) => ({ script, scope: script.replace(/[^/]*$/, '') }))
// Set for the tab once it reloaded to be answered by its worker (below), so it never loops.
const RELOADED = 'oro:service-worker:reloaded'

/**
 * Under Oro a configured worker answers a page's requests from its first load (the runtime
 * starts it before the window). Here the engine gives a worker only the pages loaded after it
 * activates, so a page of its scope that none controls reloads once, as soon as it is active.
 * @param {{ scope: string }[]} registered
 */
async function reloadIntoWorker (registered) {
  const container = globalThis.navigator.serviceWorker
  const covered = registered.some(({ scope }) => globalThis.location.pathname.startsWith(new URL(scope, globalThis.location.href).pathname))
  if (!covered || container.controller || globalThis.sessionStorage.getItem(RELOADED)) return
  await container.ready
  globalThis.sessionStorage.setItem(RELOADED, '1')
  globalThis.location.reload()
}

const SHELL_PATH = '/oro/service-worker/shell.js'
const ENGINE_REGISTER = Symbol.for('oro.serviceWorker.engineRegister')

/**
 * The shell's URL for an app path (`/worker.js`), with the app's declared environment, as
 * oro:protocol-handlers' `shellURL` makes it (kept here: that module may be turned off).
 * @param {string} script
 */
function shellOf (script) {
  const url = `${SHELL_PATH}?script=${encodeURIComponent(script)}`
  const env = /** @type {any} */ (globalThis).__args?.env
  return env && Object.keys(env).length > 0 ? `${url}&env=${encodeURIComponent(JSON.stringify(env))}` : url
}

/**
 * Socket's `navigator.serviceWorker.register(scriptURL, options)`: the runtime imports the
 * script as a module (with or without `type: 'module'`) and its default export, a function or
 * `{ fetch }`, answers fetches (Socket's api/service-worker/worker.js). The engine's own
 * `register` would run the script as it is, and a module whose default export is the handler
 * never answers (or fails to evaluate as a classic script). So a script of the app is
 * registered through the shell, as a configured worker is, always as a module, with Socket's
 * default scope: the script's directory. Scripts on another origin, and the host's own paths
 * (the shell itself, which oro:service-worker and oro:protocol-handlers register), go to the
 * engine untouched: it refuses what is not the app's.
 * @param {ServiceWorkerContainer} container
 */
function registerSocketsWay (container) {
  const engineRegister = container.register
  /**
   * @param {string | URL} scriptURL
   * @param {RegistrationOptions} [options]
   */
  function register (scriptURL, options = {}) {
    const base = globalThis.location.href
    const script = new URL(String(scriptURL), base)
    if (script.origin !== globalThis.location.origin || script.pathname.startsWith('/oro/') ||
        script.pathname === '/ipc' || script.pathname.startsWith('/ipc/')) {
      return engineRegister.call(container, scriptURL, options)
    }
    const given = options && typeof options === 'object' ? options : {}
    const scope = given.scope === undefined || given.scope === null || given.scope === ''
      ? new URL('./', script).href
      : new URL(String(given.scope), base).href
    return engineRegister.call(container, shellOf(script.pathname + script.search), {
      ...given, scope, type: 'module'
    })
  }
  Object.defineProperty(container, 'register', { value: register, configurable: true, writable: true })
  // oro:service-worker registers what it is given as it is (its scripts use `serve()`).
  Object.defineProperty(container, ENGINE_REGISTER, { value: engineRegister })
}

if (settings && globalThis.navigator?.serviceWorker) {
  registerSocketsWay(globalThis.navigator.serviceWorker)
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/

/**
 * Socket's headers parameter: `Name: value` lines (routes.cc hands the string to its Headers).
 * @param {unknown} text
 */
function headersOf (text) {
  const headers = new Headers()
  if (typeof text !== 'string') return headers
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) {
      try {
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
      } catch {} // a name or value fetch refuses is left out, as Socket's parser skips it
    }
  }
  return headers
}

/**
 * oro:errors' error `name` (TypeError with ERR_INVALID_ARG_VALUE for a bad parameter), loaded
 * only when a call fails.
 * @param {string} message
 * @param {'NotFoundError' | 'NetworkError' | null} [name]
 */
async function failure (message, name = null) {
  const errors = /** @type {any} */ (await import('oro:errors'))
  if (name === null) return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_VALUE' })
  return new errors[name](message)
}

/**
 * Socket's `serviceWorker.fetch` route (routes.cc): the request `method` `scheme://hostname
 * pathname?query` with `headers` and the call's body, answered by the worker serving the
 * scheme (a protocol handler), the app's own origin for `socket:`; the reply is the response's
 * body. Here the engine runs the workers, and only the page reaches them: the page asks its
 * own `fetch`, which sends a protocol URL through its scheme's worker (oro:protocol-handlers),
 * so the call can do nothing the page could not.
 * @param {any} params
 * @param {{ body?: unknown, signal?: AbortSignal, responseType?: string }} options
 */
async function serviceWorkerFetch (params, options) {
  const response = await fetchThroughWorker(params, options)
  return response === null ? null : await bodyOf(response, options.responseType)
}

/**
 * The response `serviceWorker.fetch` answers with (`null`: Socket's 204 to OPTIONS).
 * @param {any} params
 * @param {{ body?: unknown, signal?: AbortSignal }} options
 * @returns {Promise<Response | null>}
 */
async function fetchThroughWorker (params, options) {
  const given = params !== null && typeof params === 'object' ? params : {}
  const scheme = String(given.scheme ?? 'socket').toLowerCase()
  const pathname = String(given.pathname ?? '/')
  const query = given.query === undefined || given.query === null || given.query === '' ? '' : `?${String(given.query).replace(/^\?/, '')}`
  const method = String(given.method ?? 'GET').toUpperCase()
  if (!SCHEME.test(scheme)) throw await failure(`Invalid 'scheme': ${JSON.stringify(scheme)} is not a URL scheme`)
  if (!pathname.startsWith('/') || pathname.startsWith('//')) throw await failure(`Invalid 'pathname': ${JSON.stringify(pathname)} must start with one /`)
  // Socket answers OPTIONS itself with 204 and no body.
  if (method === 'OPTIONS') return null
  const local = scheme === 'socket' || scheme === 'http' || scheme === 'https'
  const url = local
    ? new URL(pathname + query, globalThis.location.origin).href
    : `${scheme}://${given.hostname ? String(given.hostname) : ''}${pathname}${query}`
  if (!local) {
    const handlers = await import('oro:protocol-handlers').then((m) => m.getHandlers(), () => ({}))
    if (!Object.hasOwn(handlers, scheme)) throw await failure('Not found', 'NotFoundError')
  }
  const body = method === 'GET' || method === 'HEAD' ? undefined : /** @type {any} */ (options.body)
  try {
    return await globalThis.fetch(url, { method, headers: headersOf(given.headers), body, signal: options.signal })
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw await failure('ServiceWorker request failed', 'NetworkError')
  }
}

/**
 * The host asks this page to fetch for a caller of its window that is not the page (a
 * Conduit client outside the app acting as this window, oro-sw's page_fetch.py); the answer
 * goes back with the ticket, to this window only.
 * @param {Event} event
 */
async function answerFetch (event) {
  const { ticket, params, body } = /** @type {any} */ (event).detail ?? {}
  const { request, write } = await import('oro:ipc')
  /** @type {Promise<unknown>} */
  let answered
  try {
    const bytes = body ? Uint8Array.from(globalThis.atob(body), (c) => c.charCodeAt(0)) : undefined
    const response = await fetchThroughWorker(params, { body: bytes })
    const answer = response === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer())
    answered = write('serviceWorker.fetch.answer', { ticket }, answer)
  } catch (error) {
    const { name, message } = /** @type {Error} */ (error)
    answered = request('serviceWorker.fetch.answer', { ticket, error: String(message), name })
  }
  // Another document of this window (an iframe of the app) may have answered first.
  await answered.catch(() => {})
}

/**
 * @param {Response} response
 * @param {string} [wanted]
 */
async function bodyOf (response, wanted) {
  const type = response.headers.get('content-type') ?? ''
  if (wanted === 'text') return await response.text()
  if (wanted === 'json' || (wanted !== 'arraybuffer' && wanted !== 'bytes' && /[/+]json\b/i.test(type))) return await response.json()
  if (wanted !== 'arraybuffer' && wanted !== 'bytes' && /^text\//i.test(type)) return await response.text()
  const bytes = await response.arrayBuffer()
  return wanted === 'bytes' ? new Uint8Array(bytes) : bytes
}

if (settings) {
  const key = Symbol.for('oro.ipc.pageRoutes')
  const scope = /** @type {any} */ (globalThis)
  if (!(scope[key] instanceof Map)) Object.defineProperty(scope, key, { value: new Map() })
  scope[key].set('serviceWorker.fetch', serviceWorkerFetch)
  globalThis.addEventListener('oro-sw:fetch', answerFetch)
}

if (settings?.autoRegister && workers.length > 0 && globalThis.navigator?.serviceWorker) {
  // oro:protocol-handlers (a core plugin's, which an app may turn off) adds the environment.
  const plainShell = (/** @type {string} */ script) => `/oro/service-worker/shell.js?script=${encodeURIComponent(script)}`
  const protocols = import('oro:protocol-handlers').catch(() => ({ shellURL: plainShell }))
  Promise.all([import('oro:service-worker'), protocols]).then(async ([{ register }, { shellURL }]) => {
    const registered = await Promise.all(workers.map(({ script, scope }) =>
      register(shellURL(script), { scope }).then(() => [{ scope }], (/** @type {unknown} */ error) => {
        console.warn(`oro:service-worker: could not register ${script}:`, error)
        return []
      })
    ))
    await reloadIntoWorker(registered.flat())
  })
}

export {}
