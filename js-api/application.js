/**
 * `oro:application` — the running app: its config, its windows, exiting.
 *
 * ```js
 * import * as application from 'oro:application'
 * application.config['meta_title']            // flattened oro.toml keys
 * const windows = await application.getWindows() // ApplicationWindow[]
 * await application.exit(0)
 * ```
 * @module oro:application
 */

import { invalidArgument } from './errors.js'
import { currentWindowIndex, request } from './ipc.js'
import { ApplicationWindow, createWindow } from './window.js'

export { ApplicationWindow, createWindow } from './window.js'

const args = /** @type {any} */ (globalThis).__args ?? {}

/**
 * The app's configuration as flattened keys (`meta_title`, `window_width`...), from the
 * preload's `__args.config`. Frozen.
 * @type {Readonly<Record<string, unknown>>}
 */
export const config = Object.freeze({ ...(args.config ?? {}) })

/**
 * The oro-framework version serving the app (`__args.version`).
 * @type {string | undefined}
 */
export const runtimeVersion = args.version

let paused = false
{
  const target = /** @type {any} */ (globalThis)
  if (typeof target.addEventListener === 'function') {
    target.addEventListener('applicationpause', () => { paused = true })
    target.addEventListener('applicationresume', () => { paused = false })
  }
}

/** True between an `applicationpause` and the next `applicationresume`. */
export function isPaused () {
  return paused
}

/** The index of the window this code runs in. */
export function getCurrentWindowIndex () {
  return currentWindowIndex()
}

/**
 * Window descriptors in whatever shape the host answered (a list, `{windows: [...]}` or an
 * object keyed by index), as a list sorted by index.
 * @param {unknown} data
 * @returns {Array<{ index: number, [key: string]: unknown }>}
 */
function descriptors (data) {
  /** @type {unknown[]} */
  let items = []
  if (Array.isArray(data)) items = data
  else if (data && typeof data === 'object') {
    const record = /** @type {Record<string, unknown>} */ (data)
    items = Array.isArray(record.windows)
      ? record.windows
      : Object.entries(record).map(([key, value]) =>
        value && typeof value === 'object' && !('index' in value) ? { index: Number(key), ...value } : value)
  }
  return /** @type {Array<{ index: number }>} */ (items.filter((item) =>
    item !== null && typeof item === 'object' &&
    Number.isInteger(/** @type {any} */ (item).index)))
    .sort((a, b) => a.index - b.index)
}

/**
 * The app's open windows (route `application.getWindows`), optionally only those with the given
 * indices, sorted by index.
 * @param {number[]} [indices]
 * @returns {Promise<ApplicationWindow[]>}
 */
export async function getWindows (indices = undefined) {
  if (indices !== undefined && (!Array.isArray(indices) || !indices.every(Number.isInteger))) {
    throw invalidArgument('getWindows() expects an array of integer window indices')
  }
  const data = await request('application.getWindows')
  const wanted = indices === undefined ? null : new Set(indices)
  return descriptors(data)
    .filter((descriptor) => wanted === null || wanted.has(descriptor.index))
    .map((descriptor) => new ApplicationWindow(descriptor))
}

/**
 * The window with `index`, or `undefined` when it is not open.
 * @param {number} index
 * @returns {Promise<ApplicationWindow | undefined>}
 */
export async function getWindow (index) {
  const [found] = await getWindows([index])
  return found
}

/**
 * The window this code runs in, with the fields the host reports about it.
 * @returns {Promise<ApplicationWindow>}
 */
export async function getCurrentWindow () {
  const index = currentWindowIndex()
  return (await getWindow(index)) ?? new ApplicationWindow(index)
}

/**
 * Stop the app with exit `code` (route `application.exit`): services stop, windows close,
 * `applicationstop` reaches every page.
 * @param {number} [code=0]
 * @returns {Promise<unknown>}
 */
export function exit (code = 0) {
  if (!Number.isInteger(code)) {
    return Promise.reject(invalidArgument('exit() expects an integer exit code'))
  }
  return request('application.exit', { value: code })
}

/**
 * Signed updates of a built app (routes `application.update.*`, docs/build.md "Updates").
 * `check()` verifies the manifest with the app's `[build] update_public_key`; `download()`
 * fetches the archive it names, reporting `updateprogress` events `{downloaded, total}` (also
 * given to `options.onProgress`); `install()` swaps the app's folder for the new version, keeping
 * the old one, and restarts the app.
 */
// The routes' own deadlines (oro_framework/core/update.py): ipc's default 32 s would fail any
// real download, and the unpacking of a large app, while the host still works on it.
const DOWNLOAD_TIMEOUT = 3_600_000
const INSTALL_TIMEOUT = 600_000

export const update = Object.freeze({
  /**
   * @param {{ manifestUrl?: string, signatureUrl?: string, channel?: string }} [options]
   * @returns {Promise<{ available: boolean, current: string, manifest: Record<string, unknown> }>}
   */
  check (options = {}) {
    return /** @type {Promise<any>} */ (request('application.update.check', { ...options }))
  },
  /**
   * Oro's `artifactUrl`, `hash`, `hashAlgorithm` and `length` may be passed (code ported from
   * Oro passes them); they must be those of the manifest `check()` verified. Aborting `signal`
   * cancels the download (nothing is kept); it may take up to the route's hour otherwise.
   * @param {{ onProgress?: (progress: { downloaded: number, total: number }) => void, signal?: AbortSignal, artifactUrl?: string, hash?: string, hashAlgorithm?: string, length?: number }} [options]
   * @returns {Promise<{ version: string, size: number, sha256: string }>}
   */
  async download (options = {}) {
    const target = /** @type {any} */ (globalThis)
    const { onProgress, signal, ...params } = options
    /** @type {{ downloaded: number, total: number } | undefined} */
    let last
    /** @param {any} event */
    const listener = (event) => { last = event.detail; onProgress?.(event.detail) }
    if (onProgress) target.addEventListener('updateprogress', listener)
    try {
      const result = /** @type {any} */ (await request(
        'application.update.download', params, { timeout: DOWNLOAD_TIMEOUT, signal }
      ))
      // Events and replies travel apart: the last event may come after the reply. The reply
      // means all of it arrived and was verified, so that is said once here if not yet.
      if (onProgress && last?.downloaded !== result.size) {
        onProgress({ downloaded: result.size, total: result.size })
      }
      return result
    } finally {
      if (onProgress) target.removeEventListener('updateprogress', listener)
    }
  },
  /** @returns {Promise<{ installed: string, previous: string, restarting: boolean }>} */
  install () {
    return /** @type {Promise<any>} */ (
      request('application.update.install', undefined, { timeout: INSTALL_TIMEOUT })
    )
  }
})

export default {
  ApplicationWindow,
  config,
  createWindow,
  exit,
  getCurrentWindow,
  getCurrentWindowIndex,
  getWindow,
  getWindows,
  isPaused,
  runtimeVersion,
  update
}
