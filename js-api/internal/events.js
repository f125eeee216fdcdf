/**
 * `oro:internal/events` — the Oro Runtime's event classes for what the host tells a page
 * (Oro's `socket:internal/events`, which its pages also have as globals).
 *
 * ```js
 * import { ApplicationURLEvent } from 'oro:internal/events'
 * globalThis.addEventListener('applicationurl', (event) => {
 *   event instanceof ApplicationURLEvent // true
 *   event.url.searchParams.get('id')     // the deep link, parsed
 * })
 * ```
 *
 * - `ApplicationURLEvent`: `applicationurl`, the app was opened through one of its URLs (a
 *   deep link, `openExternal`); `source`, `url` (a `URL`), `isValid`, `data`, and this host's
 *   `path`/`appURL` (where the scheme's worker serves it). It is also a `CustomEvent` whose
 *   `detail` is the host's `{url, path, appURL}`.
 * - `HotKeyEvent`: `hotkey`, a key combination of `oro:window/hotkey` was pressed; a
 *   `MessageEvent` whose `data` is the binding (`id`, `hash`, `sequence`, `expression`).
 * - `MenuItemEvent`: a menu item was chosen; a `MessageEvent` whose `data` is
 *   `{type, title, parent}`.
 * - `SignalEvent`: a process signal (`code`, `name`, `message`).
 *
 * Nothing here talks to the host: `oro:bootstrap` dispatches them.
 * @module oro:internal/events
 */

/**
 * @typedef {object} ApplicationURLEventInit
 * @property {string | URL | null} [url] the URL (Oro's form)
 * @property {unknown} [data] data sent with it (Oro's form)
 * @property {{ url?: string, path?: string | null, appURL?: string | null, data?: unknown }} [detail]
 *   the host's event (this host's form)
 * @property {boolean} [bubbles]
 * @property {boolean} [cancelable]
 * @property {boolean} [composed]
 */

/**
 * The app was opened through one of its URLs.
 */
export class ApplicationURLEvent extends CustomEvent {
  /**
   * @param {string} [type]
   * @param {ApplicationURLEventInit | null} [options]
   */
  constructor (type = 'applicationurl', options = null) {
    const init = options ?? {}
    const detail = init.detail ?? {
      url: init.url === null || init.url === undefined ? undefined : String(init.url),
      data: init.data ?? null
    }
    super(type, { bubbles: init.bubbles, cancelable: init.cancelable, composed: init.composed, detail })
  }

  get [Symbol.toStringTag] () {
    return 'ApplicationURLEvent'
  }

  /** The URL as the host received it, or `null`. @type {string | null} */
  get source () {
    const url = this.detail?.url
    return typeof url === 'string' ? url : null
  }

  /**
   * The URL parsed, or `null` when it does not parse. A URL of the app's own scheme written
   * without `//` (`notes:inbox`) is read as Oro reads it, `notes://inbox`.
   * @type {URL | null}
   */
  get url () {
    let source = this.source
    if (source === null) return null
    const scheme = /** @type {any} */ (globalThis).__args?.config?.meta_application_protocol
    if (typeof scheme === 'string' && scheme && source.startsWith(`${scheme}:`) &&
        !source.startsWith(`${scheme}://`)) {
      source = `${scheme}://${source.slice(scheme.length + 1)}`
    }
    try {
      return new URL(source)
    } catch {
      return null
    }
  }

  /** Whether `url` parses. @type {boolean} */
  get isValid () {
    return this.url !== null
  }

  /** Data sent with the URL (`null` from this host's deep links), as in Oro. @type {unknown} */
  get data () {
    return this.detail?.data ?? null
  }

  /** Where the scheme's worker serves the URL (`/oro/protocol/web+notes/inbox/1`). @type {string | null} */
  get path () {
    return typeof this.detail?.path === 'string' ? this.detail.path : null
  }

  /** `path` on the app's origin, ready for `location.assign()`. @type {string | null} */
  get appURL () {
    return typeof this.detail?.appURL === 'string' ? this.detail.appURL : null
  }
}

/**
 * @typedef {object} HotKeyData
 * @property {number} id
 * @property {number} hash
 * @property {string[]} sequence
 * @property {string} expression
 */

/**
 * A hotkey binding's key combination was pressed.
 */
export class HotKeyEvent extends MessageEvent {
  /**
   * @param {string} [type]
   * @param {Partial<HotKeyData> | null} [data] the binding
   */
  constructor (type = 'hotkey', data = null) {
    super(type, { data })
  }

  /** The binding's id (0 when the event carries none). @type {number} */
  get id () {
    return this.data?.id ?? 0
  }

  /** The binding's hash. @type {number} */
  get hash () {
    return this.data?.hash ?? 0
  }

  /** The binding's normalised key names. @type {string[]} */
  get sequence () {
    return this.data?.sequence ?? []
  }

  /** The binding's expression as it was bound. @type {string | null} */
  get expression () {
    return this.data?.expression ?? null
  }
}

/**
 * A menu item was chosen.
 */
export class MenuItemEvent extends MessageEvent {
  /** @type {unknown} */
  #menu

  /**
   * @param {string} [type]
   * @param {{ type?: string | null, title?: string | null, parent?: string | null } | null} [data]
   * @param {unknown} [menu] the menu the item belongs to
   */
  constructor (type = 'menuitem', data = null, menu = null) {
    super(type, {
      data: { type: data?.type ?? null, title: data?.title ?? null, parent: data?.parent ?? null }
    })
    this.#menu = menu
  }

  /** The menu the item belongs to, when known. @type {unknown} */
  get menu () {
    return this.#menu ?? null
  }

  /** The item's title. @type {string | null} */
  get title () {
    return this.data?.title ?? null
  }

  /** The parent menu's title (the item's tag). @type {string | null} */
  get tag () {
    return this.data?.parent ?? null
  }

  /** The parent menu's title, for a system menu's item. @type {string | null} */
  get parent () {
    const menu = /** @type {{ type?: string } | null} */ (this.#menu ?? null)
    return menu?.type === 'system' ? this.data?.parent ?? null : null
  }
}

/**
 * A process signal was received.
 */
export class SignalEvent extends MessageEvent {
  /** @type {number} */
  #code
  /** @type {string} */
  #name
  /** @type {string} */
  #message

  /**
   * @param {string} type the signal's name (`SIGUSR1`)
   * @param {MessageEventInit & { code?: number, message?: string }} [options]
   */
  constructor (type, options = {}) {
    super(type, options)
    this.#code = options?.code ?? 0
    this.#name = type
    this.#message = options?.message ?? ''
  }

  /** The signal's number. @type {number} */
  get code () {
    return this.#code
  }

  /** The signal's name. @type {string} */
  get name () {
    return this.#name
  }

  /** What the signal was about, when said. @type {string} */
  get message () {
    return this.#message
  }
}

export default {
  ApplicationURLEvent,
  MenuItemEvent,
  SignalEvent,
  HotKeyEvent
}
