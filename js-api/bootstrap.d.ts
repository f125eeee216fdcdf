/**
 * `oro:bootstrap` — maps `ipc://` URLs onto the bridge, re-dispatches host events on
 * `globalThis`, dispatches `runtimeinit`. Loaded first in every page by the preload.
 * @module oro:bootstrap
 */

import type { EventEmitter } from './events.js'
import { ApplicationURLEvent } from './internal/events.js'

/** What the preload puts in `globalThis.__args`. */
export interface OroArgs {
  /** This window's index (0 is the main window). */
  index: number
  /** The app's config as flattened keys (`meta_title`...). */
  config: Record<string, unknown>
  /** oro-framework version. */
  version: string
  capabilities: { streaming: { sseIncremental: boolean, chunkedIncremental: boolean }, [name: string]: unknown }
  /** Conduit connection details when the oro-conduit plugin is active, else null. */
  conduit: { port: number, key: string, [field: string]: unknown } | null
  /** The app origin, `http://127.0.0.1:<port>`. */
  origin: string
  windowCount: number
  /** Whether the app runs in debug mode (`oro dev`). */
  debug: boolean
  /** The app's protocol handlers by scheme (`oro:protocol-handlers`). */
  protocolHandlers?: Record<string, { scheme: string, scriptURL: string, scope: string }>
  [field: string]: unknown
}

/** The host event channel: over a WebSocket (`oro:internal/channel`'s `SocketChannel`, which
 * keeps no HTTP connection of the 6 all windows share), or an `EventSource` where there is no
 * WebSocket. Named events carry `data` (JSON text) and `lastEventId`. */
export interface EventChannel extends EventTarget {
  readonly readyState: number
  close (): void
}

/** Event names the host channel listens for from the start. */
export const KNOWN_EVENTS: readonly string[]

/** How long `runtimeinit` waits for the event channel to open, in ms. */
export const CHANNEL_OPEN_TIMEOUT: number

export interface BootstrapState {
  installed: boolean
  ready: boolean
  whenReady: Promise<void>
  channel: EventChannel | null
  subscribed: Set<string>
  /** Ids of the host events dispatched recently (duplicates from a second channel are dropped). */
  seenEventIds: Set<string>
  originals: Record<string, unknown>
  /** The `fetch` with `ipc://` mapping (`runtimeFetch`), once made. */
  fetch?: typeof globalThis.fetch
  /** Whether it is installed as the global's `fetch`. */
  fetchInstalled?: boolean
  resolveReady (): void
}

/** The bridge URL for an `ipc://` URL, or `null` when `input` is not one. */
export function toIPCURL (input: string | URL | { url: string }, options?: { origin?: string, index?: number }): string | null
export function getState (target?: object): BootstrapState
/** True once `runtimeinit` was dispatched. */
export function isReady (): boolean
/** Resolves when `runtimeinit` has been dispatched. */
export function whenReady (): Promise<void>
/** What the host sends with `applicationurl`. */
export interface ApplicationURLDetail {
  /** The URL as received (`web+notes://inbox/1`). */
  url: string
  /** Where the scheme's worker serves it (`/oro/protocol/web+notes/inbox/1`). */
  path: string
  /** `path` on the app's origin, or null when the host does not know its origin. */
  appURL: string | null
  [field: string]: unknown
}

/** The `applicationurl` event: Oro's `ApplicationURLEvent` (`oro:internal/events`), and a
 * `CustomEvent` with the host's `{url, path, appURL}` as `detail`. */
export { ApplicationURLEvent }

/** Dispatch `new CustomEvent(name, {detail})` on `globalThis` (`applicationurl` as an
 * `ApplicationURLEvent`, `hotkey` as a `HotKeyEvent`). */
export function dispatchHostEvent (name: string, detail: unknown): boolean
/** Dispatch host event `name` unless an event with the same host-assigned `id` already was
 * (events may arrive on the event channel and on a Conduit socket). */
export function deliverHostEvent (name: string, detail: unknown, id?: string | number | null): boolean
/** Make the host channel deliver events named `name`. */
export function subscribe (name: string): void
/** `target`'s `fetch` with `ipc://` URLs mapped onto the bridge: what `installURLMapping`
 * installs as `target.fetch`, and `oro:fetch`'s `fetch` (one per global object). */
export function runtimeFetch (target?: object): typeof globalThis.fetch
/** Wrap `fetch`, `EventSource` and `XMLHttpRequest.open` so `ipc://` URLs reach the bridge. */
export function installURLMapping (target?: object): void
/** Open `/oro/events?window=<index>` and subscribe it to `KNOWN_EVENTS`. */
export function openChannel (target?: object): EventChannel | null
/** Install everything; idempotent. Runs on import when `globalThis.isOroRuntime === true`. */
export function install (options?: { channel?: boolean, channelTimeout?: number }): BootstrapState

/** Oro's download of `options.url` to `options.dest`: events `download-progress` (percent),
 * `write-file` (`{status}`), `write-file-progress` (fraction), `error`. Needs `oro:fs`. */
export class Bootstrap extends EventEmitter {
  constructor (options: { url: string, dest: string })
  options: { url: string, dest: string }
  /** Download, then write; a failure is emitted as `error` when listened for, else rejected. */
  run (): Promise<void>
  write (options: { fileBuffer: Uint8Array, dest: string }): Promise<void>
  /** The body of `url`; `NetworkError` (with `status`) unless 2xx. */
  download (url: string): Promise<Uint8Array>
  /** Removes every listener. */
  cleanup (): void
}
/** A `Bootstrap` for `{url, dest}`; call `run()`. */
export function bootstrap (options: { url: string, dest: string }): Bootstrap
/** Whether the file at `dest` has the hex digest `hash` (`'sha256'`, `'SHA-256'`...); false when
 * it cannot be read. Needs `oro:fs`. */
export function checkHash (dest: string, hash: string, hashAlgorithm: string): Promise<boolean>

declare const bootstrapModule: {
  Bootstrap: typeof Bootstrap
  bootstrap: typeof bootstrap
  checkHash: typeof checkHash
  ApplicationURLEvent: typeof ApplicationURLEvent
  CHANNEL_OPEN_TIMEOUT: typeof CHANNEL_OPEN_TIMEOUT
  KNOWN_EVENTS: typeof KNOWN_EVENTS
  deliverHostEvent: typeof deliverHostEvent
  dispatchHostEvent: typeof dispatchHostEvent
  getState: typeof getState
  install: typeof install
  installURLMapping: typeof installURLMapping
  isReady: typeof isReady
  openChannel: typeof openChannel
  runtimeFetch: typeof runtimeFetch
  subscribe: typeof subscribe
  toIPCURL: typeof toIPCURL
  whenReady: typeof whenReady
}
export default bootstrapModule
