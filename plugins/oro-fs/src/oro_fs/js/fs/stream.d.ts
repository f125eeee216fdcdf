/**
 * `oro:fs/stream` — Oro's file stream module: `ReadStream`, `WriteStream` (the classes
 * `fs.createReadStream`/`createWriteStream` return) and the factories.
 * @module oro:fs/stream
 */

import type { ReadStream, WriteStream, createReadStream, createWriteStream } from 'oro:fs'

export { ReadStream, WriteStream, createReadStream, createWriteStream } from 'oro:fs'

/** Bytes per chunk a `ReadStream` reads when no `highWaterMark` is given (64 KiB). */
export const DEFAULT_STREAM_HIGH_WATER_MARK: number
/** Oro's name for `ReadStream`. */
export const FileReadStream: typeof ReadStream
export type FileReadStream = ReadStream
/** Oro's name for `WriteStream`. */
export const FileWriteStream: typeof WriteStream
export type FileWriteStream = WriteStream

declare const _default: {
  DEFAULT_STREAM_HIGH_WATER_MARK: number
  FileReadStream: typeof ReadStream
  FileWriteStream: typeof WriteStream
  ReadStream: typeof ReadStream
  WriteStream: typeof WriteStream
  createReadStream: typeof createReadStream
  createWriteStream: typeof createWriteStream
}
export default _default
