/**
 * `oro:dns/constants` — the `getaddrinfo` hints of `dns.lookup`: `ADDRCONFIG`, `V4MAPPED`,
 * `ALL` (Node's values on Linux) and `constants` holding them.
 * @module oro:dns/constants
 */

export const ADDRCONFIG: number
export const V4MAPPED: number
export const ALL: number
export const constants: Readonly<{ ADDRCONFIG: number, V4MAPPED: number, ALL: number }>
export default constants
