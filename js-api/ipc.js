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
 *
 * Oro's lower-level names are here too (`OK`, `ERROR`, `Headers`, `IPCSearchParams`, `emit`,
 * `resolve`, `postMessage`, `parseSeq`, `debug`, `maybeMakeError`, and `IPCMessagePort`,
 * `IPCMessageChannel`, `IPCBroadcastChannel` over the page's `BroadcastChannel`). The default
 * export is Oro's `ipc` object, whose `send`, `sendSync`, `request` and `write` answer a `Result`
 * as Oro's do (`const { err, data } = await ipc.request('fs.stat', { path })`); the named
 * `request` and `write` answer the data and throw.
 *
 * The code lives in `internal/`, one job per file, served beside this file and imported by
 * relative URL but registered as no module (there is no `oro:internal/...`): this file only
 * gathers the public names and the default object, so that the surface is read in one place.
 * @module oro:ipc
 */

import {
  ERROR, Headers, IPCSearchParams, OK, debug, emit, findMessageTransfers, kDebugEnabled, maybeMakeError,
  parseSeq, postMessage, ready, resolve
} from './internal/bridge.js'
import { TIMEOUT, createBinding, request, requestResult, send, stream, write, writeResult } from './internal/calls.js'
import { IPCStream } from './internal/ipc-stream.js'
import { Message } from './internal/message.js'
import { baseOrigin, buildURL, currentWindowIndex, encodeParams, nextSeq, paramEntries, windowCredential } from './internal/params.js'
import {
  IPCBroadcastChannel, IPCMessageChannel, IPCMessagePort, findIPCMessageTransfers, inflateIPCMessageTransfers
} from './internal/ports.js'
import { primordials } from './internal/primordials.js'
import { readReply } from './internal/reply.js'
import { Result } from './internal/result.js'
import { SSEParser, parseEventData } from './internal/sse.js'
import { getSyncTransport, sendSync, setSyncTransport, xhrTransport } from './internal/sync.js'
import { fetchTransport, getTransport, setTransport } from './internal/transport.js'

export {
  ERROR,
  Headers,
  IPCSearchParams,
  OK,
  debug,
  emit,
  findMessageTransfers,
  kDebugEnabled,
  maybeMakeError,
  parseSeq,
  postMessage,
  ready,
  resolve,
  IPCBroadcastChannel,
  IPCMessageChannel,
  IPCMessagePort,
  findIPCMessageTransfers,
  inflateIPCMessageTransfers,
  TIMEOUT,
  IPCStream,
  Message,
  Result,
  SSEParser,
  baseOrigin,
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
  windowCredential,
  write,
  xhrTransport
}

// Oro's default object has exactly these names (Oro's own test lists them), itself included as
// `default`; the rest of the surface (transports, streams, ports) is named exports only. It is
// Oro's `ipc`, so its calls answer as Oro's do: `request` and `write` a `Result` (ported code's
// `const { err, data } = await ipc.request(...)`), where the named exports answer the data.
const ipc = {
  ERROR,
  Headers,
  Message,
  OK,
  Result,
  TIMEOUT,
  createBinding,
  debug,
  default: /** @type {any} */ (undefined),
  emit,
  findMessageTransfers,
  kDebugEnabled,
  maybeMakeError,
  parseSeq,
  postMessage,
  primordials,
  ready,
  request: requestResult,
  resolve,
  send,
  sendSync,
  write: writeResult
}
ipc.default = ipc

export default ipc
