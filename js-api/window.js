/**
 * `oro:window` — the app's native windows, as the Oro Runtime's `ApplicationWindow`.
 *
 * ```js
 * import { createWindow, getCurrentWindow } from 'oro:window'
 * const win = getCurrentWindow()
 * await win.setTitle('Notes')          // resolves with the window's state; win.title is 'Notes'
 * await win.setSize({ width: 800, height: 600 })
 * await win.setPosition({ x: 40, y: 40 })
 * await win.maximize()
 * win.getSize()                        // { width, height } as last reported (synchronous)
 *
 * const side = await createWindow({ url: '/side.html', title: 'Side', width: 400 })
 * await side.send('greeting', { text: 'hi' }) // a `greeting` event in side's page only
 * globalThis.addEventListener('windowclose', (event) => console.log(event.detail.index))
 * ```
 *
 * Each asynchronous method is one IPC call to a `window.*` route with `targetWindowIndex`
 * naming the window, and resolves with the window's state the host answered (also kept as the
 * window's `state`, which the synchronous getters read: `getTitle()`, `getSize()`,
 * `getPosition()`, `getStatus()`, `title`, `size`, `position`, `status`). `update()` reads it
 * afresh. Headless (no native window) the host keeps each window's state itself: a position,
 * maximised, minimised, always-on-top and a background colour are remembered and reported but
 * nothing is drawn; `eval` fails with `NotSupportedError` (`ERR_HEADLESS`). Every page hears
 * every window's status as `windowcreate`, `windowshow`, `windowhide` and `windowclose` events
 * (`detail`: `{ index, status, window }`).
 * @module oro:window
 */

import { invalidArgument, withCode } from './errors.js'
import { currentWindowIndex, request } from './ipc.js'
import { screenParams, titleSet, watch as watchTitle } from './internal/window-page.js'
import * as constants from './window/constants.js'
import hotkey from './window/hotkey.js'

export { constants, hotkey }

/**
 * @typedef {object} WindowSize
 * @property {number} width
 * @property {number} height
 */

/**
 * @typedef {object} WindowPosition
 * @property {number} x
 * @property {number} y
 */

/**
 * `url` made absolute against this page's location (the Oro Runtime's `formatURL`).
 * @param {string | URL} url
 * @returns {string}
 */
export function formatURL (url) {
  const base = globalThis.location?.href ?? 'http://localhost/'
  return String(new URL(String(url), base))
}

/**
 * What this page is to the runtime (the Oro Runtime's `application.client`): a window's
 * top-level page, or a frame nested in one.
 */
export const client = Object.freeze({
  id: null,
  type: 'window',
  get frameType () {
    return /** @type {unknown} */ (globalThis.top) === globalThis ? 'top-level' : 'nested'
  },
  parent: null,
  top: null,
  get location () {
    return new URL(globalThis.location?.href ?? 'http://localhost/')
  },
  toJSON () {
    return { id: null, type: 'window', frameType: this.frameType, location: String(this.location) }
  }
})

/** @type {Record<string, number>} */
const STATUS_NUMBERS = {
  none: constants.WINDOW_NONE,
  created: constants.WINDOW_CREATED,
  shown: constants.WINDOW_SHOWN,
  hidden: constants.WINDOW_HIDDEN,
  closing: constants.WINDOW_CLOSING,
  closed: constants.WINDOW_CLOSED
}

const PERCENTAGE = /^\d{1,3}(\.\d+)?%$/
/** Oro's valid percentage (`isValidPercentageValue`): 0% to 100%, decimals allowed. */
const OROS_PERCENTAGE = /^(100(\.0+)?|[1-9]?\d(\.\d+)?)%$/

// The window's title follows the page's `document.title` (internal/window-title.js).
watchTitle()

/**
 * `value` as a template literal shows it (Oro's messages do), even where that throws (a
 * symbol, an object without `toString`).
 * @param {unknown} value
 * @returns {string}
 */
function shown (value) {
  try {
    return `${/** @type {any} */ (value)}`
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * Oro's check of `createWindow()`'s `width` or `height`: absent, an integer >= 0, or a
 * percentage from 0% to 100%. Its message is Oro's, word for word.
 * @param {'width' | 'height'} name
 * @param {unknown} value
 */
function checkCreateLength (name, value) {
  if (value === undefined || value === null) return
  if (typeof value === 'string' && OROS_PERCENTAGE.test(value)) return
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return
  const message = `Window ${name} must be an integer number or a string with a valid ` +
    `percentage value from 0 to 100 ending with %. Got ${shown(value)} instead.`
  throw typeof value === 'number' || typeof value === 'string'
    ? withCode(new RangeError(message), 'ERR_OUT_OF_RANGE')
    : invalidArgument(message)
}

/**
 * A length for `setSize`/`setPosition`: an integer, or Oro's `"N%"` of the screen; `undefined`
 * keeps the current one. Other values are `TypeError`-like `InvalidArgumentError`s; the host
 * answers range errors (a negative size, a coordinate off any X screen).
 * @param {string} method
 * @param {string} name
 * @param {unknown} value
 * @returns {number | string | undefined}
 */
function length (method, name, value) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && PERCENTAGE.test(value)) return value
  throw invalidArgument(
    `${method}() expects ${name} as an integer or a percentage of the screen ('50%'), got ${String(value)}`)
}

/**
 * A route's `value`: a value as text, or the `value` of Oro's params object (Oro's methods hand
 * what they get to `ipc.request`, which reads an object as the params).
 * @param {unknown} value
 * @returns {string}
 */
function paramValue (value) {
  if (value !== null && typeof value === 'object' && !(value instanceof URL) && 'value' in value) {
    return String(/** @type {{ value: unknown }} */ (value).value)
  }
  return String(value)
}

/**
 * A native window, by index: the Oro Runtime's `ApplicationWindow`. Made by
 * `application.getCurrentWindow()`, `application.getWindows()`, `createWindow()` (with the
 * host's state) and by `getCurrentWindow()`/`getWindow()` here (with none until a method
 * answers or `update()` is awaited).
 */
export class ApplicationWindow extends EventTarget {
  static constants = constants
  /** The page's hotkey bindings (`oro:window/hotkey`'s default export). */
  static hotkey = hotkey

  /** @type {number} */
  #index
  /** @type {Record<string, any>} */
  #state
  /** @type {BroadcastChannel | null} */
  #channel = null
  /** @type {Map<string, Set<(...args: any[]) => void>>} */
  #listeners = new Map()

  /**
   * @param {number | { index: number, [key: string]: unknown }} indexOrDescriptor
   */
  constructor (indexOrDescriptor) {
    super()
    const descriptor = typeof indexOrDescriptor === 'number'
      ? { index: indexOrDescriptor }
      : indexOrDescriptor
    if (!descriptor || typeof descriptor.index !== 'number' || !Number.isInteger(descriptor.index)) {
      throw invalidArgument('ApplicationWindow expects a window index (an integer)')
    }
    this.#index = descriptor.index
    this.#state = {}
    this.#take(descriptor)
  }

  /**
   * Keep what the host reported; its status by name becomes Oro's number (`statusName` keeps
   * the name).
   * @param {any} data
   */
  #take (data) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return data
    const { index, ...state } = data
    if (typeof state.status === 'string') {
      state.statusName = state.status
      state.status = STATUS_NUMBERS[state.status] ?? constants.WINDOW_ERROR
    }
    this.#state = { ...this.#state, ...state }
    // What the host answered, its status as Oro's number (as Oro's methods answer it).
    return index === undefined ? state : { index, ...state }
  }

  /**
   * @param {string} route
   * @param {Record<string, unknown>} [params]
   */
  #call (route, params = {}) {
    return request(route, { ...params, targetWindowIndex: this.#index })
  }

  /**
   * A route that answers the window's descriptor: the state is updated from it.
   * @param {string} route
   * @param {Record<string, unknown>} [params]
   */
  async #change (route, params = {}) {
    return this.#take(await this.#call(route, params))
  }

  /** The window's index (0 is the main window). */
  get index () { return this.#index }
  /** The Oro Runtime's window id; this host has none beyond the index. @returns {string | null} */
  get id () { return this.#state.id ?? null }
  /** What the host last reported about the window. */
  get state () { return { ...this.#state } }
  /** The window's page URL as last reported. */
  get location () { return this.#state.url ?? null }
  get title () { return this.#state.title }
  get size () { return this.getSize() }
  get position () { return this.getPosition() }
  /** The Oro status number (`oro:window/constants`: 31 shown, 21 hidden...). */
  get status () { return this.#state.status }
  /** The status by the host's name: `created`, `shown`, `hidden`, `closing`, `closed`. */
  get statusName () { return this.#state.statusName }
  get token () { return this.#state.token ?? null }
  /**
   * Headless, the URL that opens a window `createWindow()` just made (`null` otherwise, and
   * once the window's page is open).
   * @returns {string | null}
   */
  get launchUrl () { return this.#state.launchUrl ?? null }
  /** The options `createWindow()` was given that no backend here applies. @returns {string[]} */
  get unsupported () { return this.#state.unsupported ?? [] }
  /** Themes are the desktop's: windows follow it. */
  get followSystemTheme () { return true }
  get preferDarkTheme () { return false }
  get isDarkMode () {
    return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? null
  }

  get appearance () {
    return {
      followSystemTheme: this.followSystemTheme,
      preferDarkTheme: this.preferDarkTheme,
      isDarkMode: this.isDarkMode,
      backgroundColor: this.#state.backgroundColor
    }
  }

  /** A `BroadcastChannel` named `oro.runtime.window.<index>` (same-origin pages share it). */
  get channel () {
    this.#channel ??= new BroadcastChannel(`oro.runtime.window.${this.#index}`)
    return this.#channel
  }

  /** @returns {WindowSize} */
  getSize () { return { width: this.#state.width, height: this.#state.height } }
  /** @returns {WindowPosition} */
  getPosition () {
    return { x: this.#state.position?.x, y: this.#state.position?.y }
  }

  /** @returns {string} */
  getTitle () { return this.#state.title }
  /** @returns {number} */
  getStatus () { return this.#state.status }

  /** Read the window's state afresh (route `application.getWindows`). */
  async update () {
    const [data] = /** @type {any[]} */ (await request('application.getWindows', { indices: [this.#index] }))
    return this.#take(data)
  }

  /**
   * Send event `event` with `detail` `value` to this window's page only (route `window.send`).
   * Oro's options form `send({ event, value, window })` names the target window itself.
   * @param {string | { event: string, value?: unknown, window?: number }} event
   * @param {unknown} [value]
   */
  send (event, value = undefined) {
    if (event === null || typeof event !== 'object') {
      if (typeof event !== 'string' || !event) {
        return Promise.reject(invalidArgument('event should be a non-empty string'))
      }
      return request('window.send', { event, value, targetWindowIndex: this.#index })
    }
    // Oro's options form, with its checks and messages, in its order.
    const options = /** @type {{ event?: unknown, value?: unknown, window?: unknown, backend?: unknown }} */ (event)
    if (this.#index !== currentWindowIndex()) {
      return Promise.reject(invalidArgument('window.send can only be used from the current window'))
    }
    if (!Number.isInteger(options.window) && options.backend !== true) {
      return Promise.reject(invalidArgument('window should be an integer'))
    }
    if (options.backend === true && options.window != null) {
      return Promise.reject(invalidArgument('backend option cannot be used together with window option'))
    }
    if (typeof options.event !== 'string' || !options.event) {
      return Promise.reject(invalidArgument('event should be a non-empty string'))
    }
    if (options.backend === true) {
      // To the backend process's stdin, as Socket's `ipc://process.write?...` line (oro-process).
      // Its handler gets the value as text, as under Socket (api/window.js:512-519): a string as
      // it is, anything else as its JSON; given here as JSON, which the transport decodes.
      const text = typeof options.value === 'string' ? options.value : JSON.stringify(options.value)
      return request('process.write', {
        event: options.event,
        value: text === undefined ? undefined : JSON.stringify(text)
      })
    }
    return request('window.send', {
      event: options.event,
      value: options.value,
      targetWindowIndex: options.window
    })
  }

  /**
   * Dispatch event `event` with `detail` `value` in this window's page (as `send`).
   * @param {string} event
   * @param {unknown} [value]
   */
  emit (event, value = undefined) {
    return this.send(event, value)
  }

  /**
   * A `message` event in this window's page with `data` (this page: at once, here).
   * @param {unknown} data
   */
  async postMessage (data) {
    if (this.#index === currentWindowIndex()) {
      globalThis.dispatchEvent(new MessageEvent('message', { data }))
      return undefined
    }
    return this.send('message', data)
  }

  /**
   * Set the window's title; on this page's own window, `document.title` follows.
   * @param {string} title
   */
  async setTitle (title) {
    const answer = await this.#change('window.setTitle', { value: String(title) })
    if (this.#index === currentWindowIndex()) titleSet(this.#state.title ?? String(title))
    return answer
  }

  /** @param {{ width?: number | string, height?: number | string }} size */
  async setSize (size) {
    if (!size || typeof size !== 'object') {
      throw invalidArgument('setSize() expects { width, height }')
    }
    const width = length('setSize', 'width', size.width)
    const height = length('setSize', 'height', size.height)
    if (width === undefined && height === undefined) {
      throw invalidArgument('setSize() expects { width, height }: neither was given')
    }
    /** @type {Record<string, unknown>} */
    const params = { ...screenParams() }
    if (width !== undefined) params.width = width
    if (height !== undefined) params.height = height
    return this.#change('window.setSize', params)
  }

  /** @param {{ x?: number | string, y?: number | string }} position */
  async setPosition (position) {
    if (!position || typeof position !== 'object') {
      throw invalidArgument('setPosition() expects { x, y }')
    }
    const x = length('setPosition', 'x', position.x)
    const y = length('setPosition', 'y', position.y)
    /** @type {Record<string, unknown>} */
    const params = { ...screenParams() }
    if (x !== undefined) params.x = x
    if (y !== undefined) params.y = y
    return this.#change('window.setPosition', params)
  }

  show () { return this.#change('window.show') }
  hide () { return this.#change('window.hide') }
  /** Show the window above the others with the input focus (restored if minimised). */
  focus () { return this.#change('window.focus') }
  /** Send the window behind the others. */
  blur () { return this.#change('window.blur') }
  maximize () { return this.#change('window.maximize') }
  /** Minimise the window; it then counts as hidden (`windowhide`, status hidden). */
  minimize () { return this.#change('window.minimize') }
  /** Back to the normal size and place from maximised or minimised, shown. */
  restore () { return this.#change('window.restore') }
  close () { return this.#change('window.close') }

  /** @param {string | URL} url a path of the app (`/settings.html`) or an allowed URL */
  navigate (url) {
    return this.#change('window.navigate', { url: formatURL(url) })
  }

  /**
   * Paint the window's web view where its page draws nothing: `red`, `green`, `blue` 0..255,
   * `alpha` 0..1 (default 1).
   * @param {{ red: number, green: number, blue: number, alpha?: number }} color
   */
  async setBackgroundColor (color) {
    if (!color || typeof color !== 'object') {
      throw invalidArgument('setBackgroundColor() expects { red, green, blue, alpha }')
    }
    const { red, green, blue, alpha = 1 } = color
    for (const [name, value] of Object.entries({ red, green, blue, alpha })) {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw invalidArgument(`setBackgroundColor() expects ${name} as a number`)
      }
    }
    return this.#change('window.setBackgroundColor', { red, green, blue, alpha })
  }

  /** The background colour as CSS, `rgba(r, g, b, a)`. @returns {Promise<string>} */
  getBackgroundColor () {
    return /** @type {Promise<string>} */ (this.#call('window.getBackgroundColor'))
  }

  /** @param {boolean} enabled keep the window above the others */
  setAlwaysOnTop (enabled) {
    return this.#change('window.setAlwaysOnTop', { value: enabled === true })
  }

  /** @returns {Promise<boolean>} */
  async isAlwaysOnTop () {
    return Boolean(await this.#call('window.getAlwaysOnTop'))
  }

  /**
   * Evaluate `source` in this window's page and resolve with its JSON-serialisable result.
   * Only with native windows (headless: `NotSupportedError` `ERR_HEADLESS`) and only into a
   * page on the app's origin (else `SecurityError` `ERR_EVAL_ORIGIN`); a promise is not
   * awaited.
   * @param {string} source
   */
  eval (source) {
    return this.#call('window.eval', { value: String(source) })
  }

  /**
   * Open the window's developer tools (WebKit's Web Inspector, Chromium's DevTools). Only when
   * they are on (`oro dev`, `oro run --devtools`, `[webview] devtools`); otherwise, and
   * headless, `NotSupportedError` (`ERR_DEVTOOLS_OFF`, `ERR_HEADLESS`).
   */
  async showInspector () {
    await this.#call('window.showInspector')
    return true
  }

  /**
   * Open `value` with the desktop's default application (route `platform.openExternal`); an
   * URL of the app's own (a protocol handler's scheme, the app's origin) becomes an
   * `applicationurl` event instead. Resolves with `{ url, ... }`. `value` may also be Oro's
   * params form `{ value }`.
   * @param {string | { value: string }} value
   */
  openExternal (value) {
    return request('platform.openExternal', { value: paramValue(value) })
  }

  /**
   * Show the file `value` in the file manager (route `platform.revealFile`); `value` may also
   * be Oro's params form `{ value }`.
   * @param {string | { value: string }} value
   */
  revealFile (value) {
    return request('platform.revealFile', { value: paramValue(value) })
  }

  /**
   * The platform share sheet (route `window.share`, where a plugin serves it).
   * @param {{ title?: string, text?: string, url?: string }} [options]
   */
  async share (options = {}) {
    /** @type {Record<string, string>} */
    const params = {}
    for (const name of /** @type {const} */ (['title', 'text', 'url'])) {
      if (options[name] != null) params[name] = String(options[name])
    }
    await this.#call('window.share', params)
  }

  /**
   * Listen for page event `event` in this page (Oro's EventEmitter methods work only on the
   * current window's instance).
   * @param {string} event
   * @param {(...args: any[]) => void} listener
   */
  addListener (event, listener) {
    this.#own('addListener')
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, set = new Set())
    set.add(listener)
    globalThis.addEventListener(event, listener)
  }

  /** @param {string} event @param {(...args: any[]) => void} listener */
  on (event, listener) { this.addListener(event, listener) }

  /** @param {string} event @param {(...args: any[]) => void} listener */
  once (event, listener) {
    this.#own('once')
    globalThis.addEventListener(event, listener, { once: true })
  }

  /** @param {string} event @param {(...args: any[]) => void} listener */
  removeListener (event, listener) {
    this.#own('removeListener')
    this.#listeners.get(event)?.delete(listener)
    globalThis.removeEventListener(event, listener)
  }

  /** @param {string} event @param {(...args: any[]) => void} listener */
  off (event, listener) { this.removeListener(event, listener) }

  /** @param {string} event */
  removeAllListeners (event) {
    this.#own('removeAllListeners')
    for (const listener of this.#listeners.get(event) ?? []) {
      globalThis.removeEventListener(event, listener)
    }
    this.#listeners.delete(event)
  }

  /** @param {string} method */
  #own (method) {
    if (this.#index !== currentWindowIndex()) {
      throw invalidArgument(`window.${method} can only be used on the current window`)
    }
  }

  /**
   * Tell the host this window's page has loaded and rendered (route `window.ready`; `oro run`
   * reports it). Call it once the first meaningful content is on screen.
   */
  ready () {
    return this.#call('window.ready')
  }

  /**
   * Pop up a native context menu at the cursor over this window (route `window.setContextMenu`,
   * served by the oro-desktop plugin). `value` is Oro's item text, `Label: key` lines (`_` or
   * nothing: no accelerator; `---` a separator; `!` disabled, `*` checked; `Parent > Child` a
   * submenu), or Oro's object form `{ Label: 'key' }`. The choice arrives as `menuItemSelected`
   * (`{ title, parent: 'contextMenu', type: 'context', state }`); the promise resolves once the
   * menu is up. Call it from a `contextmenu` listener that calls `preventDefault()` so that the
   * page's own menu stays away.
   * @param {string | Record<string, string>} value
   * @returns {Promise<{ index: number, items: number }>}
   */
  setContextMenu (value) {
    const text = typeof value === 'string'
      ? value
      : value !== null && typeof value === 'object'
        ? Object.entries(value).map(([label, key]) => `${label}: ${key ?? ''}`).join('\n')
        : null
    if (text === null) {
      return Promise.reject(invalidArgument('setContextMenu() expects menu text or { Label: key }'))
    }
    return request('window.setContextMenu', { targetWindowIndex: this.index }, { body: text })
  }

  /**
   * Set this window's system menu (menu bar) from Oro's menu text; see `oro:application`'s
   * `setSystemMenu` (route `application.setSystemMenu`, oro-desktop).
   * @param {string} value
   * @returns {Promise<{ index: number, menus: number, items: number }>}
   */
  setSystemMenu (value) {
    if (typeof value !== 'string') {
      return Promise.reject(invalidArgument('setSystemMenu() expects menu text (a string)'))
    }
    return request('application.setSystemMenu', { index: this.index }, { body: value })
  }

  /**
   * Show a native open dialog over this window; resolves with the picked paths (see
   * `showOpenFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showOpenFilePicker (options = {}) {
    return showOpenFilePicker({ ...options, targetWindowIndex: this.index })
  }

  /**
   * Show a native save dialog over this window; resolves with `[path]` (see
   * `showSaveFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showSaveFilePicker (options = {}) {
    return showSaveFilePicker({ ...options, targetWindowIndex: this.index })
  }

  /**
   * Show a native directory dialog over this window (see `showDirectoryFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showDirectoryFilePicker (options = {}) {
    return showDirectoryFilePicker({ ...options, targetWindowIndex: this.index })
  }

  /** The window's state with its index, as the host reported it. */
  toJSON () {
    return { index: this.#index, ...this.#state }
  }
}

/**
 * @typedef {object} WindowOptions
 * @property {number} [index] the index to use (`-1` or absent: the next free one; 0..63)
 * @property {string} [url] a path of the app (default `/`) or a URL on an allowed origin
 * @property {string} [path] the Oro Runtime's name for `url`
 * @property {string} [title]
 * @property {number | string} [width] pixels, or `"N%"` of the screen
 * @property {number | string} [height]
 * @property {number | string} [minWidth] pixels or `"N%"`; 0: no bound
 * @property {number | string} [minHeight]
 * @property {number | string} [maxWidth]
 * @property {number | string} [maxHeight]
 * @property {string} [aspectRatio] width:height it keeps, `"16:9"`
 * @property {boolean} [resizable]
 * @property {boolean} [frameless]
 * @property {boolean} [closable] the window manager offers to close it (default true)
 * @property {boolean} [minimizable]
 * @property {boolean} [maximizable]
 * @property {boolean} [utility] a utility window
 * @property {string} [userScript] run first in each of its documents on the app origin; needs
 *   `permissions.allow_window_control`
 * @property {boolean} [headless] create it hidden
 * @property {boolean} [shouldExitApplicationOnClose] closing it stops the app
 */

/**
 * Open a new window (route `window.create`). Resolves with the window; its `unsupported` field
 * names the given options no backend here applies, and, when the app runs headless, its
 * `launchUrl` is the URL that opens its page (also sent to this page as `windowlaunch`).
 * Too many windows is a `RangeError`-like `OutOfRangeError`; an index in use an
 * `InvalidArgumentError`.
 * @param {WindowOptions & Record<string, unknown>} [options]
 * @returns {Promise<ApplicationWindow>}
 */
export async function createWindow (options = {}) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('createWindow() expects an options object')
  }
  const { index, path, ...rest } = options
  const url = rest.url ?? path
  // Oro's message; here the index may be left out (the next free one).
  if (typeof url !== 'string' || (index !== undefined && typeof index !== 'number')) {
    throw invalidArgument('Path and index are required options')
  }
  checkCreateLength('width', rest.width)
  checkCreateLength('height', rest.height)
  /** @type {Record<string, unknown>} */
  const params = { ...rest, ...screenParams(), url: formatURL(url) }
  if (index !== undefined) params.targetWindowIndex = index
  const descriptor = await request('window.create', params)
  return new ApplicationWindow(/** @type {any} */ (descriptor))
}


/**
 * Every window the app has had (closed ones until their index is reused), sorted by index
 * (route `application.getWindows`).
 * @returns {Promise<ApplicationWindow[]>}
 */
export async function getWindows () {
  const data = await request('application.getWindows')
  const list = Array.isArray(data) ? data : []
  return list
    .filter((item) => item && Number.isInteger(item.index))
    .sort((a, b) => a.index - b.index)
    .map((item) => new ApplicationWindow(item))
}

/**
 * The index of the window this code runs in.
 * @returns {number}
 */
export function getCurrentWindowIndex () {
  return currentWindowIndex()
}

/**
 * The window this code runs in, without state until a method answers or `update()` is
 * awaited (`oro:application`'s asynchronous `getCurrentWindow()` comes with it).
 * @returns {ApplicationWindow}
 */
export function getCurrentWindow () {
  return new ApplicationWindow(currentWindowIndex())
}

/**
 * The window with `index`, without state (as `getCurrentWindow`).
 * @param {number} index
 * @returns {ApplicationWindow}
 */
export function getWindow (index) {
  return new ApplicationWindow(index)
}

/**
 * @typedef {object} FilePickerType
 * @property {string} [description] the name the dialog shows for the type
 * @property {Record<string, string | string[]>} [accept] MIME type → extensions
 *   (`{ 'image/png': ['.png'] }`), as the File System Access API's
 */

/**
 * @typedef {object} FilePickerOptions
 * @property {FilePickerType[]} [types] the file types to offer (File System Access API form)
 * @property {string | string[]} [accept] MIME types and extensions, as an `<input type=file>`'s
 * @property {string} [contentTypeSpecs] the Oro Runtime's form: `image/png,image/jpeg` or
 *   `Images:*.png *.jpg|Text:text/plain`
 * @property {boolean} [multiple] open: allow picking several files
 * @property {string} [defaultName] the name filled in
 * @property {string} [suggestedName] the File System Access API's name for `defaultName`
 * @property {string} [defaultPath] the absolute path (or `~/...`) the dialog starts at
 * @property {string} [startIn] `defaultPath` as the File System Access API names it (a path
 *   here)
 * @property {string} [title] the dialog's title
 * @property {'read' | 'readwrite'} [mode] directories: `readwrite` lets the page write below
 *   the picked directory (default `read`)
 * @property {AbortSignal} [signal] aborting it closes the dialog (the call fails with
 *   `AbortError`)
 * @property {number} [targetWindowIndex] the window the dialog belongs to (default: this one)
 */

/**
 * Oro's `contentTypeSpecs` from `types`, `accept` or `contentTypeSpecs`.
 * @param {FilePickerOptions} options
 * @returns {string | undefined}
 */
function contentTypeSpecs (options) {
  if (typeof options.contentTypeSpecs === 'string') return options.contentTypeSpecs
  if (options.accept !== undefined) {
    const items = Array.isArray(options.accept) ? options.accept : String(options.accept).split(',')
    return items.map((item) => String(item).trim()).filter(Boolean).join(',')
  }
  if (!Array.isArray(options.types)) return undefined
  const groups = []
  for (const type of options.types) {
    if (!type || typeof type.accept !== 'object' || type.accept === null) continue
    const items = []
    for (const [mime, extensions] of Object.entries(type.accept)) {
      items.push(mime)
      for (const extension of [extensions].flat()) {
        if (typeof extension === 'string' && extension) items.push(extension)
      }
    }
    if (!items.length) continue
    // `:` and `|` separate names and groups in Oro's form.
    const name = String(type.description ?? '').replace(/[:|()\s]+/g, ' ').trim()
    groups.push(name ? `${name}:${items.join(' ')}` : items.join(' '))
  }
  return groups.length ? groups.join('|') : undefined
}

/**
 * @param {'open' | 'save'} type
 * @param {FilePickerOptions} options
 * @param {Record<string, unknown>} extra
 * @returns {Promise<string[]>}
 */
async function showFileSystemPicker (type, options, extra) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('The file picker expects an options object')
  }
  /** @type {Record<string, unknown>} */
  const params = {
    type,
    contentTypeSpecs: contentTypeSpecs(options),
    defaultName: options.defaultName ?? options.suggestedName,
    defaultPath: options.defaultPath ?? (typeof options.startIn === 'string' ? options.startIn : undefined),
    title: options.title,
    targetWindowIndex: options.targetWindowIndex,
    ...extra
  }
  for (const key of Object.keys(params)) {
    if (params[key] === undefined) delete params[key]
  }
  // The user takes the time they need: no IPC timeout (the host bounds it at a day).
  const data = await request('window.showFileSystemPicker', params, { timeout: 0, signal: options.signal })
  return Array.isArray(data?.paths) ? data.paths : []
}

/**
 * Show a native open dialog (route `window.showFileSystemPicker`) and resolve with the picked
 * files' paths; the page may then read them with `oro:fs` until it goes away (reload, close).
 * Cancelling rejects with an `AbortError`; a second dialog on the same window while one is
 * open with an `InvalidStateError`; a headless app with a `NotSupportedError` (use an
 * `<input type="file">` there). The route is the oro-desktop plugin's (without it,
 * `NotFoundError`).
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showOpenFilePicker (options = {}) {
  return showFileSystemPicker('open', options, { allowMultiple: Boolean(options?.multiple) })
}

/**
 * Show a native save dialog and resolve with `[path]`, the file the user chose (it need not
 * exist); the page may then write it with `oro:fs` until it goes away. Errors as
 * `showOpenFilePicker`.
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showSaveFilePicker (options = {}) {
  return showFileSystemPicker('save', options, {})
}

/**
 * Show a native directory dialog and resolve with `[path]`; the page may then read below it
 * with `oro:fs` (and write, with `mode: 'readwrite'`) until it goes away. Errors as
 * `showOpenFilePicker`.
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showDirectoryFilePicker (options = {}) {
  return showFileSystemPicker('open', options, {
    allowFiles: false,
    allowDirs: true,
    writable: options?.mode === 'readwrite'
  })
}

export default ApplicationWindow
