/**
 * `oro:notification` — desktop notifications shaped like the web's `Notification`, shown by the
 * session's notification daemon (org.freedesktop.Notifications over D-Bus; works in a headless
 * app too). Errors: `NotSupportedError` `ERR_NO_NOTIFICATION_SERVICE` (no session bus or no
 * daemon on it), `RangeError` `ERR_RATE_LIMITED` (over `desktop.notifications_per_second`) or
 * `ERR_NOTIFICATION_TOO_LARGE`, `TypeError` for bad options, `NotAllowedError` when
 * `[permissions] allow_notifications = false`.
 * @module oro:notification
 */

export interface NotificationActionInit {
  /** The id `click` events report as `event.action` (not `'default'`). */
  action: string
  /** The button's label. */
  title: string
}

export interface NotificationInit {
  /** The notification's id; default: a new random one. Reusing a shown one replaces it. */
  id?: string
  body?: string
  /** A new notification with the same tag replaces the one shown. */
  tag?: string
  /** A file of the app (a URL or path of the page's origin) or an icon-theme name. */
  icon?: string
  /** Ask the daemon to play no sound. */
  silent?: boolean
  /** Stay until the user acts on it (never expires). */
  requireInteraction?: boolean
  /** Milliseconds before it expires; default: the daemon's. */
  timeout?: number
  /** Buttons (daemons that support actions show them). */
  actions?: Array<NotificationActionInit | NotificationAction>
  /** Kept on the instance, never sent. */
  data?: unknown
}

/** What `list()` reports for each notification still shown. */
export interface NotificationDescriptor {
  id: string
  title: string
  body: string
  tag: string
  icon: string
  silent: boolean
  requireInteraction: boolean
  actions: NotificationActionInit[]
}

/** `click`: `'default'` for the notification itself, else the action's id. */
export interface NotificationClickEvent extends Event {
  readonly action: string
}

/** `close`: why it is gone. */
export interface NotificationCloseEvent extends Event {
  readonly reason: 'expired' | 'dismissed' | 'closed' | 'replaced' | 'undefined'
}

export interface NotificationErrorEvent extends Event {
  readonly error: Error
}

export interface NotificationEventMap {
  show: Event
  click: NotificationClickEvent
  close: NotificationCloseEvent
  error: NotificationErrorEvent
}

/** A desktop notification, shown as soon as it is constructed. */
export class Notification extends EventTarget {
  /** `'granted'`, or `'denied'` once the host refused (`allow_notifications = false`). */
  static readonly permission: 'granted' | 'denied'
  /** The app's config decides, without a prompt. */
  static requestPermission (callback?: (permission: 'granted' | 'denied') => void): Promise<'granted' | 'denied'>

  constructor (title: string, options?: NotificationInit | NotificationOptions)

  readonly id: string
  readonly title: string
  readonly body: string
  readonly tag: string
  readonly icon: string
  readonly silent: boolean
  readonly requireInteraction: boolean
  readonly data: unknown
  readonly actions: ReadonlyArray<NotificationActionInit | NotificationAction>
  readonly timestamp: number
  /** Resolves once the host accepted it; rejects with the reason it did not. */
  readonly shown: Promise<void>

  onclick: ((event: NotificationClickEvent) => void) | null
  onshow: ((event: Event) => void) | null
  onclose: ((event: NotificationCloseEvent) => void) | null
  onerror: ((event: NotificationErrorEvent) => void) | null

  /** Close it; nothing happens when it is gone already. */
  close (): void

  addEventListener<K extends keyof NotificationEventMap> (
    type: K,
    listener: (event: NotificationEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions
  ): void
  addEventListener (
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions
  ): void
}

/** Show a notification; resolves with it once the host accepted it. */
export function showNotification (title: string, options?: NotificationInit | NotificationOptions): Promise<Notification>

/** The app's notifications still shown (by every page). */
export function list (): Promise<NotificationDescriptor[]>

/** Close notification `id`; `NotFoundError` when it is not shown. */
export function close (id: string): Promise<{ id: string, closed: true }>

/** The global event a shown notification dispatches on the page. */
export const NOTIFICATION_PRESENTED_EVENT: 'notificationpresented'
/** The global event a clicked notification dispatches on the page. */
export const NOTIFICATION_RESPONSE_EVENT: 'notificationresponse'

/** Oro's `Enumeration`: a read-only Set-like collection whose values are also its keys. */
export type Enumeration<T extends string> = Readonly<Record<T, T>> & {
  readonly size: number
  has (value: unknown): value is T
  values (): IterableIterator<T>
  [Symbol.iterator] (): IterableIterator<T>
}

/** The text directions a notification takes. */
export const NotificationDirection: Enumeration<'auto' | 'ltr' | 'rtl'>
/** The answers of `Notification.requestPermission()`. */
export const NotificationPermission: Enumeration<'granted' | 'default' | 'denied'>

/** A checked notification action (Oro's container): `TypeError` without `action` or `title`. */
export class NotificationAction {
  constructor (options: NotificationActionInit & { icon?: string | URL })
  readonly action: string
  readonly title: string
  readonly icon: string
  toJSON (): { action: string, title: string, icon: string }
}

/** Checked notification options with Oro's defaults (Oro's container). */
export class NotificationOptions {
  constructor (options?: NotificationInit & Record<string, unknown>)
  readonly actions: readonly NotificationAction[]
  readonly badge: string
  readonly body: string
  readonly data: unknown
  readonly dir: 'auto' | 'ltr' | 'rtl'
  readonly icon: string
  readonly image: string
  readonly lang: string
  readonly renotify: boolean
  readonly requireInteraction: boolean
  readonly silent: boolean
  readonly tag: string
  readonly vibrate: readonly number[]
  toJSON (): Record<string, unknown>
}

/** The `Notification` class (Oro's default export), carrying the module's other names. */
declare const notification: typeof Notification & {
  Notification: typeof Notification
  NotificationAction: typeof NotificationAction
  NotificationOptions: typeof NotificationOptions
  NotificationDirection: typeof NotificationDirection
  NotificationPermission: typeof NotificationPermission
  NOTIFICATION_PRESENTED_EVENT: typeof NOTIFICATION_PRESENTED_EVENT
  NOTIFICATION_RESPONSE_EVENT: typeof NOTIFICATION_RESPONSE_EVENT
  showNotification: typeof showNotification
  list: typeof list
  close: typeof close
}
export default notification
