/**
 * `oro:runtime` — the Oro Runtime's early `socket:runtime` module, which ported apps still
 * import: the window this page is, the app's config, sending events to windows, opening URLs
 * outside, exiting. Oro later moved these to `oro:application` and `oro:window`; here they are
 * the same functions.
 * @module oro:runtime
 * @plugin application
 */

import { config, debug, exit, getWindows } from './application.js'
import { getCurrentWindow, getCurrentWindowIndex } from './window.js'

export { config, debug, exit, getWindows }

/** The index of the window this page is (Oro: `currentWindow`). */
export const currentWindow = getCurrentWindowIndex()

/**
 * Send `event` with `value` to window `window` (default, or a negative index: this window),
 * as Oro's `runtime.send({ event, value, window })`; the page there gets a `CustomEvent`.
 * @param {{ event: string, value?: unknown, window?: number }} options
 * @returns {Promise<unknown>}
 */
export function send (options) {
  const target = options?.window
  return getCurrentWindow().send({
    event: options?.event,
    value: options?.value,
    window: target === undefined || target < 0 ? getCurrentWindowIndex() : target
  })
}

/**
 * Open `url` with the desktop's default application (route `platform.openExternal`).
 * @param {string} url
 * @returns {Promise<unknown>}
 */
export function openExternal (url) {
  return getCurrentWindow().openExternal(url)
}

/**
 * Set this window's title.
 * @param {string} title
 * @returns {Promise<unknown>}
 */
export function setTitle (title) {
  return getCurrentWindow().setTitle(title)
}

/** Reload this page. */
export function reload () {
  globalThis.location?.reload()
}

export default Object.freeze({
  currentWindow, config, debug, exit, getWindows, send, openExternal, setTitle, reload
})
