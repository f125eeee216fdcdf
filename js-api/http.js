/**
 * `oro:http` (also `node:http`) — Node's HTTP client over the page's `fetch`: `request`, `get`,
 * `ClientRequest` (a `Writable`), `IncomingMessage` (a `Readable` of the response body),
 * `Agent`/`globalAgent`, `METHODS`, `STATUS_CODES`, `maxHeaderSize`,
 * `validateHeaderName`/`validateHeaderValue`, and Oro's status constants (`OK`, `NOT_FOUND`...).
 *
 * ```js
 * import http from 'node:http'
 * http.get('http://127.0.0.1:8080/items', (res) => {
 *   res.setEncoding('utf8')
 *   let body = ''
 *   res.on('data', (chunk) => { body += chunk })
 *   res.on('end', () => console.log(res.statusCode, res.headers['content-type'], body))
 * })
 * ```
 *
 * The request goes out when `end()` is called (the body is buffered until then: a browser
 * streams request bodies only over HTTP/2), as a `fetch` without cookies (`credentials:
 * 'omit'`). So the page's rules apply: a server on another origin must answer CORS (and
 * preflights for custom headers), the page's CSP `connect-src` must allow it, fetch's forbidden
 * headers (`Host`, `Connection`, `Content-Length`, `Cookie`...) are dropped by the browser, and
 * redirects are followed. No servers: `createServer` throws `NotSupportedError`.
 * @module oro:http
 */

import { Buffer as OroBuffer } from './buffer.js'
import { EventEmitter } from './events.js'
import { NotSupportedError } from './errors.js'
import { Readable, Writable } from './stream.js'

/** Node's `http.METHODS` (Node 20). */
export const METHODS = Object.freeze([
  'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH',
  'MERGE', 'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND',
  'PROPPATCH', 'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE',
  'UNBIND', 'UNLINK', 'UNLOCK', 'UNSUBSCRIBE'
])

/** Node's `http.STATUS_CODES`: status code → reason phrase. @type {Record<number, string>} */
export const STATUS_CODES = Object.freeze({
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a Teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity',
  423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
  509: 'Bandwidth Limit Exceeded', 510: 'Not Extended', 511: 'Network Authentication Required'
})

// Oro's named status codes.
export const CONTINUE = 100
export const SWITCHING_PROTOCOLS = 101
export const PROCESSING = 102
export const EARLY_HINTS = 103
export const OK = 200
export const CREATED = 201
export const ACCEPTED = 202
export const NONAUTHORITATIVE_INFORMATION = 203
export const NO_CONTENT = 204
export const RESET_CONTENT = 205
export const PARTIAL_CONTENT = 206
export const MULTISTATUS = 207
export const ALREADY_REPORTED = 208
export const IM_USED = 226
export const MULTIPLE_CHOICES = 300
export const MOVED_PERMANENTLY = 301
export const FOUND = 302
export const SEE_OTHER = 303
export const NOT_MODIFIED = 304
export const USE_PROXY = 305
export const TEMPORARY_REDIRECT = 307
export const PERMANENT_REDIRECT = 308
export const BAD_REQUEST = 400
export const UNAUTHORIZED = 401
export const PAYMENT_REQUIRED = 402
export const FORBIDDEN = 403
export const NOT_FOUND = 404
export const METHOD_NOT_ALLOWED = 405
export const NOT_ACCEPTABLE = 406
export const PROXY_AUTHENTICATION_REQUIRED = 407
export const REQUEST_TIMEOUT = 408
export const CONFLICT = 409
export const GONE = 410
export const LENGTH_REQUIRED = 411
export const PRECONDITION_FAILED = 412
export const PAYLOAD_TOO_LARGE = 413
export const URI_TOO_LONG = 414
export const UNSUPPORTED_MEDIA_TYPE = 415
export const RANGE_NOT_SATISFIABLE = 416
export const EXPECTATION_FAILED = 417
export const IM_A_TEAPOT = 418
export const MISDIRECTED_REQUEST = 421
export const UNPROCESSABLE_ENTITY = 422
export const LOCKED = 423
export const FAILED_DEPENDENCY = 424
export const TOO_EARLY = 425
export const UPGRADE_REQUIRED = 426
export const PRECONDITION_REQUIRED = 428
export const TOO_MANY_REQUESTS = 429
export const REQUEST_HEADER_FIELDS_TOO_LARGE = 431
export const UNAVAILABLE_FOR_LEGAL_REASONS = 451
export const INTERNAL_SERVER_ERROR = 500
export const NOT_IMPLEMENTED = 501
export const BAD_GATEWAY = 502
export const SERVICE_UNAVAILABLE = 503
export const GATEWAY_TIMEOUT = 504
export const HTTP_VERSION_NOT_SUPPORTED = 505
export const VARIANT_ALSO_NEGOTIATES = 506
export const INSUFFICIENT_STORAGE = 507
export const LOOP_DETECTED = 508
export const BANDWIDTH_LIMIT_EXCEEDED = 509
export const NOT_EXTENDED = 510
export const NETWORK_AUTHENTICATION_REQUIRED = 511

/** Node's default limit of a response's header bytes (the browser enforces its own). */
export const maxHeaderSize = 16384

/** The request headers fetch does not let a page set (the Fetch standard's list). */
const FORBIDDEN_HEADERS = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive', 'origin',
  'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via'
])

const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/

/**
 * An error with Node's `code`.
 * @template {Error} E
 * @param {E} error
 * @param {string} code
 * @returns {E & { code: string }}
 */
function coded (error, code) {
  return Object.assign(error, { code })
}

/**
 * Throw Node's `ERR_INVALID_HTTP_TOKEN` unless `name` is an HTTP token.
 * @param {unknown} name
 * @param {string} [label]
 */
export function validateHeaderName (name, label = 'Header name') {
  if (typeof name !== 'string' || !name || !TOKEN.test(name)) {
    throw coded(new TypeError(`${label} must be a valid HTTP token ["${String(name)}"]`), 'ERR_INVALID_HTTP_TOKEN')
  }
}

/**
 * Throw Node's `ERR_HTTP_INVALID_HEADER_VALUE` for a missing value and `ERR_INVALID_CHAR` for a
 * value with a character HTTP forbids (control characters but tab, code points above 255).
 * @param {string} name
 * @param {unknown} value
 */
export function validateHeaderValue (name, value) {
  if (value === undefined) {
    throw coded(new TypeError(`Invalid value "${value}" for header "${name}"`), 'ERR_HTTP_INVALID_HEADER_VALUE')
  }
  if (INVALID_HEADER_CHAR.test(String(value))) {
    throw coded(new TypeError(`Invalid character in header content ["${name}"]`), 'ERR_INVALID_CHAR')
  }
}

/** Options of an `Agent` (Oro's shape). */
export class AgentOptions {
  /** @param {{ keepAlive?: boolean, timeout?: number }} [options] */
  constructor (options = {}) {
    this.keepAlive = options.keepAlive === true
    this.timeout = Number.isFinite(options.timeout) ? Number(options.timeout) : -1
  }
}

/**
 * Node's `http.Agent`. The browser pools connections itself, so an agent only carries its
 * options and `defaultPort`/`protocol`; `maxSockets`... are kept but change nothing.
 */
export class Agent extends EventEmitter {
  /** @param {Record<string, any>} [options] */
  constructor (options = {}) {
    super()
    this.options = { path: null, ...options }
    this.defaultPort = 80
    this.protocol = 'http:'
    this.defaultProtocol = 'http:'
    this.keepAlive = options.keepAlive === true
    this.keepAliveMsecs = options.keepAliveMsecs ?? 1000
    this.maxSockets = options.maxSockets ?? Infinity
    this.maxFreeSockets = options.maxFreeSockets ?? 256
    this.maxTotalSockets = options.maxTotalSockets ?? Infinity
    this.scheduling = options.scheduling ?? 'lifo'
    /** @type {Record<string, unknown[]>} */
    this.requests = Object.create(null)
    /** @type {Record<string, unknown[]>} */
    this.sockets = Object.create(null)
  }

  /** @type {Record<string, unknown[]>} */
  get freeSockets () { return Object.create(null) }

  /**
   * The pool key Node uses: `host:port:localAddress`.
   * @param {{ host?: string, port?: number | string, localAddress?: string }} [options]
   */
  getName (options = {}) {
    return `${options.host ?? 'localhost'}:${options.port ?? ''}:${options.localAddress ?? ''}`
  }

  /** A page cannot open raw connections for HTTP: use `oro:net`. */
  createConnection () {
    throw new NotSupportedError('Agent.createConnection: the page\'s fetch makes the connections; use oro:net for raw sockets')
  }

  keepSocketAlive () { return true }
  reuseSocket () {}
  destroy () {}
}

/** The default agent of `oro:http`. */
export const globalAgent = new Agent()

/**
 * Node's `OutgoingMessage`: the header store and `Writable` side shared by `ClientRequest`.
 */
export class OutgoingMessage extends Writable {
  /** @type {Map<string, [string, string | string[]]>} lower-case name → [name as set, value] */
  #headers = new Map()
  /** @type {ReturnType<typeof setTimeout> | null} */
  #timer = null
  #timeout = 0

  constructor () {
    // The request closes when its response ended (or it failed), not when its body finished.
    super({ autoDestroy: false, emitClose: true })
    /** True once the request went out (`end()`); headers can no longer change. */
    this.headersSent = false
  }

  /** @returns {this} */
  get socket () { return this }
  get connection () { return this }

  /** Node's `getHeaders()` as an object (Oro's). */
  get headers () { return this.getHeaders() }

  #checkSent () {
    if (this.headersSent) throw coded(new Error('Cannot set headers after they are sent to the client'), 'ERR_HTTP_HEADERS_SENT')
  }

  /**
   * @param {string} name
   * @param {string | number | readonly (string | number)[]} value
   * @returns {this}
   */
  setHeader (name, value) {
    this.#checkSent()
    validateHeaderName(name)
    validateHeaderValue(name, value)
    this.#headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.map(String) : String(value)])
    return this
  }

  /**
   * Add a value to a header (Node's `appendHeader`).
   * @param {string} name
   * @param {string | readonly string[]} value
   * @returns {this}
   */
  appendHeader (name, value) {
    this.#checkSent()
    validateHeaderName(name)
    validateHeaderValue(name, value)
    const key = name.toLowerCase()
    const old = this.#headers.get(key)
    const added = Array.isArray(value) ? value.map(String) : [String(value)]
    if (!old) this.#headers.set(key, [name, added.length === 1 ? added[0] : added])
    else this.#headers.set(key, [old[0], [...(Array.isArray(old[1]) ? old[1] : [old[1]]), ...added]])
    return this
  }

  /** @param {string} name */
  getHeader (name) {
    if (typeof name !== 'string') throw coded(new TypeError('The "name" argument must be of type string'), 'ERR_INVALID_ARG_TYPE')
    return this.#headers.get(name.toLowerCase())?.[1]
  }

  getHeaderNames () { return [...this.#headers.keys()] }
  getRawHeaderNames () { return [...this.#headers.values()].map(([name]) => name) }

  /** @returns {Record<string, string | string[]>} */
  getHeaders () {
    /** @type {Record<string, string | string[]>} */
    const copy = Object.create(null)
    for (const [key, [, value]] of this.#headers) copy[key] = value
    return copy
  }

  /** @param {string} name */
  hasHeader (name) { return this.#headers.has(String(name).toLowerCase()) }

  /** @param {string} name */
  removeHeader (name) {
    this.#checkSent()
    this.#headers.delete(String(name).toLowerCase())
  }

  /** Headers go out with the body at `end()`: nothing to flush earlier. */
  flushHeaders () {}

  /** Trailers need chunked uploads, which `fetch` does not make. */
  addTrailers () {
    throw new NotSupportedError('addTrailers: fetch sends no request trailers')
  }

  /**
   * Emit `timeout` after `ms` without progress (it does not end the request: call `destroy()`).
   * @param {number} ms
   * @param {() => void} [callback] a `timeout` listener
   * @returns {this}
   */
  setTimeout (ms, callback) {
    if (typeof callback === 'function') this.once('timeout', callback)
    this.#timeout = ms
    this._touch()
    return this
  }

  /** Restart the idle timer. @ignore */
  _touch () {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = this.#timeout > 0 && !this.destroyed ? setTimeout(() => this.emit('timeout'), this.#timeout) : null
  }

  /** Stop the idle timer. @ignore */
  _untouch () {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }

  /**
   * Every header as fetch takes it, without the ones fetch forbids (the browser would drop
   * them anyway; Node's own fetch would refuse some).
   * @returns {[string, string][]}
   */
  _headerList () {
    /** @type {[string, string][]} */
    const list = []
    for (const [key, [name, value]] of this.#headers) {
      if (FORBIDDEN_HEADERS.has(key) || key.startsWith('proxy-') || key.startsWith('sec-')) continue
      for (const one of Array.isArray(value) ? value : [value]) list.push([name, one])
    }
    return list
  }
}

/**
 * Node's `IncomingMessage` for a response: a `Readable` of the body (`Buffer` chunks, strings
 * after `setEncoding`) with `statusCode`, `statusMessage`, `headers`, `rawHeaders`,
 * `headersDistinct`, `httpVersion`, `complete`, `url`, `method`.
 */
export class IncomingMessage extends Readable {
  /** @type {ReadableStreamDefaultReader<Uint8Array> | null} */
  #reader = null
  /** @type {(() => void) | null} */
  #onProgress = null

  /**
   * @param {{ response?: Response, url?: string, method?: string | null,
   *           onProgress?: () => void }} [options]
   */
  constructor (options = {}) {
    // Closed by its request once the body ended (the request closes first, as Node's).
    super({ autoDestroy: false })
    const response = options.response
    this.statusCode = response?.status ?? 0
    this.statusMessage = response ? (response.statusText || STATUS_CODES[response.status] || '') : ''
    /** @type {Record<string, string | string[]>} */
    this.headers = Object.create(null)
    /** @type {Record<string, string[]>} */
    this.headersDistinct = Object.create(null)
    /** @type {string[]} */
    this.rawHeaders = []
    if (response) {
      for (const [name, value] of response.headers) {
        this.headers[name] = value
        this.headersDistinct[name] = [value]
        this.rawHeaders.push(name, value)
      }
      const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : []
      if (cookies.length) this.headers['set-cookie'] = cookies
    }
    this.trailers = Object.create(null)
    this.trailersDistinct = Object.create(null)
    /** @type {string[]} */
    this.rawTrailers = []
    this.httpVersionMajor = 1
    this.httpVersionMinor = 1
    this.httpVersion = '1.1'
    this.complete = false
    this.url = options.url ?? ''
    this.method = options.method ?? null
    this.aborted = false
    this.#reader = response?.body ? response.body.getReader() : null
    this.#onProgress = options.onProgress ?? null
  }

  get status () { return this.statusCode }
  get statusText () { return this.statusMessage }
  get socket () { return this }
  get connection () { return this }

  /** @param {string} name */
  getHeader (name) { return this.headers[String(name).toLowerCase()] }
  getHeaderNames () { return Object.keys(this.headers) }
  getRawHeaderNames () { return this.rawHeaders.filter((_, index) => index % 2 === 0) }
  getHeaders () { return { ...this.headers } }
  /** @param {string} name */
  hasHeader (name) { return String(name).toLowerCase() in this.headers }

  /**
   * @param {number} ms
   * @param {() => void} [callback]
   * @returns {this}
   */
  setTimeout (ms, callback) {
    const timer = setTimeout(() => { this.emit('timeout'); callback?.() }, ms)
    this.once('close', () => clearTimeout(timer))
    return this
  }

  /** @param {number} _size */
  _read (_size) {
    const reader = this.#reader
    if (!reader) {
      this.complete = true
      this.push(null)
      return
    }
    reader.read().then(({ done, value }) => {
      this.#onProgress?.()
      if (done) {
        this.complete = true
        this.push(null)
      } else {
        this.push(OroBuffer.from(value.buffer, value.byteOffset, value.byteLength))
      }
    }, () => {
      this.destroy(coded(new Error('aborted'), 'ECONNRESET'))
    })
  }

  /**
   * @param {Error | null} error
   * @param {(error: Error | null) => void} callback
   */
  _destroy (error, callback) {
    if (!this.complete) {
      this.aborted = true
      this.emit('aborted')
      this.#reader?.cancel().catch(() => {})
    }
    // As Node's: the error is emitted only to a listener (an unread body cut short is common).
    callback(this.listenerCount('error') > 0 ? error : null)
  }
}

/**
 * @typedef {object} RequestOptions
 * @property {string} [protocol] `'http:'` or `'https:'`
 * @property {string} [host]
 * @property {string} [hostname]
 * @property {number | string} [port]
 * @property {string} [path] path and query, default `'/'`
 * @property {string} [method] default `'GET'`
 * @property {Record<string, string | number | string[]> | string[]} [headers]
 * @property {string} [auth] `'user:password'`, sent as Basic authorization
 * @property {Agent | false} [agent]
 * @property {number} [timeout] ms without progress before `timeout`
 * @property {AbortSignal} [signal]
 * @property {number} [defaultPort]
 * @property {boolean} [setHost] Node's; the browser always sends `Host`
 */

/**
 * The request `request()` answers: write the body, `end()` sends it; `response` gives an
 * `IncomingMessage`.
 */
export class ClientRequest extends OutgoingMessage {
  /** @type {Uint8Array[]} */
  #chunks = []
  #controller = new AbortController()
  #url
  #responded = false
  #socketEmitted = false
  /** @type {IncomingMessage | null} */
  #response = null

  /**
   * @param {string | URL | RequestOptions} input
   * @param {RequestOptions | ((res: IncomingMessage) => void)} [options]
   * @param {(res: IncomingMessage) => void} [callback]
   * @param {Agent} [fallbackAgent] the module's default agent (`oro:https` passes its own)
   */
  constructor (input, options = undefined, callback = undefined, fallbackAgent = globalAgent) {
    super()
    if (typeof options === 'function') { callback = options; options = undefined }
    /** @type {RequestOptions} */
    let merged
    if (typeof input === 'string' || input instanceof URL) {
      merged = { ...urlOptions(new URL(String(input))), ...(options ?? {}) }
    } else {
      merged = { ...(input ?? {}), ...(options ?? {}) }
    }
    const agent = merged.agent === undefined || merged.agent === null ? fallbackAgent : (merged.agent || fallbackAgent)
    const protocol = merged.protocol ?? agent.protocol
    if (protocol !== agent.protocol) {
      throw coded(new TypeError(`Protocol "${protocol}" not supported. Expected "${agent.protocol}"`), 'ERR_INVALID_PROTOCOL')
    }
    const method = (merged.method ?? 'GET').toUpperCase()
    validateHeaderName(method, 'Method')
    if (method === 'CONNECT' || method === 'TRACE' || method === 'TRACK') {
      throw new NotSupportedError(`The page's fetch cannot send ${method} requests`)
    }
    const path = merged.path ?? '/'
    if (/[\u0000-\u0020]/.test(path)) {
      throw coded(new TypeError('Request path contains unescaped characters'), 'ERR_UNESCAPED_CHARACTERS')
    }
    const hostname = merged.hostname ?? (merged.host ?? 'localhost').replace(/:\d+$/, '')
    const port = Number(merged.port ?? merged.defaultPort ?? (protocol === 'https:' ? 443 : agent.defaultPort))
    const bracketed = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname
    this.#url = new URL(`${protocol}//${bracketed}:${port}${path.startsWith('/') ? path : '/' + path}`)
    this.method = method
    this.path = path
    this.host = hostname
    this.protocol = protocol
    this.agent = agent
    this.aborted = false
    this.reusedSocket = false
    this.maxHeadersCount = null
    const headers = merged.headers ?? {}
    if (Array.isArray(headers)) {
      for (let index = 0; index + 1 < headers.length; index += 2) this.appendHeader(headers[index], headers[index + 1])
    } else {
      for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) this.setHeader(name, /** @type {string} */ (value))
      }
    }
    if (merged.setHost !== false && !this.hasHeader('host')) {
      const defaultPort = protocol === 'https:' ? 443 : 80
      this.setHeader('Host', port === defaultPort ? bracketed : `${bracketed}:${port}`)
    }
    if (merged.auth && !this.hasHeader('authorization')) {
      this.setHeader('Authorization', `Basic ${OroBuffer.from(merged.auth).toString('base64')}`)
    }
    if (merged.signal) {
      const signal = merged.signal
      if (signal.aborted) queueMicrotask(() => this.destroy(abortError(signal)))
      else signal.addEventListener('abort', () => this.destroy(abortError(signal)), { once: true })
    }
    if (typeof callback === 'function') this.once('response', callback)
    if (merged.timeout !== undefined) this.setTimeout(merged.timeout)
    queueMicrotask(() => this.#emitSocket())
  }

  /** `socket` comes first, as Node's (before `prefinish`/`finish`), whichever asks first. */
  #emitSocket () {
    if (this.#socketEmitted || this.destroyed) return
    this.#socketEmitted = true
    this.emit('socket', this)
  }

  /** The absolute URL the request goes to (not in Node). */
  get url () { return this.#url.href }
  get finished () { return this.writableEnded }

  /** @returns {this} */
  setNoDelay () { return this }
  /** @returns {this} */
  setSocketKeepAlive () { return this }

  /** Node's deprecated `abort()`: emits `abort` and ends the request without an error. */
  abort () {
    if (this.aborted) return
    this.aborted = true
    // Node emits `abort` after `close`.
    this.once('close', () => this.emit('abort'))
    this.destroy()
  }

  /**
   * @param {any} chunk
   * @param {string} encoding
   * @param {(error?: Error | null) => void} callback
   */
  _write (chunk, encoding, callback) {
    this.headersSent = true
    this.#chunks.push(typeof chunk === 'string' ? OroBuffer.from(chunk, /** @type {any} */ (encoding)) : chunk)
    callback()
  }

  /** @param {(error?: Error | null) => void} callback */
  _final (callback) {
    this.headersSent = true
    // A turn later, so that a `destroy()` right after `end()` stops the request before it goes
    // out (and before `finish`), as Node's does.
    queueMicrotask(() => {
      if (this.destroyed) return
      this.#emitSocket()
      this.#send(callback)
    })
  }

  /**
   * Send the request. `finish` (the `_final` callback) comes once fetch has an answer, so a
   * request that never reached a server fails without `finish`, as Node's.
   * @param {(error?: Error | null) => void} finished
   */
  #send (finished) {
    const size = this.#chunks.reduce((total, chunk) => total + chunk.byteLength, 0)
    /** @type {Uint8Array | undefined} */
    let body
    if (size > 0) {
      if (this.method === 'GET' || this.method === 'HEAD') {
        this.destroy(coded(new TypeError(`The page's fetch cannot send a body with ${this.method}`), 'ERR_NOT_SUPPORTED'))
        return
      }
      body = new Uint8Array(size)
      let at = 0
      for (const chunk of this.#chunks) { body.set(chunk, at); at += chunk.byteLength }
    }
    this.#chunks = []
    this._touch()
    fetch(this.#url, {
      method: this.method,
      headers: this._headerList(),
      body: /** @type {BodyInit | undefined} */ (body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'follow',
      signal: this.#controller.signal
    }).then((response) => {
      if (this.destroyed) {
        response.body?.cancel().catch(() => {})
        return
      }
      this.#responded = true
      finished()
      // As Node's, a response's `url` is '' and its `method` null (they describe requests).
      const res = new IncomingMessage({ response, onProgress: () => this._touch() })
      this.#response = res
      res.once('end', () => {
        this._untouch()
        // As Node's: the request closes once the response body ended, then the response.
        queueMicrotask(() => { this.destroy(); queueMicrotask(() => res.destroy()) })
      })
      const deliver = () => { if (!this.emit('response', res)) res.resume() }
      if (this.writableFinished) deliver()
      else this.once('finish', deliver)
    }, (error) => {
      if (this.destroyed) return
      this.destroy(networkError(error, this.#url))
    })
  }

  /**
   * @param {Error | null} error
   * @param {(error: Error | null) => void} callback
   */
  _destroy (error, callback) {
    this._untouch()
    this.#controller.abort()
    const response = this.#response
    if (!this.#responded && !error && !this.aborted) {
      // Node: a request destroyed before its response is a "socket hang up".
      error = coded(new Error('socket hang up'), 'ECONNRESET')
    }
    if (response && !response.complete && !response.destroyed) {
      response.destroy(coded(new Error('aborted'), 'ECONNRESET'))
    }
    callback(error)
  }
}

/**
 * Node's `AbortError` for a request whose `signal` fired.
 * @param {AbortSignal} signal
 */
function abortError (signal) {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' })
}

/**
 * A failed `fetch` as a Node-style error with code `ERR_NETWORK`: the browser does not say why
 * (a refused connection, a DNS or TLS failure, a CORS or CSP refusal all look alike), so there
 * is no `ECONNREFUSED`/`ENOTFOUND` to give.
 * @param {unknown} error
 * @param {URL} url
 */
function networkError (error, url) {
  const message = error instanceof Error ? error.message : String(error)
  return Object.assign(new Error(`request to ${url.href} failed: ${message}`, { cause: error }), {
    code: 'ERR_NETWORK',
    syscall: 'fetch',
    hostname: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  })
}

/**
 * Node's `urlToHttpOptions` for the parts `request` reads.
 * @param {URL} url
 * @returns {RequestOptions}
 */
function urlOptions (url) {
  /** @type {RequestOptions} */
  const options = {
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    path: `${url.pathname || '/'}${url.search}`
  }
  if (url.port !== '') options.port = Number(url.port)
  if (url.username || url.password) options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
  return options
}

/**
 * Make a request; write a body and call `end()` to send it.
 * @param {string | URL | RequestOptions} input
 * @param {RequestOptions | ((res: IncomingMessage) => void)} [options]
 * @param {(res: IncomingMessage) => void} [callback]
 * @returns {ClientRequest}
 */
export function request (input, options = undefined, callback = undefined) {
  return new ClientRequest(input, options, callback)
}

/**
 * A `GET` request, already ended.
 * @param {string | URL | RequestOptions} input
 * @param {RequestOptions | ((res: IncomingMessage) => void)} [options]
 * @param {(res: IncomingMessage) => void} [callback]
 * @returns {ClientRequest}
 */
export function get (input, options = undefined, callback = undefined) {
  const req = request(input, options, callback)
  req.end()
  return req
}

const SERVERS = 'HTTP servers in a page: Oro backs them with a service worker\'s fetch events; here use oro:service-worker, or oro:net for a TCP server'

/** Not supported in a page (see `createServer`). */
export class Server extends EventEmitter {
  constructor () {
    super()
    throw new NotSupportedError(SERVERS)
  }
}

/** Not supported in a page (see `createServer`). */
export class ServerResponse extends OutgoingMessage {
  constructor () {
    super()
    throw new NotSupportedError(SERVERS)
  }
}

/** Not supported in a page (see `createServer`). */
export class Connection extends EventEmitter {
  constructor () {
    super()
    throw new NotSupportedError(SERVERS)
  }
}

/**
 * Throws `NotSupportedError`: a page cannot accept connections through `oro:http` (Oro serves
 * such servers from a service worker's fetch events; `oro:service-worker` and `oro:net`'s
 * `createServer` are the ways here).
 * @returns {never}
 */
export function createServer () {
  throw new NotSupportedError(SERVERS)
}

/** Node's `setMaxIdleHTTPParsers`: the browser parses; nothing to size. @param {number} _max */
export function setMaxIdleHTTPParsers (_max) {}

export default {
  Agent,
  AgentOptions,
  ClientRequest,
  Connection,
  IncomingMessage,
  METHODS,
  OutgoingMessage,
  STATUS_CODES,
  Server,
  ServerResponse,
  createServer,
  get,
  globalAgent,
  maxHeaderSize,
  request,
  setMaxIdleHTTPParsers,
  validateHeaderName,
  validateHeaderValue
}
