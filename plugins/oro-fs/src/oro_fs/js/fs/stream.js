/**
 * `oro:fs/stream` — Oro's file stream module: `ReadStream`, `WriteStream` (the classes
 * `fs.createReadStream`/`createWriteStream` return) and the factories.
 * @module oro:fs/stream
 */

// From oro:fs itself: its factories also take the callback API's descriptor numbers (`fd: 3`).
import { ReadStream, WriteStream, createReadStream, createWriteStream } from 'oro:fs'

/** Bytes per chunk a `ReadStream` reads when no `highWaterMark` is given. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 64 * 1024

/** Oro's other names for the two classes. */
export const FileReadStream = ReadStream
export const FileWriteStream = WriteStream

export { ReadStream, WriteStream, createReadStream, createWriteStream }

export default {
  DEFAULT_STREAM_HIGH_WATER_MARK, FileReadStream, FileWriteStream, ReadStream, WriteStream, createReadStream, createWriteStream
}
