/**
 * `oro:ipc` — call the host's IPC routes from page JavaScript.
 *
 * ```js
 * import { request, stream, write } from 'oro:ipc'
 * const pong = await request('ping')                        // "pong"
 * const info = await request('mime.lookup', 'a.html')       // { url, type } (bare value → `value`)
 * for await (const event of stream('diagnostics.stream.sse', { count: 3 })) console.log(event)
 * ```
 *
 * Every call goes through the current transport (`getTransport()`): the fetch transport by
 * default (`/ipc/<route>?<params>&seq=R<n>&index=<window>`); the Conduit plugin installs a
 * WebSocket transport with `setTransport()`. Same routes, same envelope, same errors on both.
 *
 * Plain ES module with no Node-only APIs: it runs in Chromium pages and workers, and in Node ≥ 18
 * for tests.
 * @module oro:ipc
 */

import {
  AbortError,
  InternalError,
  NetworkError,
  TimeoutError,
  fromStatus,
  invalidArgument,
  rehydrate
} from './errors.js'
import { baseOrigin, buildURL, checkRoute, currentWindowIndex, encodeParams, nextSeq, paramEntries } from './internal/params.js'
import { SSEParser, parseEventData } from './internal/sse.js'
import { IPCStream } from './internal/ipc-stream.js'
import { readFailure, readReply, streamError } from './internal/reply.js'
import { fetchTransport, getTransport, setTransport } from './internal/transport.js'
import { isBytes, toUint8Array } from './internal/bytes.js'
import { Message } from './internal/message.js'
import { Result } from './internal/result.js'
import { addDeadline, removeDeadline } from './internal/deadlines.js'
import { TIMEOUT, createBinding, request, send, stream, write } from './internal/calls.js'
import { getSyncTransport, sendSync, setSyncTransport, xhrTransport } from './internal/sync.js'
export { baseOrigin, buildURL, currentWindowIndex, encodeParams, nextSeq, paramEntries } from './internal/params.js'
export { SSEParser, parseEventData } from './internal/sse.js'
export { IPCStream } from './internal/ipc-stream.js'
export { readReply } from './internal/reply.js'
export { fetchTransport, getTransport, setTransport } from './internal/transport.js'
export { Message } from './internal/message.js'
export { Result } from './internal/result.js'
export { TIMEOUT, createBinding, request, send, stream, write } from './internal/calls.js'
export { getSyncTransport, sendSync, setSyncTransport, xhrTransport } from './internal/sync.js'
/** @typedef {import('./internal/transport.js').TransportOptions} TransportOptions */
/** @typedef {import('./internal/transport.js').Transport} Transport */

// --------------------------------------------------------------------------------------------
// Synchronous calls
// --------------------------------------------------------------------------------------------

/**
 * The facts Oro's `primordials` hold, handed to the page at load (no round trip): exactly
 * `arch`, `cwd`, `platform`, `version` (`{full, short, hash}`) and `host-operating-system`.
 * Without permission `runtime` only `arch` and `platform` are known.
 * @returns {Record<string, any>}
 */
function loadPrimordials () {
  const args = /** @type {any} */ (globalThis).__args
  const handed = args?.process?.primordials
  if (handed && typeof handed === 'object') return structuredClone(handed)
  /** @type {Record<string, any>} */
  const known = {}
  if (typeof args?.os?.arch === 'string') known.arch = args.os.arch
  if (typeof args?.os?.platform === 'string') known.platform = args.os.platform
  return known
}

/**
 * Oro's `ipc.primordials`, frozen: `arch`, `cwd`, `platform`, `version` and
 * `host-operating-system`, as the host's route `platform.primordials` reports them.
 * @type {Readonly<Record<string, any>>}
 */
export const primordials = Object.freeze(loadPrimordials())

export default {
  TIMEOUT,
  IPCStream,
  Message,
  Result,
  SSEParser,
  buildURL,
  createBinding,
  currentWindowIndex,
  encodeParams,
  fetchTransport,
  getSyncTransport,
  getTransport,
  nextSeq,
  paramEntries,
  parseEventData,
  primordials,
  readReply,
  request,
  send,
  sendSync,
  setSyncTransport,
  setTransport,
  stream,
  write,
  xhrTransport
}
