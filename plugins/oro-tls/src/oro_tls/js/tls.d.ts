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
  peerPin?: string | null
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
  /** Oro's: pins (`sha256/<base64>`) the peer's key must match (also with `rejectUnauthorized: false`). */
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
  /** Oro's: the `sha256/...` pin of the peer's key. */
  peerPin: string | null
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

export function connect (options: ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect (port: number, host?: string, options?: ConnectionOptions, secureConnectListener?: () => void): TLSSocket
export function connect (port: number, options?: ConnectionOptions, secureConnectListener?: () => void): TLSSocket
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
/** Oro's: the host's pins in Oro's line format (`host[:port] sha256/...`). */
export function getTlsPins (): Promise<string>
export function setTlsPins (value: string): Promise<string>
export function addTlsPins (value: string): Promise<string>
/** Drops every entry of the hosts `value` names. */
export function removeTlsPins (value: string): Promise<string>
export function clearTlsPins (): Promise<string>
export function getTlsPinsForHost (host: string, port?: number): Promise<string[]>
export function setTlsPinsForHost (host: string, pins: string | string[]): Promise<string>
export function addTlsPinsForHost (host: string, pins: string | string[]): Promise<string>
export function removeTlsPinsForHost (host: string): Promise<string>
export function clearTlsPinsForHost (host: string): Promise<string>
export function createTlsPinFromCertificateDer (der: ArrayBuffer | ArrayBufferView): Promise<string>
export function createTlsPinFromCertificatePem (pem: string | ArrayBufferView): Promise<string>

declare const tls: {
  TLSSocket: typeof TLSSocket
  Server: typeof Server
  connect: typeof connect
  createServer: typeof createServer
  createSecureContext: typeof createSecureContext
  checkServerIdentity: typeof checkServerIdentity
  getCiphers: typeof getCiphers
  getProvider: typeof getProvider
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
  rootCertificates: typeof rootCertificates
  DEFAULT_MIN_VERSION: string
  DEFAULT_MAX_VERSION: string
  DEFAULT_ECDH_CURVE: string
  DEFAULT_CIPHERS: string
}
export default tls
