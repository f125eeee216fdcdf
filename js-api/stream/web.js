/**
 * `oro:stream/web` (also `node:stream/web`) — the WHATWG streams Node exports from
 * `stream/web`: in a page, the page's own classes.
 * @module oro:stream/web
 */

const scope = /** @type {any} */ (globalThis)

export const ReadableStream = scope.ReadableStream
export const ReadableStreamDefaultReader = scope.ReadableStreamDefaultReader
export const ReadableStreamBYOBReader = scope.ReadableStreamBYOBReader
export const ReadableStreamBYOBRequest = scope.ReadableStreamBYOBRequest
export const ReadableByteStreamController = scope.ReadableByteStreamController
export const ReadableStreamDefaultController = scope.ReadableStreamDefaultController
export const TransformStream = scope.TransformStream
export const TransformStreamDefaultController = scope.TransformStreamDefaultController
export const WritableStream = scope.WritableStream
export const WritableStreamDefaultWriter = scope.WritableStreamDefaultWriter
export const WritableStreamDefaultController = scope.WritableStreamDefaultController
export const ByteLengthQueuingStrategy = scope.ByteLengthQueuingStrategy
export const CountQueuingStrategy = scope.CountQueuingStrategy
export const TextEncoderStream = scope.TextEncoderStream
export const TextDecoderStream = scope.TextDecoderStream
export const CompressionStream = scope.CompressionStream
export const DecompressionStream = scope.DecompressionStream

export default {
  ByteLengthQueuingStrategy,
  CompressionStream,
  CountQueuingStrategy,
  DecompressionStream,
  ReadableByteStreamController,
  ReadableStream,
  ReadableStreamBYOBReader,
  ReadableStreamBYOBRequest,
  ReadableStreamDefaultController,
  ReadableStreamDefaultReader,
  TextDecoderStream,
  TextEncoderStream,
  TransformStream,
  TransformStreamDefaultController,
  WritableStream,
  WritableStreamDefaultController,
  WritableStreamDefaultWriter
}
