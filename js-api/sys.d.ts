/**
 * `oro:sys` (also `node:sys`) — Node's deprecated alias of `util`.
 * @module oro:sys
 * @alias node:sys
 */

export {
  TextDecoder, TextEncoder, callbackify, debug, debuglog, deprecate, format, formatWithOptions, inherits,
  inspect, isDeepStrictEqual, parseArgs, promisify, stripVTControlCharacters, styleText, toUSVString, types,
  default
} from './util.js'
