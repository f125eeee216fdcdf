// @module oro:conduit
/** The Conduit: a binary WebSocket channel to the host and the fast path for `oro:ipc`. */

/** Oro's reconnection defaults: attempts, first delay and largest delay (ms). */
export const DEFAULT_MAX_RECONNECT_RETRIES: 32
export const DEFAULT_INITIAL_RECONNECT_TIMEOUT: 500
export const DEFAULT_MAX_RECONNECT_TIMEOUT: 30000
/** The page's `Conduit` instances not yet closed (added when made, removed by `close()`). */
export const pool: Set<Conduit>
/** Close code of a connection replaced by a newer one with the same id (never reconnected). */
export const CLOSE_REPLACED: 4001
/** Close code of a host that stops after answering every request it started. */
export const CLOSE_GOING_AWAY: 1001
/** Bytes of a streamed reply the host may send ahead of what the page has read (flow control). */
export const STREAM_CREDIT: number
/** Request and reply bodies larger than this travel over fetch (the host hands replies over). */
export const BULK_BYTES: number
/** How many calls whose reply was handed over to fetch are remembered (they go straight over fetch). */
export const HANDED_OVER_MEMORY: number

export interface ConduitOptions {
  /** The connection's id, unique among connected clients (default: random). */
  id?: string
  /** Second path segment (default: this window's index). */
  clientId?: string
  /** Default: the key the preload gave this page. */
  sharedKey?: string
  /** Reconnect after an unexpected close (default true). */
  shouldReconnect?: boolean
  /** Also receive host events on this socket. */
  events?: boolean
  /** Connect at once (default true). */
  connect?: boolean
}

export interface ConduitMessage {
  /** The frame's options, values decoded as Oro does (`true`, `null`, numbers...). */
  options: Record<string, any>
  payload: Uint8Array
}

export interface ConduitStatus {
  port: number | null
  isActive: boolean
  sharedKey: string
}

/** A WebSocket client of the host's Conduit: `open`, `message`, `error`, `close`, `reopen`. */
export class Conduit extends EventTarget {
  static port: number | null
  static readonly hostname: string
  static readonly instances: Map<string, Conduit>
  /** `{ port, isActive, sharedKey }` of the host's Conduit. */
  static status (): Promise<ConduitStatus>
  /** The oro-conduit part of `diagnostics.query`. */
  static diagnostics (): Promise<{ handles: { count: number, ids: string[] }, [field: string]: unknown } | null>
  static waitForActiveState (options?: { maxQueriesForStatus?: number, interval?: number }): Promise<boolean>
  static getSharedKey (): Promise<string>
  static setSharedKey (sharedKey: string): Promise<string>

  constructor (options?: ConduitOptions)
  readonly id: string
  readonly clientId: string
  sharedKey: string | null
  shouldReconnect: boolean
  readonly events: boolean
  socket: WebSocket | null
  /** Resolves once the first connection is open. */
  readonly connected: Promise<Conduit>
  readonly url: string
  readonly isActive: boolean
  readonly isConnecting: boolean
  connect (callback?: (error: Error | null) => void): Promise<Conduit>
  /** Exponential backoff with jitter (32 retries, 500 ms doubling up to 30 s); `reopen` on success. */
  reconnect (options?: { retries?: number, timeout?: number, initialDelay?: number }): Promise<boolean>
  /** Cut a pending backoff delay short. */
  wake (): void
  receive (handler: (error: Error | null, message: ConduitMessage) => void): void
  /** `false` when the socket is not open (nothing sent). */
  send (options: Record<string, unknown>, payload?: ArrayBuffer | ArrayBufferView | string | null): boolean
  sendEncoded (frame: Uint8Array): boolean
  deliver (message: ConduitMessage): void
  close (): void
}

/** The `oro:ipc` transport over a Conduit (fetch while the socket is not open). */
export class ConduitTransport {
  constructor (conduit: Conduit)
  readonly name: 'conduit'
  readonly conduit: Conduit
  readonly pendingCount: number
  /** Bodies larger than this go over fetch (default `BULK_BYTES`; `Infinity`: never). */
  bulkBytes: number
  request (route: string, params: unknown, options: any): Promise<unknown>
}

/** Open this page's IPC Conduit and install it as the `oro:ipc` transport (idempotent). */
export function install (): ConduitTransport | null
/** The installed transport, if any. */
export function transport (): ConduitTransport | null

declare const conduit: {
  Conduit: typeof Conduit
  ConduitTransport: typeof ConduitTransport
  install: typeof install
  transport: typeof transport
  CLOSE_REPLACED: typeof CLOSE_REPLACED
}
export default conduit
