/**
 * `oro:application/menu` — Oro's menu objects (socketsupply/socket `api/application/menu.js`)
 * over oro-desktop's menus: `system.set(layout)` is `application.setSystemMenu`,
 * `tray.set(layout)` `application.setTrayMenu`, `context.set(items)` `window.setContextMenu`
 * of this window. Each `Menu` dispatches `menuitem` (`MenuItemEvent`: `title`, `tag` the parent,
 * `data.type`) when one of its items is chosen, and so does the `container` (the default
 * export, `application.menu`); other pages of the app hear it on the menu's
 * `BroadcastChannel` (`channel`), as Oro's do.
 *
 * ```js
 * import { menu } from 'oro:application'
 * await menu.system.set({ File: { Open: 'o + CommandOrControl', '---': '', Quit: 'q + Control' } })
 * menu.system.onmenuitem = (event) => console.log(event.title, event.tag) // 'Open', 'File'
 * ```
 * @module oro:application/menu
 */

import { invalidArgument } from '../errors.js'
import { MenuItemEvent } from '../internal/events.js'
import { currentWindowIndex, request } from '../ipc.js'

/** @typedef {'system' | 'tray' | 'context'} MenuType */

/**
 * Oro's object form as its menu text (Socket's `visit`): `{ File: { Open: 'o + Control' } }`
 * is `File:\n  Open: o + Control\n;`; a top-level string value is a menu's text as it is.
 * @param {Record<string, unknown> | Array<Record<string, unknown>>} layout
 * @returns {string}
 */
export function formatMenu (layout) {
  const menus = Array.isArray(layout) ? layout : [layout]
  const lines = []
  for (const group of menus) {
    for (const [title, items] of Object.entries(group ?? {})) {
      lines.push(`${title}:`)
      if (typeof items === 'string') {
        lines.push(`  ${items}`)
      } else if (items && typeof items === 'object') {
        for (const [label, key] of Object.entries(items)) {
          lines.push(label.startsWith('---') ? '  ---' : `  ${label}: ${key === '' || key == null ? '_' : key}`)
        }
      }
      lines[lines.length - 1] += ';'
    }
  }
  return lines.join('\n')
}

/**
 * The item text of a context menu: text as it is, `['Copy', 'Paste']` or `{ Copy: 'c' }`.
 * @param {unknown} items
 * @returns {string}
 */
function contextText (items) {
  if (typeof items === 'string') return items
  if (Array.isArray(items)) return items.map((label) => (String(label).startsWith('---') ? '---' : `${label}: _`)).join('\n')
  if (items && typeof items === 'object') {
    return Object.entries(items).map(([label, key]) => `${label}: ${key === true || key === '' || key == null ? '_' : key}`).join('\n')
  }
  throw invalidArgument('menu.context.set() expects menu text, an array of labels or { Label: key }')
}

/**
 * Set a system (`type` `'system'`) or tray menu from its text (Oro's `setMenu`).
 * @param {{ value: string, index?: number }} options
 * @param {MenuType} type
 * @returns {Promise<any>}
 */
export async function setMenu (options, type) {
  if (options === null || typeof options !== 'object' || typeof options.value !== 'string') {
    throw invalidArgument('setMenu() expects { value: string, index?: number }')
  }
  if (type === 'tray') return request('application.setTrayMenu', {}, { body: options.value })
  const index = options.index ?? currentWindowIndex()
  return request('application.setSystemMenu', { index }, { body: options.value })
}

/**
 * Pop up this window's context menu from its item text (Oro's `setContextMenu`); answers once
 * the menu is up, the choice arriving as `menuitem` on `context`.
 * @param {{ value: string }} options
 * @returns {Promise<any>}
 */
export async function setContextMenu (options) {
  if (options === null || typeof options !== 'object' || typeof options.value !== 'string') {
    throw invalidArgument('setContextMenu() expects { value: string }')
  }
  return request('window.setContextMenu', { targetWindowIndex: currentWindowIndex() }, { body: options.value })
}

/**
 * @param {EventTarget} target
 * @param {string} type
 * @param {EventListener | null} current
 * @param {unknown} next
 * @returns {EventListener | null}
 */
function replaceHandler (target, type, current, next) {
  if (current) target.removeEventListener(type, current)
  if (typeof next !== 'function') return null
  target.addEventListener(type, /** @type {EventListener} */ (next))
  return /** @type {EventListener} */ (next)
}

/** One of the app's menus: `system`, `tray` or `context`. */
export class Menu extends EventTarget {
  /** @type {MenuType} */
  #type
  /** @type {BroadcastChannel | null} */
  #channel = null
  /** @type {EventListener | null} */
  #onerror = null
  /** @type {EventListener | null} */
  #onmenuitem = null

  /** @param {MenuType} type */
  constructor (type) {
    super()
    this.#type = type
    // In a page, at once: the other pages' choices arrive from now on. Elsewhere (Node
    // importing the module) an open channel would keep the process alive: when asked for.
    if (typeof globalThis.addEventListener === 'function') void this.channel
  }

  /** The channel on which every page of the app hears this menu's choices. */
  get channel () {
    if (this.#channel === null) {
      const name = `oro.runtime.application.menu.${this.#type}`
      const channel = /** @type {BroadcastChannel & { unref?: () => void }} */ (new BroadcastChannel(name))
      // Node's channel keeps its process alive (a module imported by a test); pages have none.
      channel.unref?.()
      this.#channel = channel
      this.#channel.addEventListener('message', (event) => {
        this.dispatchEvent(new MenuItemEvent('menuitem', event.data, this))
      })
    }
    return this.#channel
  }
  /** `'system'`, `'tray'` or `'context'`. */
  get type () { return this.#type }
  get onerror () { return this.#onerror }
  set onerror (handler) { this.#onerror = replaceHandler(this, 'error', this.#onerror, handler) }
  get onmenuitem () { return this.#onmenuitem }
  set onmenuitem (handler) { this.#onmenuitem = replaceHandler(this, 'menuitem', this.#onmenuitem, handler) }

  /**
   * Set this menu: Oro's menu text, or its object form (`{ Title: { Label: 'key' } }`, an
   * array of them); a context menu also takes `['Label', ...]`. Bad text rejects with
   * oro-desktop's `InvalidArgumentError` `ERR_MENU_SYNTAX` (its `line`).
   * @param {string | object} layout
   * @param {{ index?: number }} [options] the window of a system menu (default: this one)
   * @returns {Promise<any>}
   */
  async set (layout, options = {}) {
    if (this.#type === 'context') return setContextMenu({ value: contextText(layout) })
    if (typeof layout !== 'string' && (layout === null || typeof layout !== 'object')) {
      throw invalidArgument(`menu.${this.#type}.set() expects menu text or { Title: { Label: key } }`)
    }
    const value = typeof layout === 'string' ? layout : formatMenu(/** @type {any} */ (layout))
    return setMenu({ ...options, value }, this.#type)
  }
}

/** Oro's `ContextMenu`: this window's context menu. */
export class ContextMenu extends Menu {
  constructor () { super('context') }
}

/** Oro's `SystemMenu`: the menu bar. */
export class SystemMenu extends Menu {
  constructor () { super('system') }
}

/** Oro's `TrayMenu`: the tray icon's menu. */
export class TrayMenu extends Menu {
  constructor () { super('tray') }
}

/** The three menus, with their `menuitem` events (and `error`s) dispatched on it too. */
export class MenuContainer extends EventTarget {
  /** @type {{ tray: Menu | null, system: Menu | null, context: Menu | null }} */
  #menus
  /** @type {EventListener | null} */
  #onerror = null
  /** @type {EventListener | null} */
  #onmenuitem = null

  /**
   * @param {EventTarget} [source] where `menuItemSelected` arrives (the page's global)
   * @param {{ tray?: Menu, system?: Menu, context?: Menu } | null} [options]
   */
  constructor (source = globalThis, options = null) {
    super()
    this.#menus = { tray: options?.tray ?? null, system: options?.system ?? null, context: options?.context ?? null }
    source.addEventListener?.('menuItemSelected', (event) => {
      const detail = /** @type {CustomEvent} */ (event).detail ?? {}
      const menu = this.#menus[/** @type {MenuType} */ (detail.type)] ?? null
      if (menu === null) return
      menu.dispatchEvent(new MenuItemEvent('menuitem', detail, menu))
      // The tray's choices reach every window already; a window's own menus, only it.
      if (menu.type !== 'tray') {
        menu.channel.postMessage({ ...detail, source: { window: { index: currentWindowIndex() } } })
      }
    })
    for (const menu of Object.values(this.#menus)) {
      menu?.addEventListener('menuitem', (event) => {
        this.dispatchEvent(new MenuItemEvent('menuitem', /** @type {MenuItemEvent} */ (event).data, menu))
      })
      menu?.addEventListener('error', (event) => {
        this.dispatchEvent(new ErrorEvent('error', /** @type {ErrorEvent} */ (event)))
      })
    }
  }

  get tray () { return this.#menus.tray }
  get system () { return this.#menus.system }
  get context () { return this.#menus.context }
  get onerror () { return this.#onerror }
  set onerror (handler) { this.#onerror = replaceHandler(this, 'error', this.#onerror, handler) }
  get onmenuitem () { return this.#onmenuitem }
  set onmenuitem (handler) { this.#onmenuitem = replaceHandler(this, 'menuitem', this.#onmenuitem, handler) }
}

export const tray = new TrayMenu()
export const system = new SystemMenu()
export const context = new ContextMenu()
export const container = new MenuContainer(globalThis, { tray, system, context })

export default container
