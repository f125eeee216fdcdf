/**
 * `oro:stream` (also `node:stream`) — Node's `stream` (the `readable-stream` npm package).
 * @module oro:stream
 * @alias node:stream
 */

import { EventEmitter } from './events.js'
import * as webModule from './stream/web.js'

export type BufferEncoding = 'ascii' | 'utf8' | 'utf-8' | 'utf16le' | 'ucs2' | 'ucs-2' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'hex'
export type Callback = (error?: Error | null) => void

export class Stream extends EventEmitter {
  constructor (options?: { emitClose?: boolean, objectMode?: boolean })
  pipe<T extends Writable> (destination: T, options?: { end?: boolean }): T
}

export interface StreamOptions<T> {
  highWaterMark?: number
  objectMode?: boolean
  emitClose?: boolean
  autoDestroy?: boolean
  signal?: AbortSignal
  construct? (this: T, callback: Callback): void
  destroy? (this: T, error: Error | null, callback: Callback): void
}

export interface ReadableOptions extends StreamOptions<Readable> {
  encoding?: BufferEncoding
  read? (this: Readable, size: number): void
}

export class Readable extends Stream implements AsyncIterable<any> {
  static from (iterable: Iterable<any> | AsyncIterable<any>, options?: ReadableOptions): Readable
  static isDisturbed (stream: Readable): boolean
  constructor (options?: ReadableOptions)
  readable: boolean
  readonly readableAborted: boolean
  readonly readableDidRead: boolean
  readonly readableEncoding: BufferEncoding | null
  readonly readableEnded: boolean
  readonly readableFlowing: boolean | null
  readonly readableHighWaterMark: number
  readonly readableLength: number
  readonly readableObjectMode: boolean
  destroyed: boolean
  readonly closed: boolean
  readonly errored: Error | null
  _read (size: number): void
  read (size?: number): any
  setEncoding (encoding: BufferEncoding): this
  pause (): this
  resume (): this
  isPaused (): boolean
  unpipe (destination?: Writable): this
  unshift (chunk: any, encoding?: BufferEncoding): void
  wrap (stream: Stream): this
  push (chunk: any, encoding?: BufferEncoding): boolean
  _destroy (error: Error | null, callback: (error?: Error | null) => void): void
  destroy (error?: Error): this
  map (fn: (data: any, options?: { signal: AbortSignal }) => any, options?: { concurrency?: number, signal?: AbortSignal }): Readable
  filter (fn: (data: any, options?: { signal: AbortSignal }) => boolean | Promise<boolean>, options?: { concurrency?: number, signal?: AbortSignal }): Readable
  forEach (fn: (data: any, options?: { signal: AbortSignal }) => void | Promise<void>, options?: { concurrency?: number, signal?: AbortSignal }): Promise<void>
  toArray (options?: { signal?: AbortSignal }): Promise<any[]>
  take (limit: number, options?: { signal?: AbortSignal }): Readable
  drop (limit: number, options?: { signal?: AbortSignal }): Readable
  [Symbol.asyncIterator] (): AsyncIterator<any>
}

export interface WritableOptions extends StreamOptions<Writable> {
  decodeStrings?: boolean
  defaultEncoding?: BufferEncoding
  write? (this: Writable, chunk: any, encoding: BufferEncoding, callback: Callback): void
  writev? (this: Writable, chunks: Array<{ chunk: any, encoding: BufferEncoding }>, callback: Callback): void
  final? (this: Writable, callback: Callback): void
}

export class Writable extends Stream {
  constructor (options?: WritableOptions)
  writable: boolean
  readonly writableEnded: boolean
  readonly writableFinished: boolean
  readonly writableHighWaterMark: number
  readonly writableLength: number
  readonly writableObjectMode: boolean
  readonly writableCorked: number
  readonly writableNeedDrain: boolean
  destroyed: boolean
  readonly closed: boolean
  readonly errored: Error | null
  _write (chunk: any, encoding: BufferEncoding, callback: Callback): void
  _writev? (chunks: Array<{ chunk: any, encoding: BufferEncoding }>, callback: Callback): void
  _final (callback: Callback): void
  _destroy (error: Error | null, callback: (error?: Error | null) => void): void
  write (chunk: any, callback?: Callback): boolean
  write (chunk: any, encoding: BufferEncoding, callback?: Callback): boolean
  setDefaultEncoding (encoding: BufferEncoding): this
  end (callback?: () => void): this
  end (chunk: any, callback?: () => void): this
  end (chunk: any, encoding: BufferEncoding, callback?: () => void): this
  cork (): void
  uncork (): void
  destroy (error?: Error): this
}

export interface DuplexOptions extends ReadableOptions, WritableOptions {
  allowHalfOpen?: boolean
  readableObjectMode?: boolean
  writableObjectMode?: boolean
  readableHighWaterMark?: number
  writableHighWaterMark?: number
  construct? (this: any, callback: Callback): void
  destroy? (this: any, error: Error | null, callback: Callback): void
  read? (this: any, size: number): void
  write? (this: any, chunk: any, encoding: BufferEncoding, callback: Callback): void
  writev? (this: any, chunks: Array<{ chunk: any, encoding: BufferEncoding }>, callback: Callback): void
  final? (this: any, callback: Callback): void
}

/** Readable and Writable at once (its Writable side's members are Writable's). */
export class Duplex extends Readable {
  static from (source: any): Duplex
  constructor (options?: DuplexOptions)
  allowHalfOpen: boolean
  writable: boolean
  readonly writableEnded: boolean
  readonly writableFinished: boolean
  readonly writableHighWaterMark: number
  readonly writableLength: number
  readonly writableObjectMode: boolean
  readonly writableCorked: number
  readonly writableNeedDrain: boolean
  _write (chunk: any, encoding: BufferEncoding, callback: Callback): void
  _writev? (chunks: Array<{ chunk: any, encoding: BufferEncoding }>, callback: Callback): void
  _final (callback: Callback): void
  write (chunk: any, callback?: Callback): boolean
  write (chunk: any, encoding: BufferEncoding, callback?: Callback): boolean
  setDefaultEncoding (encoding: BufferEncoding): this
  end (callback?: () => void): this
  end (chunk: any, callback?: () => void): this
  end (chunk: any, encoding: BufferEncoding, callback?: () => void): this
  cork (): void
  uncork (): void
}

export interface TransformOptions extends DuplexOptions {
  transform? (this: Transform, chunk: any, encoding: BufferEncoding, callback: (error?: Error | null, data?: any) => void): void
  flush? (this: Transform, callback: (error?: Error | null, data?: any) => void): void
}

export class Transform extends Duplex {
  constructor (options?: TransformOptions)
  _transform (chunk: any, encoding: BufferEncoding, callback: (error?: Error | null, data?: any) => void): void
  _flush (callback: (error?: Error | null, data?: any) => void): void
}

export class PassThrough extends Transform {}

export type PipelineSource = Iterable<any> | AsyncIterable<any> | Readable | (() => Iterable<any> | AsyncIterable<any>)
export type PipelineStage = Readable | Writable | Duplex | Transform | ((source: AsyncIterable<any>) => any)

/** `pipeline(source, ...transforms, destination, callback)`: the last stream (or value). */
export function pipeline (...streams: Array<PipelineSource | PipelineStage | ((error: Error | null, value?: any) => void)>): any
/** Calls back once `stream` ended, finished or failed; returns a function removing the listeners. */
export function finished (stream: Readable | Writable | Duplex, callback: (error?: Error | null) => void): () => void
export function finished (stream: Readable | Writable | Duplex, options: { error?: boolean, readable?: boolean, writable?: boolean, signal?: AbortSignal }, callback: (error?: Error | null) => void): () => void
export function compose (...streams: any[]): Duplex
export function addAbortSignal<T extends Readable | Writable> (signal: AbortSignal, stream: T): T
export function destroy (stream: Readable | Writable, error?: Error): void
export function isDisturbed (stream: Readable): boolean
export function isErrored (stream: Readable | Writable): boolean
export function isReadable (stream: Readable): boolean

export const promises: {
  pipeline (...streams: Array<PipelineSource | PipelineStage | { signal?: AbortSignal, end?: boolean }>): Promise<any>
  finished (stream: Readable | Writable | Duplex, options?: { error?: boolean, readable?: boolean, writable?: boolean, signal?: AbortSignal }): Promise<void>
}

/** oro:stream/web (Oro's `stream.web`). */
export const web: typeof webModule
/** `stream/promises`' `pipeline` (Oro's `pipelinePromise`). */
export function pipelinePromise (...streams: Array<PipelineSource | PipelineStage | { signal?: AbortSignal, end?: boolean }>): Promise<any>
/** A stream: it has a readable or a writable side's state. */
export function isStream (stream: unknown): boolean
/** A streamx stream (never one of these). */
export function isStreamx (stream: unknown): boolean
/** A readable streamx stream. */
export function isReadStreamx (stream: unknown): boolean
/** The error that destroyed the stream, or null. */
export function getStreamError (stream: unknown): Error | null
/** A queue of a fixed power-of-two capacity; `push` returns false when full. */
export class FixedFIFO<T = any> {
  constructor (hwm: number)
  buffer: Array<T | undefined>
  mask: number
  top: number
  btm: number
  next: FixedFIFO<T> | null
  clear (): void
  push (data: T): boolean
  shift (): T | undefined
  peek (): T | undefined
  isEmpty (): boolean
}
/** An unbounded queue of growing `FixedFIFO`s. */
export class FIFO<T = any> {
  constructor (hwm?: number)
  hwm: number
  head: FixedFIFO<T>
  tail: FixedFIFO<T>
  length: number
  clear (): void
  push (value: T): void
  shift (): T | undefined
  peek (): T | undefined
  isEmpty (): boolean
}

/** The default export is `Readable` with every other export as a property (as readable-stream has it). */
declare const stream: typeof Readable & {
  Stream: typeof Stream
  Readable: typeof Readable
  Writable: typeof Writable
  Duplex: typeof Duplex
  Transform: typeof Transform
  PassThrough: typeof PassThrough
  pipeline: typeof pipeline
  finished: typeof finished
  compose: typeof compose
  addAbortSignal: typeof addAbortSignal
  destroy: typeof destroy
  isDisturbed: typeof isDisturbed
  isErrored: typeof isErrored
  isReadable: typeof isReadable
  promises: typeof promises
}
export default stream
