/**
 * `oro:dgram` (also `node:dgram`) — Node's `dgram` module for page JavaScript: UDP sockets of the
 * host process, unicast, broadcast and multicast.
 *
 * ```js
 * import dgram from 'node:dgram'
 * const socket = dgram.createSocket('udp4')
 * socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address))
 * socket.bind(41234, '127.0.0.1', () => console.log(socket.address()))
 * ```
 *
 * Every operation is an `oro:ipc` request to a host route `udp.*` (docs/udp.md), made in the
 * order the page called them (one promise chain per socket). Sends made while a `udp.sendMany`
 * is in flight travel together in the next one, so datagrams leave in order without a round
 * trip each. Datagrams come back as frames on the socket's own `Conduit` (its id is the
 * socket's), or as the `conduitmessage` host event while that Conduit is not connected.
 * Errors carry Node's `code`, `errno`, `syscall`, `address` and `port`, and Node's messages.
 * @module oro:dgram
 */

import { request } from 'oro:ipc'
import { EventEmitter } from 'oro:events'
import { Buffer } from 'oro:buffer'
import { Conduit } from 'oro:conduit'
import { exceptionWithHostPort, invalidArgType, received, withCode } from 'oro:errors'
import { isIPv4 } from 'oro:ip'

const UNBOUND = 0
const BINDING = 1
const BOUND = 2

const DISCONNECTED = 0
const CONNECTING = 1
const CONNECTED = 2

/** Datagrams and bytes one `udp.sendMany` carries at most (the route takes 1024). */
const MAX_BATCH_DATAGRAMS = 1024
const MAX_BATCH_BYTES = 4 * 1024 * 1024

/** errno values the page reports itself (Linux's and macOS's numbers). */
const EBADF = -9
const EINVAL = -22

const BUFFER_TYPES = 'of type string or an instance of Buffer, TypedArray, or DataView'

const asyncDispose = /** @type {symbol} */ (/** @type {any} */ (Symbol).asyncDispose ?? Symbol.for('nodejs.asyncDispose'))

// --------------------------------------------------------------------------------------------
// Node's errors
// --------------------------------------------------------------------------------------------

// Oro's dgram exports a class per error code; the errors thrown here are instances of them
// while keeping Node's shape (`name` 'Error'/'TypeError'/'RangeError', one own key `code`).

/** Oro's base class of the socket state errors (`name` stays Node's `'Error'`). */
export class SocketError extends Error {}
Object.defineProperty(SocketError.prototype, 'name', { value: 'Error', writable: true, configurable: true })

/** `bind` on a socket already bound (or binding). */
export class ERR_SOCKET_ALREADY_BOUND extends SocketError {
  constructor () {
    super('Socket is already bound')
    this.code = 'ERR_SOCKET_ALREADY_BOUND'
  }
}

/** `connect` on a connected socket. */
export class ERR_SOCKET_DGRAM_IS_CONNECTED extends SocketError {
  constructor () {
    super('Already connected')
    this.code = 'ERR_SOCKET_DGRAM_IS_CONNECTED'
  }
}

/** `disconnect`/`remoteAddress` of a socket not connected. */
export class ERR_SOCKET_DGRAM_NOT_CONNECTED extends SocketError {
  constructor () {
    super('Not connected')
    this.code = 'ERR_SOCKET_DGRAM_NOT_CONNECTED'
  }
}

/** An operation on a closed socket. */
export class ERR_SOCKET_DGRAM_NOT_RUNNING extends SocketError {
  constructor () {
    super('Not running')
    this.code = 'ERR_SOCKET_DGRAM_NOT_RUNNING'
  }
}

/** A socket type other than `udp4`/`udp6` (a `TypeError`, as Node's). */
export class ERR_SOCKET_BAD_TYPE extends TypeError {
  constructor () {
    super('Bad socket type specified. Valid types are: udp4, udp6')
    this.code = 'ERR_SOCKET_BAD_TYPE'
  }
}

/** A port out of range (a `RangeError`, as Node's). */
export class ERR_SOCKET_BAD_PORT extends RangeError {
  /** @param {string} message */
  constructor (message) {
    super(message)
    this.code = 'ERR_SOCKET_BAD_PORT'
  }
}

/** A buffer size that is not a positive integer (a `TypeError`, as Node's). */
export class ERR_SOCKET_BAD_BUFFER_SIZE extends TypeError {
  /** @param {string} [message] */
  constructor (message = 'Buffer size must be a positive integer') {
    super(message)
    this.code = 'ERR_SOCKET_BAD_BUFFER_SIZE'
  }
}

/** @param {unknown} port @param {boolean} allowZero */
function badPort (port, allowZero) {
  return new ERR_SOCKET_BAD_PORT(`Port should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${received(port)}.`)
}

function badType () {
  return new ERR_SOCKET_BAD_TYPE()
}

function alreadyBound () {
  return new ERR_SOCKET_ALREADY_BOUND()
}

function isConnected () {
  return new ERR_SOCKET_DGRAM_IS_CONNECTED()
}

function notConnected () {
  return new ERR_SOCKET_DGRAM_NOT_CONNECTED()
}

function notRunning () {
  return new ERR_SOCKET_DGRAM_NOT_RUNNING()
}

/** Node's `SystemError` (`ERR_SOCKET_BUFFER_SIZE`). */
class SystemError extends Error {
  /**
   * @param {string} message
   * @param {string} code
   * @param {{ errno: number, code: string, message: string, syscall: string }} info
   */
  constructor (message, code, info) {
    super(message)
    this.code = code
    this.info = info
    this.errno = info.errno
    this.syscall = info.syscall
  }

  get name () { return 'SystemError' }
}

/** The system refused a buffer size (Node's `SystemError`, with `info`, `errno`, `syscall`). */
export class ERR_SOCKET_BUFFER_SIZE extends SystemError {
  /**
   * @param {string} message
   * @param {{ errno: number, code: string, message: string, syscall: string }} [info]
   */
  constructor (message, info = { errno: 0, code: 'UNKNOWN', message: '', syscall: '' }) {
    super(message, 'ERR_SOCKET_BUFFER_SIZE', info)
  }
}

/**
 * @param {number} errno
 * @param {string} code
 * @param {string} reason
 * @param {string} syscall
 */
function bufferSizeError (errno, code, reason, syscall) {
  const info = { errno, code, message: reason, syscall }
  return new ERR_SOCKET_BUFFER_SIZE(`Could not get or set buffer size: ${syscall} returned ${code} (${reason})`, info)
}

/**
 * Node's `ErrnoException`: `<syscall> <CODE>`, with `errno`, `code`, `syscall`.
 * @param {number} errno
 * @param {string} code
 * @param {string} syscall
 */
function errnoException (errno, code, syscall) {
  const error = /** @type {any} */ (new Error(`${syscall} ${code}`))
  error.errno = errno
  error.code = code
  error.syscall = syscall
  return error
}


/**
 * Node's error for a failed host call: system errors rebuilt as Node builds them (the address
 * and port the page named), the `ERR_SOCKET_*` state errors with Node's class and message, a
 * failed name lookup as Node's `getaddrinfo` error; anything else as it came.
 * @param {any} error
 * @param {string} [syscall] the operation, for `ExceptionWithHostPort`
 * @param {string} [address]
 * @param {number | null} [port]
 * @returns {any}
 */
function nodeError (error, syscall, address, port) {
  if (error === null || typeof error !== 'object') return error
  if (error.syscall === 'getaddrinfo' && typeof error.code === 'string') {
    const plain = errnoException(error.errno, error.code, 'getaddrinfo')
    plain.message = error.message
    if (error.hostname !== undefined) plain.hostname = error.hostname
    return plain
  }
  if (typeof error.errno === 'number' && typeof error.code === 'string' && /^E[A-Z0-9]+$/.test(error.code)) {
    if (syscall === undefined) return errnoException(error.errno, error.code, error.syscall ?? 'unknown')
    return exceptionWithHostPort(error.errno, error.code, syscall, address, port)
  }
  switch (error.code) {
    case 'ERR_SOCKET_ALREADY_BOUND': return alreadyBound()
    case 'ERR_SOCKET_DGRAM_IS_CONNECTED': return isConnected()
    case 'ERR_SOCKET_DGRAM_NOT_CONNECTED': return notConnected()
    case 'ERR_SOCKET_DGRAM_NOT_RUNNING': return notRunning()
    case 'ERR_SOCKET_BAD_PORT': return new ERR_SOCKET_BAD_PORT(error.message)
    case 'ERR_SOCKET_BAD_TYPE': return badType()
    default: return error
  }
}

// --------------------------------------------------------------------------------------------
// Validation
// --------------------------------------------------------------------------------------------

/**
 * Node's `validatePort`: a number or numeric string 0–65535 (1–65535 unless `allowZero`).
 * @param {unknown} port
 * @param {boolean} allowZero
 * @returns {number}
 */
function validatePort (port, allowZero) {
  if ((typeof port !== 'number' && typeof port !== 'string') ||
      (typeof port === 'string' && port.trim().length === 0) ||
      +port !== (+port >>> 0) ||
      +port > 0xFFFF ||
      (+port === 0 && !allowZero)) {
    throw badPort(port, allowZero)
  }
  return +port | 0
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {asserts value is string}
 */
function validateString (value, name) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {asserts value is number}
 */
function validateNumber (value, name) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
}

/**
 * The bytes of one datagram piece (Node's `sliceBuffer`/`fixBufferList` rules).
 * @param {unknown} value
 * @returns {Uint8Array | null}
 */
function bytesOf (value) {
  if (typeof value === 'string') return Buffer.from(value)
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return null
}

/**
 * @param {unknown} buffer
 * @param {unknown} offset
 * @param {unknown} length
 */
function sliceBuffer (buffer, offset, length) {
  const bytes = bytesOf(buffer)
  if (bytes === null) throw invalidArgType('buffer', BUFFER_TYPES, buffer)
  const start = Number(offset) >>> 0
  const size = Number(length) >>> 0
  if (start > bytes.byteLength) throw withCode(new RangeError('"offset" is outside of buffer bounds'), 'ERR_BUFFER_OUT_OF_BOUNDS')
  if (start + size > bytes.byteLength) throw withCode(new RangeError('"length" is outside of buffer bounds'), 'ERR_BUFFER_OUT_OF_BOUNDS')
  return bytes.subarray(start, start + size)
}

/**
 * Whether `address` is a multicast group of `type`'s family (else the system answers EINVAL).
 * @param {unknown} address
 * @param {string} type
 */
function isMulticast (address, type) {
  if (typeof address !== 'string') return false
  if (type === 'udp4') return isIPv4(address) && Number(address.split('.')[0]) >= 224 && Number(address.split('.')[0]) <= 239
  return /^ff[0-9a-f]{0,2}:[0-9a-f:.]*(%.+)?$/i.test(address)
}

/** A random 64-bit number in decimal, the id Oro gives sockets. */
function randomId () {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(2))
  return ((BigInt(words[0]) << 32n) | BigInt(words[1])).toString()
}

/**
 * Call `fn`; an exception it throws is reported as uncaught (as Node would) without stopping
 * the socket's chain of operations.
 * @param {() => void} fn
 */
function guarded (fn) {
  try {
    fn()
  } catch (error) {
    queueMicrotask(() => { throw error })
  }
}

// --------------------------------------------------------------------------------------------
// The socket
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} SocketOptions
 * @property {'udp4' | 'udp6'} type
 * @property {boolean} [reuseAddr]
 * @property {boolean} [reusePort]
 * @property {boolean} [ipv6Only]
 * @property {number} [recvBufferSize]
 * @property {number} [sendBufferSize]
 * @property {(hostname: string, family: number, callback: (error: Error | null, address: string, family?: number) => void) => void} [lookup]
 * @property {AbortSignal} [signal]
 */

/**
 * @typedef {object} AddressInfo
 * @property {string} address
 * @property {'IPv4' | 'IPv6'} family
 * @property {number} port
 */

/**
 * @typedef {object} RemoteInfo
 * @property {string} address
 * @property {'IPv4' | 'IPv6'} family
 * @property {number} port
 * @property {number} size
 */

/**
 * @typedef {(error: Error | null, bytes?: number) => void} SendCallback
 */

/**
 * @typedef {object} Outgoing one send: its datagram, where it goes, who is told
 * @property {Uint8Array[]} list
 * @property {number} size
 * @property {number | undefined} port undefined: the connected peer
 * @property {string | undefined} address as the page named it
 * @property {SendCallback | undefined} callback
 */

/**
 * @typedef {object} Batch sends that go together in one `udp.sendMany`
 * @property {Outgoing[]} entries
 * @property {number} bytes
 * @property {boolean} connected
 */

/** A UDP socket of the host (Node's `dgram.Socket`). */
export class Socket extends EventEmitter {
  /** @type {'udp4' | 'udp6'} */
  type
  /** The socket's id: its routes' `id` and its Conduit's. */
  id = randomId()
  /** @type {Conduit | null} the Conduit the socket's datagrams arrive on, once bound */
  conduit = null

  #bindState = UNBOUND
  #connectState = DISCONNECTED
  #closed = false
  /** The host has (or is making) a socket for this id. */
  #opened = false
  /** @type {AddressInfo | null} */
  #local = null
  /** @type {AddressInfo | null} */
  #remote = null
  #recvBufferSize = 0
  #sendBufferSize = 0
  #queuedBytes = 0
  #queuedCount = 0
  /** @type {Promise<void>} every operation, in the order the page asked for them */
  #chain = Promise.resolve()
  /** @type {Batch | null} the batch later sends join, until it starts */
  #batch = null
  /** @type {SocketOptions} */
  #options
  /** @type {(() => void) | null} */
  #disposeAbort = null

  /**
   * @param {'udp4' | 'udp6' | SocketOptions} type
   * @param {(msg: Buffer, rinfo: RemoteInfo) => void} [listener] a `message` listener
   */
  constructor (type, listener) {
    super()
    /** @type {SocketOptions} */
    let options = /** @type {any} */ ({ type })
    if (type !== null && typeof type === 'object') {
      options = type
      type = options.type
    }
    if (type !== 'udp4' && type !== 'udp6') throw badType()
    if (options.lookup !== undefined && typeof options.lookup !== 'function') {
      throw invalidArgType('lookup', 'of type function', options.lookup)
    }
    this.type = type
    this.#options = options
    if (typeof listener === 'function') this.on('message', listener)
    const signal = options.signal
    if (signal !== undefined) {
      if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) {
        throw withCode(new TypeError(`The "options.signal" property must be an instance of AbortSignal. Received ${received(signal)}`), 'ERR_INVALID_ARG_TYPE')
      }
      const onAbort = () => { if (!this.#closed) this.close() }
      if (signal.aborted) {
        onAbort()
      } else {
        signal.addEventListener('abort', onAbort, { once: true })
        this.#disposeAbort = () => signal.removeEventListener('abort', onAbort)
        this.once('close', () => this.#disposeAbort?.())
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Ordering
  // ------------------------------------------------------------------------------------------

  /**
   * Run `task` after every operation asked for before it; later sends wait for it.
   * @param {() => Promise<void>} task
   */
  #enqueue (task) {
    this.#batch = null
    this.#chain = this.#chain.then(task).catch((error) => guarded(() => { throw error }))
  }

  /** @param {string} event @param {...unknown} args */
  #emit (event, ...args) {
    guarded(() => { this.emit(event, ...args) })
  }

  #healthCheck () {
    if (this.#closed) throw notRunning()
  }

  /**
   * The `udp.*` parameters of a bind: the socket's type and its `createSocket` options.
   * @param {number} port
   * @param {string | undefined} address
   */
  #bindParams (port, address) {
    const o = this.#options
    return {
      id: this.id,
      port,
      address: address || undefined,
      type: this.type,
      reuseAddr: o.reuseAddr || undefined,
      reusePort: o.reusePort || undefined,
      ipv6Only: o.ipv6Only || undefined,
      recvBufferSize: o.recvBufferSize || undefined,
      sendBufferSize: o.sendBufferSize || undefined
    }
  }

  /**
   * The address to give the host for `address`: the `lookup` option's answer when there is
   * one (as Node asks it), else `address` itself (the host resolves names).
   * @param {string | undefined} address
   * @param {string} fallback what Node looks up for an empty address
   * @returns {Promise<string | undefined>}
   */
  #lookup (address, fallback) {
    const lookup = this.#options.lookup
    if (lookup === undefined) return Promise.resolve(address || undefined)
    return new Promise((resolve, reject) => {
      lookup(address || fallback, this.type === 'udp4' ? 4 : 6, (error, ip) => {
        if (error) reject(error)
        else resolve(ip)
      })
    })
  }

  // ------------------------------------------------------------------------------------------
  // Binding
  // ------------------------------------------------------------------------------------------

  /**
   * `bind([port][, address][, callback])` or `bind(options[, callback])`.
   * @param {any} [portOrOptions]
   * @param {any} [address]
   * @param {any} [callback]
   * @returns {this}
   */
  bind (portOrOptions, address, callback) {
    this.#healthCheck()
    if (this.#bindState !== UNBOUND) throw alreadyBound()
    let port = portOrOptions
    /** @type {string | undefined} */
    let host
    if (port !== null && typeof port === 'object') {
      host = port.address || ''
      port = port.port
    } else {
      host = typeof address === 'function' ? '' : address
    }
    if (port === undefined || port === null || typeof port === 'function') port = 0
    const number = validatePort(port, true)
    if (host !== undefined && host !== null && host !== '') validateString(host, 'address')
    this.#bindState = BINDING
    const cb = arguments.length > 0 ? arguments[arguments.length - 1] : undefined
    if (typeof cb === 'function') {
      const onListening = () => { this.removeListener('error', removeListeners); cb.call(this) }
      const removeListeners = () => { this.removeListener('listening', onListening) }
      this.once('error', removeListeners)
      this.once('listening', onListening)
    }
    const requested = host || undefined
    this.#enqueue(async () => {
      /** @type {string | undefined} */
      let ip
      try {
        ip = await this.#lookup(requested, this.type === 'udp4' ? '0.0.0.0' : '::')
      } catch (error) {
        this.#bindState = UNBOUND
        this.#emit('error', nodeError(error))
        return
      }
      this.#opened = true
      let reply
      try {
        reply = await request('udp.bind', this.#bindParams(number, ip))
      } catch (error) {
        this.#opened = false
        this.#bindState = UNBOUND
        const failure = /** @type {any} */ (error)
        this.#emit('error', nodeError(failure, 'bind', failure?.address ?? ip, number))
        return
      }
      this.#bound(reply)
      try {
        await request('udp.readStart', { id: this.id })
      } catch (error) {
        this.#emit('error', nodeError(error))
      }
      this.#bindState = BOUND
      this.#emit('listening')
    })
    return this
  }

  /**
   * Cache what a bind answered and open the Conduit datagrams arrive on.
   * @param {any} reply
   */
  #bound (reply) {
    this.#local = { address: reply.address, family: reply.family, port: reply.port }
    this.#recvBufferSize = reply.recvBufferSize ?? 0
    this.#sendBufferSize = reply.sendBufferSize ?? 0
    const conduit = new Conduit({ id: this.id })
    conduit.receive((error, message) => {
      if (error === null) this.#receive(message.options, message.payload)
    })
    // Frames reach the page as host events until the Conduit connects; keep trying, as the
    // Conduit does after a connection it had is lost.
    conduit.connected.catch(() => { if (!this.#closed) conduit.reconnect().catch(() => {}) })
    this.conduit = conduit
  }

  /** Bind to port 0 on the default address, as Node does before a send or connect. */
  #implicitBind () {
    if (this.#bindState === UNBOUND) this.bind({ port: 0, exclusive: true }, null)
  }

  // ------------------------------------------------------------------------------------------
  // Receiving
  // ------------------------------------------------------------------------------------------

  /**
   * One frame of the socket's Conduit: a datagram, several, or a receive error.
   * @param {Record<string, any>} options
   * @param {Uint8Array} payload
   */
  #receive (options, payload) {
    if (this.#closed) return
    if (options.error !== undefined) {
      this.#emit('error', errnoException(Number(options.errno), String(options.error), String(options.syscall ?? 'recvmsg')))
      return
    }
    if (options.datagrams === undefined) {
      this.#message(payload, String(options.address), Number(options.port))
      return
    }
    const sizes = String(options.sizes).split(',').map(Number)
    const ports = String(options.ports).split(',').map(Number)
    const addresses = String(options.addresses).split(',')
    let offset = 0
    for (let index = 0; index < sizes.length; index++) {
      if (this.#closed) return
      this.#message(payload.subarray(offset, offset + sizes[index]), addresses[index], ports[index])
      offset += sizes[index]
    }
  }

  /**
   * @param {Uint8Array} bytes
   * @param {string} address
   * @param {number} port
   */
  #message (bytes, address, port) {
    const msg = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const family = address.includes(':') ? 'IPv6' : 'IPv4'
    this.#emit('message', msg, { address, family, port, size: msg.length })
  }

  // ------------------------------------------------------------------------------------------
  // Peers
  // ------------------------------------------------------------------------------------------

  /**
   * Associate the socket with `address`:`port` (default loopback); `connect` once done.
   * @param {number} port
   * @param {string | ((error?: Error) => void)} [address]
   * @param {(error?: Error) => void} [callback] on `connect`, or with the error
   */
  connect (port, address, callback) {
    const number = validatePort(port, false)
    if (typeof address === 'function') {
      callback = address
      address = ''
    } else if (address === undefined) {
      address = ''
    }
    validateString(address, 'address')
    this.#healthCheck()
    if (this.#connectState !== DISCONNECTED) throw isConnected()
    this.#connectState = CONNECTING
    this.#implicitBind()
    const host = address
    this.#enqueue(async () => {
      if (this.#bindState !== BOUND) {
        this.#connectState = DISCONNECTED
        return
      }
      if (callback) this.once('connect', callback)
      let reply
      try {
        const ip = await this.#lookup(host, this.type === 'udp4' ? '127.0.0.1' : '::1')
        reply = await request('udp.connect', { id: this.id, port: number, address: ip })
        if (this.#local && (this.#local.address === '0.0.0.0' || this.#local.address === '::')) {
          const local = await request('udp.getSockName', { id: this.id })
          this.#local = { address: local.address, family: local.family, port: local.port }
        }
      } catch (error) {
        this.#connectState = DISCONNECTED
        const failure = nodeError(error, 'connect', host, number)
        if (callback) {
          this.removeListener('connect', callback)
          guarded(() => callback?.call(this, failure))
        } else {
          this.#emit('error', failure)
        }
        return
      }
      this.#remote = { address: reply.address, family: reply.family, port: reply.port }
      this.#connectState = CONNECTED
      this.#emit('connect')
    })
  }

  /** End the association `connect` made. */
  disconnect () {
    if (this.#connectState !== CONNECTED) throw notConnected()
    this.#connectState = DISCONNECTED
    this.#remote = null
    this.#call('udp.disconnect', {})
  }

  /** @returns {AddressInfo} where the socket is bound */
  address () {
    this.#healthCheck()
    if (this.#local === null) throw errnoException(EBADF, 'EBADF', 'getsockname')
    return { ...this.#local }
  }

  /** @returns {AddressInfo} the connected peer */
  remoteAddress () {
    this.#healthCheck()
    if (this.#connectState !== CONNECTED || this.#remote === null) throw notConnected()
    return { ...this.#remote }
  }

  // ------------------------------------------------------------------------------------------
  // Sending
  // ------------------------------------------------------------------------------------------

  /**
   * `send(msg[, offset, length][, port][, address][, callback])`; on a connected socket
   * without `port` and `address`.
   * @param {string | ArrayBufferView | ReadonlyArray<string | ArrayBufferView>} buffer
   * @param {...any} args
   */
  send (buffer, ...args) {
    let [offset, length, port, address, callback] = args
    /** @type {Uint8Array[] | null} */
    let list = null
    const connected = this.#connectState === CONNECTED
    /** @type {any} */
    let message = buffer
    if (!connected) {
      if (address || (port && typeof port !== 'function')) {
        message = sliceBuffer(message, offset, length)
      } else {
        callback = port
        port = offset
        address = length
      }
    } else {
      if (typeof length === 'number') {
        message = sliceBuffer(message, offset, length)
        if (typeof port === 'function') {
          callback = port
          port = null
        }
      } else {
        callback = offset
      }
      if (port || address) throw isConnected()
    }
    if (!Array.isArray(message)) {
      const bytes = bytesOf(message)
      if (bytes === null) throw invalidArgType('buffer', BUFFER_TYPES, message)
      list = [bytes]
    } else {
      list = []
      for (const item of message) {
        const bytes = bytesOf(item)
        if (bytes === null) throw invalidArgType('buffer list arguments', BUFFER_TYPES, message)
        list.push(bytes)
      }
    }
    if (!connected) port = validatePort(port, false)
    if (typeof callback !== 'function') callback = undefined
    if (typeof address === 'function') {
      callback = address
      address = undefined
    } else if (address !== null && address !== undefined) {
      validateString(address, 'address')
    }
    this.#healthCheck()
    this.#implicitBind()
    const size = list.reduce((total, bytes) => total + bytes.byteLength, 0)
    this.#queue({
      list,
      size,
      port: connected ? undefined : port,
      address: connected ? undefined : (address ?? undefined),
      callback
    }, connected)
  }

  /**
   * Add a send to the open batch, or start a batch after every operation asked for so far.
   * @param {Outgoing} entry
   * @param {boolean} connected
   */
  #queue (entry, connected) {
    this.#queuedBytes += entry.size
    this.#queuedCount += 1
    let batch = this.#batch
    if (batch === null || batch.connected !== connected ||
        batch.entries.length >= MAX_BATCH_DATAGRAMS ||
        (batch.bytes > 0 && batch.bytes + entry.size > MAX_BATCH_BYTES)) {
      /** @type {Batch} */
      const fresh = { entries: [], bytes: 0, connected }
      this.#enqueue(() => this.#flush(fresh))
      this.#batch = batch = fresh
    }
    batch.entries.push(entry)
    batch.bytes += entry.size
  }

  /**
   * Send a batch with one `udp.sendMany` and tell each send how it went.
   * @param {Batch} batch
   */
  async #flush (batch) {
    if (this.#batch === batch) this.#batch = null
    const entries = batch.entries
    const done = () => {
      this.#queuedCount -= entries.length
      this.#queuedBytes -= batch.bytes
    }
    // Node drops what was queued for a bind that failed.
    if (this.#bindState !== BOUND) {
      done()
      return
    }
    /** @type {Array<Error | number | null>} per entry: an error, a byte count, or not yet */
    const outcomes = entries.map(() => null)
    /** @type {Array<string | undefined>} */
    const addresses = []
    for (const [index, entry] of entries.entries()) {
      try {
        addresses.push(batch.connected ? undefined : await this.#lookup(entry.address, this.type === 'udp4' ? '127.0.0.1' : '::1'))
      } catch (error) {
        outcomes[index] = nodeError(error)
        addresses.push(undefined)
      }
    }
    const sending = entries.filter((_entry, index) => outcomes[index] === null)
    if (sending.length > 0) {
      const body = new Uint8Array(sending.reduce((total, entry) => total + entry.size, 0))
      let offset = 0
      for (const entry of sending) {
        for (const bytes of entry.list) {
          body.set(bytes, offset)
          offset += bytes.byteLength
        }
      }
      /** @type {Record<string, unknown>} */
      const params = { id: this.id, sizes: sending.map((entry) => entry.size) }
      if (!batch.connected) {
        params.ports = sending.map((entry) => entry.port)
        params.addresses = entries.flatMap((_entry, index) => outcomes[index] === null ? [addresses[index] ?? null] : [])
      }
      /** @type {any[]} */
      let results
      try {
        results = (await request('udp.sendMany', params, { method: 'POST', body })).results
      } catch (error) {
        results = sending.map(() => error)
      }
      let next = 0
      for (const [index, entry] of entries.entries()) {
        if (outcomes[index] !== null) continue
        const result = results[next++]
        outcomes[index] = typeof result === 'number' ? result : this.#sendError(result, entry)
      }
    }
    done()
    for (const [index, entry] of entries.entries()) {
      const outcome = outcomes[index]
      if (typeof outcome === 'number') {
        if (entry.callback) guarded(() => entry.callback?.call(this, null, outcome))
      } else if (entry.callback) {
        guarded(() => entry.callback?.call(this, outcome))
      } else if (/** @type {any} */ (outcome)?.syscall === 'getaddrinfo') {
        // Node emits a failed lookup; a failed send without callback goes unreported.
        this.#emit('error', outcome)
      }
    }
  }

  /**
   * Node's error for one datagram the host could not send.
   * @param {any} result the `results` item (`{code, errno, syscall, ...}`) or the request's error
   * @param {Outgoing} entry
   */
  #sendError (result, entry) {
    if (result instanceof Error) return nodeError(result, 'send', entry.address, entry.port)
    if (result?.syscall === 'getaddrinfo') {
      const error = errnoException(result.errno, result.code, 'getaddrinfo')
      error.message = result.message
      if (result.hostname !== undefined) error.hostname = result.hostname
      return error
    }
    if (typeof result?.errno === 'number' && typeof result?.code === 'string') {
      return exceptionWithHostPort(result.errno, result.code, 'send', entry.address, entry.port)
    }
    const error = /** @type {any} */ (new Error(result?.message ?? 'send failed'))
    if (result?.code !== undefined) error.code = result.code
    return nodeError(error)
  }

  /** Bytes of the sends not answered yet. */
  getSendQueueSize () {
    return this.#queuedBytes
  }

  /** Sends not answered yet. */
  getSendQueueCount () {
    return this.#queuedCount
  }

  // ------------------------------------------------------------------------------------------
  // Closing
  // ------------------------------------------------------------------------------------------

  /**
   * Close the socket once what was asked before is done; `close` when the host closed it.
   * @param {() => void} [callback] a `close` listener
   */
  close (callback) {
    if (typeof callback === 'function') this.on('close', callback)
    this.#healthCheck()
    this.#closed = true
    this.#disposeAbort?.()
    this.#enqueue(async () => {
      if (this.#opened) {
        // Already gone when the host closed it (page paused and the rebind failed).
        await request('udp.close', { id: this.id }).catch(() => {})
      }
      this.#opened = false
      this.conduit?.close()
      this.#bindState = UNBOUND
      this.#connectState = DISCONNECTED
      this.#emit('close')
    })
    return this
  }

  /** `close()` as a promise (for `await using`). */
  async [asyncDispose] () {
    if (this.#closed) return
    await new Promise((resolve) => this.close(() => resolve(undefined)))
  }

  /** No effect in a page (nothing keeps a page alive); returns the socket. */
  ref () {
    return this
  }

  /** No effect in a page; returns the socket. */
  unref () {
    return this
  }

  // ------------------------------------------------------------------------------------------
  // Options
  // ------------------------------------------------------------------------------------------

  /**
   * An option route, after what was asked before; a failure is an `error` event.
   * @param {string} route
   * @param {Record<string, unknown>} params
   * @param {(reply: any) => void} [then]
   */
  #call (route, params, then) {
    this.#enqueue(async () => {
      if (!this.#opened) return
      try {
        const reply = await request(route, { id: this.id, ...params })
        then?.(reply)
      } catch (error) {
        this.#emit('error', nodeError(error))
      }
    })
  }

  /**
   * Node answers EBADF (synchronously) for an option of a socket that is not bound.
   * @param {string} syscall
   */
  #requireBound (syscall) {
    if (this.#bindState === UNBOUND || this.#closed) throw errnoException(EBADF, 'EBADF', syscall)
  }

  /** @param {boolean} flag */
  setBroadcast (flag) {
    this.#requireBound('setBroadcast')
    this.#call('udp.setBroadcast', { on: Boolean(flag) })
  }

  /** @param {number} ttl 1–255 */
  setTTL (ttl) {
    validateNumber(ttl, 'ttl')
    this.#requireBound('setTTL')
    const value = ttl | 0
    if (value < 1 || value > 255) throw errnoException(EINVAL, 'EINVAL', 'setTTL')
    this.#call('udp.setTTL', { ttl: value })
    return ttl
  }

  /** @param {number} ttl 0–255 */
  setMulticastTTL (ttl) {
    validateNumber(ttl, 'ttl')
    this.#requireBound('setMulticastTTL')
    const value = ttl | 0
    if (value < 0 || value > 255) throw errnoException(EINVAL, 'EINVAL', 'setMulticastTTL')
    this.#call('udp.setMulticastTTL', { ttl: value })
    return ttl
  }

  /**
   * @template T
   * @param {T} flag
   * @returns {T}
   */
  setMulticastLoopback (flag) {
    this.#requireBound('setMulticastLoopback')
    this.#call('udp.setMulticastLoopback', { on: Boolean(flag) })
    return flag
  }

  /** @param {string} interfaceAddress */
  setMulticastInterface (interfaceAddress) {
    this.#healthCheck()
    validateString(interfaceAddress, 'interfaceAddress')
    this.#requireBound('setMulticastInterface')
    this.#call('udp.setMulticastInterface', { interface: interfaceAddress })
  }

  /**
   * @param {string} syscall
   * @param {unknown} multicastAddress
   * @param {string | undefined} interfaceAddress
   */
  #membership (syscall, multicastAddress, interfaceAddress) {
    this.#healthCheck()
    if (!multicastAddress) throw withCode(new TypeError('The "multicastAddress" argument must be specified'), 'ERR_MISSING_ARGS')
    this.#requireBound(syscall)
    if (!isMulticast(multicastAddress, this.type)) throw errnoException(EINVAL, 'EINVAL', syscall)
    this.#call(`udp.${syscall}`, { address: multicastAddress, interface: interfaceAddress })
  }

  /** @param {string} multicastAddress @param {string} [interfaceAddress] */
  addMembership (multicastAddress, interfaceAddress) {
    this.#membership('addMembership', multicastAddress, interfaceAddress)
  }

  /** @param {string} multicastAddress @param {string} [interfaceAddress] */
  dropMembership (multicastAddress, interfaceAddress) {
    this.#membership('dropMembership', multicastAddress, interfaceAddress)
  }

  /**
   * @param {string} syscall
   * @param {unknown} sourceAddress
   * @param {unknown} groupAddress
   * @param {string | undefined} interfaceAddress
   */
  #sourceMembership (syscall, sourceAddress, groupAddress, interfaceAddress) {
    this.#healthCheck()
    validateString(sourceAddress, 'sourceAddress')
    validateString(groupAddress, 'groupAddress')
    this.#requireBound(syscall)
    if (!isMulticast(groupAddress, this.type)) throw errnoException(EINVAL, 'EINVAL', syscall)
    this.#call(`udp.${syscall}`, { source: sourceAddress, address: groupAddress, interface: interfaceAddress })
  }

  /** @param {string} sourceAddress @param {string} groupAddress @param {string} [interfaceAddress] */
  addSourceSpecificMembership (sourceAddress, groupAddress, interfaceAddress) {
    this.#sourceMembership('addSourceSpecificMembership', sourceAddress, groupAddress, interfaceAddress)
  }

  /** @param {string} sourceAddress @param {string} groupAddress @param {string} [interfaceAddress] */
  dropSourceSpecificMembership (sourceAddress, groupAddress, interfaceAddress) {
    this.#sourceMembership('dropSourceSpecificMembership', sourceAddress, groupAddress, interfaceAddress)
  }

  /**
   * Node's `bufferSize`: validate, then set (`size` > 0) or answer the cached size.
   * @param {unknown} size
   * @param {boolean} recv
   */
  #bufferSize (size, recv) {
    if (typeof size !== 'number' || size >>> 0 !== size) {
      throw new ERR_SOCKET_BAD_BUFFER_SIZE()
    }
    const syscall = recv ? 'uv_recv_buffer_size' : 'uv_send_buffer_size'
    if (this.#bindState !== BOUND || this.#closed) throw bufferSizeError(EBADF, 'EBADF', 'bad file descriptor', syscall)
    if (size === 0) return recv ? this.#recvBufferSize : this.#sendBufferSize
    this.#enqueue(async () => {
      if (!this.#opened) return
      try {
        const reply = await request(recv ? 'udp.setRecvBufferSize' : 'udp.setSendBufferSize', { id: this.id, size })
        if (recv) this.#recvBufferSize = reply.size
        else this.#sendBufferSize = reply.size
      } catch (error) {
        const failure = /** @type {any} */ (error)
        const reason = String(failure?.reason ?? failure?.message ?? '')
        this.#emit('error', bufferSizeError(failure?.errno ?? EINVAL, failure?.code ?? 'EINVAL', reason.charAt(0).toLowerCase() + reason.slice(1), syscall))
      }
    })
    return undefined
  }

  /** @param {number} size */
  setRecvBufferSize (size) {
    this.#bufferSize(size, true)
  }

  /** @param {number} size */
  setSendBufferSize (size) {
    this.#bufferSize(size, false)
  }

  /** @returns {number} the receive buffer's size, as the system reported it last */
  getRecvBufferSize () {
    return /** @type {number} */ (this.#bufferSize(0, true))
  }

  /** @returns {number} the send buffer's size, as the system reported it last */
  getSendBufferSize () {
    return /** @type {number} */ (this.#bufferSize(0, false))
  }
}

/**
 * A UDP socket: `createSocket('udp4' | 'udp6' | options[, onmessage])`.
 * @param {'udp4' | 'udp6' | SocketOptions} type
 * @param {(msg: Buffer, rinfo: RemoteInfo) => void} [listener]
 */
export function createSocket (type, listener) {
  return new Socket(type, listener)
}

/**
 * What this system's UDP sockets can do (Oro's extra).
 * @returns {Promise<{ multicast: boolean, broadcast: boolean, ipv6only: boolean, ssm: boolean, reusePort: boolean }>}
 */
export function getCapabilities () {
  return request('udp.capabilities')
}

/**
 * Whether source-specific multicast works on this system (Oro's extra).
 * @returns {Promise<boolean>}
 */
export async function isSSMSupported () {
  return Boolean((await getCapabilities()).ssm)
}

export default {
  Socket,
  createSocket,
  getCapabilities,
  isSSMSupported,
  SocketError,
  ERR_SOCKET_ALREADY_BOUND,
  ERR_SOCKET_BAD_BUFFER_SIZE,
  ERR_SOCKET_BUFFER_SIZE,
  ERR_SOCKET_DGRAM_IS_CONNECTED,
  ERR_SOCKET_DGRAM_NOT_CONNECTED,
  ERR_SOCKET_DGRAM_NOT_RUNNING,
  ERR_SOCKET_BAD_TYPE,
  ERR_SOCKET_BAD_PORT
}
