/**
 * `oro:http` (also `node:http`) — Node's HTTP client over the page's `fetch`.
 * @module oro:http
 * @alias node:http
 */

import { EventEmitter } from './events.js'
import { Readable, Writable } from './stream.js'

export const METHODS: readonly string[]
export const STATUS_CODES: Readonly<Record<number, string>>
/** Node's default limit of a response's header bytes (the browser enforces its own). */
export const maxHeaderSize: number
export const CONTINUE: 100
export const SWITCHING_PROTOCOLS: 101
export const PROCESSING: 102
export const EARLY_HINTS: 103
export const OK: 200
export const CREATED: 201
export const ACCEPTED: 202
export const NONAUTHORITATIVE_INFORMATION: 203
export const NO_CONTENT: 204
export const RESET_CONTENT: 205
export const PARTIAL_CONTENT: 206
export const MULTISTATUS: 207
export const ALREADY_REPORTED: 208
export const IM_USED: 226
export const MULTIPLE_CHOICES: 300
export const MOVED_PERMANENTLY: 301
export const FOUND: 302
export const SEE_OTHER: 303
export const NOT_MODIFIED: 304
export const USE_PROXY: 305
export const TEMPORARY_REDIRECT: 307
export const PERMANENT_REDIRECT: 308
export const BAD_REQUEST: 400
export const UNAUTHORIZED: 401
export const PAYMENT_REQUIRED: 402
export const FORBIDDEN: 403
export const NOT_FOUND: 404
export const METHOD_NOT_ALLOWED: 405
export const NOT_ACCEPTABLE: 406
export const PROXY_AUTHENTICATION_REQUIRED: 407
export const REQUEST_TIMEOUT: 408
export const CONFLICT: 409
export const GONE: 410
export const LENGTH_REQUIRED: 411
export const PRECONDITION_FAILED: 412
export const PAYLOAD_TOO_LARGE: 413
export const URI_TOO_LONG: 414
export const UNSUPPORTED_MEDIA_TYPE: 415
export const RANGE_NOT_SATISFIABLE: 416
export const EXPECTATION_FAILED: 417
export const IM_A_TEAPOT: 418
export const MISDIRECTED_REQUEST: 421
export const UNPROCESSABLE_ENTITY: 422
export const LOCKED: 423
export const FAILED_DEPENDENCY: 424
export const TOO_EARLY: 425
export const UPGRADE_REQUIRED: 426
export const PRECONDITION_REQUIRED: 428
export const TOO_MANY_REQUESTS: 429
export const REQUEST_HEADER_FIELDS_TOO_LARGE: 431
export const UNAVAILABLE_FOR_LEGAL_REASONS: 451
export const INTERNAL_SERVER_ERROR: 500
export const NOT_IMPLEMENTED: 501
export const BAD_GATEWAY: 502
export const SERVICE_UNAVAILABLE: 503
export const GATEWAY_TIMEOUT: 504
export const HTTP_VERSION_NOT_SUPPORTED: 505
export const VARIANT_ALSO_NEGOTIATES: 506
export const INSUFFICIENT_STORAGE: 507
export const LOOP_DETECTED: 508
export const BANDWIDTH_LIMIT_EXCEEDED: 509
export const NOT_EXTENDED: 510
export const NETWORK_AUTHENTICATION_REQUIRED: 511

/** `ERR_INVALID_HTTP_TOKEN` unless `name` is an HTTP token. */
export function validateHeaderName (name: string, label?: string): void
/** `ERR_HTTP_INVALID_HEADER_VALUE` for `undefined`, `ERR_INVALID_CHAR` for a forbidden character. */
export function validateHeaderValue (name: string, value: unknown): void
/** Does nothing: the browser parses responses. */
export function setMaxIdleHTTPParsers (max: number): void

export class AgentOptions {
  constructor (options?: { keepAlive?: boolean, timeout?: number })
  keepAlive: boolean
  timeout: number
}

/** Carries options and `defaultPort`/`protocol`; the browser pools connections itself. */
export class Agent extends EventEmitter {
  constructor (options?: Record<string, any>)
  options: Record<string, any>
  defaultPort: number
  protocol: string
  defaultProtocol: string
  keepAlive: boolean
  keepAliveMsecs: number
  maxSockets: number
  maxFreeSockets: number
  maxTotalSockets: number
  scheduling: string
  requests: Record<string, unknown[]>
  sockets: Record<string, unknown[]>
  readonly freeSockets: Record<string, unknown[]>
  getName (options?: { host?: string, port?: number | string, localAddress?: string }): string
  /** Throws `NotSupportedError`: fetch makes the connections. */
  createConnection (): never
  keepSocketAlive (): boolean
  reuseSocket (): void
  destroy (): void
}
export const globalAgent: Agent

export type OutgoingHeaders = Record<string, string | number | readonly string[]>

export class OutgoingMessage extends Writable {
  headersSent: boolean
  readonly socket: this
  readonly connection: this
  readonly headers: Record<string, string | string[]>
  setHeader (name: string, value: string | number | readonly (string | number)[]): this
  appendHeader (name: string, value: string | readonly string[]): this
  getHeader (name: string): string | string[] | undefined
  getHeaderNames (): string[]
  getRawHeaderNames (): string[]
  getHeaders (): Record<string, string | string[]>
  hasHeader (name: string): boolean
  removeHeader (name: string): void
  flushHeaders (): void
  /** Throws `NotSupportedError`: fetch sends no request trailers. */
  addTrailers (headers?: unknown): never
  /** Emits `timeout` after `ms` without progress; it does not end the request. */
  setTimeout (ms: number, callback?: () => void): this
}

/** A response: a `Readable` of the body (`Buffer` chunks). */
export class IncomingMessage extends Readable {
  constructor (options?: { response?: Response, url?: string, method?: string | null, onProgress?: () => void })
  statusCode: number
  statusMessage: string
  readonly status: number
  readonly statusText: string
  /** Lower-case names; values as fetch gives them (repeated headers joined with `, `). */
  headers: Record<string, string | string[]>
  headersDistinct: Record<string, string[]>
  /** `[name, value, ...]` with lower-case names in fetch's (sorted) order. */
  rawHeaders: string[]
  trailers: Record<string, string>
  trailersDistinct: Record<string, string[]>
  rawTrailers: string[]
  httpVersion: string
  httpVersionMajor: number
  httpVersionMinor: number
  complete: boolean
  aborted: boolean
  url: string
  method: string | null
  readonly socket: this
  readonly connection: this
  getHeader (name: string): string | string[] | undefined
  getHeaderNames (): string[]
  getRawHeaderNames (): string[]
  getHeaders (): Record<string, string | string[]>
  hasHeader (name: string): boolean
  setTimeout (ms: number, callback?: () => void): this
}

export interface RequestOptions {
  protocol?: string
  host?: string
  hostname?: string
  port?: number | string
  path?: string
  method?: string
  headers?: OutgoingHeaders | string[]
  /** `'user:password'`, sent as Basic authorization. */
  auth?: string
  agent?: Agent | false
  /** ms without progress before `timeout`. */
  timeout?: number
  signal?: AbortSignal
  defaultPort?: number
  setHost?: boolean
}

/** A request: write the body, `end()` sends it; `response` gives an `IncomingMessage`. */
export class ClientRequest extends OutgoingMessage {
  constructor (input: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void, fallbackAgent?: Agent)
  method: string
  path: string
  host: string
  protocol: string
  agent: Agent
  aborted: boolean
  reusedSocket: boolean
  maxHeadersCount: number | null
  /** The absolute URL (not in Node). */
  readonly url: string
  readonly finished: boolean
  setNoDelay (noDelay?: boolean): this
  setSocketKeepAlive (enable?: boolean, initialDelay?: number): this
  /** Deprecated in Node: emits `abort` and ends the request without an error. */
  abort (): void
  on (event: 'response', listener: (res: IncomingMessage) => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
  once (event: 'response', listener: (res: IncomingMessage) => void): this
  once (event: string | symbol, listener: (...args: any[]) => void): this
}

export function request (input: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void): ClientRequest
export function get (input: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void): ClientRequest

/** Constructing one throws `NotSupportedError`: no HTTP servers in a page. */
export class Server extends EventEmitter {}
/** Constructing one throws `NotSupportedError`: no HTTP servers in a page. */
export class ServerResponse extends OutgoingMessage {}
/** Constructing one throws `NotSupportedError`: no HTTP servers in a page. */
export class Connection extends EventEmitter {}
/** Throws `NotSupportedError`: Oro serves these from a service worker; use `oro:service-worker` or `oro:net`. */
export function createServer (...args: unknown[]): never

declare const http: {
  Agent: typeof Agent
  AgentOptions: typeof AgentOptions
  ClientRequest: typeof ClientRequest
  Connection: typeof Connection
  IncomingMessage: typeof IncomingMessage
  METHODS: typeof METHODS
  OutgoingMessage: typeof OutgoingMessage
  STATUS_CODES: typeof STATUS_CODES
  Server: typeof Server
  ServerResponse: typeof ServerResponse
  createServer: typeof createServer
  get: typeof get
  globalAgent: typeof globalAgent
  maxHeaderSize: typeof maxHeaderSize
  request: typeof request
  setMaxIdleHTTPParsers: typeof setMaxIdleHTTPParsers
  validateHeaderName: typeof validateHeaderName
  validateHeaderValue: typeof validateHeaderValue
}
export default http
