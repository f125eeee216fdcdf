/**
 * `oro:ipc` — call the host's IPC routes from page JavaScript.
 * @module oro:ipc
 */

import type { IPCError } from './errors.js'

export type { IPCError }

/** Default timeout of a request, in milliseconds. */
export const TIMEOUT: number

/** How a reply is read. `auto`: JSON envelope → data, `text/*` → string, SSE → stream, else bytes. */
export type ResponseType = 'auto' | 'json' | 'stream' | 'bytes' | 'arraybuffer' | 'text'

/** Route parameters: an object of them, or a bare value (sent as `value`). */
export type Params =
  | Record<string, unknown>
  | URLSearchParams
  | string
  | number
  | boolean
  | bigint
  | null
  | Date
  | readonly unknown[]

/** A raw request body. Plain objects and arrays are sent as JSON. */
export type Body =
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>
  | string
  | Record<string, unknown>
  | readonly unknown[]

export interface RequestOptions {
  /** ms before the call fails with `TimeoutError` (default 32000; 0 or Infinity: none). */
  timeout?: number
  /** Aborting fails the call (or ends the stream) with `AbortError` (`ABORT_ERR`). */
  signal?: AbortSignal
  body?: Body
  /** `GET` without a body, `POST` with one, unless given. */
  method?: string
  responseType?: ResponseType
  headers?: Record<string, string>
  /** Stream SSE items as `{event, data, id}` instead of the data only. */
  events?: boolean
  /** Window index to send (default: this window's). */
  index?: number
}

/** What a transport receives for each call. */
export interface TransportOptions extends RequestOptions {
  /** The request id (`R<n>`), the envelope's `id`. */
  seq: string
  index: number
  /** Fires on timeout or when the caller aborts. */
  signal: AbortSignal
  timeout: number
}

/** A way to reach the host: the fetch transport, or the Conduit plugin's WebSocket transport. */
export interface Transport {
  name?: string
  /**
   * Resolve with the call's result (data, `Uint8Array`, `IPCStream`) or reject with the
   * rehydrated error, exactly as the fetch transport does.
   */
  request (route: string, params: unknown, options: TransportOptions): Promise<unknown>
}

/** One event as parsed from a `text/event-stream`. */
export interface ServerSentEvent {
  /** `message` when the stream named none. */
  event: string
  data: string
  id: string
  retry?: number
}

/** A stream item with `events: true`. */
export interface StreamEvent<T = unknown> {
  event: string
  data: T
  id: string
}

/** Incremental `text/event-stream` parser (WHATWG algorithm). */
export class SSEParser {
  push (chunk: Uint8Array | ArrayBuffer | string): ServerSentEvent[]
  end (): ServerSentEvent[]
  readonly lastEventId: string
  readonly retry: number | undefined
}

export interface IPCStreamInfo {
  route?: string
  kind?: 'events' | 'chunks' | 'value'
  contentType?: string
  status?: number
}

/**
 * An async iterator over a streamed reply. Items are read only as they are asked for;
 * `return()`/`close()`/`break` cancels the request (and the handler on the host).
 */
export class IPCStream<T = any> implements AsyncIterableIterator<T> {
  constructor (source: AsyncIterator<T> | AsyncIterable<T>, info?: IPCStreamInfo)
  readonly route: string
  readonly kind: 'events' | 'chunks' | 'value'
  readonly contentType: string
  readonly status: number
  readonly closed: boolean
  onClose (callback: () => void): void
  next (): Promise<IteratorResult<T>>
  return (value?: any): Promise<IteratorResult<T>>
  throw (error?: unknown): Promise<IteratorResult<T>>
  close (): Promise<IteratorResult<T>>
  toArray (): Promise<T[]>
  [Symbol.asyncIterator] (): IPCStream<T>
}

export function nextSeq (): string
export function currentWindowIndex (): number
/** The credential that proves which window this page is (kept by the preload), or `null`. */
export function windowCredential (): string | null
export function paramEntries (params: unknown): Array<[string, string]>
export function encodeParams (params: unknown): string
export function baseOrigin (): string
export function buildURL (route: string, params?: unknown, options?: { seq?: string, index?: number, origin?: string }): string
export function parseEventData (data: string): unknown
export function readReply (route: string, response: Response, options?: Partial<TransportOptions>): Promise<unknown>

/** The default transport: `fetch()` on `/ipc/<route>` of the app origin. */
export const fetchTransport: Readonly<Transport & { name: string }>

/** Install the transport every call goes through; `null` restores fetch. Returns the previous one. */
export function setTransport (transport: Transport | null): Transport
export function getTransport (): Transport

/**
 * Call `route`: resolves with the envelope's `data`, a `Uint8Array` for a binary reply, or an
 * `IPCStream` for a streamed reply; rejects with the host's error rehydrated (`IPCError`).
 */
export function request (route: string, params: Params | undefined, options: RequestOptions & { responseType: 'stream' }): Promise<IPCStream<any>>
export function request (route: string, params: Params | undefined, options: RequestOptions & { responseType: 'bytes' | 'arraybuffer' }): Promise<Uint8Array>
export function request (route: string, params: Params | undefined, options: RequestOptions & { responseType: 'text' }): Promise<string>
export function request<T = any> (route: string, params?: Params, options?: RequestOptions): Promise<T>

/** `request()` answered as Oro's `ipc.send`: a `Result` carrying the data or the error (never rejects). */
export function send (route: string, value?: Params, options?: RequestOptions): Promise<Result>

/** Call `route` with `bytes` as the raw POST body. */
export function write<T = any> (route: string, params: Params | undefined, bytes: ArrayBuffer | ArrayBufferView | Blob | string, options?: RequestOptions): Promise<T>

/**
 * Async iterator over a streamed reply: each SSE event's data (JSON-parsed), or each byte chunk.
 * Starts on the first `next()`.
 */
export function stream<T = any> (route: string, params?: Params, options?: RequestOptions & { events?: false }): IPCStream<T>
export function stream<T = any> (route: string, params: Params | undefined, options: RequestOptions & { events: true }): IPCStream<StreamEvent<T>>

/** A callable proxy: `createBinding('fs').stat({path})` is `send('fs.stat', {path})`. */
export interface Binding {
  (params?: Params, options?: RequestOptions): Promise<Result>
  readonly [name: string]: Binding
}
export function createBinding (namespace: string, defaults?: RequestOptions): Binding

/** An IPC message as an `ipc://<command>?<params>` URL (Oro's `ipc.Message`). */
export class Message extends URL {
  static readonly PROTOCOL: 'ipc:'
  static from (
    input: string | URL | Message | ArrayBuffer | ArrayBufferView | { command: string, params?: Record<string, unknown>, protocol?: string },
    params?: Record<string, unknown> | URLSearchParams | ArrayBuffer | ArrayBufferView | null,
    bytes?: ArrayBuffer | ArrayBufferView | string | null
  ): Message
  static isValidInput (input: unknown): boolean
  constructor (input: string | URL, bytes?: Uint8Array | null)
  bytes: Uint8Array | null
  /** The route: `fs.stat` of `ipc://fs.stat?...`. */
  readonly command: string
  readonly name: string
  readonly id: string | null
  readonly seq: string | null
  /** `-1` when absent. */
  readonly index: number
  readonly value: any
  readonly json: any
  /** Values JSON-parsed where they parse. */
  readonly params: Record<string, any>
  readonly rawParams: Record<string, string>
  entries (): Array<[string, any]>
  keys (): string[]
  values (): any[]
  set (key: string, value: unknown): void
  get (key: string, defaultValue?: any): any
  delete (key: string): boolean
  has (key: string): boolean
}

/** The outcome of a call (Oro's `ipc.Result`), also the tuple `[err, data, source, headers]`. */
export class Result {
  static from (result: unknown, maybeError?: unknown, maybeSource?: string | null, maybeHeaders?: unknown): Result
  constructor (id?: string | null, err?: Error | null, data?: any, source?: string | null, headers?: unknown)
  id: string
  err: Error | null
  data: any
  source: string | null
  /** Response headers, lower-case names. */
  headers: Record<string, string>
  readonly length: 4
  readonly 0: Error | null
  readonly 1: any
  readonly 2: string | null
  readonly 3: Record<string, string>
  [Symbol.iterator] (): Iterator<any>
  toJSON (): { headers: Record<string, string>, source: string | null, data: any, err: Record<string, unknown> | null }
}

/** What a synchronous transport answers. */
export interface SyncReply {
  /** Envelope data, a string for `text/*`, `Uint8Array` for bytes, the data of each event of a finished event stream. */
  data: any
  headers?: Record<string, string> | string
}

/** A way to reach the host synchronously: synchronous XHR, or a test double. */
export interface SyncTransport {
  name?: string
  /** Answer at once, or throw the rehydrated error. */
  request (route: string, params: unknown, options: TransportOptions): SyncReply
}

export interface SendSyncOptions {
  body?: unknown
  method?: string
  headers?: Record<string, string>
  index?: number
}

/** The default synchronous transport: a synchronous `XMLHttpRequest` on `/ipc/<route>`. */
export const xhrTransport: Readonly<SyncTransport & { name: string }>
/** Install the transport `sendSync()` goes through; `null` restores XHR. Returns the previous one. */
export function setSyncTransport (transport: SyncTransport | null): SyncTransport
export function getSyncTransport (): SyncTransport
/** Call `command` synchronously; never throws: the outcome is a `Result`. */
export function sendSync (command: string, value?: Params, options?: SendSyncOptions): Result

/** Oro's primordials, handed to the page at load. */
export interface Primordials {
  arch?: string
  cwd?: string
  platform?: string
  version?: { full: string, short: string, hash: string }
  'host-operating-system'?: string
}
/** `arch`, `cwd`, `platform`, `version`, `host-operating-system` (frozen; no round trip). */
export const primordials: Readonly<Primordials>

// Oro's lower-level names (its api/ipc.d.ts).
export const OK: 0
export const ERROR: 1
export const kDebugEnabled: unique symbol
export function parseSeq (seq: string | number, options?: { bigint?: false }): number
export function parseSeq (seq: string | number, options: { bigint: true }): bigint
export const debug: {
  (enable?: boolean): boolean
  enabled: boolean
  log (...args: unknown[]): void
}
export function maybeMakeError (error: unknown, caller?: Function): Error | null
export class Headers extends globalThis.Headers {
  static from (input: unknown): Headers
  get length (): number
  toJSON (): Record<string, string>
}
export class IPCSearchParams extends URLSearchParams {
  constructor (params: unknown, nonce?: string | number | null)
}
export function ready (): Promise<void>
export function emit (name: string, value: unknown, target?: EventTarget, options?: CustomEventInit): Promise<void>
export function resolve (seq: string, value: unknown): Promise<void>
export function postMessage (message: string | URL | Message, bytes?: ArrayBuffer | ArrayBufferView | Blob | string | null): Promise<Result>
export function findMessageTransfers (transfers: any[], object: unknown): any[]
export function findIPCMessageTransfers (transfers: Set<any>, object: unknown): any
export function inflateIPCMessageTransfers (object: unknown, types?: Map<string, Function>): any

export interface IPCMessagePortDescriptor { id: string, rx: string, tx: string }
export class IPCMessagePort extends MessagePort {
  static ports: Map<string, IPCMessagePort>
  static from (options?: Partial<IPCMessagePortDescriptor> & { transferred?: boolean }): IPCMessagePort
  static transfer (port: IPCMessagePort): IPCMessagePort
  static create (options?: Partial<IPCMessagePortDescriptor> & { transferred?: boolean }): IPCMessagePort
  private constructor ()
  get id (): string
  get started (): boolean
  get closed (): boolean
  toJSON (): IPCMessagePortDescriptor
  postMessage (message: any, optionsOrTransferList?: { transfer?: any[] } | any[]): void
}
export class IPCMessageChannel extends MessageChannel {
  constructor (options?: { id?: string, port1?: Partial<IPCMessagePortDescriptor>, port2?: Partial<IPCMessagePortDescriptor> })
  get id (): string
  get port1 (): IPCMessagePort
  get port2 (): IPCMessagePort
}
export class IPCBroadcastChannel extends EventTarget {
  static subscriptions: Map<string, Set<IPCBroadcastChannel>>
  constructor (name: string, options?: { origin?: string })
  get name (): string
  get origin (): string
  get key (): string
  get token (): string
  onmessage: ((event: MessageEvent) => any) | null
  onmessageerror: ((event: MessageEvent) => any) | null
  onerror: ((event: Event) => any) | null
  startMessages (): Promise<void>
  postMessage (message: any, optionsOrTransferList?: { origin?: string, transfer?: any[] } | any[]): Promise<void>
  close (): void
}

/**
 * Oro's default object: these names only (the rest are named exports), itself as `default`. Its
 * calls answer a `Result` as Oro's do, `request` and `write` included (the named ones answer the data).
 */
declare const ipc: {
  ERROR: typeof ERROR
  Headers: typeof Headers
  Message: typeof Message
  OK: typeof OK
  Result: typeof Result
  TIMEOUT: typeof TIMEOUT
  createBinding: typeof createBinding
  debug: typeof debug
  default: typeof ipc
  emit: typeof emit
  findMessageTransfers: typeof findMessageTransfers
  kDebugEnabled: typeof kDebugEnabled
  maybeMakeError: typeof maybeMakeError
  parseSeq: typeof parseSeq
  postMessage: typeof postMessage
  primordials: typeof primordials
  ready: typeof ready
  request: typeof send
  resolve: typeof resolve
  send: typeof send
  sendSync: typeof sendSync
  write (route: string, params: Params | undefined, bytes: ArrayBuffer | ArrayBufferView | Blob | string, options?: RequestOptions): Promise<Result>
}
export default ipc
