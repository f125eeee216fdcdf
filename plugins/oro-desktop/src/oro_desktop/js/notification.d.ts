/**
 * `oro:notification` — desktop notifications shaped like the web's `Notification`, shown by the
 * session's notification daemon (org.freedesktop.Notifications over D-Bus; works in a headless
 * app too). Errors: `NotSupportedError` `ERR_NO_NOTIFICATION_SERVICE` (no session bus or no
 * daemon on it), `RangeError` `ERR_RATE_LIMITED` (over `desktop.notifications_per_second`) or
 * `ERR_NOTIFICATION_TOO_LARGE`, `TypeError` for bad options, `NotAllowedError` when
 * `[permissions] allow_notifications = false`.
 * @module oro:notification
 */

export interface NotificationAction {
  /** The id `click` events report as `event.action` (not `'default'`). */
  action: string
  /** The button's label. */
  title: string
}

export interface NotificationOptions {
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
  actions?: NotificationAction[]
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
  actions: NotificationAction[]
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

  constructor (title: string, options?: NotificationOptions)

  readonly id: string
  readonly title: string
  readonly body: string
  readonly tag: string
  readonly icon: string
  readonly silent: boolean
  readonly requireInteraction: boolean
  readonly data: unknown
  readonly actions: readonly NotificationAction[]
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
export function showNotification (title: string, options?: NotificationOptions): Promise<Notification>

/** The app's notifications still shown (by every page). */
export function list (): Promise<NotificationDescriptor[]>

/** Close notification `id`; `NotFoundError` when it is not shown. */
export function close (id: string): Promise<{ id: string, closed: true }>

declare const notification: {
  Notification: typeof Notification
  showNotification: typeof showNotification
  list: typeof list
  close: typeof close
}
export default notification
