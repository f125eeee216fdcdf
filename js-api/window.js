/**
 * `oro:window` — the app's native windows.
 *
 * ```js
 * import { getCurrentWindow } from 'oro:window'
 * const win = getCurrentWindow()
 * await win.setTitle('Notes')
 * await win.setSize({ width: 800, height: 600 })
 * ```
 *
 * Each method is one IPC call to a `window.*` route with `targetWindowIndex` naming the window.
 * What a backend cannot do (e.g. `eval` without a GUI) fails with `NotSupportedError`.
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
  getCurrentWindow,
  getCurrentWindowIndex,
  getWindow
}
