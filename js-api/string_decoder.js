/**
 * `oro:string_decoder` (also `node:string_decoder`) — Node's `string_decoder`, from the
 * `string_decoder` npm package (Node's own, published for other runtimes; bundled into
 * `vendor/string_decoder.js` over oro:buffer's `Buffer`). Multi-byte characters split across
 * writes (UTF-8, UTF-16LE, base64) come out whole.
 *
 * ```js
 * import { StringDecoder } from 'node:string_decoder'
 * const decoder = new StringDecoder('utf8')
 * decoder.write(Buffer.from([0xe2, 0x82])) + decoder.end(Buffer.from([0xac]))  // '€'
 * ```
 * @module oro:string_decoder
 */

export { StringDecoder, default } from './vendor/string_decoder.js'
