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

/** Same as `request()`. */
export function send<T = any> (route: string, value?: Params, options?: RequestOptions): Promise<T>

/** Call `route` with `bytes` as the raw POST body. */
export function write<T = any> (route: string, params: Params | undefined, bytes: ArrayBuffer | ArrayBufferView | Blob | string, options?: RequestOptions): Promise<T>

/**
 * Async iterator over a streamed reply: each SSE event's data (JSON-parsed), or each byte chunk.
 * Starts on the first `next()`.
 */
export function stream<T = any> (route: string, params?: Params, options?: RequestOptions & { events?: false }): IPCStream<T>
export function stream<T = any> (route: string, params: Params | undefined, options: RequestOptions & { events: true }): IPCStream<StreamEvent<T>>

/** A callable proxy: `createBinding('fs').stat({path})` is `request('fs.stat', {path})`. */
export interface Binding {
  <T = any>(params?: Params, options?: RequestOptions): Promise<T>
  readonly [name: string]: Binding
}
export function createBinding (namespace: string, defaults?: RequestOptions): Binding

declare const ipc: {
  TIMEOUT: typeof TIMEOUT
  IPCStream: typeof IPCStream
  SSEParser: typeof SSEParser
  buildURL: typeof buildURL
  createBinding: typeof createBinding
  currentWindowIndex: typeof currentWindowIndex
  encodeParams: typeof encodeParams
  fetchTransport: typeof fetchTransport
  getTransport: typeof getTransport
  nextSeq: typeof nextSeq
  paramEntries: typeof paramEntries
  parseEventData: typeof parseEventData
  readReply: typeof readReply
  request: typeof request
  send: typeof send
  setTransport: typeof setTransport
  stream: typeof stream
  write: typeof write
}
export default ipc
