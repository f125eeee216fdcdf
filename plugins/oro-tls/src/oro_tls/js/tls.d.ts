/**
 * `oro:tls` (also `node:tls`) — Node's `tls` for page JavaScript: TLS clients and servers of the
 * host process (Python's `ssl`, OpenSSL), with Oro's certificate pins. Certificate failures are
 * `error` events with Oro's `code` (`CERT_EXPIRED`, `HOSTNAME_MISMATCH`, `CERT_UNTRUSTED`...)
 * and Node's name in `reason`.
 * @module oro:tls
 * @alias node:tls
 */

import { Server as NetServer, Socket } from 'oro:net'
import type { SocketConstructorOpts, TcpSocketConnectOpts, ServerOpts, NetError } from 'oro:net'
import type { Buffer } from 'oro:buffer'

export const DEFAULT_MIN_VERSION: string
export const DEFAULT_MAX_VERSION: string
export const DEFAULT_ECDH_CURVE: string
export const DEFAULT_CIPHERS: string
/** Always empty in a page: the host verifies against the system's roots and `ca`. */
export const rootCertificates: readonly string[]

export type SecureVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'
export type PemMaterial = string | ArrayBufferView | Array<string | ArrayBufferView>

export interface Certificate {
  C?: string
  ST?: string
  L?: string
  O?: string
  OU?: string
  CN?: string
  [field: string]: string | string[] | undefined
}

export interface PeerCertificate {
  subject: Certificate
  issuer: Certificate
  subjectaltname?: string
  valid_from: string
  valid_to: string
  serialNumber: string
  fingerprint: string
  fingerprint256: string
  fingerprint512: string
  raw: Buffer
  pubkey?: Buffer
  bits?: number
  exponent?: string
  ca?: boolean
  [field: string]: unknown
}

export interface CipherNameAndProtocol {
  name: string
  standardName: string
  version: string
}

/** A refused certificate (Oro's `code`, Node's `reason`) or pin (`PIN_MISMATCH`). */
export interface TlsError extends NetError {
  reason?: string
  host?: string
  verifyCode?: number
  expectedPins?: string[]
  /** Oro's pin of the peer's certificate (SHA-256 of its DER). */
  peerPin?: string | null
  /** The pin of the peer's key (SHA-256 of its SubjectPublicKeyInfo), on `PIN_MISMATCH`. */
  peerSpkiPin?: string
}

export interface ConnectionOptions extends Partial<TcpSocketConnectOpts>, SocketConstructorOpts {
  host?: string
  port?: number | string
  servername?: string
  rejectUnauthorized?: boolean
  ca?: PemMaterial
  cert?: PemMaterial
  key?: PemMaterial | Array<{ pem: string | ArrayBufferView, passphrase?: string }>
  passphrase?: string
  ALPNProtocols?: string[] | ArrayBufferView[] | ArrayBufferView
  minVersion?: SecureVersion
  maxVersion?: SecureVersion
  ciphers?: string
  checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined
  /** Oro's: pins (`sha256/<base64>`), one of which must be the SHA-256 of the peer certificate's DER or of its key's SubjectPublicKeyInfo (also with `rejectUnauthorized: false`). */
  pins?: string | string[]
  /** Oro's: `append` (default: also the host's configured pins) or `replace`. */
  pinsMode?: 'append' | 'replace'
}

/** A TLS connection of the host (Node's `tls.TLSSocket`). */
export class TLSSocket extends Socket {
  /** `socket` must be undefined: pages cannot wrap an existing socket. */
  constructor (socket?: undefined | null, options?: ConnectionOptions)
  readonly encrypted: true
  authorized: boolean
  /** Node's/OpenSSL's reason (`CERT_HAS_EXPIRED`) when not authorized. */
  authorizationError: string | null
  /** Oro's code (`CERT_EXPIRED`) when not authorized. */
  authorizationCode: string | null
  alpnProtocol: string | false
  /** Oro's: the `sha256/...` pin of the peer's certificate (SHA-256 of its DER). */
  peerPin: string | null
  /** Oro's: the handshake's facts. */
  handshake: TlsHandshakeInfo | null
  /** Oro's: the host name connected to. */
  hostname: string | undefined
  /** Oro's: the TLS version (`getProtocol()`). */
  protocol: string | undefined
  /** Oro's: the cipher's name. */
  cipher: string | undefined
  /** Oro's: the ALPN protocol chosen. */
  alpn: string | undefined
  /** Oro's: the peer certificate's subject (`CN=..., O=...`). */
  subject: string | undefined
  /** Oro's: the peer certificate's names (`DNS:...`, `IP Address:...`). */
  sans: string[] | undefined
  /** Oro's: keep handshake facts and copy them onto the socket. */
  _setHandshake (info: TlsHandshakeInfo): void
  servername: string | false | null | undefined
  /** Oro's: the host's TLS library (`openssl`). */
  provider: string | undefined
  secureConnecting: boolean
  /** `{}` when the peer sent none; `detailed` adds nothing (no issuer chain). */
  getPeerCertificate (detailed?: boolean): PeerCertificate | {} | null
  getCertificate (): {} | null
  getProtocol (): string | null
  getCipher (): CipherNameAndProtocol | null
  /** Oro's: every TLS fact the host answered. */
  getTlsInfo (): Record<string, unknown> | null
  isSessionReused (): boolean
  getSession (): undefined
  getTLSTicket (): undefined
  getEphemeralKeyInfo (): {}
  getPeerFinished (): undefined
  getFinished (): undefined
  getSharedSigalgs (): string[]
  setMaxSendFragment (size: number): boolean
  disableRenegotiation (): void
  renegotiate (options: unknown, callback?: (error: Error | null) => void): boolean
  on (event: 'secureConnect', listener: () => void): this
  on (event: 'error', listener: (error: TlsError) => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
  once (event: 'secureConnect', listener: () => void): this
  once (event: 'error', listener: (error: TlsError) => void): this
  once (event: string | symbol, listener: (...args: any[]) => void): this
}

export interface TlsServerOptions extends ServerOpts {
  cert: PemMaterial
  key: PemMaterial | Array<{ pem: string | ArrayBufferView, passphrase?: string }>
  passphrase?: string
  ca?: PemMaterial
  requestCert?: boolean
  rejectUnauthorized?: boolean
  ALPNProtocols?: string[] | ArrayBufferView[] | ArrayBufferView
  minVersion?: SecureVersion
  maxVersion?: SecureVersion
  ciphers?: string
  handshakeTimeout?: number
}

/** A TLS server of the host (Node's `tls.Server`). A bad certificate or key is an `error` at `listen`. */
export class Server extends NetServer {
  constructor (secureConnectionListener?: (socket: TLSSocket) => void)
  constructor (options?: TlsServerOptions, secureConnectionListener?: (socket: TLSSocket) => void)
  addContext (hostname: string, context: unknown): never
  setSecureContext (options: Partial<TlsServerOptions>): void
  on (event: 'secureConnection', listener: (socket: TLSSocket) => void): this
  /** The socket is `null`: the host made none for a failed handshake. */
  on (event: 'tlsClientError', listener: (error: TlsError, socket: null) => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
}

/** The listener runs on `secureConnect`; one that declares a parameter also gets the error when the connection fails (Oro's `cb(err?)`). */
export function connect (options: ConnectionOptions, secureConnectListener?: (err?: Error) => void): TLSSocket
export function connect (port: number, host?: string, options?: ConnectionOptions, secureConnectListener?: (err?: Error) => void): TLSSocket
export function connect (port: number, options?: ConnectionOptions, secureConnectListener?: (err?: Error) => void): TLSSocket
export function createServer (options: TlsServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server
export function createSecureContext (options?: Record<string, unknown>): { context: Record<string, unknown> }
export function checkServerIdentity (hostname: string, cert: PeerCertificate): Error | undefined
export function getCiphers (): string[]

export interface ProviderInfo {
  provider: string
  version: string
  versionNumber?: number
  versions?: string[]
}

/** Oro's: the host's TLS library. */
export function getProvider (): Promise<ProviderInfo>
/** Oro's name for `getProvider`. */
export function getTlsProvider (): Promise<ProviderInfo>

export type TlsPinsMode = 'append' | 'replace'
export interface TlsPinsOptions {
  mode?: TlsPinsMode
}
export interface TlsPinsResult {
  ok: boolean
  /** Every pin, in Oro's line format (`host[:port] sha256/...`). */
  value: string
}
export interface TlsHandshakeInfo {
  id?: string
  clientId?: string
  hostname?: string
  protocol?: string
  cipher?: string
  alpn?: string
  alpnProtocol?: string
  provider?: string
  subject?: string
  sans?: string[]
  peerPin?: string
}

/** Oro's: the host's pins in Oro's line format. */
export function getTlsPins (): Promise<{ value: string }>
/** Oro's: pin lines added (`mode: 'append'`, the default) or instead of every pin (`'replace'`). */
export function setTlsPins (pins: string | string[], options?: TlsPinsOptions): Promise<TlsPinsResult>
export function addTlsPins (pins: string | string[]): Promise<TlsPinsResult>
/** Drops every entry of the hosts the lines name. */
export function removeTlsPins (hosts: string | string[]): Promise<TlsPinsResult>
export function clearTlsPins (): Promise<TlsPinsResult>
/** `host`: `host`, `host:port`, `[v6]:port` or a URL; exactly that endpoint's pins, else the host's every-port pins. */
export function getTlsPinsForHost (host: string, port?: number): Promise<{ host: string, configured: boolean, pins: string[] }>
export function setTlsPinsForHost (host: string, pins: string | string[]): Promise<TlsPinsResult>
export function addTlsPinsForHost (host: string, pins: string | string[]): Promise<TlsPinsResult>
/** Without `pins`, drops the endpoint's entry. */
export function removeTlsPinsForHost (host: string, pins?: string | string[]): Promise<TlsPinsResult>
export function clearTlsPinsForHost (host: string): Promise<TlsPinsResult>
/** Oro's pin: `sha256/` + base64 of the SHA-256 of the certificate's DER. */
export function createTlsPinFromCertificateDer (der: ArrayBuffer | ArrayBufferView): Promise<string>
export function createTlsPinFromCertificatePem (pem: string | ArrayBufferView): Promise<string>
/** Oro's name for `Server`. */
export const TLSServer: typeof Server
/** Oro's WebView pins: each rejects with `NotSupportedError` (docs/tls.md). */
export function setWebViewTlsPins (pins: string | string[], options?: TlsPinsOptions): Promise<never>
export function getWebViewTlsPins (): Promise<never>
export function clearWebViewTlsPins (): Promise<never>
export function getWebViewTlsPinsForHost (host: string): Promise<never>
export function setWebViewTlsPinsForHost (host: string, pins: string | string[]): Promise<never>
export function addWebViewTlsPinsForHost (host: string, pins: string | string[]): Promise<never>
export function removeWebViewTlsPinsForHost (host: string, pins?: string | string[]): Promise<never>

declare const tls: {
  TLSSocket: typeof TLSSocket
  Server: typeof Server
  connect: typeof connect
  createServer: typeof createServer
  createSecureContext: typeof createSecureContext
  checkServerIdentity: typeof checkServerIdentity
  getCiphers: typeof getCiphers
  TLSServer: typeof Server
  getProvider: typeof getProvider
  getTlsProvider: typeof getTlsProvider
  getTlsPins: typeof getTlsPins
  setTlsPins: typeof setTlsPins
  addTlsPins: typeof addTlsPins
  removeTlsPins: typeof removeTlsPins
  clearTlsPins: typeof clearTlsPins
  getTlsPinsForHost: typeof getTlsPinsForHost
  setTlsPinsForHost: typeof setTlsPinsForHost
  addTlsPinsForHost: typeof addTlsPinsForHost
  removeTlsPinsForHost: typeof removeTlsPinsForHost
  clearTlsPinsForHost: typeof clearTlsPinsForHost
  createTlsPinFromCertificateDer: typeof createTlsPinFromCertificateDer
  createTlsPinFromCertificatePem: typeof createTlsPinFromCertificatePem
  setWebViewTlsPins: typeof setWebViewTlsPins
  getWebViewTlsPins: typeof getWebViewTlsPins
  clearWebViewTlsPins: typeof clearWebViewTlsPins
  getWebViewTlsPinsForHost: typeof getWebViewTlsPinsForHost
  setWebViewTlsPinsForHost: typeof setWebViewTlsPinsForHost
  addWebViewTlsPinsForHost: typeof addWebViewTlsPinsForHost
  removeWebViewTlsPinsForHost: typeof removeWebViewTlsPinsForHost
  rootCertificates: typeof rootCertificates
  DEFAULT_MIN_VERSION: string
  DEFAULT_MAX_VERSION: string
  DEFAULT_ECDH_CURVE: string
  DEFAULT_CIPHERS: string
}
export default tls
