/**
 * `oro:dns/constants` — the `getaddrinfo` hints `dns.lookup` takes (`hints`), as Oro's module of
 * that name: `ADDRCONFIG`, `V4MAPPED`, `ALL` and `constants` holding the three. The values are
 * Node's on Linux (what `node:dns` exports here); the host maps them to its system's flags.
 * @module oro:dns/constants
 */

export const ADDRCONFIG = 32
export const V4MAPPED = 8
export const ALL = 16

export const constants = Object.freeze({ ADDRCONFIG, V4MAPPED, ALL })

export default constants
