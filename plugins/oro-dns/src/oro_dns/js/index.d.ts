/**
 * `oro:dns` (also `node:dns`) — Node's `dns` for page JavaScript: `lookup` through the system's
 * resolver, `resolve*`/`reverse` DNS queries, `Resolver`, `promises`. Errors carry Node's
 * `code` (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`...), `errno`, `syscall` and `hostname`.
 * @module oro:dns
 * @alias node:dns
 */

export { ADDRCONFIG, V4MAPPED, ALL, constants } from 'oro:dns/constants'

export const NODATA: 'ENODATA'
export const FORMERR: 'EFORMERR'
export const SERVFAIL: 'ESERVFAIL'
export const NOTFOUND: 'ENOTFOUND'
export const NOTIMP: 'ENOTIMP'
export const REFUSED: 'EREFUSED'
export const BADQUERY: 'EBADQUERY'
export const BADNAME: 'EBADNAME'
export const BADFAMILY: 'EBADFAMILY'
export const BADRESP: 'EBADRESP'
export const CONNREFUSED: 'ECONNREFUSED'
export const TIMEOUT: 'ETIMEOUT'
export const EOF: 'EOF'
export const FILE: 'EFILE'
export const NOMEM: 'ENOMEM'
export const DESTRUCTION: 'EDESTRUCTION'
export const BADSTR: 'EBADSTR'
export const BADFLAGS: 'EBADFLAGS'
export const NONAME: 'ENONAME'
export const BADHINTS: 'EBADHINTS'
export const NOTINITIALIZED: 'ENOTINITIALIZED'
export const LOADIPHLPAPI: 'ELOADIPHLPAPI'
export const ADDRGETNETWORKPARAMS: 'EADDRGETNETWORKPARAMS'
export const CANCELLED: 'ECANCELLED'

/** A failed lookup or query, as Node raises it. */
export interface DnsError extends Error {
  code: string
  errno?: number
  syscall: string
  hostname?: string
}

export type ResultOrder = 'ipv4first' | 'ipv6first' | 'verbatim'

export interface LookupOptions {
  family?: 0 | 4 | 6 | 'IPv4' | 'IPv6'
  hints?: number
  all?: boolean
  verbatim?: boolean
  order?: ResultOrder
}
export interface LookupAddress { address: string, family: 4 | 6 }

export interface ResolveOptions { ttl?: boolean }
export interface RecordWithTtl { address: string, ttl: number }
export interface MxRecord { exchange: string, priority: number }
export interface SrvRecord { name: string, port: number, priority: number, weight: number }
export interface SoaRecord {
  nsname: string, hostmaster: string, serial: number, refresh: number, retry: number,
  expire: number, minttl: number
}
export type AnyRecord =
  | (RecordWithTtl & { type: 'A' | 'AAAA' })
  | { type: 'CNAME' | 'NS' | 'PTR', value: string }
  | (MxRecord & { type: 'MX' })
  | (SrvRecord & { type: 'SRV' })
  | (SoaRecord & { type: 'SOA' })
  | { type: 'TXT', entries: string[] }
export type RRType = 'A' | 'AAAA' | 'ANY' | 'CNAME' | 'MX' | 'NS' | 'PTR' | 'SOA' | 'SRV' | 'TXT'

export interface ResolverOptions { timeout?: number, tries?: number, maxTimeout?: number }

type Callback<T> = (err: DnsError | null, result: T) => void

export function lookup (hostname: string, callback: (err: DnsError | null, address: string, family: 4 | 6) => void): {}
export function lookup (hostname: string, options: LookupOptions & { all: true }, callback: Callback<LookupAddress[]>): {}
export function lookup (hostname: string, options: number | LookupOptions, callback: (err: DnsError | null, address: string, family: 4 | 6) => void): {}

export function getDefaultResultOrder (): ResultOrder
export function setDefaultResultOrder (order: ResultOrder): void
export function getServers (): string[]
export function setServers (servers: string[]): void
export function isIPv4 (text: string): boolean
export function isIPv6 (text: string): boolean

export interface CallbackQueries {
  resolve (hostname: string, callback: Callback<string[]>): {}
  resolve (hostname: string, rrtype: RRType, callback: Callback<unknown>): {}
  resolve4 (hostname: string, callback: Callback<string[]>): {}
  resolve4 (hostname: string, options: ResolveOptions, callback: Callback<string[] | RecordWithTtl[]>): {}
  resolve6 (hostname: string, callback: Callback<string[]>): {}
  resolve6 (hostname: string, options: ResolveOptions, callback: Callback<string[] | RecordWithTtl[]>): {}
  resolveAny (hostname: string, callback: Callback<AnyRecord[]>): {}
  resolveCname (hostname: string, callback: Callback<string[]>): {}
  resolveMx (hostname: string, callback: Callback<MxRecord[]>): {}
  resolveNs (hostname: string, callback: Callback<string[]>): {}
  resolvePtr (hostname: string, callback: Callback<string[]>): {}
  resolveSoa (hostname: string, callback: Callback<SoaRecord>): {}
  resolveSrv (hostname: string, callback: Callback<SrvRecord[]>): {}
  resolveTxt (hostname: string, callback: Callback<string[][]>): {}
  reverse (ip: string, callback: Callback<string[]>): {}
}

export interface PromiseQueries {
  resolve (hostname: string, rrtype?: RRType): Promise<unknown>
  resolve4 (hostname: string, options?: ResolveOptions): Promise<string[] | RecordWithTtl[]>
  resolve6 (hostname: string, options?: ResolveOptions): Promise<string[] | RecordWithTtl[]>
  resolveAny (hostname: string): Promise<AnyRecord[]>
  resolveCname (hostname: string): Promise<string[]>
  resolveMx (hostname: string): Promise<MxRecord[]>
  resolveNs (hostname: string): Promise<string[]>
  resolvePtr (hostname: string): Promise<string[]>
  resolveSoa (hostname: string): Promise<SoaRecord>
  resolveSrv (hostname: string): Promise<SrvRecord[]>
  resolveTxt (hostname: string): Promise<string[][]>
  reverse (ip: string): Promise<string[]>
}

export const resolve: CallbackQueries['resolve']
export const resolve4: CallbackQueries['resolve4']
export const resolve6: CallbackQueries['resolve6']
export const resolveAny: CallbackQueries['resolveAny']
export const resolveCname: CallbackQueries['resolveCname']
export const resolveMx: CallbackQueries['resolveMx']
export const resolveNs: CallbackQueries['resolveNs']
export const resolvePtr: CallbackQueries['resolvePtr']
export const resolveSoa: CallbackQueries['resolveSoa']
export const resolveSrv: CallbackQueries['resolveSrv']
export const resolveTxt: CallbackQueries['resolveTxt']
export const reverse: CallbackQueries['reverse']

/** Node's `dns.promises.Resolver`: its own servers and options, methods return promises. */
export class PromiseResolver implements PromiseQueries {
  constructor (options?: ResolverOptions)
  cancel (): void
  getServers (): string[]
  setServers (servers: string[]): void
  setLocalAddress (ipv4: string): void
  resolve (hostname: string, rrtype?: RRType): Promise<unknown>
  resolve4 (hostname: string, options?: ResolveOptions): Promise<string[] | RecordWithTtl[]>
  resolve6 (hostname: string, options?: ResolveOptions): Promise<string[] | RecordWithTtl[]>
  resolveAny (hostname: string): Promise<AnyRecord[]>
  resolveCname (hostname: string): Promise<string[]>
  resolveMx (hostname: string): Promise<MxRecord[]>
  resolveNs (hostname: string): Promise<string[]>
  resolvePtr (hostname: string): Promise<string[]>
  resolveSoa (hostname: string): Promise<SoaRecord>
  resolveSrv (hostname: string): Promise<SrvRecord[]>
  resolveTxt (hostname: string): Promise<string[][]>
  reverse (ip: string): Promise<string[]>
}

/** Node's `dns.Resolver`: the same queries with callbacks. */
export interface Resolver extends CallbackQueries {}
export class Resolver {
  constructor (options?: ResolverOptions)
  cancel (): void
  getServers (): string[]
  setServers (servers: string[]): void
  setLocalAddress (ipv4: string): void
}

export interface DnsPromises extends PromiseQueries {
  lookup (hostname: string, options: LookupOptions & { all: true }): Promise<LookupAddress[]>
  lookup (hostname: string, options?: number | LookupOptions): Promise<LookupAddress>
  Resolver: typeof PromiseResolver
  getDefaultResultOrder (): ResultOrder
  setDefaultResultOrder (order: ResultOrder): void
  getServers (): string[]
  setServers (servers: string[]): void
}
export const promises: DnsPromises

declare const dns: {
  lookup: typeof lookup
  Resolver: typeof Resolver
  promises: DnsPromises
  getDefaultResultOrder: typeof getDefaultResultOrder
  setDefaultResultOrder: typeof setDefaultResultOrder
  getServers: typeof getServers
  setServers: typeof setServers
  ADDRCONFIG: number
  V4MAPPED: number
  ALL: number
  constants: Readonly<{ ADDRCONFIG: number, V4MAPPED: number, ALL: number }>
} & CallbackQueries
export default dns
