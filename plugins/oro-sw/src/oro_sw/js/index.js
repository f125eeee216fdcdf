// oro:service-worker — Oro's Service Worker API over the engine's own navigator.serviceWorker.
//
//   import serviceWorker from 'oro:service-worker'
//   const registration = await serviceWorker.register('./sw.js')   // type: 'module', always
//   await registration.storage.set('greeting', 'hi')                 // kept by the host
//
// The host checks the script and scope first (typed errors: SecurityError for a script outside
// the app, InvalidArgumentError for a scope over the bridge), then the engine registers; every
// state the engine reports goes to the host's record (`serviceWorker.updateState`).
import { request } from 'oro:ipc'
import { NotSupportedError } from 'oro:errors'
import { Environment, RegistrationStorage } from 'oro:service-worker/environment'

export { Environment, RegistrationStorage }

/** @param {string} route @param {Record<string, string>} params @param {string} [body] */
function call (route, params, body) {
  return body === undefined ? request(route, params) : request(route, params, { body, method: 'POST' })
}

/** @returns {ServiceWorkerContainer} */
function container () {
  const found = globalThis.navigator?.serviceWorker
  if (!found) throw new NotSupportedError('Service Workers are not available in this context')
  return found
}

/** @type {WeakSet<ServiceWorker>} */
const watched = new WeakSet()

/**
 * Report every state change of the registration's workers to the host.
 * @param {ServiceWorkerRegistration} registration
 * @param {string} id
 */
function track (registration, id) {
  // One report at a time, each with the state as it is when sent: concurrent requests can reach
  // the host out of order, and an 'activating' arriving after 'activated' would be the record's
  // last word.
  let reporting = Promise.resolve()
  const watch = (/** @type {ServiceWorker | null} */ worker) => {
    if (!worker || watched.has(worker)) return
    watched.add(worker)
    const report = () => {
      reporting = reporting.then(() => call('serviceWorker.updateState', {
        id, state: worker.state, scriptURL: worker.scriptURL
      })).catch(() => {})
    }
    worker.addEventListener('statechange', report)
    report()
  }
  watch(registration.installing)
  watch(registration.waiting)
  watch(registration.active)
  registration.addEventListener('updatefound', () => watch(registration.installing))
}

/**
 * The engine's registration with Oro's additions: `id` (the host's) and `storage`.
 * @param {ServiceWorkerRegistration} registration
 * @param {{ id: string }} record
 * @returns {ServiceWorkerRegistration & { id: string, storage: RegistrationStorage }}
 */
function withRecord (registration, record) {
  if (!Object.hasOwn(registration, 'id')) {
    Object.defineProperties(registration, {
      id: { value: record.id, enumerable: true },
      storage: { value: new RegistrationStorage(record.id, call), enumerable: true }
    })
    track(registration, record.id)
  }
  return /** @type {any} */ (registration)
}

/**
 * Tell the host about a registration the engine has (found after a reload or a restart).
 * @param {ServiceWorkerRegistration} registration
 */
async function reported (registration) {
  const worker = registration.active ?? registration.waiting ?? registration.installing
  const params = { scope: registration.scope, scriptURL: worker?.scriptURL ?? registration.scope }
  const { registration: record } = await call('serviceWorker.register', worker ? { ...params, state: worker.state } : params)
  return withRecord(registration, record)
}

/**
 * Register `scriptURL` (a module worker) for `options.scope` (default: its directory).
 * @param {string | URL} scriptURL
 * @param {{ scope?: string | URL, updateViaCache?: ServiceWorkerUpdateViaCache }} [options]
 */
export async function register (scriptURL, options = {}) {
  const script = new URL(String(scriptURL), globalThis.location.href).href
  const scope = new URL(options.scope === undefined ? './' : String(options.scope), options.scope === undefined ? script : globalThis.location.href).href
  const engine = container()
  const { registration: record } = await call('serviceWorker.register', { scriptURL: script, scope })
  let registration
  try {
    // The engine's own register: the page's navigator.serviceWorker.register runs scripts
    // Socket's way (preload.js); this API registers the script it is given as it is.
    const engineRegister = /** @type {any} */ (engine)[Symbol.for('oro.serviceWorker.engineRegister')] ?? engine.register
    registration = await engineRegister.call(engine, script, {
      scope, type: 'module', updateViaCache: options.updateViaCache ?? 'none'
    })
  } catch (error) {
    await call('serviceWorker.updateState', { id: record.id, state: 'error' }).catch(() => {})
    throw error
  }
  return withRecord(registration, record)
}

/**
 * The engine's registration for `url`, or `undefined`. WebKitGTK 2.50 loses track of a
 * registration that a `register()` revived after `unregister()`: `getRegistration()` and
 * `getRegistrations()` then answer nothing although the page is controlled by it. Its
 * `ready` still knows it, so a controlled page falls back to that when its scope covers `url`
 * (`ready` settles at once in a controlled page: its registration is active).
 * @param {string} url
 * @returns {Promise<ServiceWorkerRegistration | undefined>}
 */
async function engineRegistration (url) {
  const engine = container()
  const registration = await engine.getRegistration(url)
  if (registration || !engine.controller) return registration
  const controlling = await engine.ready
  const target = new URL(url, globalThis.location.href).href
  return target.startsWith(controlling.scope) ? controlling : undefined
}

/**
 * The registration controlling `clientURL` (default: this page), or `undefined`.
 * @param {string | URL} [clientURL]
 */
export async function getRegistration (clientURL = globalThis.location.href) {
  const registration = await engineRegistration(String(clientURL))
  return registration ? await reported(registration) : undefined
}

/** Every registration of this origin. */
export async function getRegistrations () {
  const engine = container()
  const registrations = [...await engine.getRegistrations()]
  // The registration WebKitGTK 2.50 lost track of (see engineRegistration) is still listed.
  if (engine.controller) {
    const controlling = await engine.ready
    if (!registrations.some((registration) => registration.scope === controlling.scope)) {
      registrations.push(controlling)
    }
  }
  return await Promise.all(registrations.map(reported))
}

/**
 * Unregister the registration of `scope` from the engine and the host's record.
 * @param {string | URL} scope
 */
export async function unregister (scope) {
  const registration = await engineRegistration(String(scope))
  if (!registration) return false
  const { id } = await reported(registration)
  const done = await registration.unregister()
  await call('serviceWorker.unregister', { id })
  return done
}

/**
 * The Environment of the registration controlling `clientURL` (default: this page), as its
 * worker sees it.
 * @param {string | URL} [clientURL]
 */
export async function environment (clientURL = globalThis.location.href) {
  const registration = await getRegistration(clientURL)
  if (!registration) return null
  return await Environment.open({ scope: registration.scope, scriptURL: (registration.active ?? registration.waiting ?? registration.installing)?.scriptURL ?? registration.scope }, call)
}

export const serviceWorker = {
  register,
  getRegistration,
  getRegistrations,
  unregister,
  environment,
  /** Resolves with the registration of this page once it has an active worker. */
  get ready () {
    return container().ready.then(reported)
  },
  /** The worker controlling this page, or `null`. */
  get controller () {
    return container().controller
  }
}

export default serviceWorker
