/**
 * `oro:net` (also `node:net`) — Node's `net` module for page JavaScript: TCP sockets and servers
 * of the host process.
 *
 * ```js
 * import net from 'node:net'
 * const socket = net.connect(7, '127.0.0.1', () => socket.end('hello'))
 * socket.on('data', (chunk) => console.log(chunk.toString()))
 * ```
 *
 * A `Socket` is a `Duplex` of `oro:stream` (Node's own stream code). Every operation is an
 * `oro:ipc` request to a route `tcp.*` (docs/tls.md): writes carry `seq` so that up to 4
 * requests / 1 MiB are in flight at once (a write's callback comes once it is in flight; a peer
 * that does not read holds the answers back, so `write()` returns `false` and `drain` follows);
 * received bytes arrive as frames on the socket's own `Conduit` and are acknowledged with
 * `tcp.ack` once emitted (never while paused), which is the host's read credit.
 * @module oro:net
 */

import { request } from 'oro:ipc'
import { EventEmitter } from 'oro:events'
import { Buffer } from 'oro:buffer'
import { Conduit } from 'oro:conduit'
import { Duplex } from 'oro:stream'
import { exceptionWithHostPort, invalidArgType, received, withCode } from 'oro:errors'
import { isIP, isIPv4, isIPv6 } from 'oro:ip'

/** Requests and bytes of writes in flight per socket (docs/tls.md). */
const MAX_WRITES_IN_FLIGHT = 4
const MAX_BYTES_IN_FLIGHT = 1024 * 1024
/** Largest body of one `tcp.write` (a bigger chunk is cut in pieces). */
const MAX_WRITE_BYTES = 256 * 1024
/** How long after a failed acknowledgement it is sent again. */
const ACK_RETRY_MS = 100

const asyncDispose = /** @type {symbol} */ (/** @type {any} */ (Symbol).asyncDispose ?? Symbol.for('nodejs.asyncDispose'))

/** Hooks `oro:tls` overrides (not part of the API). */
export const kRoute = Symbol('oro.net.route')
export const kConnectRequest = Symbol('oro.net.connectRequest')
export const kConnected = Symbol('oro.net.connected')
export const kAdopt = Symbol('oro.net.adopt')
export const kOpen = Symbol('oro.net.open')
export const kStart = Symbol('oro.net.start')
export const kListenRequest = Symbol('oro.net.listenRequest')
export const kNewSocket = Symbol('oro.net.newSocket')
export const kAccepted = Symbol('oro.net.accepted')
export const kConnectionEvent = Symbol('oro.net.connectionEvent')

// --------------------------------------------------------------------------------------------
// Node's errors
// --------------------------------------------------------------------------------------------

/**
 * Node's `validatePort` (ERR_SOCKET_BAD_PORT).
 * @param {unknown} port
 * @param {string} [name]
 * @param {boolean} [allowZero]
 * @returns {number}
 */
export function validatePort (port, name = 'Port', allowZero = true) {
  if ((typeof port !== 'number' && typeof port !== 'string') ||
      (typeof port === 'string' && port.trim().length === 0) ||
      +port !== (+port >>> 0) ||
      +port > 0xFFFF ||
      (+port === 0 && !allowZero)) {
    throw withCode(new RangeError(`${name} should be >= ${allowZero ? 0 : 1} and < 65536. Received ${received(port)}.`), 'ERR_SOCKET_BAD_PORT')
  }
  return +port | 0
}

/**
 * Node's `ErrnoException`: `<syscall> <CODE>`, with `errno`, `code`, `syscall`.
 * @param {number} errno
 * @param {string} code
 * @param {string} syscall
 */
export function errnoException (errno, code, syscall) {
  const error = /** @type {any} */ (new Error(`${syscall} ${code}`))
  error.errno = errno
  error.code = code
  error.syscall = syscall
  return error
}

/**
 * Node's error for a failed host call: system errors rebuilt as Node builds them (`connect`
 * and `listen` with address and port, `read`/`write` without), `getaddrinfo` errors, the rest
 * (Oro's `CertificateError`, `PinError`, `ERR_SSL_*`, argument errors) as they came.
 * @param {any} error
 * @param {string} [fallbackSyscall]
 * @returns {any}
 */
export function nodeError (error, fallbackSyscall) {
  if (error === null || typeof error !== 'object') return error
  if (error.syscall === 'getaddrinfo' && typeof error.code === 'string') {
    const plain = errnoException(error.errno, error.code, 'getaddrinfo')
    plain.message = `getaddrinfo ${error.code} ${error.hostname ?? ''}`.trimEnd()
    if (error.hostname !== undefined) plain.hostname = error.hostname
    return plain
  }
  if (typeof error.errno === 'number' && typeof error.code === 'string' && /^E[A-Z0-9]+$/.test(error.code)) {
    const syscall = error.syscall ?? fallbackSyscall ?? 'unknown'
    if (syscall === 'connect' || syscall === 'bind') {
      return exceptionWithHostPort(error.errno, error.code, syscall, error.address, error.port)
    }
    if (syscall === 'listen') {
      return exceptionWithHostPort(error.errno, error.code, syscall, error.address, error.port, true)
    }
    if (syscall === 'read' || syscall === 'write' || syscall === 'shutdown') {
      return errnoException(error.errno, error.code, syscall)
    }
    // handshake and the like: keep the host's words and fields
    return error
  }
  return error
}

/**
 * The error of a Conduit `error` frame (`{code, errno?, syscall?, message, detail?}`).
 * @param {Record<string, any>} options
 */
export function frameError (options) {
  /** @type {Record<string, any>} */
  let detail = {}
  if (typeof options.detail === 'string') {
    try { detail = JSON.parse(options.detail) ?? {} } catch { detail = {} }
  } else if (options.detail && typeof options.detail === 'object') {
    detail = options.detail
  }
  const type = typeof detail.type === 'string' ? detail.type : undefined
  const error = /** @type {any} */ (new Error(String(options.message ?? options.code ?? 'socket error')))
  if (type && type !== 'Error' && type !== 'ErrnoError') {
    Object.defineProperty(error, 'name', { value: type, writable: true, enumerable: false, configurable: true })
  }
  for (const [key, value] of Object.entries(detail)) {
    if (key === 'type' || key === 'message' || key === 'name' || key === 'stack') continue
    error[key] = value
  }
  error.code = String(options.code)
  if (options.errno !== undefined && options.errno !== null) error.errno = Number(options.errno)
  if (options.syscall !== undefined && options.syscall !== null) error.syscall = String(options.syscall)
  return nodeError(error)
}

function socketClosed () {
  return withCode(new Error('Socket is closed'), 'ERR_SOCKET_CLOSED')
}

function serverNotRunning () {
  return withCode(new Error('Server is not running.'), 'ERR_SERVER_NOT_RUNNING')
}

/** Node's AbortError (`ABORT_ERR`). */
export class AbortError extends Error {
  /**
   * @param {string} [message]
   * @param {{ cause?: unknown }} [options]
   */
  constructor (message = 'The operation was aborted', options = undefined) {
    super(message, options)
    this.code = 'ABORT_ERR'
    this.name = 'AbortError'
  }
}

/**
 * @param {unknown} signal
 * @param {string} name
 */
export function validateAbortSignal (signal, name) {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType(name, 'an instance of AbortSignal', signal)
  }
}

// --------------------------------------------------------------------------------------------
// Addresses
// --------------------------------------------------------------------------------------------

export { isIP, isIPv4, isIPv6 }

/** A fresh socket/server id (`[A-Za-z0-9_-]`, 32 characters). */
export function randomId () {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Call `fn`; an exception it throws is reported as uncaught without breaking the caller.
 * @param {() => void} fn
 */
function guarded (fn) {
  try {
    fn()
  } catch (error) {
    queueMicrotask(() => { throw error })
  }
}

/**
 * The bytes of a chunk the Duplex hands to `_write` (`decodeStrings: false`).
 * @param {any} chunk
 * @param {string} encoding
 * @returns {Uint8Array}
 */
function bytesOf (chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, /** @type {any} */ (encoding || 'utf8'))
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return Buffer.from(chunk)
}

/**
 * Node's `normalizeArgs` for `connect`: `(options[, cb])`, `(port[, host][, cb])`,
 * `(path[, cb])`.
 * @param {any[]} args
 * @returns {[Record<string, any>, ((...args: any[]) => void) | null]}
 */
export function normalizeArgs (args) {
  if (args.length === 0) return [{}, null]
  const arg0 = args[0]
  /** @type {Record<string, any>} */
  let options = {}
  if (typeof arg0 === 'object' && arg0 !== null) {
    options = arg0
  } else if (typeof arg0 === 'string' && Number.isNaN(Number(arg0)) === true && arg0 !== '' && !/^\s*$/.test(arg0)) {
    options.path = arg0
  } else {
    options.port = arg0
    if (args.length > 1 && typeof args[1] === 'string') options.host = args[1]
  }
  const cb = args[args.length - 1]
  return [options, typeof cb === 'function' ? cb : null]
}

// --------------------------------------------------------------------------------------------
// The socket
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} Endpoints what `tcp.connect` and a `connection` frame say
 * @property {string} [localAddress]
 * @property {number} [localPort]
 * @property {string} [localFamily]
 * @property {string} [remoteAddress]
 * @property {number} [remotePort]
 * @property {string} [remoteFamily]
 */

/** A TCP connection of the host (Node's `net.Socket`). */
export class Socket extends Duplex {
  /** The socket's id: its routes' `id` and its Conduit's. */
  id = randomId()
  /** @type {Conduit | null} */
  conduit = null
  /** `true` while connecting. */
  connecting = false
  /** @type {Server | null} the server that accepted this connection */
  server = null;
  /** @type {string} the routes' namespace: `tcp` (`tls` for oro:tls) */
  [kRoute] = 'tcp'

  /** The host has a connection of this id. */
  #open = false
  /** @type {Endpoints} */
  #ends = {}
  #seq = 0
  #inFlight = 0
  #inFlightBytes = 0
  /** `readStart` was asked for: a Conduit that connects again asks for what it missed. */
  #reading = false
  /** The offset of the next received byte; frames that arrive before their turn wait here. */
  #nextOffset = 0
  /** @type {Map<number, [Record<string, any>, Uint8Array]>} */
  #early = new Map()
  /** @type {Array<{ bytes: Uint8Array, callback: (error?: Error | null) => void }>} writes waiting for room */
  #waiting = []
  /** @type {Array<() => void>} what waits for the connection */
  #onConnect = []
  #accepted = 0
  #bytesRead = 0
  #toAck = 0
  #acking = false
  #blocked = false
  #readEnded = false
  /** @type {Promise<void> | null} the shutdown request, once `_final` sent it */
  #shutdown = null
  #hadError = false
  #closed = false
  /** @type {ReturnType<typeof setTimeout> | null} */
  #timer = null
  #timeout = 0
  /** @type {{ noDelay?: boolean, keepAlive?: boolean, keepAliveInitialDelay?: number }} */
  #socketOptions = {}
  /** @type {(() => void) | null} */
  #disposeAbort = null

  /**
   * @param {{ allowHalfOpen?: boolean, readableHighWaterMark?: number, writableHighWaterMark?: number, signal?: AbortSignal, noDelay?: boolean, keepAlive?: boolean, keepAliveInitialDelay?: number, fd?: number, handle?: unknown }} [options]
   */
  constructor (options = {}) {
    if (options === null || typeof options !== 'object') options = {}
    if (options.fd !== undefined || options.handle !== undefined) {
      throw withCode(new Error('file descriptors and handles are not available to pages'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    super({
      allowHalfOpen: Boolean(options.allowHalfOpen),
      emitClose: false,
      autoDestroy: true,
      decodeStrings: false,
      readableHighWaterMark: options.readableHighWaterMark,
      writableHighWaterMark: options.writableHighWaterMark
    })
    this.allowHalfOpen = Boolean(options.allowHalfOpen)
    if (options.noDelay) this.#socketOptions.noDelay = true
    if (options.keepAlive) {
      this.#socketOptions.keepAlive = true
      this.#socketOptions.keepAliveInitialDelay = ~~((options.keepAliveInitialDelay ?? 0))
    }
    this.on('end', () => {
      if (!this.allowHalfOpen) this.write = writeAfterFIN
    })
    const signal = options.signal
    validateAbortSignal(signal, 'options.signal')
    if (signal) this.#watchSignal(signal)
  }

  /** @param {AbortSignal} signal */
  #watchSignal (signal) {
    const onAbort = () => this.destroy(new AbortError(undefined, { cause: signal.reason }))
    if (signal.aborted) {
      queueMicrotask(onAbort)
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    this.#disposeAbort = () => signal.removeEventListener('abort', onAbort)
  }

  // ------------------------------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------------------------------

  get pending () {
    return !this.#open || this.connecting
  }

  get readyState () {
    if (this.connecting) return 'opening'
    if (this.readable && this.writable) return 'open'
    if (this.readable && !this.writable) return 'readOnly'
    if (!this.readable && this.writable) return 'writeOnly'
    return 'closed'
  }

  get remoteAddress () { return this.#ends.remoteAddress }
  get remotePort () { return this.#ends.remotePort }
  get remoteFamily () { return this.#ends.remoteFamily }
  get localAddress () { return this.#ends.localAddress }
  get localPort () { return this.#ends.localPort }
  get localFamily () { return this.#ends.localFamily }
  get bytesRead () { return this.#bytesRead }
  get bytesWritten () { return this.#accepted + this.writableLength }
  get bufferSize () { return this.writableLength }
  get timeout () { return this.#timeout || undefined }

  /** @returns {{ address: string, family: string, port: number } | {}} the local end */
  address () {
    if (!this.#open || this.#ends.localAddress === undefined) return {}
    return { address: this.#ends.localAddress, family: /** @type {string} */ (this.#ends.localFamily), port: /** @type {number} */ (this.#ends.localPort) }
  }

  // ------------------------------------------------------------------------------------------
  // Connecting
  // ------------------------------------------------------------------------------------------

  /**
   * `connect(options[, listener])` or `connect(port[, host][, listener])`.
   * @param {...any} args
   * @returns {this}
   */
  connect (...args) {
    const [options, listener] = normalizeArgs(args)
    if (options.path !== undefined && options.path !== null) {
      throw withCode(new Error('IPC (path) sockets are not available to pages'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    if (this.connecting || this.#open) {
      throw withCode(new Error('Socket is already connecting or connected'), 'ERR_SOCKET_CONNECTING')
    }
    if (this.destroyed) {
      // Node revives a destroyed socket; a page socket's id is gone with it.
      throw socketClosed()
    }
    if (options.port === undefined && options.path == null) {
      throw withCode(new TypeError('The "options" or "port" or "path" argument must be specified'), 'ERR_MISSING_ARGS')
    }
    const host = options.host === undefined || options.host === null ? 'localhost' : options.host
    if (typeof host !== 'string') throw invalidArgType('hostname', 'of type string', host)
    const { localAddress, localPort } = options
    if (localAddress && !isIP(localAddress)) {
      throw withCode(new TypeError(`Invalid IP address: ${localAddress}`), 'ERR_INVALID_IP_ADDRESS')
    }
    if (localPort !== undefined && localPort !== null && typeof localPort !== 'number') {
      throw invalidArgType('options.localPort', 'of type number', localPort)
    }
    const port = options.port
    if (typeof port !== 'number' && typeof port !== 'string') {
      throw invalidArgType('options.port', 'one of type number or string', port)
    }
    const number = validatePort(port)
    const family = options.family
    if (family !== undefined && family !== null && family !== 0 && family !== 4 && family !== 6) {
      throw withCode(new TypeError(`The property 'options.family' must be one of: 0, 4, 6. Received ${typeof family === 'string' ? `'${family}'` : String(family)}`), 'ERR_INVALID_ARG_VALUE')
    }
    if (options.timeout !== undefined) this.setTimeout(options.timeout)
    if (options.noDelay) this.#socketOptions.noDelay = true
    if (options.keepAlive) {
      this.#socketOptions.keepAlive = true
      this.#socketOptions.keepAliveInitialDelay = ~~(options.keepAliveInitialDelay ?? 0)
    }
    if (options.signal !== undefined) {
      validateAbortSignal(options.signal, 'options.signal')
      if (this.#disposeAbort === null) this.#watchSignal(options.signal)
    }
    if (listener) this.once('connect', listener)
    this.connecting = true
    this.#run(options, host, number)
    return this
  }

  /**
   * The connect request and what follows it.
   * @param {Record<string, any>} options
   * @param {string} host
   * @param {number} port
   */
  async #run (options, host, port) {
    // The Conduit's WebSocket opens while the connect request runs; 'connect' does not wait
    // for it (only reading does), as Node's does not wait for the first byte.
    this[kOpen]()
    /** @type {any} */
    let reply
    try {
      reply = await this[kConnectRequest]({
        id: this.id,
        port,
        address: host,
        family: options.family || undefined,
        localAddress: options.localAddress || undefined,
        localPort: options.localPort || undefined,
        noDelay: this.#socketOptions.noDelay || undefined,
        keepAlive: this.#socketOptions.keepAlive || undefined,
        keepAliveInitialDelay: this.#socketOptions.keepAlive ? this.#socketOptions.keepAliveInitialDelay : undefined
      }, options)
    } catch (error) {
      this.connecting = false
      if (!this.destroyed) this.destroy(nodeError(error, 'connect'))
      return
    }
    if (this.destroyed) {
      // Aborted or destroyed while connecting: the host made the connection; close it.
      request(`${this[kRoute]}.close`, { id: this.id }).catch(() => {})
      return
    }
    this.#open = true
    this[kConnected](reply, host)
  }

  /**
   * Open the socket's Conduit (frames arrive on it from `readStart` on).
   * @returns {Conduit}
   */
  [kOpen] () {
    if (this.conduit) return this.conduit
    const conduit = new Conduit({ id: this.id })
    conduit.receive((error, message) => {
      if (error === null) this.#frame(message.options, message.payload)
    })
    // Frames in flight when a Conduit goes away are lost: after it is back, ask for what
    // follows the last byte handled (the host keeps what the page has not acknowledged).
    conduit.addEventListener('open', () => {
      if (this.#reading && !this.destroyed) this.#requestReading(this.#nextOffset)
    })
    conduit.connected.catch(() => { if (!this.#closed) conduit.reconnect().catch(() => {}) })
    this.conduit = conduit
    return conduit
  }

  /**
   * The connect request (`oro:tls` sends `tls.connect`).
   * @param {Record<string, any>} params
   * @param {Record<string, any>} _options
   * @returns {Promise<any>}
   */
  [kConnectRequest] (params, _options) {
    return request('tcp.connect', params, { timeout: 0 })
  }

  /**
   * The connection is made: its ends, reading, `lookup`, `connect` and `ready`.
   * @param {any} reply
   * @param {string} [host] the name the page connected to
   */
  [kConnected] (reply, host) {
    this.#setEnds(reply)
    this.connecting = false
    this.#startReading()
    if (host !== undefined && !isIP(host)) {
      this.emit('lookup', null, reply.remoteAddress, reply.remoteFamily === 'IPv6' ? 6 : 4, host)
    }
    this.#touch()
    this.emit('connect')
    this.emit('ready')
    const waiting = this.#onConnect
    this.#onConnect = []
    for (const run of waiting) run()
  }

  /**
   * Take over a connection the host accepted (a server's `connection` frame).
   * @param {Record<string, any>} frame
   */
  [kAdopt] (frame) {
    this.id = String(frame.id)
    this.#open = true
    this.#setEnds(frame)
    this[kOpen]()
  }

  /** Start reading an adopted connection. */
  [kStart] () {
    this.#startReading()
    this.#touch()
  }

  /** @param {any} reply */
  #setEnds (reply) {
    this.#ends = {
      localAddress: reply.localAddress,
      localPort: reply.localPort === undefined ? undefined : Number(reply.localPort),
      localFamily: reply.localFamily,
      remoteAddress: reply.remoteAddress,
      remotePort: reply.remotePort === undefined ? undefined : Number(reply.remotePort),
      remoteFamily: reply.remoteFamily
    }
  }

  /** Ask for the socket's bytes once its Conduit is up: no frame can arrive before the page
   * listens on it. */
  async #startReading () {
    await this.conduit?.connected.catch(() => {})
    if (this.destroyed) return
    this.#reading = true
    this.#requestReading()
  }

  /** @param {number} [offset] where the page's bytes go on from (after a reconnect) */
  #requestReading (offset) {
    request(`${this[kRoute]}.readStart`, { id: this.id, offset }).catch((error) => {
      if (!this.destroyed) this.destroy(nodeError(error))
    })
  }

  // ------------------------------------------------------------------------------------------
  // Reading
  // ------------------------------------------------------------------------------------------

  /**
   * One frame of the socket's Conduit.
   * @param {Record<string, any>} options
   * @param {Uint8Array} payload
   */
  #frame (options, payload) {
    // Nothing follows the peer's end but a copy of it (the host sends it again after a
    // reconnect, as it may have been lost with the Conduit).
    if (this.destroyed || this.#readEnded) return
    // Frames come over the socket's Conduit, or the page's event stream while it is not
    // connected: two channels that may overtake each other. `offset` (the bytes before the
    // frame) puts them back in the order the host read them.
    if (options.offset !== undefined) {
      const offset = Number(options.offset)
      if (offset !== this.#nextOffset) {
        if (offset > this.#nextOffset) this.#early.set(offset, [options, payload])
        return
      }
      this.#nextOffset += options.event === 'data' ? payload.byteLength : 0
    }
    this.#handle(options, payload)
    const early = this.#early.get(this.#nextOffset)
    if (early !== undefined) {
      this.#early.delete(this.#nextOffset)
      this.#frame(early[0], early[1])
    }
  }

  /**
   * @param {Record<string, any>} options
   * @param {Uint8Array} payload
   */
  #handle (options, payload) {
    switch (options.event) {
      case 'data': {
        const chunk = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
        this.#bytesRead += chunk.length
        this.#toAck += chunk.length
        this.#touch()
        const more = this.push(chunk)
        if (!more) this.#blocked = true
        this.#ack()
        break
      }
      case 'end':
        this.#readEnded = true
        // Our FIN's answer and the peer's FIN travel apart: as in Node, `finish` (our shutdown
        // done) comes before an `end` the peer sent in answer to it.
        if (this.#shutdown) this.#shutdown.then(() => { if (!this.destroyed) this.push(null) })
        else this.push(null)
        break
      case 'error':
        this.#hadError = true
        this.destroy(frameError(options))
        break
      default:
        break
    }
  }

  /** Give the host its credit back: one `ack` in flight, with what was emitted meanwhile. */
  #ack () {
    if (this.#acking || this.#blocked || this.#toAck === 0 || !this.#open || this.destroyed) return
    const bytes = this.#toAck
    this.#toAck = 0
    this.#acking = true
    request(`${this[kRoute]}.ack`, { id: this.id, bytes }).then(
      () => { this.#acking = false; this.#ack() },
      (error) => {
        this.#acking = false
        // The host did not hear of these bytes: its read window would stay short of them for
        // good, and once it fills the socket stalls. They go again with the next ones, or
        // after a moment if none come; a socket the host no longer has is closed anyway.
        if (this.destroyed || error?.code === 'ERR_SOCKET_CLOSED') return
        this.#toAck += bytes
        setTimeout(() => this.#ack(), ACK_RETRY_MS)
      }
    )
  }

  /** The Duplex wants more: bytes it consumed may be acknowledged. */
  _read () {
    this.#blocked = false
    this.#ack()
  }

  // ------------------------------------------------------------------------------------------
  // Writing
  // ------------------------------------------------------------------------------------------

  /**
   * Run `fn` once connected (at once if connected).
   * @param {() => void} fn
   * @param {(error: Error) => void} fail
   */
  #whenConnected (fn, fail) {
    if (this.#open && !this.connecting) fn()
    else if (this.connecting) this.#onConnect.push(fn)
    else fail(socketClosed())
  }

  /**
   * @param {any} chunk
   * @param {string} encoding
   * @param {(error?: Error | null) => void} callback
   */
  _write (chunk, encoding, callback) {
    const bytes = bytesOf(chunk, encoding)
    this.#whenConnected(() => this.#queue(bytes, callback), callback)
  }

  /**
   * @param {Array<{ chunk: any, encoding: string }>} chunks
   * @param {(error?: Error | null) => void} callback
   */
  _writev (chunks, callback) {
    const parts = chunks.map(({ chunk, encoding }) => bytesOf(chunk, encoding))
    const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    this.#whenConnected(() => this.#queue(bytes, callback), callback)
  }

  /**
   * Cut `bytes` into requests; `callback` once the last one is in flight.
   * @param {Uint8Array} bytes
   * @param {(error?: Error | null) => void} callback
   */
  #queue (bytes, callback) {
    this.#touch()
    if (bytes.byteLength === 0) {
      callback()
      return
    }
    for (let offset = 0; offset < bytes.byteLength; offset += MAX_WRITE_BYTES) {
      const piece = bytes.subarray(offset, offset + MAX_WRITE_BYTES)
      const last = offset + MAX_WRITE_BYTES >= bytes.byteLength
      this.#waiting.push({ bytes: piece, callback: last ? callback : () => {} })
    }
    this.#pump()
  }

  /** Send what waits while the window has room. */
  #pump () {
    while (this.#waiting.length > 0 && !this.destroyed) {
      const next = this.#waiting[0]
      const size = next.bytes.byteLength
      if (this.#inFlight >= MAX_WRITES_IN_FLIGHT) return
      if (this.#inFlightBytes > 0 && this.#inFlightBytes + size > MAX_BYTES_IN_FLIGHT) return
      this.#waiting.shift()
      this.#inFlight += 1
      this.#inFlightBytes += size
      this.#accepted += size
      const seq = this.#seq++
      request(`${this[kRoute]}.write`, { id: this.id, order: seq }, { method: 'POST', body: next.bytes, timeout: 0 }).then(
        () => {
          this.#inFlight -= 1
          this.#inFlightBytes -= size
          this.#touch()
          this.#pump()
        },
        (error) => {
          this.#inFlight -= 1
          this.#inFlightBytes -= size
          if (!this.destroyed) this.destroy(nodeError(error, 'write'))
        }
      )
      next.callback()
    }
  }

  /** @param {(error?: Error | null) => void} callback */
  _final (callback) {
    this.#whenConnected(() => {
      const seq = this.#seq++
      this.#shutdown = request(`${this[kRoute]}.shutdown`, { id: this.id, order: seq }, { timeout: 0 }).then(
        () => callback(),
        (error) => callback(nodeError(error, 'shutdown'))
      )
    }, () => callback())
  }

  // ------------------------------------------------------------------------------------------
  // Closing
  // ------------------------------------------------------------------------------------------

  /**
   * @param {Error | null} error
   * @param {(error: Error | null) => void} callback
   */
  _destroy (error, callback) {
    this.connecting = false
    this.#clearTimer()
    this.#disposeAbort?.()
    this.#disposeAbort = null
    this.#waiting = []
    this.#onConnect = []
    const hadError = Boolean(error) || this.#hadError
    const wasOpen = this.#open
    this.#open = false
    callback(error)
    const done = () => {
      this.#closed = true
      try {
        this.conduit?.close()
      } catch {}
      this.emit('close', hadError)
    }
    if (wasOpen) {
      request(`${this[kRoute]}.close`, { id: this.id }).then(done, done)
    } else {
      // As Node's handle closes: after the `error` event and what it started.
      setTimeout(done, 0)
    }
  }

  /** Node's `resetAndDestroy()`: without RST control a plain `destroy()`. */
  resetAndDestroy () {
    return this.destroy()
  }

  /** Close after the writes (`end()`), as Node's `destroySoon`. */
  destroySoon () {
    if (this.writable) this.end()
    if (this.writableFinished) this.destroy()
    else this.once('finish', () => this.destroy())
  }

  async [asyncDispose] () {
    if (this.destroyed && this.#closed) return
    await new Promise((resolve) => {
      this.once('close', resolve)
      this.destroy()
    })
  }

  // ------------------------------------------------------------------------------------------
  // Options
  // ------------------------------------------------------------------------------------------

  /**
   * Close after `msecs` of inactivity: a page-side timer that emits `timeout` (the socket
   * stays open, as in Node).
   * @param {number} msecs 0 turns it off
   * @param {() => void} [callback] a `timeout` listener
   */
  setTimeout (msecs, callback) {
    if (typeof msecs !== 'number') throw invalidArgType('msecs', 'of type number', msecs)
    if (msecs < 0 || !Number.isFinite(msecs)) {
      throw withCode(new RangeError(`The value of "msecs" is out of range. It must be a non-negative finite number. Received ${msecs}`), 'ERR_OUT_OF_RANGE')
    }
    this.#timeout = msecs
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback)
      if (msecs === 0) this.removeListener('timeout', callback)
      else this.once('timeout', callback)
    }
    this.#touch()
    return this
  }

  /** Restart the idle timer (activity). */
  #touch () {
    this.#clearTimer()
    if (this.#timeout > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => {
        this.#timer = null
        this.emit('timeout')
      }, this.#timeout)
    }
  }

  #clearTimer () {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }

  /** @param {boolean} [noDelay] */
  setNoDelay (noDelay = true) {
    const on = Boolean(noDelay)
    this.#socketOptions.noDelay = on
    if (this.#open && !this.connecting) {
      request(`${this[kRoute]}.setNoDelay`, { id: this.id, on }).catch(() => {})
    }
    return this
  }

  /**
   * @param {boolean} [enable]
   * @param {number} [initialDelay] ms
   */
  setKeepAlive (enable = false, initialDelay = 0) {
    const on = Boolean(enable)
    const delay = ~~(initialDelay ?? 0)
    this.#socketOptions.keepAlive = on
    this.#socketOptions.keepAliveInitialDelay = delay
    if (this.#open && !this.connecting) {
      request(`${this[kRoute]}.setKeepAlive`, { id: this.id, on, delay }).catch(() => {})
    }
    return this
  }

  /** No effect in a page (nothing keeps a page alive). */
  ref () { return this }
  /** No effect in a page. */
  unref () { return this }
}

/**
 * Node's `write` after the peer ended a socket that does not allow half-open.
 * @this {Socket}
 * @param {any} _chunk
 * @param {any} [encoding]
 * @param {any} [callback]
 */
function writeAfterFIN (_chunk, encoding, callback) {
  if (typeof encoding === 'function') callback = encoding
  const error = withCode(new Error('This socket has been ended by the other party'), 'EPIPE')
  if (typeof callback === 'function') queueMicrotask(() => callback(error))
  this.destroy(error)
  return false
}

/**
 * A connected socket: `connect(options[, listener])` / `connect(port[, host][, listener])`.
 * @param {...any} args
 * @returns {Socket}
 */
export function connect (...args) {
  const [options, listener] = normalizeArgs(args)
  const socket = new Socket(options)
  return listener ? socket.connect(options, listener) : socket.connect(options)
}

export const createConnection = connect

// --------------------------------------------------------------------------------------------
// The server
// --------------------------------------------------------------------------------------------

/**
 * Node's listen arguments: `(port[, host][, backlog][, cb])`, `(options[, cb])`, `([cb])`.
 * @param {any[]} args
 * @returns {[Record<string, any>, ((...args: any[]) => void) | null]}
 */
function listenArgs (args) {
  const last = args[args.length - 1]
  const cb = typeof last === 'function' ? last : null
  const rest = cb ? args.slice(0, -1) : args
  if (rest.length === 0 || rest[0] === undefined || rest[0] === null) return [{ port: 0 }, cb]
  if (typeof rest[0] === 'object') return [{ ...rest[0] }, cb]
  /** @type {Record<string, any>} */
  const options = { port: rest[0] }
  if (typeof rest[1] === 'string') {
    options.host = rest[1]
    if (typeof rest[2] === 'number') options.backlog = rest[2]
  } else if (typeof rest[1] === 'number') {
    options.backlog = rest[1]
  }
  return [options, cb]
}

/** A TCP server of the host (Node's `net.Server`); it accepts by itself. */
export class Server extends EventEmitter {
  /** The server's id: its routes' `id` and its Conduit's. */
  id = randomId()
  /** @type {Conduit | null} */
  conduit = null
  /** @type {number | undefined} page-side: connections over it are closed (`drop`) */
  maxConnections = undefined;
  /** @type {string} the routes' namespace: `tcp` (`tls` for oro:tls) */
  [kRoute] = 'tcp'

  /** @type {{ address: string, family: string, port: number } | null} */
  #address = null
  #listening = false
  #closing = false
  #starting = false
  /** @type {Set<Socket>} */
  #connections = new Set()
  /** @type {Record<string, any>} */
  #options

  /**
   * @param {Record<string, any> | ((socket: Socket) => void)} [options]
   * @param {(socket: Socket) => void} [connectionListener]
   */
  constructor (options, connectionListener) {
    super()
    if (typeof options === 'function') {
      connectionListener = options
      options = {}
    } else if (options === undefined || options === null) {
      options = {}
    } else if (typeof options !== 'object') {
      throw invalidArgType('options', 'of type object', options)
    }
    this.#options = options
    this.allowHalfOpen = Boolean(options.allowHalfOpen)
    this.pauseOnConnect = Boolean(options.pauseOnConnect)
    if (connectionListener) this.on(this[kConnectionEvent](), connectionListener)
  }

  /** The event a connection listener listens to (`secureConnection` for TLS). */
  [kConnectionEvent] () {
    return 'connection'
  }

  get listening () {
    return this.#listening
  }

  /** @returns {{ address: string, family: string, port: number } | null} */
  address () {
    return this.#listening && this.#address ? { ...this.#address } : null
  }

  /**
   * `listen(port[, host][, backlog][, cb])`, `listen(options[, cb])`, `listen([cb])`.
   * @param {...any} args
   * @returns {this}
   */
  listen (...args) {
    const [options, cb] = listenArgs(args)
    if (this.#listening || this.#starting) {
      throw withCode(new Error('Listen method has been called more than once without closing.'), 'ERR_SERVER_ALREADY_LISTEN')
    }
    if (options.path !== undefined) {
      throw withCode(new Error('IPC (path) servers are not available to pages'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    if (options.fd !== undefined || options.handle !== undefined) {
      throw withCode(new Error('file descriptors and handles are not available to pages'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    const port = options.port === undefined || options.port === null ? 0 : validatePort(options.port, 'options.port')
    if (options.host !== undefined && options.host !== null && typeof options.host !== 'string') {
      throw invalidArgType('options.host', 'of type string', options.host)
    }
    if (options.signal !== undefined) {
      validateAbortSignal(options.signal, 'options.signal')
      const signal = /** @type {AbortSignal} */ (options.signal)
      if (signal.aborted) {
        queueMicrotask(() => this.close())
      } else {
        signal.addEventListener('abort', () => this.close(), { once: true })
      }
    }
    if (cb) this.once('listening', cb)
    this.#starting = true
    this.#closing = false
    this.#start(options, port)
    return this
  }

  /**
   * @param {Record<string, any>} options
   * @param {number} port
   */
  async #start (options, port) {
    const conduit = new Conduit({ id: this.id })
    conduit.receive((error, message) => {
      if (error === null) this.#frame(message.options)
    })
    conduit.connected.catch(() => { if (this.#starting || this.#listening) conduit.reconnect().catch(() => {}) })
    this.conduit = conduit
    await conduit.connected.catch(() => {})
    let reply
    try {
      reply = await this[kListenRequest]({
        id: this.id,
        port,
        address: options.host || undefined,
        backlog: options.backlog,
        ipv6Only: options.ipv6Only || undefined
      })
    } catch (error) {
      this.#starting = false
      conduit.close()
      this.conduit = null
      const failure = /** @type {any} */ (error)
      this.emit('error', nodeError(failure, 'listen'))
      return
    }
    this.#starting = false
    if (this.#closing) {
      await request(`${this[kRoute]}.close`, { id: this.id }).catch(() => {})
      conduit.close()
      this.conduit = null
      this.#emitCloseIfDrained()
      return
    }
    this.#address = { address: reply.address, family: reply.family, port: Number(reply.port) }
    this.#listening = true
    this.emit('listening')
  }

  /**
   * The routes that make a listening server (`oro:tls`: `tls.server.create` + `listen`).
   * @param {Record<string, any>} params
   * @returns {Promise<any>}
   */
  [kListenRequest] (params) {
    return request('tcp.listen', params)
  }

  /**
   * A frame of the server's Conduit.
   * @param {Record<string, any>} options
   */
  #frame (options) {
    switch (options.event) {
      case 'connection': {
        const socket = this[kNewSocket]()
        socket[kAdopt](options)
        socket.server = this
        if (this.#closing || !this.#listening ||
            (this.maxConnections !== undefined && this.maxConnections !== null && this.#connections.size >= this.maxConnections)) {
          if (!this.#closing) {
            this.emit('drop', {
              localAddress: options.localAddress,
              localPort: Number(options.localPort),
              localFamily: options.localFamily,
              remoteAddress: options.remoteAddress,
              remotePort: Number(options.remotePort),
              remoteFamily: options.remoteFamily
            })
          }
          socket.destroy()
          return
        }
        this.#connections.add(socket)
        socket.once('close', () => {
          this.#connections.delete(socket)
          this.#emitCloseIfDrained()
        })
        this[kAccepted](socket, options)
        if (this.pauseOnConnect) socket.pause()
        socket[kStart]()
        break
      }
      case 'tlsClientError':
        this.emit('tlsClientError', frameError({ ...options, event: 'error' }), null)
        break
      case 'error':
        this.emit('error', frameError(options))
        break
      default:
        break
    }
  }

  /** @returns {Socket} */
  [kNewSocket] () {
    return new Socket({ allowHalfOpen: this.allowHalfOpen })
  }

  /**
   * An accepted socket is ready: `connection`.
   * @param {Socket} socket
   * @param {Record<string, any>} _frame
   */
  [kAccepted] (socket, _frame) {
    this.emit('connection', socket)
  }

  /**
   * Stop listening; `close` once every connection closed too.
   * @param {(error?: Error) => void} [cb]
   */
  close (cb) {
    if (typeof cb === 'function') {
      if (!this.#listening && !this.#starting) {
        this.once('close', () => cb(serverNotRunning()))
      } else {
        this.once('close', cb)
      }
    }
    if (this.#closing && !this.#listening && !this.#starting) return this
    this.#closing = true
    const wasListening = this.#listening
    this.#listening = false
    if (wasListening) {
      request(`${this[kRoute]}.close`, { id: this.id }).catch(() => {}).then(() => {
        this.conduit?.close()
        this.conduit = null
        this.#emitCloseIfDrained()
      })
    } else if (!this.#starting) {
      queueMicrotask(() => this.#emitCloseIfDrained())
    }
    return this
  }

  #emitCloseIfDrained () {
    if (!this.#closing || this.#listening || this.#starting || this.#connections.size > 0 || this.conduit) return
    this.#closing = false
    queueMicrotask(() => this.emit('close'))
  }

  /** @param {(error: Error | null, count: number) => void} cb */
  getConnections (cb) {
    const count = this.#connections.size
    queueMicrotask(() => cb(null, count))
    return this
  }

  async [asyncDispose] () {
    if (!this.#listening) return
    await new Promise((resolve) => this.close(() => resolve(undefined)))
  }

  /** No effect in a page. */
  ref () { return this }
  /** No effect in a page. */
  unref () { return this }
}

/**
 * A server: `createServer([options][, connectionListener])`.
 * @param {Record<string, any> | ((socket: Socket) => void)} [options]
 * @param {(socket: Socket) => void} [connectionListener]
 */
export function createServer (options, connectionListener) {
  return new Server(options, connectionListener)
}

/** Node's default `autoSelectFamily` (no effect: the host picks). */
let autoSelectFamily = true
let autoSelectFamilyAttemptTimeout = 250

export function getDefaultAutoSelectFamily () { return autoSelectFamily }
/** @param {boolean} value */
export function setDefaultAutoSelectFamily (value) { autoSelectFamily = Boolean(value) }
export function getDefaultAutoSelectFamilyAttemptTimeout () { return autoSelectFamilyAttemptTimeout }
/** @param {number} value */
export function setDefaultAutoSelectFamilyAttemptTimeout (value) { autoSelectFamilyAttemptTimeout = Math.max(10, value) }

export const Stream = Socket

export default {
  Socket,
  Stream,
  Server,
  connect,
  createConnection,
  createServer,
  isIP,
  isIPv4,
  isIPv6,
  getDefaultAutoSelectFamily,
  setDefaultAutoSelectFamily,
  getDefaultAutoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamilyAttemptTimeout
}
