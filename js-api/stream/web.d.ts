/**
 * `oro:stream/web` (also `node:stream/web`) — the page's WHATWG stream classes.
 * @module oro:stream/web
 * @alias node:stream/web
 */

export const ByteLengthQueuingStrategy: typeof globalThis.ByteLengthQueuingStrategy
export const CompressionStream: typeof globalThis.CompressionStream
export const CountQueuingStrategy: typeof globalThis.CountQueuingStrategy
export const DecompressionStream: typeof globalThis.DecompressionStream
export const ReadableByteStreamController: typeof globalThis.ReadableByteStreamController
export const ReadableStream: typeof globalThis.ReadableStream
export const ReadableStreamBYOBReader: typeof globalThis.ReadableStreamBYOBReader
export const ReadableStreamBYOBRequest: typeof globalThis.ReadableStreamBYOBRequest
export const ReadableStreamDefaultController: typeof globalThis.ReadableStreamDefaultController
export const ReadableStreamDefaultReader: typeof globalThis.ReadableStreamDefaultReader
export const TextDecoderStream: typeof globalThis.TextDecoderStream
export const TextEncoderStream: typeof globalThis.TextEncoderStream
export const TransformStream: typeof globalThis.TransformStream
export const TransformStreamDefaultController: typeof globalThis.TransformStreamDefaultController
export const WritableStream: typeof globalThis.WritableStream
export const WritableStreamDefaultController: typeof globalThis.WritableStreamDefaultController
export const WritableStreamDefaultWriter: typeof globalThis.WritableStreamDefaultWriter

declare const web: {
  ByteLengthQueuingStrategy: typeof globalThis.ByteLengthQueuingStrategy
  CompressionStream: typeof globalThis.CompressionStream
  CountQueuingStrategy: typeof globalThis.CountQueuingStrategy
  DecompressionStream: typeof globalThis.DecompressionStream
  ReadableByteStreamController: typeof globalThis.ReadableByteStreamController
  ReadableStream: typeof globalThis.ReadableStream
  ReadableStreamBYOBReader: typeof globalThis.ReadableStreamBYOBReader
  ReadableStreamBYOBRequest: typeof globalThis.ReadableStreamBYOBRequest
  ReadableStreamDefaultController: typeof globalThis.ReadableStreamDefaultController
  ReadableStreamDefaultReader: typeof globalThis.ReadableStreamDefaultReader
  TextDecoderStream: typeof globalThis.TextDecoderStream
  TextEncoderStream: typeof globalThis.TextEncoderStream
  TransformStream: typeof globalThis.TransformStream
  TransformStreamDefaultController: typeof globalThis.TransformStreamDefaultController
  WritableStream: typeof globalThis.WritableStream
  WritableStreamDefaultController: typeof globalThis.WritableStreamDefaultController
  WritableStreamDefaultWriter: typeof globalThis.WritableStreamDefaultWriter
}
export default web
