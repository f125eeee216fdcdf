/**
 * `oro:dgram` (also `node:dgram`) — Node's `dgram` for page JavaScript: UDP sockets of the host
 * process (unicast, broadcast, multicast). Errors carry Node's `code`, `errno`, `syscall`,
 * `address` and `port`.
 * @module oro:dgram
 * @alias node:dgram
 */

import { EventEmitter } from 'oro:events'
import type { Buffer } from 'oro:buffer'
import type { Conduit } from 'oro:conduit'

export type SocketType = 'udp4' | 'udp6'

export interface SocketOptions {
  type: SocketType
  reuseAddr?: boolean
  reusePort?: boolean
  ipv6Only?: boolean
  recvBufferSize?: number
  sendBufferSize?: number
  lookup?: (hostname: string, family: number, callback: (error: Error | null, address: string, family?: number) => void) => void
  signal?: AbortSignal
}

export interface BindOptions {
  port?: number
  address?: string
  exclusive?: boolean
  fd?: number
}

export interface AddressInfo {
  address: string
  family: 'IPv4' | 'IPv6'
  port: number
}

export interface RemoteInfo extends AddressInfo {
  size: number
}

/** A system error, as Node reports it (`bind EADDRINUSE 127.0.0.1:41234`). */
export interface DgramError extends Error {
  code: string
  errno?: number
  syscall?: string
  address?: string
  port?: number
}

export type MessageData = string | ArrayBufferView | ReadonlyArray<string | ArrayBufferView>
export type SendCallback = (error: DgramError | null, bytes?: number) => void

export interface Capabilities {
  multicast: boolean
  broadcast: boolean
  ipv6only: boolean
  ssm: boolean
  reusePort: boolean
}

export class Socket extends EventEmitter {
  constructor (type: SocketType | SocketOptions, listener?: (msg: Buffer, rinfo: RemoteInfo) => void)
  readonly type: SocketType
  /** The socket's id: the `id` of its `udp.*` routes and of its Conduit. */
  readonly id: string
  /** The Conduit its datagrams arrive on, once bound. */
  conduit: Conduit | null

  bind (port?: number, address?: string, callback?: () => void): this
  bind (port: number, callback?: () => void): this
  bind (callback?: () => void): this
  bind (options: BindOptions, callback?: () => void): this

  connect (port: number, address?: string, callback?: (error?: DgramError) => void): void
  connect (port: number, callback: (error?: DgramError) => void): void
  disconnect (): void
  address (): AddressInfo
  remoteAddress (): AddressInfo

  send (msg: MessageData, port?: number, address?: string, callback?: SendCallback): void
  send (msg: MessageData, port?: number, callback?: SendCallback): void
  send (msg: MessageData, callback?: SendCallback): void
  send (msg: string | ArrayBufferView, offset: number, length: number, port?: number, address?: string, callback?: SendCallback): void
  send (msg: string | ArrayBufferView, offset: number, length: number, port?: number, callback?: SendCallback): void
  send (msg: string | ArrayBufferView, offset: number, length: number, callback?: SendCallback): void
  getSendQueueSize (): number
  getSendQueueCount (): number

  close (callback?: () => void): this
  ref (): this
  unref (): this

  setBroadcast (flag: boolean): void
  setTTL (ttl: number): number
  setMulticastTTL (ttl: number): number
  setMulticastLoopback<T> (flag: T): T
  setMulticastInterface (interfaceAddress: string): void
  addMembership (multicastAddress: string, interfaceAddress?: string): void
  dropMembership (multicastAddress: string, interfaceAddress?: string): void
  addSourceSpecificMembership (sourceAddress: string, groupAddress: string, interfaceAddress?: string): void
  dropSourceSpecificMembership (sourceAddress: string, groupAddress: string, interfaceAddress?: string): void
  setRecvBufferSize (size: number): void
  setSendBufferSize (size: number): void
  getRecvBufferSize (): number
  getSendBufferSize (): number

  on (event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this
  on (event: 'error', listener: (error: DgramError) => void): this
  on (event: 'listening' | 'connect' | 'close', listener: () => void): this
  on (event: string | symbol, listener: (...args: any[]) => void): this
  once (event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this
  once (event: 'error', listener: (error: DgramError) => void): this
  once (event: 'listening' | 'connect' | 'close', listener: () => void): this
  once (event: string | symbol, listener: (...args: any[]) => void): this
}

export function createSocket (type: SocketType | SocketOptions, listener?: (msg: Buffer, rinfo: RemoteInfo) => void): Socket
/** What this system's UDP sockets can do (Oro's extra; route `udp.capabilities`). */
export function getCapabilities (): Promise<Capabilities>
/** Whether source-specific multicast works here (Oro's extra). */
export function isSSMSupported (): Promise<boolean>

/** Oro's base class of the socket state errors; their `name` is Node's `'Error'`. */
export class SocketError extends Error {
  code: string
}
export class ERR_SOCKET_ALREADY_BOUND extends SocketError {
  constructor ()
}
export class ERR_SOCKET_DGRAM_IS_CONNECTED extends SocketError {
  constructor ()
}
export class ERR_SOCKET_DGRAM_NOT_CONNECTED extends SocketError {
  constructor ()
}
export class ERR_SOCKET_DGRAM_NOT_RUNNING extends SocketError {
  constructor ()
}
/** A `TypeError`, as Node's. */
export class ERR_SOCKET_BAD_TYPE extends TypeError {
  constructor ()
  code: 'ERR_SOCKET_BAD_TYPE'
}
/** A `RangeError`, as Node's. */
export class ERR_SOCKET_BAD_PORT extends RangeError {
  constructor (message: string)
  code: 'ERR_SOCKET_BAD_PORT'
}
/** A `TypeError`, as Node's (Oro's extends `SocketError`). */
export class ERR_SOCKET_BAD_BUFFER_SIZE extends TypeError {
  constructor (message?: string)
  code: 'ERR_SOCKET_BAD_BUFFER_SIZE'
}
/** Node's `SystemError` (`name` 'SystemError') with the system's `info`, `errno` and `syscall`. */
export class ERR_SOCKET_BUFFER_SIZE extends Error {
  constructor (message: string, info?: { errno: number, code: string, message: string, syscall: string })
  code: 'ERR_SOCKET_BUFFER_SIZE'
  info: { errno: number, code: string, message: string, syscall: string }
  errno: number
  syscall: string
}

declare const dgram: {
  Socket: typeof Socket
  createSocket: typeof createSocket
  getCapabilities: typeof getCapabilities
  isSSMSupported: typeof isSSMSupported
  SocketError: typeof SocketError
  ERR_SOCKET_ALREADY_BOUND: typeof ERR_SOCKET_ALREADY_BOUND
  ERR_SOCKET_BAD_BUFFER_SIZE: typeof ERR_SOCKET_BAD_BUFFER_SIZE
  ERR_SOCKET_BUFFER_SIZE: typeof ERR_SOCKET_BUFFER_SIZE
  ERR_SOCKET_DGRAM_IS_CONNECTED: typeof ERR_SOCKET_DGRAM_IS_CONNECTED
  ERR_SOCKET_DGRAM_NOT_CONNECTED: typeof ERR_SOCKET_DGRAM_NOT_CONNECTED
  ERR_SOCKET_DGRAM_NOT_RUNNING: typeof ERR_SOCKET_DGRAM_NOT_RUNNING
  ERR_SOCKET_BAD_TYPE: typeof ERR_SOCKET_BAD_TYPE
  ERR_SOCKET_BAD_PORT: typeof ERR_SOCKET_BAD_PORT
}
export default dgram
