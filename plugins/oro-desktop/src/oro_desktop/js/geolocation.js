/**
 * `oro:geolocation` — the device's location, from the host's GeoClue client (the routes
 * `geolocation.getCurrentPosition|watchPosition|clearWatch`), as Oro's `socket:geolocation`.
 *
 * ```js
 * import geolocation from 'oro:geolocation'
 * geolocation.getCurrentPosition((position) => show(position.coords), (error) => warn(error.code))
 * const id = navigator.geolocation.watchPosition(onPosition, onError, { timeout: 10000 })
 * navigator.geolocation.clearWatch(id)
 * ```
 *
 * Loaded in every page by oro-desktop: `navigator.geolocation`'s three methods are replaced by
 * these (as Oro's `internal/primitives.js` installs its own), so a page gets the same answers on
 * WebKitGTK, QtWebEngine and in a browser: the host asks its permission broker (config, the
 * app, the user), then GeoClue. Positions are `GeolocationPosition`s; errors are
 * `GeolocationPositionError`s (`code` 1 `PERMISSION_DENIED`, 2 `POSITION_UNAVAILABLE`,
 * 3 `TIMEOUT`).
 * @module oro:geolocation
 */

import { subscribe } from 'oro:bootstrap'
import { request } from 'oro:ipc'

const STATE = Symbol.for('oro.desktop.geolocation')
const EVENT = 'geolocationposition'
const MAX_MILLISECONDS = 2 ** 32 - 1
// The host's route timeout (geolocation.py's ANSWER_WAIT) and a little: the user may take a
// while to answer the permission prompt, which IPC's default 32 s would cut short.
const ANSWER_WAIT_MS = 905_000

export const PERMISSION_DENIED = 1
export const POSITION_UNAVAILABLE = 2
export const TIMEOUT = 3
const NAMES = { 1: 'PERMISSION_DENIED', 2: 'POSITION_UNAVAILABLE', 3: 'TIMEOUT' }

/** @type {Map<number, { success: Function, error: Function | null, timer: any, options: any }>} */
const watches = new Map()
let lastWatch = 0
let listening = false

/**
 * WebIDL's `unsigned long` with `[Clamp]`-like bounds: what a browser makes of `timeout` and
 * `maximumAge` (a bad value is 0, a huge one the largest, `Infinity` stays none).
 * @param {unknown} value
 * @param {number | null} fallback
 * @returns {number | null}
 */
function milliseconds (value, fallback) {
  if (value === undefined) return fallback
  const number = Number(value)
  if (number === Infinity) return null
  if (!Number.isFinite(number) || number <= 0) return 0
  return Math.min(Math.floor(number), MAX_MILLISECONDS)
}

/**
 * `PositionOptions` as a browser reads them.
 * @param {any} options
 */
function readOptions (options) {
  if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function') {
    throw new TypeError("Failed to read the 'options' argument: not an object")
  }
  const given = options ?? {}
  return {
    enableHighAccuracy: Boolean(given.enableHighAccuracy),
    timeout: milliseconds(given.timeout, null),
    maximumAge: milliseconds(given.maximumAge, 0)
  }
}

/** @param {{ timeout: number | null, maximumAge: number, enableHighAccuracy: boolean }} options */
function params (options) {
  return {
    enableHighAccuracy: options.enableHighAccuracy,
    maximumAge: options.maximumAge,
    ...(options.timeout === null ? {} : { timeout: options.timeout })
  }
}

/**
 * @param {object} proto
 * @param {Record<string, unknown>} fields
 */
function make (proto, fields) {
  /** @type {PropertyDescriptorMap} */
  const descriptors = {}
  for (const [name, value] of Object.entries(fields)) {
    descriptors[name] = { value, enumerable: true, configurable: false, writable: false }
  }
  return Object.create(proto, descriptors)
}

/**
 * A `GeolocationPosition` from the host's `{coords, timestamp}`.
 * @param {any} data
 * @returns {GeolocationPosition}
 */
export function createPosition (data) {
  const g = /** @type {any} */ (globalThis)
  const raw = data?.coords ?? {}
  const fields = {
    latitude: Number(raw.latitude),
    longitude: Number(raw.longitude),
    accuracy: Number(raw.accuracy ?? 0),
    altitude: raw.altitude ?? null,
    altitudeAccuracy: raw.altitudeAccuracy ?? null,
    heading: raw.heading ?? null,
    speed: raw.speed ?? null
  }
  const coords = make(g.GeolocationCoordinates?.prototype ?? Object.prototype, {
    ...fields,
    toJSON: () => ({ ...fields })
  })
  const timestamp = Number(data?.timestamp ?? Date.now())
  return make(g.GeolocationPosition?.prototype ?? Object.prototype, {
    coords,
    timestamp,
    toJSON: () => ({ coords: { ...fields }, timestamp })
  })
}

/**
 * A `GeolocationPositionError` with `code` and `message`.
 * @param {number} code
 * @param {string} message
 * @returns {GeolocationPositionError}
 */
export function createPositionError (code, message) {
  const g = /** @type {any} */ (globalThis)
  const proto = g.GeolocationPositionError?.prototype ?? {
    PERMISSION_DENIED, POSITION_UNAVAILABLE, TIMEOUT
  }
  return make(proto, { code, message, name: 'GeolocationPositionError', codeName: NAMES[/** @type {1|2|3} */ (code)] })
}

/**
 * The host's error as a `GeolocationPositionError`: its `positionErrorCode`; a route refused
 * by the app's config (`permissions.allow_geolocation = false`: `NotAllowedError`) is
 * `PERMISSION_DENIED`; anything else `POSITION_UNAVAILABLE`.
 * @param {any} error
 */
function asPositionError (error) {
  let code = Number(error?.positionErrorCode)
  if (code !== PERMISSION_DENIED && code !== POSITION_UNAVAILABLE && code !== TIMEOUT) {
    code = error?.name === 'NotAllowedError' || error?.type === 'NotAllowedError' ? PERMISSION_DENIED : POSITION_UNAVAILABLE
  }
  return createPositionError(code, String(error?.message ?? error))
}

/**
 * @param {unknown} callback
 * @param {string} method
 */
function requireCallback (callback, method) {
  if (typeof callback !== 'function') {
    throw new TypeError(`Failed to execute '${method}' on 'Geolocation': parameter 1 is not of type 'Function'.`)
  }
}

/**
 * @param {Function | null} callback
 * @param {unknown} value
 */
function call (callback, value) {
  if (typeof callback !== 'function') return
  try {
    callback(value)
  } catch (error) {
    // A page's callback that throws is reported as an uncaught error would be, not swallowed.
    queueMicrotask(() => { throw error })
  }
}

/**
 * The device's position, once (`navigator.geolocation.getCurrentPosition`).
 * @param {PositionCallback} success
 * @param {PositionErrorCallback | null} [error]
 * @param {PositionOptions} [options]
 */
export function getCurrentPosition (success, error = null, options = undefined) {
  requireCallback(success, 'getCurrentPosition')
  const wanted = readOptions(options)
  request('geolocation.getCurrentPosition', params(wanted), { timeout: ANSWER_WAIT_MS }).then(
    (data) => call(success, createPosition(data)),
    (failure) => call(error, asPositionError(failure))
  )
}

/** @param {Event} event */
function onPosition (event) {
  const detail = /** @type {any} */ (event).detail
  const watch = watches.get(Number(detail?.watch?.identifier))
  if (!watch) return
  clearTimeout(watch.timer)
  if (detail.err) {
    watches.delete(Number(detail.watch.identifier))
    call(watch.error, asPositionError(detail.err))
    return
  }
  call(watch.success, createPosition(detail))
  armTimeout(Number(detail.watch.identifier))
}

/** @param {number} id */
function armTimeout (id) {
  const watch = watches.get(id)
  if (!watch || watch.options.timeout === null) return
  // The web's timeout of a watch: each position must come within it, else a TIMEOUT error
  // (the watch goes on).
  watch.timer = setTimeout(() => {
    if (watches.get(id) === watch) {
      call(watch.error, createPositionError(TIMEOUT, 'Position acquisition timed out'))
      armTimeout(id)
    }
  }, watch.options.timeout)
}

/**
 * Call `success` with each new position until {@link clearWatch}; returns the watch's id.
 * @param {PositionCallback} success
 * @param {PositionErrorCallback | null} [error]
 * @param {PositionOptions} [options]
 * @returns {number}
 */
export function watchPosition (success, error = null, options = undefined) {
  requireCallback(success, 'watchPosition')
  const wanted = readOptions(options)
  if (!listening) {
    listening = true
    globalThis.addEventListener(EVENT, onPosition)
    subscribe(EVENT)
  }
  const id = ++lastWatch
  watches.set(id, { success, error, timer: null, options: wanted })
  armTimeout(id)
  request('geolocation.watchPosition', { id, ...params(wanted) }, { timeout: ANSWER_WAIT_MS }).catch((failure) => {
    const watch = watches.get(id)
    if (!watch) return
    clearTimeout(watch.timer)
    watches.delete(id)
    call(watch.error, asPositionError(failure))
  })
  return id
}

/**
 * Stop watch `id` (from {@link watchPosition}); another id, or none, does nothing.
 * @param {number} id
 */
export function clearWatch (id) {
  const number = Number(id)
  const watch = watches.get(number)
  if (!watch) return
  clearTimeout(watch.timer)
  watches.delete(number)
  request('geolocation.clearWatch', { id: number }).catch(() => {})
}

/**
 * Make `navigator.geolocation` answer with this module (done on import in an Oro window's page;
 * idempotent). Returns `false` where there is no navigator.
 * @param {any} [target]
 * @returns {boolean}
 */
export function install (target = globalThis) {
  if (target[STATE]) return true
  const navigator = target.navigator
  if (!navigator || typeof target.document === 'undefined') return false
  const methods = { getCurrentPosition, watchPosition, clearWatch }
  let geolocation = navigator.geolocation
  if (!geolocation) {
    // Not a secure context, or an engine built without it: the page still gets Oro's.
    geolocation = {}
    Object.defineProperty(navigator, 'geolocation', { configurable: true, enumerable: true, value: geolocation })
  }
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(geolocation, name, { configurable: true, writable: true, value: method })
  }
  Object.defineProperty(target, STATE, { value: true })
  return true
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default { getCurrentPosition, watchPosition, clearWatch, install, PERMISSION_DENIED, POSITION_UNAVAILABLE, TIMEOUT }
