/**
 * `oro:tls` (also `node:tls`) — Node's `tls` module for page JavaScript: TLS clients and servers
 * of the host process (Python's `ssl`, OpenSSL), with Oro's certificate pins.
 *
 * ```js
 * import tls from 'node:tls'
 * const socket = tls.connect({ host: 'example.com', port: 443, ALPNProtocols: ['http/1.1'] }, () => {
 *   console.log(socket.authorized, socket.getProtocol(), socket.peerPin)
 * })
 * ```
 *
 * A `TLSSocket` is `oro:net`'s `Socket` over the routes `tls.*` (docs/tls.md). The handshake
 * happens in the host: `tls.connect` answers once it is done, with the TLS facts
 * (`authorized`, protocol, cipher, ALPN, the peer's certificate and pin); PEM material and
 * passphrases travel in the JSON body, never in URLs. A certificate the host refuses is an
 * `error` event with Oro's `code` (`CERT_EXPIRED`, `HOSTNAME_MISMATCH`...) and Node's name in
 * `reason`.
 * @module oro:tls
 */

import { request } from 'oro:ipc'
import { Buffer } from 'oro:buffer'
import { NotSupportedError, invalidArgType, withCode } from 'oro:errors'
import { isIP } from 'oro:ip'
import {
  Server as NetServer,
  Socket,
  kAccepted,
  kConnected,
  kConnectRequest,
  kConnectionEvent,
  kListenRequest,
  kNewSocket,
  kRoute,
  normalizeArgs
} from 'oro:net'

export const DEFAULT_MIN_VERSION = 'TLSv1.2'
export const DEFAULT_MAX_VERSION = 'TLSv1.3'
export const DEFAULT_ECDH_CURVE = 'auto'
export const DEFAULT_CIPHERS = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384'
/**
 * Node's bundled root certificates: empty here (the host verifies against the system's roots
 * and the `ca` a connection gives; pages do not see them).
 * @type {readonly string[]}
 */
export const rootCertificates = Object.freeze([])

// --------------------------------------------------------------------------------------------
// Options
// --------------------------------------------------------------------------------------------

/**
 * PEM text of `value` (a string, a Buffer, or a list of them), or undefined.
 * @param {unknown} value
 * @param {string} name
 * @returns {string | string[] | undefined}
 */
function pemOf (value, name) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (item !== null && typeof item === 'object' && !ArrayBuffer.isView(item) && 'pem' in item) return /** @type {string} */ (pemOf(item.pem, name))
      const text = pemOf(item, name)
      if (typeof text !== 'string') throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', item)
      return text
    })
  }
  throw invalidArgType(`options.${name}`, 'of type string or an instance of Buffer, TypedArray, DataView, or Array', value)
}

/**
 * The JSON body of `tls.connect` / `tls.server.create`: PEM material and passphrase.
 * @param {Record<string, any>} options
 */
function materialBody (options) {
  /** @type {Record<string, unknown>} */
  const body = {}
  const ca = pemOf(options.ca, 'ca')
  if (ca !== undefined) body.ca = ca
  const cert = pemOf(options.cert, 'cert')
  if (cert !== undefined) body.cert = Array.isArray(cert) ? cert.join('\n') : cert
  let passphrase = options.passphrase
  let key = options.key
  if (Array.isArray(key) && key.length > 0) {
    const first = key[0]
    if (first !== null && typeof first === 'object' && !ArrayBuffer.isView(first)) {
      if (first.passphrase !== undefined) passphrase = first.passphrase
      key = first.pem
    } else {
      key = first
    }
  }
  const keyText = pemOf(key, 'key')
  if (keyText !== undefined) body.key = Array.isArray(keyText) ? keyText[0] : keyText
  if (passphrase !== undefined && passphrase !== null) {
    if (typeof passphrase !== 'string') throw invalidArgType('options.passphrase', 'of type string', passphrase)
    body.passphrase = passphrase
  }
  if (options.pfx !== undefined) {
    throw withCode(new Error('pfx is not supported: give cert and key as PEM'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
  }
  return body
}

/**
 * ALPN protocol names as the `alpn` parameter (comma-separated).
 * @param {unknown} value
 * @returns {string | undefined}
 */
function alpnOf (value) {
  if (value === undefined || value === null) return undefined
  /** @type {string[]} */
  let names = []
  if (Array.isArray(value)) {
    names = value.map((item) => typeof item === 'string' ? item : Buffer.from(item).toString('utf8'))
  } else if (ArrayBuffer.isView(value)) {
    // Node's wire format: length-prefixed names.
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    for (let offset = 0; offset < bytes.length;) {
      const size = bytes[offset]
      names.push(Buffer.from(bytes.subarray(offset + 1, offset + 1 + size)).toString('utf8'))
      offset += 1 + size
    }
  } else {
    throw invalidArgType('options.ALPNProtocols', 'an instance of Array, Buffer, TypedArray, or DataView', value)
  }
  return names.length ? names.join(',') : undefined
}

/**
 * @param {unknown} pins
 * @returns {string | undefined}
 */
function pinsOf (pins) {
  if (pins === undefined || pins === null) return undefined
  if (typeof pins === 'string') return pins
  if (Array.isArray(pins)) return pins.map(String).join(',')
  throw invalidArgType('options.pins', 'of type string or an instance of Array', pins)
}

/**
 * The certificate object of the host's facts, as Node's (`raw`, `pubkey` as Buffers).
 * @param {any} certificate
 */
function peerCertificateOf (certificate) {
  if (!certificate || typeof certificate !== 'object') return {}
  const out = { ...certificate }
  if (typeof out.raw === 'string') out.raw = Buffer.from(out.raw, 'base64')
  if (typeof out.pubkey === 'string') out.pubkey = Buffer.from(out.pubkey, 'base64')
  return out
}

// --------------------------------------------------------------------------------------------
// Server identity (Node's tls.checkServerIdentity)
// --------------------------------------------------------------------------------------------

/**
 * @param {string} name
 * @param {string} pattern
 */
function hostMatches (name, pattern) {
  const host = name.toLowerCase().replace(/\.$/, '')
  const wanted = pattern.toLowerCase().replace(/\.$/, '')
  if (!wanted.includes('*')) return host === wanted
  const [first, ...rest] = wanted.split('.')
  const hostParts = host.split('.')
  if (rest.length < 2 || hostParts.length !== rest.length + 1) return false
  if (hostParts.slice(1).join('.') !== rest.join('.')) return false
  if (first === '*') return hostParts[0].length > 0
  const [prefix, suffix] = first.split('*')
  return hostParts[0].startsWith(prefix) && hostParts[0].endsWith(suffix ?? '')
}

/**
 * Whether `cert` names `hostname` (Node's rules: subjectaltname DNS/IP, else the subject's CN);
 * an `Error` (`ERR_TLS_CERT_ALTNAME_INVALID`) when not, else `undefined`.
 * @param {string} hostname
 * @param {any} cert
 * @returns {Error | undefined}
 */
export function checkServerIdentity (hostname, cert) {
  const subject = cert?.subject
  const altNames = typeof cert?.subjectaltname === 'string' ? cert.subjectaltname.split(', ') : []
  const dnsNames = altNames.filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4))
  const ips = altNames.filter((name) => name.startsWith('IP Address:')).map((name) => name.slice(11).toLowerCase())
  const host = hostname.replace(/^\[|\]$/g, '')
  let valid = false
  let reason = 'Unknown reason'
  if (isIP(host)) {
    valid = ips.includes(host.toLowerCase())
    if (!valid) reason = `IP: ${host} is not in the cert's list: ${ips.join(', ')}`
  } else if (dnsNames.length > 0 || subject?.CN === undefined) {
    valid = dnsNames.some((name) => hostMatches(host, name))
    if (!valid) reason = `Host: ${host}. is not in the cert's altnames: ${altNames.join(', ')}`
  } else {
    const cns = Array.isArray(subject.CN) ? subject.CN : [subject.CN]
    valid = cns.some((/** @type {string} */ name) => hostMatches(host, name))
    if (!valid) reason = `Host: ${host}. is not cert's CN: ${cns.join(', ')}`
  }
  if (valid) return undefined
  const error = /** @type {any} */ (new Error(`Hostname/IP does not match certificate's altnames: ${reason}`))
  error.code = 'ERR_TLS_CERT_ALTNAME_INVALID'
  error.reason = reason
  error.host = host
  error.cert = cert
  return error
}

// --------------------------------------------------------------------------------------------
// The socket
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} TlsFacts what `tls.connect` answers and a server's `connection` frame has
 * @property {boolean} authorized
 * @property {string | null} authorizationError
 * @property {string | null} [authorizationCode]
 * @property {string | null} protocol
 * @property {{ name: string, standardName: string, version: string } | null} cipher
 * @property {string | false} alpnProtocol
 * @property {string | null} peerPin
 * @property {any} peerCertificate
 * @property {string | false | null} [servername]
 * @property {string} provider
 */

/**
 * Oro's `TlsHandshakeInfo` from the host's facts.
 * @param {TlsFacts} facts
 */
function handshakeInfo (facts) {
  const certificate = facts.peerCertificate ?? {}
  const subject = certificate.subject && typeof certificate.subject === 'object'
    ? Object.entries(certificate.subject).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', ')
    : undefined
  const sans = typeof certificate.subjectaltname === 'string' ? certificate.subjectaltname.split(', ') : undefined
  const servername = typeof facts.servername === 'string' ? facts.servername : undefined
  return {
    hostname: servername,
    protocol: facts.protocol ?? undefined,
    cipher: facts.cipher?.name,
    alpn: facts.alpnProtocol || undefined,
    alpnProtocol: facts.alpnProtocol || undefined,
    provider: facts.provider,
    subject: subject || undefined,
    sans,
    peerPin: facts.peerPin ?? undefined
  }
}

/** A TLS connection of the host (Node's `tls.TLSSocket`). */
export class TLSSocket extends Socket {
  encrypted = true
  authorized = false
  /** @type {string | null} Node's/OpenSSL's reason (`CERT_HAS_EXPIRED`) when not authorized */
  authorizationError = null
  /** @type {string | null} Oro's code (`CERT_EXPIRED`) when not authorized */
  authorizationCode = null
  /** @type {string | false} */
  alpnProtocol = false
  /** @type {string | null} Oro's pin of the peer's certificate (`sha256/` + SHA-256 of its DER) */
  peerPin = null
  /** @type {Record<string, any> | null} Oro's handshake facts (`TlsHandshakeInfo`) */
  handshake = null
  /** @type {string | undefined} Oro's: the host name connected to */
  hostname = undefined
  /** @type {string | undefined} Oro's: the negotiated TLS version (`getProtocol()`) */
  protocol = undefined
  /** @type {string | undefined} Oro's: the cipher's name (`getCipher().name`) */
  cipher = undefined
  /** @type {string | undefined} Oro's: the ALPN protocol chosen */
  alpn = undefined
  /** @type {string | undefined} Oro's: the peer certificate's subject (`CN=..., O=...`) */
  subject = undefined
  /** @type {string[] | undefined} Oro's: the peer certificate's names (`DNS:...`, `IP Address:...`) */
  sans = undefined
  /** @type {string | false | null | undefined} */
  servername = undefined
  /** @type {string | undefined} Oro's: the TLS library of the host (`openssl`) */
  provider = undefined
  secureConnecting = true
  /** @type {TlsFacts | null} */
  #facts = null
  /** @type {Record<string, any>} */
  #tlsOptions

  /**
   * @param {unknown} [socket] must be undefined: pages cannot wrap an existing socket
   * @param {Record<string, any>} [options]
   */
  constructor (socket, options = {}) {
    if (socket !== undefined && socket !== null) {
      throw withCode(new Error('wrapping an existing socket in TLS is not available to pages: use tls.connect'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
    }
    super(options ?? {})
    this[kRoute] = 'tls'
    this.#tlsOptions = options ?? {}
  }

  /**
   * @param {Record<string, any>} params
   * @param {Record<string, any>} options
   */
  [kConnectRequest] (params, options) {
    const merged = { ...this.#tlsOptions, ...options }
    const host = params.address
    const servername = merged.servername ?? (isIP(host) ? undefined : host)
    const route = {
      ...params,
      address: undefined,
      host,
      servername: servername || undefined,
      rejectUnauthorized: merged.rejectUnauthorized !== false,
      alpn: alpnOf(merged.ALPNProtocols),
      minVersion: merged.minVersion,
      maxVersion: merged.maxVersion,
      ciphers: merged.ciphers,
      pins: pinsOf(merged.pins),
      pinsMode: merged.pinsMode,
      timeout: merged.connectTimeout
    }
    return request('tls.connect', route, { method: 'POST', body: materialBody(merged), timeout: 0 })
  }

  /**
   * @param {any} reply
   * @param {string} [host]
   */
  [kConnected] (reply, host) {
    this.#setFacts(reply)
    if (host && this.handshake && this.handshake.hostname === undefined) {
      this.handshake.hostname = host
      this.hostname = host
    }
    const options = this.#tlsOptions
    // Node's client sockets answer `false` (the SNI name sent is in `getTlsInfo()`).
    this.servername = false
    if (this.authorized && typeof options.checkServerIdentity === 'function') {
      const name = options.servername || host || 'localhost'
      let error
      try {
        error = options.checkServerIdentity(name, this.getPeerCertificate(true))
      } catch (thrown) {
        error = thrown
      }
      if (error) {
        this.authorized = false
        this.authorizationError = /** @type {any} */ (error).code || /** @type {any} */ (error).message
        if (options.rejectUnauthorized !== false) {
          this.destroy(/** @type {Error} */ (error))
          return
        }
      }
    }
    super[kConnected](reply, host)
    if (this.destroyed) return
    this.secureConnecting = false
    this.emit('secureConnect')
  }

  /**
   * @param {TlsFacts} facts
   */
  #setFacts (facts) {
    this.#facts = facts
    this.authorized = Boolean(facts.authorized)
    this.authorizationError = facts.authorizationError ?? null
    this.authorizationCode = facts.authorizationCode ?? null
    this.alpnProtocol = facts.alpnProtocol || false
    this.peerPin = facts.peerPin ?? null
    this.provider = facts.provider
    this.secureConnecting = false
    this._setHandshake(handshakeInfo(facts))
  }

  /**
   * Oro's: keep the handshake facts and copy them onto the socket.
   * @param {Record<string, any>} info
   */
  _setHandshake (info) {
    if (!info || typeof info !== 'object') return
    this.handshake = info
    for (const name of ['hostname', 'provider', 'protocol', 'cipher', 'alpn', 'subject', 'sans', 'peerPin']) {
      if (info[name] !== undefined && info[name] !== null) /** @type {any} */ (this)[name] = info[name]
    }
    const alpn = info.alpnProtocol ?? info.alpn
    if (alpn) this.alpnProtocol = alpn
  }

  /**
   * Take over a TLS connection a server accepted (the facts from its frame).
   * @param {TlsFacts} facts
   */
  _setAcceptedFacts (facts) {
    this.#setFacts(facts)
    this.servername = facts.servername ?? false
  }

  /**
   * The peer's certificate in Node's shape (`{}` when it sent none, `null` once destroyed).
   * `detailed` adds nothing: the host does not send the issuer chain.
   * @param {boolean} [_detailed]
   */
  getPeerCertificate (_detailed) {
    if (this.#facts === null) return this.destroyed ? null : {}
    return peerCertificateOf(this.#facts.peerCertificate)
  }

  /** Pages present no certificate of their own through this API: `null` (or `{}`). */
  getCertificate () {
    return this.#facts ? {} : null
  }

  /** @returns {string | null} `TLSv1.3`, `TLSv1.2`... */
  getProtocol () {
    return this.#facts?.protocol ?? null
  }

  /** @returns {{ name: string, standardName: string, version: string } | null} */
  getCipher () {
    const cipher = this.#facts?.cipher
    return cipher ? { ...cipher } : null
  }

  /** Oro's: every TLS fact the host answered. */
  getTlsInfo () {
    return this.#facts ? { ...this.#facts, peerCertificate: this.getPeerCertificate() } : null
  }

  isSessionReused () { return false }
  getSession () { return undefined }
  getTLSTicket () { return undefined }
  getEphemeralKeyInfo () { return {} }
  getPeerFinished () { return undefined }
  getFinished () { return undefined }
  getSharedSigalgs () { return [] }
  /** @param {number} _size */
  setMaxSendFragment (_size) { return false }
  disableRenegotiation () {}
  /**
   * @param {unknown} _options
   * @param {(error: Error | null) => void} [callback]
   */
  renegotiate (_options, callback) {
    const error = withCode(new Error('TLS renegotiation is not available to pages'), 'ERR_TLS_RENEGOTIATION_DISABLED')
    if (typeof callback === 'function') queueMicrotask(() => callback(error))
    return false
  }
}

/**
 * A TLS connection: `connect(options[, callback])`, `connect(port[, host][, options][, callback])`.
 * Node's options plus Oro's `pins`, `pinsMode` and `connectTimeout` (ms, connect + handshake).
 * @param {...any} args
 * @returns {TLSSocket}
 */
export function connect (...args) {
  const [normalized, callback] = normalizeArgs(args)
  /** @type {Record<string, any>} */
  let options = normalized
  if (args[1] !== null && typeof args[1] === 'object') options = { ...options, ...args[1] }
  else if (args[2] !== null && typeof args[2] === 'object') options = { ...options, ...args[2] }
  if (options.socket !== undefined) {
    throw withCode(new Error('options.socket is not available to pages: tls.connect makes its own'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
  }
  options = { rejectUnauthorized: true, ...options }
  if (options.rejectUnauthorized === undefined) options.rejectUnauthorized = true
  if (options.checkServerIdentity !== undefined && typeof options.checkServerIdentity !== 'function') {
    throw invalidArgType('options.checkServerIdentity', 'of type function', options.checkServerIdentity)
  }
  const socket = new TLSSocket(undefined, options)
  if (callback) {
    socket.once('secureConnect', callback)
    // Oro calls `connect`'s callback with the error when the connection fails (its callback is
    // `(err?) => void`); Node's listener takes no argument and is never called then, so only a
    // callback that declares one hears of the failure, and the `error` event happens as before.
    if (callback.length >= 1) {
      const onError = (/** @type {Error} */ error) => {
        socket.removeListener('secureConnect', removeOnError)
        guarded(() => callback.call(socket, error))
      }
      const removeOnError = () => socket.removeListener('error', onError)
      socket.prependOnceListener('error', onError)
      socket.once('secureConnect', removeOnError)
    }
  }
  socket.connect(options)
  return socket
}

/**
 * Run `f`, reporting what it throws without stopping the caller (a listener's failure must not
 * keep the socket's own `error` event from happening).
 * @param {() => void} f
 */
function guarded (f) {
  try {
    f()
  } catch (error) {
    queueMicrotask(() => { throw error })
  }
}

// --------------------------------------------------------------------------------------------
// The server
// --------------------------------------------------------------------------------------------

/** A TLS server of the host (Node's `tls.Server`): `secureConnection`, `tlsClientError`. */
export class Server extends NetServer {
  /** @type {Record<string, any>} */
  #tlsOptions

  /**
   * @param {Record<string, any> | ((socket: TLSSocket) => void)} [options]
   * @param {(socket: TLSSocket) => void} [secureConnectionListener]
   */
  constructor (options, secureConnectionListener) {
    if (typeof options === 'function') {
      secureConnectionListener = options
      options = {}
    }
    super(options ?? {}, /** @type {any} */ (secureConnectionListener))
    this[kRoute] = 'tls'
    this.#tlsOptions = { ...(options ?? {}) }
  }

  [kConnectionEvent] () {
    return 'secureConnection'
  }

  /** @param {Record<string, any>} params */
  async [kListenRequest] (params) {
    const options = this.#tlsOptions
    await request('tls.server.create', {
      id: params.id,
      requestCert: Boolean(options.requestCert),
      rejectUnauthorized: options.rejectUnauthorized !== false,
      alpn: alpnOf(options.ALPNProtocols),
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers,
      handshakeTimeout: options.handshakeTimeout
    }, { method: 'POST', body: materialBody(options) })
    try {
      return await request('tls.server.listen', params)
    } catch (error) {
      await request('tls.server.close', { id: params.id }).catch(() => {})
      throw error
    }
  }

  [kNewSocket] () {
    return new TLSSocket(undefined, { allowHalfOpen: this.allowHalfOpen })
  }

  /**
   * @param {import('oro:net').Socket} socket
   * @param {Record<string, any>} frame
   */
  [kAccepted] (socket, frame) {
    /** @type {any} */
    let facts = {}
    try {
      facts = typeof frame.tls === 'string' ? JSON.parse(frame.tls) : (frame.tls ?? {})
    } catch {
      facts = {}
    }
    const tlsSocket = /** @type {TLSSocket} */ (socket)
    tlsSocket._setAcceptedFacts(facts)
    this.emit('secureConnection', tlsSocket)
  }

  /** Node's `addContext`: SNI contexts are not available. */
  addContext () {
    throw withCode(new Error('SNI contexts are not available to pages'), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
  }

  /** @param {Record<string, any>} options takes effect at the next `listen` */
  setSecureContext (options) {
    this.#tlsOptions = { ...this.#tlsOptions, ...options }
  }
}

/** Oro's name for `Server`. */
export const TLSServer = Server

/**
 * A TLS server: `createServer(options[, secureConnectionListener])` (`cert` and `key` needed;
 * an unusable one is an `error` event at `listen`).
 * @param {Record<string, any> | ((socket: TLSSocket) => void)} [options]
 * @param {(socket: TLSSocket) => void} [secureConnectionListener]
 */
export function createServer (options, secureConnectionListener) {
  return new Server(options, secureConnectionListener)
}

/**
 * Node's `createSecureContext`: the options as they are (the host makes the context).
 * @param {Record<string, any>} [options]
 */
export function createSecureContext (options = {}) {
  return { context: { ...options } }
}

/** Node's TLS cipher names: the host's choice is made by OpenSSL; this is Node's default list. */
export function getCiphers () {
  return DEFAULT_CIPHERS.split(':').map((name) => name.toLowerCase())
}

// --------------------------------------------------------------------------------------------
// Oro's provider and pins
// --------------------------------------------------------------------------------------------

/**
 * The host's TLS library.
 * @returns {Promise<{ provider: string, version: string, versionNumber?: number, versions?: string[] }>}
 */
export function getProvider () {
  return request('tls.getProvider')
}

/**
 * Oro's name for `getProvider`: `{ provider }` (`'openssl'`) and the library's version.
 * @returns {Promise<{ provider: string, version: string }>}
 */
export function getTlsProvider () {
  return getProvider()
}

/**
 * Oro's `mode` option: `'append'` (the default) or `'replace'`, any case.
 * @param {unknown} mode
 * @param {string} name
 * @returns {'append' | 'replace'}
 */
function pinsMode (mode, name) {
  if (mode === undefined || mode === null) return 'append'
  if (typeof mode !== 'string') throw withCode(new TypeError(`${name} must be 'append' or 'replace'`), 'ERR_INVALID_ARG_TYPE')
  const lower = mode.trim().toLowerCase()
  if (lower !== 'append' && lower !== 'replace') throw withCode(new RangeError(`${name} must be 'append' or 'replace'`), 'ERR_INVALID_ARG_VALUE')
  return lower
}

/**
 * Pin lines: a string, or a list of lines.
 * @param {unknown} pins
 * @returns {string}
 */
function pinLines (pins) {
  if (typeof pins === 'string') return pins
  if (Array.isArray(pins)) return pins.map(String).join('\n')
  throw invalidArgType('pins', 'of type string or an instance of Array', pins)
}

/** @param {unknown} host */
function validateHost (host) {
  if (typeof host !== 'string' || host.trim().length === 0) throw invalidArgType('host', 'of type string', host)
  return host.trim()
}

// Oro throws a TypeError for pins or a host that do not parse; the host's refusal keeps its
// code (TLS_PINS_INVALID, TLS_HOST_INVALID) and `line`.
const INVALID_PINS = new Set(['TLS_PINS_INVALID', 'TLS_HOST_INVALID'])

/**
 * @param {string} route
 * @param {Record<string, unknown>} params
 * @param {Record<string, unknown>} [options]
 */
async function pinsRequest (route, params, options) {
  try {
    return await request(route, params, options)
  } catch (error) {
    const failure = /** @type {any} */ (error)
    if (!INVALID_PINS.has(failure?.code)) throw error
    const typed = /** @type {any} */ (withCode(new TypeError(failure.message), failure.code))
    if (failure.line !== undefined) typed.line = failure.line
    throw typed
  }
}

/**
 * @param {string} value
 * @param {'replace' | 'append' | 'remove' | 'put' | 'subtract'} mode
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
async function setPins (value, mode) {
  const reply = await pinsRequest('tls.setPins', { mode }, { method: 'POST', body: value })
  return { ok: reply.ok !== false, value: reply.value }
}

/**
 * How the host writes an endpoint (`api.example:8443`), or TypeError `TLS_HOST_INVALID`.
 * @param {string} host
 * @returns {Promise<string>}
 */
async function endpointOf (host) {
  return (await pinsRequest('tls.getPins', { host })).host
}

/**
 * The line of Oro's format that gives `host` the pins `pins` names: a string or list of pins,
 * or of lines that name `host` first (Oro's per-host helpers accept both; a line naming another
 * host is a TypeError).
 * @param {string} host
 * @param {unknown} pins
 * @returns {Promise<string>}
 */
async function hostLine (host, pins) {
  if (typeof pins !== 'string' && !Array.isArray(pins)) throw invalidArgType('pins', 'of type string or an instance of Array', pins)
  const lines = typeof pins === 'string' ? pins.split('\n') : pins.map(String)
  const target = await endpointOf(host)
  /** @type {string[]} */
  const tokens = []
  for (const line of lines) {
    const words = line.split(/[#;]/, 1)[0].split(/[\s,]+/).filter(Boolean)
    if (words.length === 0) continue
    if (!words[0].toLowerCase().startsWith('sha256/')) {
      const named = await endpointOf(words[0])
      if (named !== target) throw withCode(new TypeError(`Pins entry host '${named}' does not match target host '${target}'`), 'TLS_PINS_INVALID')
      words.shift()
    }
    tokens.push(...words)
  }
  if (tokens.length === 0) throw withCode(new TypeError('pins must include at least one valid sha256 pin token'), 'TLS_PINS_INVALID')
  return `${target} ${tokens.join(' ')}`
}

/**
 * The host's pins in Oro's line format.
 * @returns {Promise<{ value: string }>}
 */
export async function getTlsPins () {
  return { value: (await request('tls.getPins')).value }
}

/**
 * Set pins from lines of Oro's format (`<host>[:port] sha256/<base64>...`): added to the host's
 * (`mode: 'append'`, the default) or instead of them (`'replace'`).
 * @param {string | string[]} pins
 * @param {{ mode?: 'append' | 'replace' }} [options]
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
export async function setTlsPins (pins, options = {}) {
  const value = pinLines(pins)
  return setPins(value, pinsMode(options?.mode, 'options.mode'))
}

/**
 * Add pins (lines of Oro's format); `setTlsPins(pins, { mode: 'append' })`.
 * @param {string | string[]} pins
 */
export function addTlsPins (pins) {
  return setPins(pinLines(pins), 'append')
}

/**
 * Drop every entry of the hosts the lines name (every port of a host named without one).
 * @param {string | string[]} hosts
 */
export function removeTlsPins (hosts) {
  return setPins(pinLines(hosts), 'remove')
}

/**
 * Drop every pin.
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
export function clearTlsPins () {
  return setPins('', 'replace')
}

/**
 * The pins of `host` (`host`, `host:port`, `[v6]:port` or a URL): those of exactly that
 * endpoint, else of the host's every-port entry; `configured` says whether either exists.
 * @param {string} host
 * @param {number} [port] a port apart from `host`
 * @returns {Promise<{ host: string, configured: boolean, pins: string[] }>}
 */
export async function getTlsPinsForHost (host, port) {
  const reply = await pinsRequest('tls.getPins', { host: validateHost(host), port })
  return { host: reply.host, configured: reply.configured, pins: reply.pins }
}

/**
 * `host`'s pins (exactly that endpoint: `host:8443` is not `host`) become `pins`.
 * @param {string} host
 * @param {string | string[]} pins
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
export async function setTlsPinsForHost (host, pins) {
  return setPins(await hostLine(validateHost(host), pins), 'put')
}

/**
 * Add `pins` to `host`'s (exactly that endpoint).
 * @param {string} host
 * @param {string | string[]} pins
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
export async function addTlsPinsForHost (host, pins) {
  return setPins(await hostLine(validateHost(host), pins), 'append')
}

/**
 * Drop `pins` from `host`'s (exactly that endpoint), or its whole entry without `pins`.
 * @param {string} host
 * @param {string | string[]} [pins]
 * @returns {Promise<{ ok: boolean, value: string }>}
 */
export async function removeTlsPinsForHost (host, pins) {
  validateHost(host)
  if (pins === undefined || pins === null) return setPins(host.trim(), 'put')
  return setPins(await hostLine(host.trim(), pins), 'subtract')
}

/**
 * Drop every pin of `host` (the entry of exactly that endpoint).
 * @param {string} host
 */
export function clearTlsPinsForHost (host) {
  return removeTlsPinsForHost(host)
}

/**
 * Oro's pin (`sha256/<base64>`: the SHA-256 of the certificate's DER) of a DER certificate.
 * @param {ArrayBuffer | ArrayBufferView} der
 * @returns {Promise<string>}
 */
export async function createTlsPinFromCertificateDer (der) {
  /** @type {Uint8Array} */
  let bytes
  if (der instanceof ArrayBuffer) bytes = new Uint8Array(der)
  else if (ArrayBuffer.isView(der)) bytes = new Uint8Array(der.buffer, der.byteOffset, der.byteLength)
  else throw invalidArgType('der', 'an instance of Buffer, TypedArray, DataView, or ArrayBuffer', der)
  return (await request('tls.createPin', {}, { method: 'POST', body: bytes })).pin
}

/**
 * Oro's pin of the first certificate of a PEM text.
 * @param {string} pem
 * @returns {Promise<string>}
 */
export async function createTlsPinFromCertificatePem (pem) {
  if (typeof pem !== 'string' && !ArrayBuffer.isView(pem)) throw invalidArgType('pem', 'of type string', pem)
  const text = typeof pem === 'string' ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength).toString('utf8')
  return (await request('tls.createPin', { pem: text })).pin
}

// The WebView loads its pages from this host (and `fetch` goes through the page's own network
// stack, which has no pin hook here): pins for it could be stored but not enforced, and a pin
// that silently does nothing is worse than a refusal.
/** @returns {Promise<never>} */
async function webViewPinsUnsupported () {
  throw new NotSupportedError('WebView TLS pins are not supported: the page\'s own network requests cannot be pinned here; pin connections made with oro:tls (tls.connect pins, setTlsPins)')
}

/** Oro's WebView pins: rejects with `NotSupportedError` (see docs/tls.md). */
export const setWebViewTlsPins = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const getWebViewTlsPins = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const clearWebViewTlsPins = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const getWebViewTlsPinsForHost = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const setWebViewTlsPinsForHost = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const addWebViewTlsPinsForHost = webViewPinsUnsupported
/** Oro's WebView pins: rejects with `NotSupportedError`. */
export const removeWebViewTlsPinsForHost = webViewPinsUnsupported

export default {
  TLSSocket,
  Server,
  connect,
  createServer,
  createSecureContext,
  checkServerIdentity,
  getCiphers,
  TLSServer: Server,
  getProvider,
  getTlsProvider,
  getTlsPins,
  setTlsPins,
  addTlsPins,
  removeTlsPins,
  clearTlsPins,
  getTlsPinsForHost,
  setTlsPinsForHost,
  addTlsPinsForHost,
  removeTlsPinsForHost,
  clearTlsPinsForHost,
  createTlsPinFromCertificateDer,
  createTlsPinFromCertificatePem,
  setWebViewTlsPins,
  getWebViewTlsPins,
  clearWebViewTlsPins,
  getWebViewTlsPinsForHost,
  setWebViewTlsPinsForHost,
  addWebViewTlsPinsForHost,
  removeWebViewTlsPinsForHost,
  rootCertificates,
  DEFAULT_MIN_VERSION,
  DEFAULT_MAX_VERSION,
  DEFAULT_ECDH_CURVE,
  DEFAULT_CIPHERS
}
