/**
 * `oro:sys` (also `node:sys`) — Node's deprecated alias of `util`, as Oro serves it.
 * @module oro:sys
 */

export {
  TextDecoder, TextEncoder, callbackify, debug, debuglog, deprecate, format, formatWithOptions, inherits,
  inspect, isDeepStrictEqual, parseArgs, promisify, stripVTControlCharacters, styleText, toUSVString, types
} from './util.js'
export { default } from './util.js'
