/**
 * `oro:dns` (also `node:dns`) — Node's `dns` module for page JavaScript: `lookup` (the system's
 * resolver, as Node's), `resolve*`/`reverse` (DNS queries), `Resolver`, `promises` (also
 * `oro:dns/promises`), the `ADDRCONFIG`/`V4MAPPED`/`ALL` hints and the error codes.
 *
 * ```js
 * import dns from 'node:dns'
 * dns.lookup('localhost', (err, address, family) => { ... })
 * const { address } = await dns.promises.lookup('localhost')
 * const mx = await dns.promises.resolveMx('example.org')
 * ```
 *
 * Every call is an `oro:ipc` request to a host route `dns.*`. Errors carry Node's `code`
 * (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`...), `errno`, `syscall` and `hostname`.
 * @module oro:dns
 */

import { request, sendSync } from 'oro:ipc'
import { received } from 'oro:errors'
import { isIP, isIPv4, isIPv6 } from 'oro:ip'

import { ADDRCONFIG, V4MAPPED, ALL, constants } from 'oro:dns/constants'

// Linux's getaddrinfo flags, the values Node exports there; the host maps them to its own.
// `constants` is Oro's (`{ ADDRCONFIG, V4MAPPED, ALL }`).
export { ADDRCONFIG, V4MAPPED, ALL, constants }

export const NODATA = 'ENODATA'
export const FORMERR = 'EFORMERR'
export const SERVFAIL = 'ESERVFAIL'
export const NOTFOUND = 'ENOTFOUND'
export const NOTIMP = 'ENOTIMP'
export const REFUSED = 'EREFUSED'
export const BADQUERY = 'EBADQUERY'
export const BADNAME = 'EBADNAME'
export const BADFAMILY = 'EBADFAMILY'
export const BADRESP = 'EBADRESP'
export const CONNREFUSED = 'ECONNREFUSED'
export const TIMEOUT = 'ETIMEOUT'
export const EOF = 'EOF'
export const FILE = 'EFILE'
export const NOMEM = 'ENOMEM'
export const DESTRUCTION = 'EDESTRUCTION'
export const BADSTR = 'EBADSTR'
export const BADFLAGS = 'EBADFLAGS'
export const NONAME = 'ENONAME'
export const BADHINTS = 'EBADHINTS'
export const NOTINITIALIZED = 'ENOTINITIALIZED'
export const LOADIPHLPAPI = 'ELOADIPHLPAPI'
export const ADDRGETNETWORKPARAMS = 'EADDRGETNETWORKPARAMS'
export const CANCELLED = 'ECANCELLED'

const RRTYPES = ['A', 'AAAA', 'ANY', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT']
const SYSCALLS = /** @type {Record<string, string>} */ ({
  A: 'queryA', AAAA: 'queryAaaa', ANY: 'queryAny', CNAME: 'queryCname', MX: 'queryMx', NS: 'queryNs', PTR: 'queryPtr', SOA: 'querySoa', SRV: 'querySrv', TXT: 'queryTxt'
})
const ORDERS = ['verbatim', 'ipv4first', 'ipv6first']

/**
 * @param {string} message
 * @param {string} [code]
 */
function typeError (message, code = 'ERR_INVALID_ARG_TYPE') {
  return Object.assign(new TypeError(message), { code })
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {asserts value is string}
 */
function checkString (value, name) {
  if (typeof value !== 'string') throw typeError(`The "${name}" argument must be of type string. Received ${received(value)}`)
}

/**
 * @param {unknown} callback
 * @returns {asserts callback is Function}
 */
function checkCallback (callback) {
  if (typeof callback !== 'function') throw typeError(`The "callback" argument must be of type function. Received ${received(callback)}`)
}

/**
 * Node's error for a failed lookup or query: a plain `Error` (Node's class) with `errno`, `code`,
 * `syscall` and `hostname`; argument errors (`TypeError`...) pass through.
 * @param {any} error
 * @returns {Error}
 */
function nodeError (error) {
  if (error?.name !== 'ErrnoError') return error
  const plain = /** @type {any} */ (new Error(error.message))
  plain.errno = error.errno
  plain.code = error.code
  plain.syscall = error.syscall
  if (error.hostname) plain.hostname = error.hostname
  return plain
}

export { isIPv4, isIPv6 }

let defaultOrder = 'ipv4first'

/**
 * The order `lookup` gives addresses in when its options name none: `'ipv4first'` (Oro's rule,
 * where Node's default is `'verbatim'`), `'ipv6first'` or `'verbatim'`.
 * @param {'ipv4first' | 'ipv6first' | 'verbatim'} order
 */
export function setDefaultResultOrder (order) {
  if (!ORDERS.includes(order)) throw typeError(`The argument 'order' must be one of: 'verbatim', 'ipv4first', 'ipv6first'. Received ${received(order)}`, 'ERR_INVALID_ARG_VALUE')
  defaultOrder = order
}

export function getDefaultResultOrder () {
  return defaultOrder
}

/**
 * Validate lookup's options as Node does (synchronously) and turn them into route parameters.
 * @param {unknown} options
 */
function lookupParams (options) {
  /** @type {any} */
  let o = {}
  if (typeof options === 'number') o = { family: options }
  else if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw typeError(`The "options" argument must be of type object. Received ${received(options)}`)
    o = options
  }
  let family = o.family ?? 0
  if (family === 'IPv4') family = 4
  else if (family === 'IPv6') family = 6
  if (![0, 4, 6].includes(family)) throw typeError(`The property 'options.family' must be one of: 0, 4, 6. Received ${received(o.family)}`, 'ERR_INVALID_ARG_VALUE')
  const hints = o.hints ?? 0
  if (typeof hints !== 'number' || (hints & ~(ADDRCONFIG | V4MAPPED | ALL)) !== 0) {
    throw typeError(`The argument 'hints' is invalid. Received ${received(hints)}`, 'ERR_INVALID_ARG_VALUE')
  }
  for (const name of ['all', 'verbatim']) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw typeError(`The "options.${name}" property must be of type boolean. Received ${received(o[name])}`)
  }
  let order = o.verbatim === undefined ? defaultOrder : (o.verbatim ? 'verbatim' : 'ipv4first')
  if (o.order !== undefined) {
    if (!ORDERS.includes(o.order)) throw typeError(`The property 'options.order' must be one of: 'verbatim', 'ipv4first', 'ipv6first'. Received ${received(o.order)}`, 'ERR_INVALID_ARG_VALUE')
    order = o.order
  }
  return { family, hints, all: o.all === true, order }
}

/**
 * @param {string} hostname
 * @param {ReturnType<typeof lookupParams>} params
 * @returns {Promise<{ address: string | null, family: number } | { address: string, family: number }[]>}
 */
async function lookupAnswer (hostname, params) {
  // As Node: an empty name answers nothing and an IP address answers itself, whatever `family`.
  if (!hostname) return params.all ? [] : { address: null, family: params.family === 6 ? 6 : 4 }
  const literal = isIP(hostname)
  if (literal) {
    const entry = { address: hostname, family: literal }
    return params.all ? [entry] : entry
  }
  try {
    const reply = await request('dns.lookup', { hostname, ...params })
    return params.all ? reply.addresses : reply
  } catch (error) {
    throw nodeError(error)
  }
}

/**
 * Node's `dns.lookup(hostname[, options], callback)`: `callback(err, address, family)`, or
 * `callback(err, addresses)` with `{ all: true }`.
 * @param {string} hostname
 * @param {any} options
 * @param {Function} [callback]
 */
export function lookup (hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = undefined
  }
  checkString(hostname, 'hostname')
  checkCallback(callback)
  const params = lookupParams(options)
  const done = /** @type {Function} */ (callback)
  lookupAnswer(hostname, params).then(
    (answer) => Array.isArray(answer) ? done(null, answer) : done(null, answer.address, answer.family),
    (error) => done(error)
  )
  return {}
}

/**
 * @param {unknown} servers
 * @returns {string[]}
 */
function normalizeServers (servers) {
  if (!Array.isArray(servers)) throw typeError(`The "servers" argument must be an instance of Array. Received ${received(servers)}`)
  return servers.map((server, index) => {
    if (typeof server !== 'string') throw typeError(`The "servers[${index}]" argument must be of type string. Received ${received(server)}`)
    let address = server
    let port = 53
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(server)
    const withPort = /^([0-9.]+):(\d{1,5})$/.exec(server)
    const match = bracketed ?? withPort
    if (match) {
      address = match[1]
      if (match[2] !== undefined) port = Number(match[2])
    }
    if (!isIP(address) || port < 1 || port > 65535) throw typeError(`Invalid IP address: ${server}`, 'ERR_INVALID_IP_ADDRESS')
    if (isIPv6(address)) address = new URL(`http://[${address}]/`).hostname.slice(1, -1)
    if (port === 53) return address
    return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`
  })
}

/** @type {string[] | undefined} */
let hostServers

/**
 * The servers the host asks by default (`dns.servers`, else the system's), for getServers():
 * asked once, when first read, synchronously as Node's getServers() answers. Not a top-level
 * await: a module that awaits is evaluated asynchronously, and JavaScriptCore then lets a module
 * importing it (`oro:dns/promises`) run before it finished when both are imported at once.
 * @returns {string[]}
 */
function defaultServers () {
  if (hostServers === undefined) {
    const { err, data } = sendSync('dns.getServers')
    // No `dns` permission: every query fails with NotAllowedError anyway.
    hostServers = err ? [] : /** @type {string[]} */ (data.servers)
  }
  return hostServers
}

/**
 * A resolver with its own servers and options, as Node's `dns.promises.Resolver`: its methods
 * return promises. `dns.Resolver` wraps it with callbacks.
 */
export class PromiseResolver {
  /** @type {string[] | null} */
  #servers = null
  #controller = new AbortController()
  #timeout
  #tries

  /** @param {{ timeout?: number, tries?: number, maxTimeout?: number }} [options] */
  constructor (options = {}) {
    const { timeout = -1, tries = 4 } = options ?? {}
    if (!Number.isInteger(timeout) || timeout < -1) throw Object.assign(new RangeError(`The value of "options.timeout" is out of range. Received ${timeout}`), { code: 'ERR_OUT_OF_RANGE' })
    if (!Number.isInteger(tries) || tries < 1) throw Object.assign(new RangeError(`The value of "options.tries" is out of range. Received ${tries}`), { code: 'ERR_OUT_OF_RANGE' })
    this.#timeout = timeout
    this.#tries = tries
  }

  /** Fail every outstanding query of this resolver with `ECANCELLED`. */
  cancel () {
    this.#controller.abort()
    this.#controller = new AbortController()
  }

  /** @returns {string[]} */
  getServers () {
    return [...(this.#servers ?? defaultServers())]
  }

  /** @param {string[]} servers */
  setServers (servers) {
    this.#servers = normalizeServers(servers)
  }

  /** @param {string} _ipv4 Accepted for Node's signature; the host picks the local address. */
  setLocalAddress (_ipv4) {}

  /**
   * @param {string} route
   * @param {Record<string, unknown>} params
   * @param {string} syscall
   * @param {string} hostname
   */
  async #ask (route, params, syscall, hostname) {
    const signal = this.#controller.signal
    const extra = /** @type {Record<string, unknown>} */ ({ tries: this.#tries })
    if (this.#timeout >= 0) extra.timeout = Math.max(1, this.#timeout)
    if (this.#servers !== null) extra.servers = this.#servers
    try {
      return await request(route, { ...params, ...extra }, { signal })
    } catch (error) {
      if (signal.aborted) {
        throw Object.assign(new Error(`${syscall} ECANCELLED ${hostname}`), { errno: undefined, code: 'ECANCELLED', syscall, hostname })
      }
      throw nodeError(error)
    }
  }

  /**
   * @param {string} hostname
   * @param {string} [rrtype]
   * @param {{ ttl?: boolean }} [options]
   */
  resolve (hostname, rrtype = 'A', options = {}) {
    checkString(hostname, 'name')
    if (typeof rrtype !== 'string' || !RRTYPES.includes(rrtype)) throw typeError(`The argument 'rrtype' is invalid. Received ${received(rrtype)}`, 'ERR_INVALID_ARG_VALUE')
    const ttl = options?.ttl === true
    return this.#ask('dns.resolve', { hostname, rrtype, ttl }, SYSCALLS[rrtype], hostname).then((reply) => reply.records)
  }

  /** @param {string} hostname @param {{ ttl?: boolean }} [options] */
  resolve4 (hostname, options) { return this.resolve(hostname, 'A', options) }
  /** @param {string} hostname @param {{ ttl?: boolean }} [options] */
  resolve6 (hostname, options) { return this.resolve(hostname, 'AAAA', options) }
  /** @param {string} hostname */
  resolveAny (hostname) { return this.resolve(hostname, 'ANY') }
  /** @param {string} hostname */
  resolveCname (hostname) { return this.resolve(hostname, 'CNAME') }
  /** @param {string} hostname */
  resolveMx (hostname) { return this.resolve(hostname, 'MX') }
  /** @param {string} hostname */
  resolveNs (hostname) { return this.resolve(hostname, 'NS') }
  /** @param {string} hostname */
  resolvePtr (hostname) { return this.resolve(hostname, 'PTR') }
  /** @param {string} hostname */
  resolveSoa (hostname) { return this.resolve(hostname, 'SOA') }
  /** @param {string} hostname */
  resolveSrv (hostname) { return this.resolve(hostname, 'SRV') }
  /** @param {string} hostname */
  resolveTxt (hostname) { return this.resolve(hostname, 'TXT') }

  /** @param {string} ip */
  reverse (ip) {
    checkString(ip, 'ip')
    return this.#ask('dns.reverse', { ip }, 'getHostByAddr', ip).then((reply) => reply.hostnames)
  }
}

const METHODS = /** @type {const} */ ([
  'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs',
  'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'
])

// Where a callback Resolver keeps its promise resolver (not a Node API, so not a name).
const PROMISES = Symbol('promises')

/** Node's `dns.Resolver`: the same queries with `callback(err, records)`. */
export class Resolver {
  /** @param {{ timeout?: number, tries?: number }} [options] */
  constructor (options) {
    /** @type {PromiseResolver} */
    this[PROMISES] = new PromiseResolver(options)
  }

  cancel () { this[PROMISES].cancel() }
  getServers () { return this[PROMISES].getServers() }
  /** @param {string[]} servers */
  setServers (servers) { this[PROMISES].setServers(servers) }
  /** @param {string} ipv4 */
  setLocalAddress (ipv4) { this[PROMISES].setLocalAddress(ipv4) }
}

for (const name of METHODS) {
  Object.defineProperty(Resolver.prototype, name, {
    writable: true,
    configurable: true,
    value: /** @this {any} */ function (/** @type {any[]} */ ...args) {
      const callback = args.pop()
      checkCallback(callback)
      const promise = this[PROMISES][name](...args)
      promise.then((/** @type {unknown} */ records) => callback(null, records), (/** @type {unknown} */ error) => callback(error))
      return {}
    }
  })
}

const defaultResolver = new Resolver()
const defaultPromiseResolver = defaultResolver[PROMISES]

/**
 * `dns.promises` (also `oro:dns/promises`).
 */
export const promises = {
  /**
   * @param {string} hostname
   * @param {any} [options]
   */
  lookup (hostname, options) {
    checkString(hostname, 'hostname')
    return lookupAnswer(hostname, lookupParams(options))
  },
  Resolver: PromiseResolver,
  getDefaultResultOrder,
  setDefaultResultOrder,
  /** @param {string[]} servers */
  setServers: (servers) => defaultPromiseResolver.setServers(servers),
  getServers: () => defaultPromiseResolver.getServers(),
  ...Object.fromEntries(METHODS.map((name) => [name, (/** @type {any[]} */ ...args) => /** @type {any} */ (defaultPromiseResolver)[name](...args)])),
  constants,
  ADDRCONFIG, V4MAPPED, ALL, NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP, CONNREFUSED, TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS, NOTINITIALIZED, LOADIPHLPAPI, ADDRGETNETWORKPARAMS, CANCELLED
}

/** @param {string[]} servers */
export function setServers (servers) {
  // Module-level servers are shared by dns.* and dns.promises.*, as in Node.
  defaultPromiseResolver.setServers(servers)
}
export function getServers () { return defaultPromiseResolver.getServers() }

const bound = /** @type {Record<string, Function>} */ (Object.fromEntries(METHODS.map((name) => [name, /** @type {any} */ (defaultResolver)[name].bind(defaultResolver)])))
export const {
  resolve, resolve4, resolve6, resolveAny, resolveCname, resolveMx, resolveNs, resolvePtr,
  resolveSoa, resolveSrv, resolveTxt, reverse
} = bound

export default {
  lookup,
  Resolver,
  getDefaultResultOrder,
  setDefaultResultOrder,
  setServers,
  getServers,
  ...bound,
  promises,
  constants,
  ADDRCONFIG, V4MAPPED, ALL, NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP, CONNREFUSED, TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS, NOTINITIALIZED, LOADIPHLPAPI, ADDRGETNETWORKPARAMS, CANCELLED
}
