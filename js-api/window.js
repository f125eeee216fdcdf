/**
 * `oro:window` — the app's native windows.
 *
 * ```js
 * import { createWindow, getCurrentWindow } from 'oro:window'
 * const win = getCurrentWindow()
 * await win.setTitle('Notes')
 * await win.setSize({ width: 800, height: 600 })
 *
 * const side = await createWindow({ url: '/side.html', title: 'Side', width: 400 })
 * await side.send('greeting', { text: 'hi' }) // a `greeting` event in side's page only
 * globalThis.addEventListener('windowclose', (event) => console.log(event.detail.index))
 * ```
 *
 * Each method is one IPC call to a `window.*` route with `targetWindowIndex` naming the window.
 * What a backend cannot do (e.g. `eval` without a GUI) fails with `NotSupportedError`. Every page
 * hears every window's status as `windowcreate`, `windowshow`, `windowhide` and `windowclose`
 * events (`detail`: `{ index, status, window }`).
 * @module oro:window
 */

import { invalidArgument } from './errors.js'
import { currentWindowIndex, request } from './ipc.js'

/**
 * @typedef {object} WindowSize
 * @property {number} width
 * @property {number} height
 */

/**
 * A native window, by index. Created by `getCurrentWindow()`, `getWindow()` and
 * `application.getWindows()`; the fields the host reported (`title`, `status`, `width`,
 * `height`...) are copied onto it as a snapshot.
 */
export class ApplicationWindow {
  /**
   * @param {number | { index: number, [key: string]: unknown }} indexOrDescriptor
   */
  constructor (indexOrDescriptor) {
    const descriptor = typeof indexOrDescriptor === 'number'
      ? { index: indexOrDescriptor }
      : indexOrDescriptor
    if (!descriptor || typeof descriptor.index !== 'number' || !Number.isInteger(descriptor.index)) {
      throw invalidArgument('ApplicationWindow expects a window index (an integer)')
    }
    for (const [key, value] of Object.entries(descriptor)) {
      // A reported field never shadows a method.
      if (!(key in ApplicationWindow.prototype)) /** @type {any} */ (this)[key] = value
    }
    /** The window's index (0 is the main window). */
    this.index = descriptor.index
  }

  /**
   * @param {string} route
   * @param {Record<string, unknown>} [params]
   */
  #call (route, params = {}) {
    return request(route, { ...params, targetWindowIndex: this.index })
  }

  /**
   * Send event `event` with `detail` `value` to this window's page only (route `window.send`).
   * Oro's options form `send({ event, value, window })` names the target window itself.
   * @param {string | { event: string, value?: unknown, window?: number }} event
   * @param {unknown} [value]
   */
  send (event, value = undefined) {
    const options = event !== null && typeof event === 'object'
      ? event
      : { event, value, window: this.index }
    if (typeof options.event !== 'string' || !options.event) {
      return Promise.reject(invalidArgument('send() expects an event name (a non-empty string)'))
    }
    const target = options.window ?? this.index
    if (!Number.isInteger(target)) {
      return Promise.reject(invalidArgument('send() expects an integer target window index'))
    }
    return request('window.send', {
      event: options.event,
      value: options.value,
      targetWindowIndex: target
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

  /** The window's title. @returns {Promise<string>} */
  getTitle () {
    return this.#call('window.getTitle')
  }

  /** @param {string} title */
  setTitle (title) {
    return this.#call('window.setTitle', { value: String(title) })
  }

  /** The window's size in pixels. @returns {Promise<WindowSize>} */
  getSize () {
    return this.#call('window.getSize')
  }

  /** @param {WindowSize} size */
  setSize (size) {
    if (!size || typeof size.width !== 'number' || typeof size.height !== 'number') {
      return Promise.reject(invalidArgument('setSize() expects { width: number, height: number }'))
    }
    return this.#call('window.setSize', { width: size.width, height: size.height })
  }

  show () {
    return this.#call('window.show')
  }

  hide () {
    return this.#call('window.hide')
  }

  close () {
    return this.#call('window.close')
  }

  /** @param {string | URL} url a path of the app (`/settings.html`) or an allowed URL */
  navigate (url) {
    return this.#call('window.navigate', { url: String(url) })
  }

  /**
   * Evaluate `source` in this window and resolve with its JSON-serialisable result, where the
   * backend allows it.
   * @param {string} source
   */
  eval (source) {
    return this.#call('window.eval', { value: String(source) })
  }

  /**
   * Tell the host this window's page has loaded and rendered (route `window.ready`; `oro run`
   * reports it). Call it once the first meaningful content is on screen.
   */
  ready () {
    return this.#call('window.ready')
  }

  toJSON () {
    return { ...this }
  }
}

/**
 * @typedef {object} WindowOptions
 * @property {number} [index] the index to use (`-1` or absent: the next free one; 0..63)
 * @property {string} [url] a path of the app (default `/`) or a URL on an allowed origin
 * @property {string} [title]
 * @property {number} [width]
 * @property {number} [height]
 * @property {number} [minWidth]
 * @property {number} [minHeight]
 * @property {boolean} [resizable]
 * @property {boolean} [frameless]
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
  const { index, ...rest } = options
  /** @type {Record<string, unknown>} */
  const params = { ...rest }
  if (index !== undefined) params.targetWindowIndex = index
  const descriptor = await request('window.create', params)
  return new ApplicationWindow(descriptor)
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
 * The window this code runs in. Synchronous: no IPC happens until a method is called (awaiting
 * the result also works, as with the Oro Runtime's asynchronous `getCurrentWindow()`).
 * @returns {ApplicationWindow}
 */
export function getCurrentWindow () {
  return new ApplicationWindow(currentWindowIndex())
}

/**
 * The window with `index`.
 * @param {number} index
 * @returns {ApplicationWindow}
 */
export function getWindow (index) {
  return new ApplicationWindow(index)
}

export default {
  ApplicationWindow,
  createWindow,
  getCurrentWindow,
  getCurrentWindowIndex,
  getWindow,
  getWindows
}
