/**
 * `oro:string_decoder` (also `node:string_decoder`) — Node's `string_decoder` (the `string_decoder` npm package).
 * @module oro:string_decoder
 * @alias node:string_decoder
 */

import type { Buffer, BufferEncoding } from './buffer.js'

export class StringDecoder {
  constructor (encoding?: BufferEncoding)
  readonly encoding: string
  write (buffer: Buffer | Uint8Array | string): string
  end (buffer?: Buffer | Uint8Array | string): string
}

declare const stringDecoder: { StringDecoder: typeof StringDecoder }
export default stringDecoder
