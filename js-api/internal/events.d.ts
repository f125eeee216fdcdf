/**
 * `oro:internal/events` — the Oro Runtime's event classes for what the host tells a page
 * (`applicationurl`, `hotkey`, menu items, signals); also globals in every page.
 * @module oro:internal/events
 */

/** What the host's `applicationurl` event carries (an event made with Oro's `{url, data}`
 * carries `url` and `data`). */
export interface ApplicationURLEventDetail {
  /** The URL as received (`web+notes://inbox/1`). */
  url: string
  /** Where the scheme's worker serves it (`/oro/protocol/web+notes/inbox/1`). */
  path: string
  /** `path` on the app's origin, or null when the host does not know its origin. */
  appURL: string | null
  /** Data sent with the URL. */
  data?: unknown
  [field: string]: unknown
}

export interface ApplicationURLEventInit extends EventInit {
  /** The URL (Oro's form). */
  url?: string | URL | null
  /** Data sent with it (Oro's form). */
  data?: unknown
  /** The host's event (this host's form). */
  detail?: Partial<ApplicationURLEventDetail>
}

/** `applicationurl`: the app was opened through one of its URLs. Also a `CustomEvent` whose
 * `detail` is the host's `{url, path, appURL}`. */
export class ApplicationURLEvent extends CustomEvent<ApplicationURLEventDetail> {
  constructor (type?: string, options?: ApplicationURLEventInit | null)
  /** The URL as the host received it, or null. */
  get source (): string | null
  /** The URL parsed, or null when it does not parse. */
  get url (): URL | null
  /** Whether `url` parses. */
  get isValid (): boolean
  /** Data sent with the URL (null from this host's deep links). */
  get data (): unknown
  /** Where the scheme's worker serves the URL, or null. */
  get path (): string | null
  /** `path` on the app's origin, or null. */
  get appURL (): string | null
}

/** A hotkey binding as `hotkey` events carry it. */
export interface HotKeyData {
  id: number
  hash: number
  sequence: string[]
  expression: string
  [field: string]: unknown
}

/** `hotkey`: a binding's key combination was pressed (`data` is the binding). */
export class HotKeyEvent extends MessageEvent<HotKeyData | null> {
  constructor (type?: string, data?: Partial<HotKeyData> | null)
  get id (): number
  get hash (): number
  get sequence (): string[]
  get expression (): string | null
}

/** A menu item was chosen (`data`: `{type, title, parent}`). */
export class MenuItemEvent extends MessageEvent<{ type: string | null, title: string | null, parent: string | null }> {
  constructor (type?: string, data?: { type?: string | null, title?: string | null, parent?: string | null } | null, menu?: unknown)
  get menu (): unknown
  get title (): string | null
  get tag (): string | null
  get parent (): string | null
}

/** A process signal was received. */
export class SignalEvent extends MessageEvent<unknown> {
  constructor (type: string, options?: MessageEventInit & { code?: number, message?: string })
  get code (): number
  get name (): string
  get message (): string
}

declare const events: {
  ApplicationURLEvent: typeof ApplicationURLEvent
  MenuItemEvent: typeof MenuItemEvent
  SignalEvent: typeof SignalEvent
  HotKeyEvent: typeof HotKeyEvent
}
export default events
