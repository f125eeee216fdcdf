/**
 * Internal to `oro:window` and `oro:application`: what the page knows of its window that the
 * host does not.
 *
 * The screen: headless, the host has no screen but the browser's, which only the page knows
 * (`screenParams()`, sent with each call that may take a length of it).
 *
 * The title: the window's title follows its page's `document.title`, as a browser tab's does
 * and as Oro's windows do. A change of the page's title (a `<title>` in the
 * document's head) becomes a `window.setTitle` call for this window, and `setTitle()` on this
 * window sets the page's title. `synced()` resolves once the host has the page's latest
 * title, so that reading the window's state after `document.title = ...` sees it.
 */

import { currentWindowIndex, request } from '../ipc.js'

/** The title the host has for this window as far as this page knows (`null`: not watching). */
let known = /** @type {string | null} */ (null)
/** The latest `window.setTitle` this page sent, settled (its failure is not this page's). */
let pending = /** @type {Promise<unknown>} */ (Promise.resolve())

/** Send the page's title to the host if it changed since the host last had it. */
function send () {
  const document = /** @type {any} */ (globalThis).document
  if (known === null || !document) return
  const title = String(document.title)
  if (title === known) return
  known = title
  // A page without permission `window` keeps its title to itself: nothing to report.
  const call = request('window.setTitle', { value: title, targetWindowIndex: currentWindowIndex() })
    .catch(() => undefined)
  pending = pending.then(() => call)
}

/**
 * Start following the page's title (once; only in a window's top-level page).
 */
export function watch () {
  const scope = /** @type {any} */ (globalThis)
  const document = scope.document
  if (known !== null || !document || typeof scope.MutationObserver !== 'function') return
  // A frame's title is not its window's.
  if (scope.top !== scope) return
  known = String(document.title)
  // The head holds the <title> (the `document.title` setter makes one there): watching it
  // alone spares the page's own mutations a callback each.
  const target = document.head ?? document.documentElement
  if (!target) return
  new scope.MutationObserver(send).observe(target, { subtree: true, childList: true, characterData: true })
}

/**
 * Resolves once the host has the page's current title (it sends it now if the observer has
 * not yet).
 * @returns {Promise<unknown>}
 */
export function synced () {
  send()
  return pending
}

/**
 * The host set this window's title to `title` (`setTitle()` on this window): the page's title
 * follows, without being sent back.
 * @param {string} title
 */
export function titleSet (title) {
  const document = /** @type {any} */ (globalThis).document
  if (!document) return
  if (known !== null) known = title
  if (document.title !== title) document.title = title
}

/**
 * The screen of the browser this page is shown in, as `screenWidth`/`screenHeight`
 * parameters: headless, Oro's `"N%"` lengths (and a window's default size, a percentage of the
 * screen) are taken of it.
 * @returns {{ screenWidth?: number, screenHeight?: number }}
 */
export function screenParams () {
  const screen = /** @type {any} */ (globalThis).screen
  const width = screen?.width
  const height = screen?.height
  return Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0
    ? { screenWidth: width, screenHeight: height }
    : {}
}
