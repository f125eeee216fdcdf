/**
 * `oro:protocol-handlers` — URLs of the app's own schemes (`weather:current`,
 * `web+demo://host/path?q`), served by the scheme's Service Worker at
 * `/oro/protocol/weather//current` and `/oro/protocol/web+demo/host/path?q` on the app origin.
 * @module oro:protocol-handlers
 * @plugin protocols
 */

/** A registered scheme. */
export interface ProtocolHandler {
  scheme: string
  /** The worker script, an app path such as `/demo-sw.js`. */
  scriptURL: string
  /** `/oro/protocol/<scheme>/` */
  scope: string
}

/** The path prefix of protocol-handler URLs on the app origin. */
export const PROTOCOL_PREFIX: '/oro/protocol/'
/** Schemes HTML's `registerProtocolHandler` allows without the `web+` prefix. */
export const SAFELISTED_SCHEMES: readonly string[]
/** How long a protocol request waits for its worker to become active, in ms. */
export const WORKER_TIMEOUT: number
/** Schemes no handler may claim, each with the reason. */
export const RESERVED_SCHEMES: Readonly<Record<string, string>>
/** The longest scheme a handler may claim. */
export const MAX_SCHEME_LENGTH: number
/** The generated Service Worker that runs an app's worker script as Oro does. */
export const SHELL_PATH: '/oro/service-worker/shell.js'
/** The URL a worker script is registered at: `SHELL_PATH?script=<scriptURL>`. */
export function shellURL (scriptURL: string): string
/** The protocol URL an app path stands for (`/oro/protocol/weather//x` → `weather:///x`), or `null`. */
export function fromAppPath (path: string): string | null

/** `scheme` in lowercase if it may have a handler; throws `SecurityError` otherwise. */
export function checkScheme (scheme: string): string
/** The lower-case scheme of `url`, or `null`. */
export function schemeOf (url: string): string | null
/** The app path serving a protocol URL: `web+demo://h/p?q` → `/oro/protocol/web+demo/h/p?q`, `weather:p` → `/oro/protocol/weather//p`. */
export function toAppPath (url: string): string
/** The app URL serving `input` when it is a URL of a registered scheme, else `null`. */
export function toAppURL (input: string | URL | { url: string }): string | null
/** The registered schemes. */
export function getHandlers (): Record<string, ProtocolHandler>
/** The scheme's worker registration once its worker is active. */
export function ready (scheme: string): Promise<ServiceWorkerRegistration>
/** Oro's `getServiceWorker`: the active worker of the scheme's handler, null when there is none. */
export function getServiceWorker (options: { scheme: string }): Promise<ServiceWorker | null>
/** Register the workers of `__args.protocolHandlers` and map their URLs. Idempotent. */
export function install (target?: any): void
/** Serve `scheme` with the worker at `scriptURL` (default: the configured one). */
export function register (scheme: string, scriptURL?: string, data?: unknown): Promise<ServiceWorkerRegistration>
/** Stop serving `scheme` and unregister its worker. */
export function unregister (scheme: string): Promise<boolean>
/** The data kept with `scheme` (`null` when none). */
export function getData (scheme: string): Promise<unknown>
/** Keep `data` with `scheme`. */
export function setData (scheme: string, data: unknown): Promise<void>

/** The `EventSource` that `new EventSource('web+demo://...')` returns. */
export class ProtocolEventSource extends EventTarget {
  static readonly CONNECTING: 0
  static readonly OPEN: 1
  static readonly CLOSED: 2
  readonly CONNECTING: 0
  readonly OPEN: 1
  readonly CLOSED: 2
  constructor (url: string, mapped: string, scheme: string, init?: EventSourceInit)
  /** The app URL it connects to. */
  readonly url: string
  /** The protocol URL it was opened with. */
  readonly protocolURL: string
  readonly withCredentials: boolean
  readonly readyState: number
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onerror: ((event: Event) => void) | null
  close (): void
}

declare const protocolHandlers: {
  PROTOCOL_PREFIX: typeof PROTOCOL_PREFIX
  SAFELISTED_SCHEMES: typeof SAFELISTED_SCHEMES
  WORKER_TIMEOUT: typeof WORKER_TIMEOUT
  RESERVED_SCHEMES: typeof RESERVED_SCHEMES
  MAX_SCHEME_LENGTH: typeof MAX_SCHEME_LENGTH
  SHELL_PATH: typeof SHELL_PATH
  shellURL: typeof shellURL
  fromAppPath: typeof fromAppPath
  ProtocolEventSource: typeof ProtocolEventSource
  checkScheme: typeof checkScheme
  getData: typeof getData
  getHandlers: typeof getHandlers
  install: typeof install
  ready: typeof ready
  getServiceWorker: typeof getServiceWorker
  register: typeof register
  schemeOf: typeof schemeOf
  setData: typeof setData
  toAppPath: typeof toAppPath
  toAppURL: typeof toAppURL
  unregister: typeof unregister
}
export default protocolHandlers
