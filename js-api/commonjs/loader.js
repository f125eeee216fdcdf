/**
 * `oro:commonjs/loader` — how the CommonJS loader reads a module's source: a synchronous
 * `XMLHttpRequest` of its URL (`require()` must answer at once), as Oro's loader does. A
 * `Loader` answers `Response`s (`status`, `text`, `ok`) and remembers each URL's outcome in the
 * page's shared caches, so a file probed once (`./x` → `./x.js`) is not asked for again.
 *
 * A URL is a file when it answers 2xx at that very URL (a redirect means a directory: the
 * bridge redirects `/dir` to `/dir/`) with something other than an HTML page (a single-page
 * app's fallback answers HTML for any path). The page's Content-Security-Policy must let it
 * connect to the URL (`connect-src`); a refused or failed request is a `NetworkError`. A
 * service worker has no `XMLHttpRequest`: there a `Loader` throws `NotSupportedError`.
 * @module oro:commonjs/loader
 */

import { Cache, CacheCollection } from './cache.js'
import { NetworkError, NotSupportedError } from '../errors.js'

/** @typedef {{ headers?: Record<string, string> | Headers | Array<[string, string]>, binary?: boolean, cache?: boolean }} RequestOptions */

const textDecoder = new TextDecoder()

/** The page's URL (a module is resolved against it when no origin is given). */
function baseURL () {
  return /** @type {any} */ (globalThis).location?.href ?? 'file:///'
}

/**
 * @param {string} url
 * @returns {boolean}
 */
function isHTMLPath (url) {
  return /\.html?$/i.test(new URL(url).pathname)
}

/**
 * @param {RequestOptions['headers']} headers
 * @returns {Headers}
 */
function toHeaders (headers) {
  const result = new Headers()
  if (!headers) return result
  const entries = headers instanceof Headers || Array.isArray(headers)
    ? headers
    : Object.entries(headers)
  for (const [key, value] of entries) result.set(key, value)
  return result
}

/**
 * The response headers of an XHR as `Headers`.
 * @param {XMLHttpRequest} xhr
 * @returns {Headers}
 */
function responseHeaders (xhr) {
  const headers = new Headers()
  for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return headers
}

/**
 * One synchronous GET.
 * @param {string} url
 * @param {Headers} headers
 * @param {boolean} binary
 */
function fetchSync (url, headers, binary) {
  if (typeof XMLHttpRequest !== 'function') {
    throw new NotSupportedError(
      `cannot load ${url}: this context has no XMLHttpRequest (a service worker), so only ` +
      'builtin modules can be required here'
    )
  }
  const xhr = new XMLHttpRequest()
  xhr.open('GET', url, false)
  for (const [key, value] of headers) xhr.setRequestHeader(key, value)
  // A synchronous request in a page cannot ask for an ArrayBuffer; these characters are bytes.
  if (binary) xhr.overrideMimeType('text/plain; charset=x-user-defined')
  try {
    xhr.send(null)
  } catch (error) {
    throw new NetworkError(
      `cannot load ${url}: ${/** @type {Error} */ (error)?.message ?? error} (the page's ` +
      "Content-Security-Policy must allow connecting to it: connect-src)",
      { cause: error }
    )
  }
  return xhr
}

/** What a `Request` learnt of its URL: the status and headers (no body). */
export class RequestStatus {
  /**
   * @param {{ id: string, status?: number, headers?: Array<[string, string]> }} json
   * @param {{ loader?: Loader | null }} [options]
   * @returns {RequestStatus}
   */
  static from (json, options = {}) {
    const request = new Request(json.id, { loader: options?.loader ?? null })
    return new this(request, { status: json.status, headers: json.headers })
  }

  /** @type {Request | null} */
  #request = null
  /** @type {number | undefined} */
  #status = undefined
  #headers = new Headers()

  /**
   * @param {Request | null} request
   * @param {{ status?: number, headers?: RequestOptions['headers'] } | null} [options]
   */
  constructor (request, options = null) {
    this.#request = request
    this.#status = options?.status
    this.#headers = toHeaders(options?.headers)
  }

  /** @returns {Request | null} */
  get request () {
    return this.#request
  }

  /** @returns {string | null} */
  get id () {
    return this.#request?.id ?? null
  }

  /** @returns {string | null} */
  get origin () {
    return this.#request?.origin ?? null
  }

  /** The HTTP status (0 until loaded, or when the answer was not a file). */
  get status () {
    return this.#status ?? 0
  }

  /** Oro's name of `status`. */
  get value () {
    return this.status
  }

  /** @returns {Headers} */
  get headers () {
    return this.#headers
  }

  /** Where the body came from (`Content-Location`, else the URL's path). */
  get location () {
    const declared = this.#headers.get('content-location')
    if (declared) return declared
    return this.#request ? this.#request.url.pathname + this.#request.url.search : ''
  }

  /** Whether the URL is a file the loader can read. */
  get ok () {
    return this.status >= 200 && this.status < 300
  }

  /**
   * Asks for the URL (once; `load(true)` asks again).
   * @param {boolean | RequestOptions | null} [options]
   * @returns {this}
   */
  load (options = null) {
    if (this.#status !== undefined && options !== true) return this
    if (this.#request) {
      const response = this.#request.load({ ...(typeof options === 'object' ? options : null), cache: false })
      this.#status = response.status
      this.#headers = response.headers
    }
    return this
  }

  toJSON () {
    return { id: this.id, origin: this.origin, status: this.status, headers: [...this.#headers] }
  }
}

/** A request for one URL, made by a `Loader`. */
export class Request {
  /**
   * @param {{ url: string }} json
   * @param {{ loader?: Loader | null }} [options]
   * @returns {Request}
   */
  static from (json, options = {}) {
    return new this(json.url, { loader: options?.loader ?? null })
  }

  #url
  /** @type {Loader | null} */
  #loader

  /**
   * @param {string | URL} url
   * @param {string | URL | { origin?: string | URL, loader?: Loader | null } | null} [origin]
   * @param {{ loader?: Loader | null } | null} [options]
   */
  constructor (url, origin = null, options = null) {
    if (origin && typeof origin === 'object' && !(origin instanceof URL)) {
      options = origin
      origin = origin.origin ?? null
    }
    this.#url = new URL(url, /** @type {string | URL | null} */ (origin) ?? baseURL())
    this.#loader = options?.loader ?? null
  }

  /** The request's URL as a string. */
  get id () {
    return this.#url.href
  }

  get url () {
    return this.#url
  }

  get origin () {
    return this.#url.origin
  }

  get loader () {
    return this.#loader
  }

  /** The URL's status (asked for on first use). */
  get status () {
    return new RequestStatus(this, { status: this.load().status })
  }

  /**
   * Reads the URL: from the loader's cache, else with a synchronous GET.
   * @param {RequestOptions | null} [options]
   * @returns {Response}
   */
  load (options = null) {
    const cache = this.#loader?.cache.get('response')
    if (options?.cache !== false && cache?.has(this.id)) return cache.get(this.id)
    const headers = toHeaders(this.#loader?.headers)
    for (const [key, value] of toHeaders(options?.headers)) headers.set(key, value)
    const binary = options?.binary === true
    const xhr = fetchSync(this.id, headers, binary)
    const moved = xhr.responseURL !== '' && new URL(xhr.responseURL).pathname !== this.#url.pathname
    const type = xhr.getResponseHeader('content-type') ?? ''
    // A redirect leads to a directory; HTML for a path that is no page is a fallback page.
    const isFile = !moved && !(type.startsWith('text/html') && !isHTMLPath(this.id))
    const status = isFile ? xhr.status : 404
    const text = status >= 200 && status < 300 ? xhr.responseText : ''
    const response = new Response(this, {
      status,
      headers: responseHeaders(xhr),
      text: binary ? '' : text,
      buffer: binary ? Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff).buffer : null
    })
    if (options?.cache !== false) cache?.set(this.id, response)
    return response
  }

  toJSON () {
    return { url: this.id }
  }
}

/** What a `Request` answered: `status`, `headers`, `text` (or `buffer` for binary reads). */
export class Response {
  /**
   * @param {{ id: string, status?: number, text?: string, headers?: Array<[string, string]> }} json
   * @param {{ loader?: Loader | null }} [options]
   * @returns {Response}
   */
  static from (json, options = {}) {
    return new this(Request.from({ url: json.id }, options), json)
  }

  #request
  #status
  #headers
  #text
  /** @type {ArrayBuffer | null} */
  #buffer

  /**
   * @param {Request} request
   * @param {{ status?: number, headers?: RequestOptions['headers'], text?: string, buffer?: ArrayBuffer | null }} [options]
   */
  constructor (request, options = {}) {
    if (!(request instanceof Request)) {
      throw new TypeError(`Expecting 'request' to be a Request object. Received: ${String(request)}`)
    }
    this.#request = request
    this.#status = options.status ?? 404
    this.#headers = toHeaders(options.headers)
    this.#text = options.text ?? ''
    this.#buffer = options.buffer ?? null
  }

  get id () {
    return this.#request.id
  }

  get request () {
    return this.#request
  }

  get headers () {
    return this.#headers
  }

  get loader () {
    return this.#request.loader
  }

  get status () {
    return this.#status
  }

  /** The body as text (decoded from `buffer` for a binary read). */
  get text () {
    if (this.#text) return this.#text
    return this.#buffer ? textDecoder.decode(this.#buffer) : ''
  }

  /** The body's bytes, for a binary read. */
  get buffer () {
    return this.#buffer
  }

  get ok () {
    return this.#status >= 200 && this.#status < 300
  }

  toJSON () {
    return { id: this.id, status: this.status, text: this.text, headers: [...this.#headers] }
  }
}

/**
 * Reads module sources relative to an origin, remembering each URL's outcome.
 */
export class Loader {
  static Request = Request
  static Response = Response

  /**
   * `url` resolved against `origin` (the page's URL by default), as a string.
   * @param {string | URL} url
   * @param {string | URL | null} [origin]
   * @returns {string}
   */
  static resolve (url, origin = null) {
    return new URL(url, origin ?? baseURL()).href
  }

  /** The extensions Oro's loader recognises as module files. */
  static defaultExtensions = new Set(['.js', '.json', '.mjs', '.cjs', '.jsx', '.ts', '.tsx', '.wasm'])

  #origin
  #headers
  #extensions
  #cache

  /**
   * @param {string | URL | { origin?: string | URL, headers?: RequestOptions['headers'], extensions?: string[] } | null} [origin]
   * @param {{ headers?: RequestOptions['headers'], extensions?: string[] } | null} [options]
   */
  constructor (origin = null, options = null) {
    if (origin && typeof origin === 'object' && !(origin instanceof URL)) {
      options = origin
      origin = origin.origin ?? null
    }
    this.#origin = Loader.resolve('.', /** @type {string | URL | null} */ (origin))
    this.#headers = toHeaders(options?.headers)
    this.#extensions = new Set(Loader.defaultExtensions)
    for (const extension of options?.extensions ?? []) {
      this.#extensions.add(extension.startsWith('.') ? extension : `.${extension}`)
    }
    this.#cache = new CacheCollection({
      status: new Cache('loader.status', { loader: this, types: { RequestStatus } }),
      response: new Cache('loader.response', { loader: this, types: { Response } })
    })
  }

  /** The page-wide `status` and `response` caches. */
  get cache () {
    return this.#cache
  }

  get headers () {
    return this.#headers
  }

  get extensions () {
    return this.#extensions
  }

  /** The directory URL relative URLs are resolved against. */
  get origin () {
    return this.#origin
  }

  set origin (origin) {
    this.#origin = Loader.resolve('.', origin)
  }

  /**
   * Reads `url` (relative to `origin`, else this loader's origin).
   * @param {string | URL} url
   * @param {string | URL | RequestOptions | null} [origin]
   * @param {RequestOptions | null} [options]
   * @returns {Response}
   */
  load (url, origin = null, options = null) {
    if (origin && typeof origin === 'object' && !(origin instanceof URL)) {
      options = origin
      origin = null
    }
    const request = new Request(url, { origin: /** @type {string | URL | null} */ (origin) ?? this.#origin, loader: this })
    return request.load(options)
  }

  /**
   * The status of `url`, from the cache when it was asked for before.
   * @param {string | URL} url
   * @param {string | URL | RequestOptions | null} [origin]
   * @param {RequestOptions | null} [options]
   * @returns {RequestStatus}
   */
  status (url, origin = null, options = null) {
    if (origin && typeof origin === 'object' && !(origin instanceof URL)) {
      options = origin
      origin = null
    }
    const id = this.resolve(url, /** @type {string | URL | null} */ (origin))
    const cache = this.#cache.get('status')
    if (cache?.has(id)) return cache.get(id)
    const response = this.load(id, null, options)
    const status = new RequestStatus(response.request, { status: response.status, headers: response.headers })
    cache?.set(id, status)
    return status
  }

  /**
   * @param {string | URL} url
   * @param {string | URL | null} [origin]
   * @returns {string}
   */
  resolve (url, origin = null) {
    return Loader.resolve(url, origin ?? this.#origin)
  }
}

export default Loader
