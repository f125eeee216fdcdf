/**
 * `oro:application` — the running app: its config, its windows, the screen, exiting (the Oro
 * Runtime's `api/application.d.ts`).
 *
 * ```js
 * import * as application from 'oro:application'
 * application.config['meta_title']                // flattened oro.toml keys
 * const windows = await application.getWindows()  // ApplicationWindowList, in index order
 * const main = windows[0]                         // each window also at its index
 * const { width, height } = await application.getScreenSize()
 * await application.exit(0)
 * ```
 * @module oro:application
 */

import { invalidArgument } from './errors.js'
import { currentWindowIndex, primordials, request, send } from './ipc.js'
import { screenParams, synced as titleSynced } from './internal/window-page.js'
import { ApplicationWindow, client, createWindow } from './window.js'
import * as application from './application.js'

export { ApplicationWindow, client, createWindow } from './window.js'
// Oro's menu objects over the menus below (`application.menu.system.set(...)`).
export { default as menu } from './application/menu.js'

const args = /** @type {any} */ (globalThis).__args ?? {}

/**
 * The app's configuration as flattened keys (`meta_title`, `window_width`...), from the
 * preload's `__args.config`. Frozen.
 * @type {Readonly<Record<string, unknown>>}
 */
export const config = Object.freeze({ ...(args.config ?? {}) })

/**
 * The runtime's version as Oro gives it, `oro:ipc`'s `primordials.version`: `{ full, short,
 * hash }` (`short` is the oro-framework version, `hash` the build's commit).
 * @type {{ full: string, short: string, hash: string } | undefined}
 */
export const runtimeVersion = primordials.version

/** Whether the app runs in debug mode (`oro dev`; `__args.debug`). */
export const debug = Boolean(args.debug)

/** The most windows an app may have open at once (their indices are 0..63). */
export const MAX_WINDOWS = 64

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

/**
 * Listen for application event `type` (`applicationpause`, `applicationurl`,
 * `menuItemSelected`...): they are dispatched on the page's global object.
 * @param {string} type
 * @param {(event: Event) => unknown} listener
 * @param {boolean | AddEventListenerOptions} [options]
 */
export function addEventListener (type, listener, options) {
  globalThis.addEventListener(type, listener, options)
}

/**
 * @param {string} type
 * @param {(event: Event) => unknown} listener
 */
export function removeEventListener (type, listener) {
  globalThis.removeEventListener(type, listener)
}

/** The index of the window this code runs in. */
export function getCurrentWindowIndex () {
  return currentWindowIndex()
}

/**
 * The primary screen's size in pixels (route `application.getScreenSize`); headless, the
 * screen the page is shown on (`globalThis.screen`).
 * @returns {Promise<{ width: number, height: number }>}
 */
export async function getScreenSize () {
  try {
    return /** @type {{ width: number, height: number }} */ (await request('application.getScreenSize', screenParams()))
  } catch (error) {
    const screen = /** @type {any} */ (globalThis).screen
    if (/** @type {any} */ (error)?.code === 'ERR_HEADLESS' && screen) {
      return { width: screen.width, height: screen.height }
    }
    throw error
  }
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
 * The Oro Runtime's ordered collection of windows: iterable in index order, with each window
 * also at `list[window.index]`.
 */
export class ApplicationWindowList {
  /** @type {Map<number, ApplicationWindow>} */
  #windows = new Map()

  /**
   * @param {...(ApplicationWindow | ApplicationWindow[])} args
   * @returns {ApplicationWindowList}
   */
  static from (...args) {
    return new ApplicationWindowList(args.flat())
  }

  /** @param {ApplicationWindow[]} [items] */
  constructor (items = []) {
    for (const item of items) this.add(item)
  }

  get length () { return this.#windows.size }
  get size () { return this.#windows.size }

  /**
   * @param {(window: ApplicationWindow, index: number, list: ApplicationWindow[]) => void} callback
   * @param {any} [thisArg]
   */
  forEach (callback, thisArg) {
    this.values().forEach(callback, thisArg)
  }

  /**
   * The windows mapped through `callback`, as an array (an addition to Oro's list).
   * @template T
   * @param {(window: ApplicationWindow, index: number, list: ApplicationWindow[]) => T} callback
   * @returns {T[]}
   */
  map (callback) {
    return this.values().map(callback)
  }

  /** @param {number} index */
  item (index) { return this.#windows.get(index) }
  /** @returns {Array<[number, ApplicationWindow]>} */
  entries () { return this.values().map((window) => [window.index, window]) }
  /** @returns {number[]} */
  keys () { return this.values().map((window) => window.index) }
  /** @returns {ApplicationWindow[]} */
  values () { return [...this.#windows.values()].sort((a, b) => a.index - b.index) }

  /** @param {ApplicationWindow} window */
  add (window) {
    if (!(window instanceof ApplicationWindow)) {
      throw invalidArgument('ApplicationWindowList.add() expects an ApplicationWindow')
    }
    this.#windows.set(window.index, window)
    Object.defineProperty(this, window.index, { value: window, configurable: true, enumerable: true })
    return this
  }

  /** @param {ApplicationWindow | number} windowOrIndex */
  remove (windowOrIndex) {
    const index = typeof windowOrIndex === 'number' ? windowOrIndex : windowOrIndex?.index
    if (!this.#windows.delete(/** @type {number} */ (index))) return false
    delete (/** @type {any} */ (this))[/** @type {number} */ (index)]
    return true
  }

  /** @param {ApplicationWindow | number} windowOrIndex */
  contains (windowOrIndex) {
    const index = typeof windowOrIndex === 'number' ? windowOrIndex : windowOrIndex?.index
    return this.#windows.has(/** @type {number} */ (index))
  }

  clear () {
    for (const index of this.keys()) this.remove(index)
    return this
  }

  [Symbol.iterator] () {
    return this.values()[Symbol.iterator]()
  }
}

/**
 * @param {unknown} options
 * @returns {number}
 */
function maxIndex (options) {
  const max = /** @type {any} */ (options)?.max
  if (max === false) return Infinity
  if (max === undefined) return MAX_WINDOWS
  if (!Number.isInteger(max)) throw invalidArgument('getWindows() expects options.max as an integer or false')
  return max
}

/**
 * The app's windows (route `application.getWindows`), optionally only those with the given
 * indices, in index order; `options.max` drops indices at or above it (default `MAX_WINDOWS`;
 * `false`: none).
 * @param {number[]} [indices]
 * @param {{ max?: number | false }} [options]
 * @returns {Promise<ApplicationWindowList>}
 */
export async function getWindows (indices = undefined, options = undefined) {
  if (indices !== undefined && indices !== null) {
    if (!Array.isArray(indices)) throw invalidArgument('Indices list must be an array of integer numbers')
    indices.forEach(checkIndex)
  }
  const max = maxIndex(options)
  // This page's title change since it last told the host is part of its window's state.
  await titleSynced()
  const data = await request('application.getWindows')
  const wanted = indices === undefined || indices === null ? null : new Set(indices)
  return new ApplicationWindowList(descriptors(data)
    .filter((descriptor) => (wanted === null || wanted.has(descriptor.index)) && descriptor.index < max)
    .map((descriptor) => new ApplicationWindow(descriptor)))
}

/**
 * The window with `index`, or `undefined` when the app has none.
 * @param {number} index
 * @param {{ max?: number | false }} [options]
 * @returns {Promise<ApplicationWindow | undefined>}
 */
export async function getWindow (index, options = undefined) {
  checkIndex(index)
  return (await getWindows([index], options)).item(index)
}

/**
 * Oro's check of a window index, with its message.
 * @param {unknown} index
 */
function checkIndex (index) {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    let shown
    try { shown = `${/** @type {any} */ (index)}` } catch { shown = Object.prototype.toString.call(index) }
    throw invalidArgument(`Invalid window index: ${shown} (must be a positive integer number)`)
  }
}

/**
 * The window this code runs in, with its state.
 * @returns {Promise<ApplicationWindow>}
 */
export async function getCurrentWindow () {
  const index = currentWindowIndex()
  return (await getWindow(index, { max: false })) ?? new ApplicationWindow(index)
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
 * The app's backend process, the program its config names (`[process.backend] cmd`, Oro's
 * `[linux] cmd`; served by the oro-process plugin). `open` and `close` answer as Socket's do
 * (api/application.js:629-646): an `ipc.Result`, never a rejection, whose `data` is
 * `{ cmd, argv, path }` for `open` and whose `err` says what failed (`NotFoundError`
 * `ERR_NO_BACKEND_CMD` when the app declares none). Its `@socketsupply/socket-node` `send()`
 * lines are page events of their own names; its other stdout lines arrive as `backend:data`
 * events (`event.detail` is the line), its stderr lines as `backend:error` and Socket's
 * `process-error`, its exit as `backend:exit` (`{ pid, code, signal }`) and Socket's
 * `backend-exit`; `window.send({ event, value, backend: true })` writes to its stdin.
 */
export const backend = Object.freeze({
  /**
   * Start the backend unless it runs; `force: true` stops a running one first.
   * @param {{ force?: boolean }} [options]
   * @returns {Promise<import('./ipc.js').Result>}
   */
  async open (options = {}) {
    if (options === null || typeof options !== 'object') {
      throw invalidArgument('backend.open() expects { force?: boolean }')
    }
    const { force = false } = /** @type {{ force?: unknown }} */ (options)
    if (typeof force !== 'boolean') {
      throw invalidArgument('backend.open() expects force to be a boolean')
    }
    const result = await send('application.backend.open', { force })
    if (result.data) {
      // Socket's three keys (src/desktop/main.cc:837-841); `status()` has the process.
      const { cmd, argv, path } = result.data
      result.data = { cmd, argv, path }
    }
    return result
  },
  /**
   * Stop the backend (its process group) and wait until it is gone; `data.closed` is false
   * when none ran.
   * @returns {Promise<import('./ipc.js').Result>}
   */
  async close () {
    return await send('application.backend.close')
  },
  /**
   * Whether the app declares a backend and whether it runs.
   * @returns {Promise<{ declared: boolean, running: boolean, pid: number | null, cmd: string, path: string }>}
   */
  async status () {
    return /** @type {any} */ (await request('application.backend.status'))
  }
})

/**
 * @param {string} name
 * @param {unknown} options
 * @returns {{ value: string, index?: number }}
 */
function menuOptions (name, options) {
  const given = typeof options === 'string' ? { value: options } : options
  if (given === null || typeof given !== 'object' || typeof (/** @type {any} */ (given).value) !== 'string') {
    throw invalidArgument(`${name}() expects menu text or { value: string, index?: number }`)
  }
  const { value, index } = /** @type {{ value: string, index?: unknown }} */ (given)
  if (index !== undefined && (!Number.isInteger(index) || /** @type {number} */ (index) < 0)) {
    throw invalidArgument(`${name}() expects a window index (an integer >= 0)`)
  }
  return index === undefined ? { value } : { value, index: /** @type {number} */ (index) }
}

/**
 * Set the system menu (a menu bar) of window `index` (default: this one) from Oro's menu text
 * (route `application.setSystemMenu`, served by the oro-desktop plugin; headless, as on
 * Socket's hidden window, the menu is checked and kept but not shown: `shown: false`). Each menu is a `Title:` line, its items, and `;`:
 *
 * ```js
 * await application.setSystemMenu({ index: 0, value: `
 *   File:
 *     Open: o + CommandOrControl
 *     Recent > Notes.txt: _
 *     ---
 *     !Print: p + Control
 *     *Autosave: _
 *     Quit: q + Control;
 * ` })
 * globalThis.addEventListener('menuItemSelected', (event) => {
 *   const { title, parent, type, state } = event.detail // 'Open', 'File', 'system', 0
 * })
 * ```
 *
 * An item is `Label: key + Modifier, Modifier` (`_`: no accelerator; a capital key adds Shift;
 * Meta, Command, Control, CommandOrControl, Option, Alt, Shift), `---` a separator, `!` marks it
 * disabled, `*` checked (`state` 1); `Parent > Child` puts Child in submenu Parent (an
 * extension: Oro has no submenus). Bad text is a `TypeError`-like `InvalidArgumentError` with
 * code `ERR_MENU_SYNTAX` and the `line`; more than `desktop.max_menu_items` items
 * `ERR_MENU_TOO_LARGE`. Blank text removes the menu bar.
 * @param {string | { value: string, index?: number }} options
 * @returns {Promise<{ index: number, menus: number, items: number }>}
 */
export function setSystemMenu (options) {
  try {
    const { value, index } = menuOptions('setSystemMenu', options)
    // The text goes as the body: a long menu does not fit in a URL.
    return request('application.setSystemMenu', index === undefined ? {} : { index }, { body: value })
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * Enable or disable entry `indexSub` (separators count) of menu `indexMain` of window `index`'s
 * system menu (route `application.setSystemMenuItemEnabled`, oro-desktop); no such entry is an
 * `OutOfRangeError`. Before the window has a system menu nothing changes and the answer says
 * `applied: false`, as Socket answers success then.
 * @param {{ enabled: boolean, indexMain: number, indexSub: number, index?: number }} options
 * @returns {Promise<{ index: number, indexMain: number, indexSub: number, applied: boolean }>}
 */
export function setSystemMenuItemEnabled (options) {
  if (options === null || typeof options !== 'object' || typeof options.enabled !== 'boolean' ||
    !Number.isInteger(options.indexMain) || !Number.isInteger(options.indexSub)) {
    return Promise.reject(invalidArgument(
      'setSystemMenuItemEnabled() expects { enabled: boolean, indexMain: number, indexSub: number, index?: number }'))
  }
  const { enabled, indexMain, indexSub, index } = options
  return request('application.setSystemMenuItemEnabled',
    index === undefined ? { enabled, indexMain, indexSub } : { enabled, indexMain, indexSub, index })
}

/**
 * Show the app's tray icon with a menu in the same text as `setSystemMenu` (route
 * `application.setTrayMenu`, oro-desktop): one menu gives its items (its title is the tooltip),
 * several a submenu each; blank text removes the icon. Items send `menuItemSelected` with
 * `type: 'tray'` to every window, a click on the icon `trayclick` (`{ x, y }`). The icon is
 * `desktop.tray_icon` (in the app's resources), else `build.icon`, else a plain one. A desktop
 * without a system tray fails with `NotSupportedError` `ERR_NO_SYSTEM_TRAY`.
 * @param {string | { value: string }} options
 * @returns {Promise<{ menus: number, items: number, icon: string | null }>}
 */
export function setTrayMenu (options) {
  try {
    const { value } = menuOptions('setTrayMenu', options)
    return request('application.setTrayMenu', {}, { body: value })
  } catch (error) {
    return Promise.reject(error)
  }
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

/** The module itself (Oro's default export): read-only, as a module namespace is. */
export default application
