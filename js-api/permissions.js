/**
 * `oro:permissions` — what a page may use of the web platform, as the Oro Runtime's
 * `navigator.permissions` answers it: `query({ name })` and `request({ name })` resolve with a
 * `PermissionStatus` whose `state` is `'granted'`, `'denied'` or `'prompt'` and which fires
 * `change` when the host's permission broker changes it (the runtime's `permissionchange` event).
 *
 * The camera, the microphone, the location and notifications are decided by the host (config,
 * the app's `oro_permission_request`, what the user remembered, else a prompt over the asking
 * window), so both web engines answer the same; `request` may show that prompt. Other names go
 * to the engine's own `navigator.permissions`. In the app's pages the preload installs these
 * as `navigator.permissions.query` and `navigator.permissions.request`.
 *
 * ```js
 * import { query, request } from 'oro:permissions'
 * const camera = await query({ name: 'camera' })
 * camera.onchange = () => console.log(camera.state)
 * if (camera.state === 'prompt') await request({ name: 'camera' })
 * ```
 * @module oro:permissions
 */

import Enumeration from './enumeration.js'

/**
 * A route's answer; `oro:ipc` is imported when first needed, so that a page that never asks
 * loads nothing more at start (the preload installs this module in every page).
 * @param {string} route
 * @param {Record<string, string>} params
 * @returns {Promise<any>}
 */
async function ipcRequest (route, params) {
  const ipc = await import('./ipc.js')
  return ipc.request(route, params)
}

/** The names the host's permission broker decides (the host's kinds). */
export const types = Enumeration.from(/** @type {string[]} */ (['geolocation', 'notifications', 'camera', 'microphone']))

const PERMISSION_CHANGE_EVENT = 'permissionchange'

/** @type {Map<string, Set<PermissionStatus>>} */
const listening = new Map()

/**
 * A permission's state, kept current from the host's `permissionchange` events.
 */
export class PermissionStatus extends EventTarget {
  #name
  #state
  /** @type {((event: Event) => void) | null} */
  #onchange = null

  /**
   * @param {string} name
   * @param {'granted' | 'denied' | 'prompt'} state
   */
  constructor (name, state) {
    super()
    this.#name = name
    this.#state = state
    subscribe(this)
  }

  get [Symbol.toStringTag] () { return 'PermissionStatus' }
  get name () { return this.#name }
  get state () { return this.#state }

  get onchange () { return this.#onchange }
  set onchange (callback) {
    if (this.#onchange) this.removeEventListener('change', this.#onchange)
    this.#onchange = typeof callback === 'function' ? callback : null
    if (this.#onchange) this.addEventListener('change', this.#onchange)
  }

  /**
   * @internal
   * @param {'granted' | 'denied' | 'prompt'} state
   */
  update (state) {
    if (state === this.#state) return
    this.#state = state
    this.dispatchEvent(new Event('change'))
  }
}

/** @param {PermissionStatus} status */
function subscribe (status) {
  if (listening.size === 0 && typeof globalThis.addEventListener === 'function') {
    globalThis.addEventListener(PERMISSION_CHANGE_EVENT, (event) => {
      const detail = /** @type {any} */ (event).detail
      for (const each of listening.get(detail?.name) ?? []) each.update(detail.state)
    })
  }
  const statuses = listening.get(status.name) ?? new Set()
  statuses.add(status)
  listening.set(status.name, statuses)
}

/**
 * @param {string} verb
 * @param {unknown} descriptor
 * @param {number} count
 * @returns {string}
 */
function nameOf (verb, descriptor, count) {
  const prefix = `Failed to execute '${verb}' on 'Permissions': `
  if (count === 0) throw new TypeError(`${prefix}1 argument required, but only 0 present.`)
  if (!descriptor || typeof descriptor !== 'object') {
    throw new TypeError(`${prefix}parameter 1 is not of type 'object'.`)
  }
  const { name } = /** @type {{ name?: unknown }} */ (descriptor)
  if (name === undefined) {
    throw new TypeError(`${prefix}Failed to read the 'name' property from 'PermissionDescriptor': Required member is undefined.`)
  }
  return String(name)
}

/** Where the engine's own `navigator.permissions.query` is kept once these replace it. */
const ENGINE = Symbol.for('oro.permissions.engine')
/** Set on `navigator.permissions` once these (or the bootstrap's lazy stand-ins) answer. */
const INSTALLED = Symbol.for('oro.permissions')

/**
 * The engine's own `query`, for the names the host does not decide.
 * @returns {((descriptor: PermissionDescriptor) => Promise<any>) | null}
 */
function engineQuery () {
  const permissions = /** @type {any} */ (globalThis.navigator?.permissions)
  if (!permissions) return null
  if (ENGINE in permissions) return permissions[ENGINE]
  return typeof permissions.query === 'function' ? permissions.query.bind(permissions) : null
}

/**
 * @param {string} name
 * @param {PermissionDescriptor} descriptor
 * @returns {Promise<any>}
 */
function askTheEngine (name, descriptor) {
  const query = engineQuery()
  if (query) return query(descriptor)
  return Promise.reject(new TypeError(`The provided value '${name}' is not a valid enum value of type PermissionName.`))
}

/**
 * The state of permission `descriptor.name` for this page.
 * @param {PermissionDescriptor} descriptor
 * @returns {Promise<PermissionStatus>}
 */
export async function query (descriptor) {
  const name = nameOf('query', descriptor, arguments.length)
  if (!types.contains(name)) return askTheEngine(name, descriptor)
  return askTheHost('permissions.query', name, descriptor)
}

/**
 * Ask for permission `descriptor.name` (the host may prompt the user), then its state.
 * @param {PermissionDescriptor} descriptor
 * @returns {Promise<PermissionStatus>}
 */
export async function request (descriptor) {
  const name = nameOf('request', descriptor, arguments.length)
  if (!types.contains(name)) return askTheEngine(name, descriptor)
  return askTheHost('permissions.request', name, descriptor)
}

/**
 * The host's answer for `name`; the engine's where the host has none (a host without the core
 * `permissions` routes, or no plugin declaring the permission: `NotFoundError`).
 * @param {string} route
 * @param {string} name
 * @param {PermissionDescriptor} descriptor
 * @returns {Promise<any>}
 */
async function askTheHost (route, name, descriptor) {
  let answer
  try {
    answer = await ipcRequest(route, { name })
  } catch (error) {
    if (/** @type {any} */ (error)?.name === 'NotFoundError') return askTheEngine(name, descriptor)
    throw error
  }
  return new PermissionStatus(name, answer.state)
}

/**
 * Make `target.navigator.permissions.query`/`.request` these (the preload does it in the app's
 * pages). Idempotent.
 * @param {any} [target]
 */
export function install (target = globalThis) {
  const permissions = target.navigator?.permissions
  if (!permissions || permissions[INSTALLED]) return
  if (!(ENGINE in permissions)) {
    const own = typeof permissions.query === 'function' ? permissions.query.bind(permissions) : null
    Object.defineProperty(permissions, ENGINE, { value: own })
  }
  for (const [key, value] of Object.entries({ query, request })) {
    Object.defineProperty(permissions, key, { configurable: true, writable: true, value })
  }
  Object.defineProperty(permissions, INSTALLED, { value: true })
}

export default { PermissionStatus, install, query, request, types }
