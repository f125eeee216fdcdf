/**
 * `oro:bootstrap/globals` — the Oro Runtime's page globals, which Oro's preload defines in every
 * page: `Buffer` (`oro:buffer`'s), the event classes of `oro:internal/events`
 * (`ApplicationURLEvent`, `HotKeyEvent`, `MenuItemEvent`, `SignalEvent`), the pickers of
 * `oro:internal/pickers` (`showOpenFilePicker`, `showSaveFilePicker`, `showDirectoryPicker`, which
 * use the page's own where Oro's dialogs cannot serve) and, once the page is idle after
 * `runtimeinit`, the CommonJS globals (`require`, `module`, `__filename`, `__dirname`).
 *
 * The preload loads it in every page, before the page's own scripts, when `webview.oro_globals`
 * is on (the default of an app configured by Oro's `socket.ini`/`oro.ini`); elsewhere importing
 * it installs them. `fetch` (with `ipc://` mapping) `oro:bootstrap` installs itself; plugins
 * install theirs (`oro:fs/web` its File System Access classes, oro-desktop `Notification`).
 * @module oro:bootstrap/globals
 */

import { whenReady } from '../bootstrap.js'
import { Buffer } from '../buffer.js'
import { ApplicationURLEvent, HotKeyEvent, MenuItemEvent, SignalEvent } from '../internal/events.js'
import { showDirectoryPicker, showOpenFilePicker, showSaveFilePicker } from '../internal/pickers.js'
import { request } from '../ipc.js'

/** Globals a page may already have its own of (a `Buffer` polyfill): that one is kept. */
export const GLOBALS = Object.freeze({ Buffer, ApplicationURLEvent, HotKeyEvent, MenuItemEvent, SignalEvent })

/** Globals that replace the page's own (Oro's pickers fall back on the page's). */
export const REPLACED = Object.freeze({ showOpenFilePicker, showSaveFilePicker, showDirectoryPicker })

/**
 * Define each of `globals` on `target` as the platform defines its own (writable, configurable,
 * not enumerable). A name the page already has (set by a classic script before the modules
 * ran) is kept unless `replace`.
 * @param {Record<string, unknown>} globals
 * @param {{ target?: any, replace?: boolean }} [options]
 */
export function defineGlobals (globals, options = {}) {
  const target = options.target ?? globalThis
  for (const [name, value] of Object.entries(globals)) {
    if (!options.replace && target[name] !== undefined) continue
    try {
      Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false })
    } catch {
      // A global the page froze stays as it is.
    }
  }
}

/**
 * Install {@link GLOBALS} and {@link REPLACED} on `target`.
 * @param {any} [target]
 */
export function installGlobals (target = globalThis) {
  defineGlobals(GLOBALS, { target })
  defineGlobals(REPLACED, { target, replace: true })
}

/**
 * Oro's CommonJS globals (`oro:commonjs/internal/globals.js`), once the page is idle: they load
 * every served module for `require`'s builtins, which a page's start should not wait for.
 * @param {any} [target]
 */
export function scheduleCommonJSGlobals (target = globalThis) {
  if (!target.document) return
  const load = () => {
    import('../commonjs/internal/globals.js')
      .then((globals) => globals.install(target))
      .catch((error) => console.warn('oro: this page has no CommonJS globals (require, module):', error))
  }
  const whenIdle = () => typeof target.requestIdleCallback === 'function'
    ? target.requestIdleCallback(load, { timeout: 2000 })
    : setTimeout(load, 0)
  whenReady().then(whenIdle)
}

/**
 * Report the window's page ready (route `window.ready`) once its document is complete: Oro's
 * window manager hands a window the deep links waiting for it at that moment
 * (src/runtime/window/manager.cc:489), and Oro's pages never call `window.ready` themselves, so a
 * link the app was opened with would otherwise wait for ever. A page that also calls it is
 * simply ready twice.
 * @param {any} [target]
 */
export function reportReadyOnLoad (target = globalThis) {
  if (!target.document) return
  const report = () => {
    request('window.ready').catch(() => {
      // A page that is no window's (a tab opened without its launch URL) has nothing to report.
    })
  }
  if (target.document.readyState === 'complete') report()
  else target.addEventListener('load', report, { once: true })
}

installGlobals()
scheduleCommonJSGlobals()
reportReadyOnLoad()
