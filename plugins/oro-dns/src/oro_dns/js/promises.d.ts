/**
 * `oro:dns/promises` (also `node:dns/promises`) — Node's promise API of `dns`.
 * @module oro:dns/promises
 * @alias node:dns/promises
 */

import type { DnsPromises } from 'oro:dns'

export type {
  AnyRecord, DnsError, LookupAddress, LookupOptions, MxRecord, RecordWithTtl, ResolveOptions,
  ResolverOptions, RRType, SoaRecord, SrvRecord
} from 'oro:dns'

export const lookup: DnsPromises['lookup']
export const Resolver: DnsPromises['Resolver']
export const getDefaultResultOrder: DnsPromises['getDefaultResultOrder']
export const setDefaultResultOrder: DnsPromises['setDefaultResultOrder']
export const getServers: DnsPromises['getServers']
export const setServers: DnsPromises['setServers']
export const resolve: DnsPromises['resolve']
export const resolve4: DnsPromises['resolve4']
export const resolve6: DnsPromises['resolve6']
export const resolveAny: DnsPromises['resolveAny']
export const resolveCname: DnsPromises['resolveCname']
export const resolveMx: DnsPromises['resolveMx']
export const resolveNs: DnsPromises['resolveNs']
export const resolvePtr: DnsPromises['resolvePtr']
export const resolveSoa: DnsPromises['resolveSoa']
export const resolveSrv: DnsPromises['resolveSrv']
export const resolveTxt: DnsPromises['resolveTxt']
export const reverse: DnsPromises['reverse']
/** Oro's: the lookup hints, as `oro:dns` has them. */
export { ADDRCONFIG, V4MAPPED, ALL, constants } from 'oro:dns/constants'
declare const promises: DnsPromises
export default promises
