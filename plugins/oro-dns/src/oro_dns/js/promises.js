/**
 * `oro:dns/promises` (also `node:dns/promises`) — Node's promise API of `dns`, the same object
 * as `promises` of `oro:dns`.
 * @module oro:dns/promises
 */

// Through the import map, so that this module and `oro:dns` share one instance (and one
// default resolver, whose servers setServers changes for both).
import { promises } from 'oro:dns'

export const {
  lookup, Resolver, getDefaultResultOrder, setDefaultResultOrder, setServers, getServers,
  resolve, resolve4, resolve6, resolveAny, resolveCname, resolveMx, resolveNs, resolvePtr,
  resolveSoa, resolveSrv, resolveTxt, reverse,
  // Oro's dns/promises also exports the lookup hints.
  ADDRCONFIG, V4MAPPED, ALL, constants
} = /** @type {any} */ (promises)

export default promises
