/**
 * `oro:commonjs/loader` — reads module sources with a synchronous `XMLHttpRequest` (a page's
 * CSP `connect-src` must allow it; a service worker has none: `NotSupportedError`), remembering
 * each URL's outcome. A URL is a file when it answers 2xx at that very URL with no HTML page.
 * @module oro:commonjs/loader
 */

import type { CacheCollection } from './cache.js'

export interface RequestOptions {
  headers?: Record<string, string> | Headers | Array<[string, string]>
  /** Read the body as bytes (`Response.buffer`). */
  binary?: boolean
  /** `false`: neither read from nor write to the loader's cache. */
  cache?: boolean
}

/** What a request learnt of its URL: status and headers. */
export class RequestStatus {
  static from (json: { id: string, status?: number, headers?: Array<[string, string]> }, options?: { loader?: Loader | null }): RequestStatus
  constructor (request: Request | null, options?: { status?: number, headers?: RequestOptions['headers'] } | null)
  get request (): Request | null
  get id (): string | null
  get origin (): string | null
  /** The HTTP status; 404 for a redirect (a directory) or an HTML fallback page. */
  get status (): number
  get value (): number
  get headers (): Headers
  get location (): string
  get ok (): boolean
  load (options?: boolean | RequestOptions | null): this
  toJSON (): { id: string | null, origin: string | null, status: number, headers: Array<[string, string]> }
}

/** A request for one URL. */
export class Request {
  static from (json: { url: string }, options?: { loader?: Loader | null }): Request
  constructor (url: string | URL, origin?: string | URL | { origin?: string | URL, loader?: Loader | null } | null, options?: { loader?: Loader | null } | null)
  get id (): string
  get url (): URL
  get origin (): string
  get loader (): Loader | null
  get status (): RequestStatus
  load (options?: RequestOptions | null): Response
  toJSON (): { url: string }
}

/** What a request answered. */
export class Response {
  static from (json: { id: string, status?: number, text?: string, headers?: Array<[string, string]> }, options?: { loader?: Loader | null }): Response
  constructor (request: Request, options?: { status?: number, headers?: RequestOptions['headers'], text?: string, buffer?: ArrayBuffer | null })
  get id (): string
  get request (): Request
  get headers (): Headers
  get loader (): Loader | null
  get status (): number
  get text (): string
  get buffer (): ArrayBuffer | null
  get ok (): boolean
  toJSON (): { id: string, status: number, text: string, headers: Array<[string, string]> }
}

/** Reads module sources relative to an origin. */
export class Loader {
  static Request: typeof Request
  static Response: typeof Response
  static resolve (url: string | URL, origin?: string | URL | null): string
  static defaultExtensions: Set<string>
  constructor (origin?: string | URL | { origin?: string | URL, headers?: RequestOptions['headers'], extensions?: string[] } | null, options?: { headers?: RequestOptions['headers'], extensions?: string[] } | null)
  get cache (): CacheCollection
  get headers (): Headers
  get extensions (): Set<string>
  get origin (): string
  set origin (origin: string)
  load (url: string | URL, origin?: string | URL | RequestOptions | null, options?: RequestOptions | null): Response
  status (url: string | URL, origin?: string | URL | RequestOptions | null, options?: RequestOptions | null): RequestStatus
  resolve (url: string | URL, origin?: string | URL | null): string
}

export default Loader
