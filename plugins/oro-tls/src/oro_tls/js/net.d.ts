/**
 * `oro:net` (also `node:net`) — Node's `net` for page JavaScript: TCP sockets and servers of the
 * host process. A `Socket` is a `Duplex` of `oro:stream`; errors carry Node's `code`, `errno`,
 * `syscall`, `address` and `port`.
 * @module oro:net
 * @alias node:net
 */

import { EventEmitter } from 'oro:events'
import { Duplex } from 'oro:stream'
import type { Buffer } from 'oro:buffer'
import type { Conduit } from 'oro:conduit'

export interface AddressInfo {
  address: string
  family: string
  port: number
}

/** A system error, as Node reports it (`connect ECONNREFUSED 127.0.0.1:9`). */
export interface NetError extends Error {
  code: string
  errno?: number
  syscall?: string
  address?: string
  port?: number
}

export interface SocketConstructorOpts {
  allowHalfOpen?: boolean
  readableHighWaterMark?: number
  writableHighWaterMark?: number
  signal?: AbortSignal
  noDelay?: boolean
  keepAlive?: boolean
  keepAliveInitialDelay?: number
}

export interface TcpSocketConnectOpts {
  port: number | string
  host?: string
  localAddress?: string
  localPort?: number
  family?: 0 | 4 | 6
  /** Node's idle timeout (ms): a `timeout` event, the socket stays open. */
  timeout?: number
  noDelay?: boolean
  keepAlive?: boolean
  keepAliveInitialDelay?: number
  signal?: AbortSignal
  /** Oro's: ms the host waits for the connection (default `tcp.connect_timeout_ms`). */
  connectTimeout?: number
}

export type SocketReadyState = 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed'

/** A TCP connection of the host (Node's `net.Socket`). */
export class Socket extends Duplex {
  constructor (options?: SocketConstructorOpts)
  /** The socket's id: its routes' `id` and its Conduit's. */
  id: string
  conduit: Conduit | null
  connecting: boolean
  readonly pending: boolean
  readonly readyState: SocketReadyState
  server: Server | null
  readonly remoteAddress: string | undefined
  readonly remotePort: number | undefined
  readonly remoteFamily: string | undefined
  readonly localAddress: string | undefined
  readonly localPort: number | undefined
  readonly localFamily: string | undefined
  readonly bytesRead: number
  readonly bytesWritten: number
  readonly bufferSize: number
  readonly timeout: number | undefined
  address (): AddressInfo | {}
  connect (options: TcpSocketConnectOpts, connectionListener?: () => void): this
  connect (port: number | string, host?: string, connectionListener?: () => void): this
  connect (port: number | string, connectionListener?: () => void): this
  setTimeout (msecs: number, callback?: () => void): this
  setNoDelay (noDelay?: boolean): this
  setKeepAlive (enable?: boolean, initialDelay?: number): this
  resetAndDestroy (): this
  destroySoon (): void
  /** No effect in a page. */
  ref (): this
  /** No effect in a page. */
  unref (): this
  on (event: 'data', listener: (data: Buffer) => void): this
  on (event: 'close', listener: (hadError: boolean) => void): this
  on (event: 'error', listener: (error: NetError) => void): this
  on (event: 'lookup', listener: (error: Error | null, address: string, family: number, host: string) => void): this
  on (event: 'connect' | 'ready' | 'end' | 'finish' | 'drain' | 'timeout' | 'pause' | 'resume', listener: () => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
  once (event: 'data', listener: (data: Buffer) => void): this
  once (event: 'close', listener: (hadError: boolean) => void): this
  once (event: 'error', listener: (error: NetError) => void): this
  once (event: string | symbol, listener: (...args: any[]) => void): this
}

export const Stream: typeof Socket

export interface ServerOpts {
  allowHalfOpen?: boolean
  pauseOnConnect?: boolean
  noDelay?: boolean
  keepAlive?: boolean
  keepAliveInitialDelay?: number
}

export interface ListenOptions {
  port?: number
  host?: string
  backlog?: number
  ipv6Only?: boolean
  signal?: AbortSignal
}

export interface DropArgument {
  localAddress?: string
  localPort?: number
  localFamily?: string
  remoteAddress?: string
  remotePort?: number
  remoteFamily?: string
}

/** A TCP server of the host (Node's `net.Server`); listening stays on loopback unless the host allows more. */
export class Server extends EventEmitter {
  constructor (connectionListener?: (socket: Socket) => void)
  constructor (options?: ServerOpts, connectionListener?: (socket: Socket) => void)
  id: string
  conduit: Conduit | null
  /** Page-side: connections beyond it are closed at once (`drop`). */
  maxConnections: number | undefined
  allowHalfOpen: boolean
  pauseOnConnect: boolean
  readonly listening: boolean
  address (): AddressInfo | null
  listen (port?: number, hostname?: string, backlog?: number, listeningListener?: () => void): this
  listen (port?: number, hostname?: string, listeningListener?: () => void): this
  listen (port?: number, backlog?: number, listeningListener?: () => void): this
  listen (port?: number, listeningListener?: () => void): this
  listen (options: ListenOptions, listeningListener?: () => void): this
  listen (listeningListener?: () => void): this
  close (callback?: (error?: Error) => void): this
  getConnections (callback: (error: Error | null, count: number) => void): this
  ref (): this
  unref (): this
  on (event: 'connection', listener: (socket: Socket) => void): this
  on (event: 'error', listener: (error: NetError) => void): this
  on (event: 'drop', listener: (data: DropArgument) => void): this
  on (event: 'listening' | 'close', listener: () => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
}

export function connect (options: TcpSocketConnectOpts & SocketConstructorOpts, connectionListener?: () => void): Socket
export function connect (port: number | string, host?: string, connectionListener?: () => void): Socket
export function connect (port: number | string, connectionListener?: () => void): Socket
export const createConnection: typeof connect
export function createServer (connectionListener?: (socket: Socket) => void): Server
export function createServer (options?: ServerOpts, connectionListener?: (socket: Socket) => void): Server
/** 4, 6, or 0 (Node's rules: no leading zeros in IPv4, zone ids allowed in IPv6). */
export function isIP (input: string): 0 | 4 | 6
export function isIPv4 (input: string): boolean
export function isIPv6 (input: string): boolean
export function getDefaultAutoSelectFamily (): boolean
export function setDefaultAutoSelectFamily (value: boolean): void
export function getDefaultAutoSelectFamilyAttemptTimeout (): number
export function setDefaultAutoSelectFamilyAttemptTimeout (value: number): void

declare const net: {
  Socket: typeof Socket
  Stream: typeof Socket
  Server: typeof Server
  connect: typeof connect
  createConnection: typeof connect
  createServer: typeof createServer
  isIP: typeof isIP
  isIPv4: typeof isIPv4
  isIPv6: typeof isIPv6
  getDefaultAutoSelectFamily: typeof getDefaultAutoSelectFamily
  setDefaultAutoSelectFamily: typeof setDefaultAutoSelectFamily
  getDefaultAutoSelectFamilyAttemptTimeout: typeof getDefaultAutoSelectFamilyAttemptTimeout
  setDefaultAutoSelectFamilyAttemptTimeout: typeof setDefaultAutoSelectFamilyAttemptTimeout
}
export default net
