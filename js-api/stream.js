/**
 * `oro:stream` (also `node:stream`) — Node's `stream` module, from the `readable-stream` npm
 * package (Node's own lib/internal/streams, published for other runtimes; bundled as ESM into
 * `vendor/stream.js`). Its chunks are `oro:buffer` Buffers and its streams `oro:events`
 * EventEmitters; `process.nextTick` is a microtask.
 *
 * ```js
 * import { Readable, Writable, pipeline } from 'node:stream'
 * const source = Readable.from(['a', 'b', 'c'])
 * const sink = new Writable({ write (chunk, encoding, callback) { console.log(chunk.toString()); callback() } })
 * pipeline(source, sink, (error) => console.log('done', error))
 * ```
 * @module oro:stream
 */

export {
  Duplex,
  PassThrough,
  Readable,
  Stream,
  Transform,
  Writable,
  addAbortSignal,
  compose,
  destroy,
  finished,
  isDisturbed,
  isErrored,
  isReadable,
  pipeline,
  promises,
  default
} from './vendor/stream.js'
