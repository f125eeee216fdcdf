/**
 * `oro:notification` — desktop notifications for page JavaScript, shaped like the web's
 * `Notification`, shown by the session's notification daemon (org.freedesktop.Notifications).
 *
 * ```js
 * import { Notification } from 'oro:notification'
 * const note = new Notification('Build finished', { body: 'All tests passed', tag: 'build' })
 * note.onclick = () => focusTheWindow()
 * note.addEventListener('close', (event) => console.log(event.reason))
 * ```
 *
 * Every call is an `oro:ipc` request to a host route `notification.*` (permission
 * `notifications`). The host answers with the events `notificationpresented` (`show`),
 * `notificationresponse` (`click`, with `event.action`) and `notificationclose` (`close`, with
 * `event.reason`), which this module dispatches on the matching instance.
 *
 * As in Oro, the default export is `Notification`, and in the app's pages it is the global
 * `Notification` too (oro-desktop loads this module into every page).
 * @module oro:notification
 */

import { request } from 'oro:ipc'

/** The global event a shown notification dispatches on the page (Oro's name for it). */
export const NOTIFICATION_PRESENTED_EVENT = 'notificationpresented'

/** The global event a clicked notification dispatches on the page (Oro's name for it). */
export const NOTIFICATION_RESPONSE_EVENT = 'notificationresponse'

/**
 * Oro's `Enumeration` of strings: a read-only, Set-like collection whose values are also its
 * keys (`NotificationDirection.ltr === 'ltr'`).
 * @param {string[]} values
 */
function enumeration (values) {
  const members = new Set(values)
  return Object.freeze(Object.assign(Object.create(null), Object.fromEntries(values.map((value) => [value, value])), {
    size: members.size,
    has: (/** @type {unknown} */ value) => members.has(/** @type {string} */ (value)),
    values: () => members.values(),
    [Symbol.iterator]: () => members.values()
  }))
}

/** The text directions a notification takes: `auto`, `ltr`, `rtl`. */
export const NotificationDirection = enumeration(['auto', 'ltr', 'rtl'])

/** The answers of `Notification.requestPermission()` and `Notification.permission`. */
export const NotificationPermission = enumeration(['granted', 'default', 'denied'])

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string}
 */
function requiredText (value, name) {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Invalid ${name}: expecting a non-empty string, got ${typeof value}`)
  }
  return value
}

/** A checked notification action (Oro's container; `options.actions` may hold plain objects). */
export class NotificationAction {
  #action
  #title
  #icon

  /** @param {{ action: string, title: string, icon?: string | URL }} options */
  constructor (options) {
    this.#action = requiredText(options?.action, 'action')
    this.#title = requiredText(options?.title, 'title')
    this.#icon = options.icon === undefined ? '' : String(options.icon)
  }

  get action () { return this.#action }
  get title () { return this.#title }
  get icon () { return this.#icon }

  toJSON () {
    return { action: this.#action, title: this.#title, icon: this.#icon }
  }
}

/** Checked notification options with Oro's defaults (Oro's container). */
export class NotificationOptions {
  #fields

  /** @param {Record<string, any>} [options] */
  constructor (options = {}) {
    const dir = options.dir ?? 'auto'
    if (!NotificationDirection.has(dir)) {
      throw new TypeError(`Invalid dir: expecting one of 'auto', 'ltr', 'rtl', got ${String(dir)}`)
    }
    if (options.silent && options.vibrate?.length) {
      throw new TypeError('Invalid options: silent notifications must not vibrate')
    }
    const url = (/** @type {unknown} */ value) => value === undefined ? '' : String(value)
    this.#fields = Object.freeze({
      actions: Object.freeze([...(options.actions ?? [])].map((action) =>
        action instanceof NotificationAction ? action : new NotificationAction(action))),
      badge: url(options.badge),
      body: options.body === undefined ? '' : String(options.body),
      data: options.data ?? null,
      dir,
      icon: url(options.icon),
      image: url(options.image),
      lang: options.lang === undefined ? '' : String(options.lang),
      renotify: Boolean(options.renotify),
      requireInteraction: Boolean(options.requireInteraction),
      silent: Boolean(options.silent),
      tag: options.tag === undefined ? '' : String(options.tag),
      vibrate: Object.freeze([...(options.vibrate ?? [])].map(Number))
    })
  }

  get actions () { return this.#fields.actions }
  get badge () { return this.#fields.badge }
  get body () { return this.#fields.body }
  get data () { return this.#fields.data }
  get dir () { return this.#fields.dir }
  get icon () { return this.#fields.icon }
  get image () { return this.#fields.image }
  get lang () { return this.#fields.lang }
  get renotify () { return this.#fields.renotify }
  get requireInteraction () { return this.#fields.requireInteraction }
  get silent () { return this.#fields.silent }
  get tag () { return this.#fields.tag }
  get vibrate () { return this.#fields.vibrate }

  toJSON () {
    return { ...this.#fields, actions: this.#fields.actions.map((action) => action.toJSON()) }
  }
}

/** Instances whose notification may still be shown, by id. */
const instances = new Map()

/** @type {'granted' | 'denied'} */
let permission = 'granted'

/** An icon-theme name (`dialog-information`), sent as is; anything else is a URL. */
const ICON_NAME = /^[A-Za-z0-9_-]+$/

/** @returns {string} */
function newId () {
  const crypto = /** @type {any} */ (globalThis).crypto
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID()
  return `n-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}

/**
 * The host knows the app's files by path: a URL of the page's own origin becomes its path.
 * @param {unknown} icon
 * @returns {string | undefined}
 */
function iconField (icon) {
  if (icon === undefined || icon === null || icon === '') return undefined
  const text = String(icon)
  if (ICON_NAME.test(text)) return text
  const location = /** @type {any} */ (globalThis).location
  try {
    const url = new URL(text, location?.href)
    if (location && url.origin === location.origin) return decodeURIComponent(url.pathname)
  } catch {}
  return text
}

/**
 * The fields `notification.show` takes, sent as a JSON body so that every text arrives as
 * written (a query value such as `true` would be decoded as JSON).
 * @param {string} id
 * @param {string} title
 * @param {import('./notification.d.ts').NotificationOptions} options
 */
function showFields (id, title, options) {
  return {
    id,
    title,
    body: options.body === undefined ? '' : String(options.body),
    tag: options.tag === undefined ? '' : String(options.tag),
    icon: iconField(options.icon),
    silent: Boolean(options.silent),
    requireInteraction: Boolean(options.requireInteraction),
    timeout: options.timeout,
    actions: options.actions
  }
}

/** @param {unknown} error */
function learnPermission (error) {
  if (/** @type {any} */ (error)?.name === 'NotAllowedError') permission = 'denied'
}

/**
 * A desktop notification, shown as soon as it is constructed.
 * Events: `show` (the daemon shows it), `click` (`event.action`: `'default'` for the
 * notification itself, else the id of one of `options.actions`), `close` (`event.reason`:
 * `expired`, `dismissed`, `closed`, `replaced`, `undefined`) and `error` (`event.error`: it
 * could not be shown).
 */
export class Notification extends EventTarget {
  /** `'granted'`, or `'denied'` once the host refused (`[permissions] allow_notifications = false`). */
  static get permission () {
    return permission
  }

  /**
   * Ask the host whether this app may show notifications: no prompt, the app's config decides.
   * @param {(permission: string) => void} [callback]
   * @returns {Promise<'granted' | 'denied'>}
   */
  static async requestPermission (callback) {
    try {
      await request('notification.list')
      permission = 'granted'
    } catch (error) {
      learnPermission(error)
    }
    if (typeof callback === 'function') callback(permission)
    return permission
  }

  /** @type {((event: Event) => void) | null} */ onclick = null
  /** @type {((event: Event) => void) | null} */ onshow = null
  /** @type {((event: Event) => void) | null} */ onclose = null
  /** @type {((event: Event) => void) | null} */ onerror = null

  /** @type {Promise<void>} */
  #shown

  /**
   * @param {string} title
   * @param {import('./notification.d.ts').NotificationOptions} [options]
   */
  constructor (title, options = {}) {
    super()
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'Notification': 1 argument required, but only 0 present.")
    }
    const id = options.id === undefined ? newId() : String(options.id)
    this.id = id
    this.title = String(title)
    this.body = options.body === undefined ? '' : String(options.body)
    this.tag = options.tag === undefined ? '' : String(options.tag)
    this.icon = options.icon === undefined ? '' : String(options.icon)
    this.silent = Boolean(options.silent)
    this.requireInteraction = Boolean(options.requireInteraction)
    this.data = options.data ?? null
    this.actions = Object.freeze([...(options.actions ?? [])])
    this.timestamp = Date.now()
    // Registered before the request: the host's `notificationpresented` may overtake its reply.
    instances.set(id, this)
    this.#shown = request('notification.show', undefined, {
      body: showFields(id, this.title, options)
    }).then(
      () => {},
      (error) => {
        instances.delete(id)
        learnPermission(error)
        this._dispatch(Object.assign(new Event('error'), { error }))
        throw error
      }
    )
    this.#shown.catch(() => {})
  }

  /** Resolves once the host accepted the notification; rejects with the reason it did not. */
  get shown () {
    return this.#shown
  }

  /** Close the notification (no-op when it is gone already). */
  close () {
    this.#shown.then(async () => {
      try {
        await request('notification.close', undefined, { body: { id: this.id } })
      } catch (error) {
        if (/** @type {any} */ (error)?.name !== 'NotFoundError') throw error
      }
    }).catch(() => {})
  }

  /**
   * @param {Event} event
   * @internal
   */
  _dispatch (event) {
    this.dispatchEvent(event)
    const handler = /** @type {any} */ (this)[`on${event.type}`]
    if (typeof handler === 'function') handler.call(this, event)
  }
}

/**
 * Show a notification; resolves with it once the host accepted it.
 * @param {string} title
 * @param {import('./notification.d.ts').NotificationOptions} [options]
 * @returns {Promise<Notification>}
 */
export async function showNotification (title, options = {}) {
  const notification = new Notification(title, options)
  await notification.shown
  return notification
}

/**
 * The app's notifications still shown.
 * @returns {Promise<import('./notification.d.ts').NotificationDescriptor[]>}
 */
export async function list () {
  return await request('notification.list')
}

/**
 * Close the notification `id` (one of another page's too).
 * @param {string} id
 */
export async function close (id) {
  return await request('notification.close', undefined, { body: { id: String(id) } })
}

/**
 * @param {string} type
 * @param {(notification: Notification, detail: any) => Event | null} make
 */
function relay (type, make) {
  globalThis.addEventListener?.(type, (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail
    const notification = instances.get(detail?.id)
    if (!notification) return
    const dispatched = make(notification, detail)
    if (dispatched) notification._dispatch(dispatched)
  })
}

relay(NOTIFICATION_PRESENTED_EVENT, () => new Event('show'))
relay(NOTIFICATION_RESPONSE_EVENT, (_notification, detail) =>
  detail.action === 'dismiss' ? null : Object.assign(new Event('click'), { action: detail.action })
)
relay('notificationclose', (notification, detail) => {
  instances.delete(notification.id)
  return Object.assign(new Event('close'), { reason: detail.reason })
})

// Oro's default export is the class (`import Notification from 'socket:notification'`); it
// carries the module's other names too, as oro:buffer's `Buffer` does, so that
// `notification.default.showNotification` keeps working.
for (const [name, value] of Object.entries({
  Notification,
  NotificationAction,
  NotificationOptions,
  NotificationDirection,
  NotificationPermission,
  NOTIFICATION_PRESENTED_EVENT,
  NOTIFICATION_RESPONSE_EVENT,
  showNotification,
  list,
  close
})) {
  Object.defineProperty(Notification, name, { value, writable: true, configurable: true, enumerable: false })
}

// In an Oro page this class is the page's `Notification`, as in Oro's pages (the engines' own
// would ask for a permission the app's windows do not grant). oro-desktop loads this module
// into every page for it.
if (/** @type {any} */ (globalThis).isOroRuntime === true) {
  Object.defineProperty(globalThis, 'Notification', {
    value: Notification, writable: true, configurable: true, enumerable: false
  })
}

export default Notification
