/**
 * `oro:sys` (also `node:sys`) — Node's deprecated alias of `util`, as Oro serves it.
 * @module oro:sys
 */

export * from './util.js'
export { default } from './util.js'
