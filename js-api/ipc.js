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
export { baseOrigin, buildURL, currentWindowIndex, encodeParams, nextSeq, paramEntries } from './internal/params.js'
export { SSEParser, parseEventData } from './internal/sse.js'
export { IPCStream } from './internal/ipc-stream.js'
export { readReply } from './internal/reply.js'
export { fetchTransport, getTransport, setTransport } from './internal/transport.js'
export { Message } from './internal/message.js'
export { Result } from './internal/result.js'
/** @typedef {import('./internal/transport.js').TransportOptions} TransportOptions */
/** @typedef {import('./internal/transport.js').Transport} Transport */
/** @typedef {import('./internal/deadlines.js').Deadline} Deadline */

/** Default timeout of a request, in milliseconds (the Oro Runtime's `TIMEOUT`). */
export const TIMEOUT = 32000

// --------------------------------------------------------------------------------------------
// Calls
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} RequestOptions
 * @property {number} [timeout] ms before the call fails with `TimeoutError` (default 32000;
 *   0 or Infinity: none). For a stream it covers the wait for the reply to start.
 * @property {AbortSignal} [signal] aborting it fails the call (or ends the stream) with
 *   `AbortError` (code `ABORT_ERR`)
 * @property {unknown} [body] raw body: Uint8Array/ArrayBuffer/Blob (sent as bytes), string,
 *   or a plain object (sent as JSON)
 * @property {string} [method] `GET` without body, `POST` with one, unless given
 * @property {'auto' | 'json' | 'stream' | 'bytes' | 'arraybuffer' | 'text'} [responseType]
 * @property {Record<string, string>} [headers]
 * @property {boolean} [events] SSE items as `{event, data, id}` instead of the data only
 * @property {number} [index] window index to send (default: this window's)
 */

/**
 * Call `route` and return its result: the envelope's `data`, a `Uint8Array` for a binary reply,
 * an `IPCStream` (async iterator) for a streamed reply or when `responseType: 'stream'`.
 * Errors are thrown as real `Error`s with the host's `name` and `code` (see `oro:errors`).
 * @param {string} route e.g. `fs.stat`
 * @param {unknown} [params] an object of parameters, or a bare value (sent as `value`)
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function request (route, params = undefined, options = {}) {
  checkRoute(route)
  const callerSignal = options.signal
  if (callerSignal?.aborted) {
    throw new AbortError(`IPC request '${route}' was aborted`, { cause: callerSignal.reason })
  }
  const timeout = options.timeout ?? TIMEOUT
  const controller = new AbortController()
  /** @type {(reason: unknown) => void} */
  let rejectAborted = () => {}
  /** @type {Promise<never>} */
  const aborted = new Promise((_resolve, reject) => { rejectAborted = reject })
  aborted.catch(() => {})
  /** @param {unknown} reason */
  const abort = (reason) => {
    // Settled before the signal's listeners (the transport's) run, as a listener of our own
    // registered first would have: the race below sees the abort, not the transport's echo.
    rejectAborted(reason)
    controller.abort(reason)
  }
  const onCallerAbort = () => {
    abort(new AbortError(`IPC request '${route}' was aborted`, { cause: callerSignal?.reason }))
  }
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true })
  const release = () => callerSignal?.removeEventListener('abort', onCallerAbort)

  /** @type {Deadline | null} */
  let deadline = null
  if (Number.isFinite(timeout) && timeout > 0) {
    deadline = {
      at: performance.now() + timeout,
      expire: () => abort(new TimeoutError(`IPC request '${route}' timed out after ${timeout} ms`))
    }
    addDeadline(deadline)
  }

  /** @type {TransportOptions} */
  const transportOptions = {
    ...options,
    seq: nextSeq(),
    index: options.index ?? currentWindowIndex(),
    signal: controller.signal,
    timeout
  }
  let keepListener = false
  try {
    const result = await Promise.race([
      getTransport().request(route, params, transportOptions),
      aborted
    ])
    if (result instanceof IPCStream && !result.closed) {
      keepListener = true
      result.onClose(release)
    }
    return result
  } catch (error) {
    if (controller.signal.aborted) throw readFailure(error, controller.signal, route)
    throw error
  } finally {
    if (deadline !== null) removeDeadline(deadline)
    if (!keepListener) release()
  }
}

/**
 * `request()` as the Oro Runtime's `ipc.send` answers: a `Result` (`{err, data}`, also
 * `const [err, data] = result`) that carries a failure instead of rejecting, so Oro code such
 * as `const { data } = await ipc.send('os.uptime')` runs unchanged.
 * @param {string} route
 * @param {unknown} [value]
 * @param {RequestOptions} [options]
 * @returns {Promise<Result>}
 */
export async function send (route, value = undefined, options = {}) {
  try {
    return Result.from(await request(route, value, options), null, route)
  } catch (error) {
    return Result.from(null, error, route)
  }
}

/**
 * Call `route` with `bytes` as the raw request body (POST), e.g. `fs.write`.
 * @param {string} route
 * @param {unknown} params
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | Blob | string} bytes
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export function write (route, params, bytes, options = {}) {
  return request(route, params, { method: 'POST', ...options, body: bytes })
}

/**
 * An async iterator over a streamed reply: each SSE event's data (JSON-parsed where it parses;
 * `{event, data, id}` objects with `events: true`), or each `Uint8Array` chunk of a byte stream.
 * The request starts when the first item is asked for; errors (unknown route, timeout...)
 * are thrown from that first `next()`. A non-streamed reply yields its single value.
 *
 * ```js
 * for await (const data of stream('diagnostics.stream.sse', { count: 3 })) console.log(data)
 * ```
 * @param {string} route
 * @param {unknown} [params]
 * @param {RequestOptions} [options]
 * @returns {IPCStream<any>}
 */
export function stream (route, params = undefined, options = {}) {
  checkRoute(route)
  const controller = new AbortController()
  const callerSignal = options.signal
  const onCallerAbort = () => controller.abort(callerSignal?.reason)
  if (callerSignal?.aborted) controller.abort(callerSignal.reason)
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true })

  async function * lazy () {
    /** @type {any} */
    let inner
    try {
      inner = await request(route, params, { ...options, responseType: 'stream', signal: controller.signal })
      if (inner === null || typeof inner !== 'object' || typeof inner[Symbol.asyncIterator] !== 'function') {
        if (inner !== undefined) yield inner
        return
      }
      if (inner instanceof IPCStream) Object.assign(result, { kind: inner.kind, contentType: inner.contentType, status: inner.status })
      yield * inner
    } finally {
      callerSignal?.removeEventListener('abort', onCallerAbort)
      if (inner && typeof inner.return === 'function') await inner.return().catch(() => {})
    }
  }
  const iterator = lazy()
  const result = new IPCStream(iterator, { route, kind: 'events' })
  result.onClose(() => {
    callerSignal?.removeEventListener('abort', onCallerAbort)
    // Cancels a request still waiting for its reply when the consumer stops early.
    if (!controller.signal.aborted) controller.abort(new AbortError(`IPC stream '${route}' was closed`))
  })
  return result
}

/**
 * A proxy that turns property paths into calls, as Oro's: `createBinding('fs').stat({ path })`
 * is `send('fs.stat', { path })` (a `Result`), `createBinding('ai').llm.model.load(...)` is
 * `send('ai.llm.model.load', ...)`.
 * @param {string} namespace
 * @param {RequestOptions} [defaults] options merged into every call
 * @returns {any}
 */
export function createBinding (namespace, defaults = {}) {
  checkRoute(namespace)
  return new Proxy(function binding () {}, {
    get (_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined
      return createBinding(`${namespace}.${property}`, defaults)
    },
    apply (_target, _this, args) {
      const [params, options] = /** @type {[unknown, RequestOptions | undefined]} */ (args)
      return send(namespace, params, { ...defaults, ...(options ?? {}) })
    }
  })
}

// --------------------------------------------------------------------------------------------
// Synchronous calls
// --------------------------------------------------------------------------------------------

/**
 * @typedef {object} SyncReply
 * @property {any} data the result: envelope data, a string for `text/*`, `Uint8Array` for
 *   bytes, the array of event data for a (finished) event stream
 * @property {Record<string, string> | string} [headers]
 */

/**
 * @typedef {object} SyncTransport
 * @property {string} [name]
 * @property {(route: string, params: unknown, options: TransportOptions) => SyncReply} request
 *   answers synchronously, or throws the rehydrated error
 */

/**
 * Text whose every char is one byte (what `x-user-defined` decoding gives) → the bytes.
 * @param {string} text
 */
function binaryText (text) {
  const bytes = new Uint8Array(text.length)
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index) & 0xff
  return bytes
}

/**
 * The result of a finished synchronous request, read like `readReply` reads a fetch `Response`.
 * @param {string} route
 * @param {number} status
 * @param {string} contentType lower-case
 * @param {Uint8Array} bytes
 * @returns {any}
 */
function readSyncReply (route, status, contentType, bytes) {
  const ok = status >= 200 && status < 300
  const text = () => new TextDecoder().decode(bytes)
  if (contentType.startsWith('text/event-stream') && ok) {
    const parser = new SSEParser()
    const events = [...parser.push(bytes), ...parser.end()]
    const values = []
    for (const event of events) {
      const data = parseEventData(event.data)
      const failure = streamError(event.event, data)
      if (failure) throw failure
      values.push(data)
    }
    return values
  }
  if (contentType.includes('json') || (!ok && contentType === '')) {
    const body = text()
    if (body.trim() === '') {
      if (!ok) throw fromStatus(status)
      return null
    }
    let payload
    try {
      payload = JSON.parse(body)
    } catch {
      if (!ok) throw fromStatus(status, body.trim().slice(0, 500))
      throw new InternalError(`IPC reply from '${route}' is not valid JSON`)
    }
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
      if (payload.err !== null && payload.err !== undefined) throw rehydrate(payload.err, { status })
      if (!ok) throw fromStatus(status, typeof payload.message === 'string' ? payload.message : '')
      return 'data' in payload ? payload.data : payload
    }
    if (!ok) throw fromStatus(status)
    return payload
  }
  if (!ok) throw fromStatus(status, text().trim().slice(0, 500))
  if (contentType.startsWith('text/')) return text()
  return bytes
}

/**
 * The default synchronous transport: a synchronous `XMLHttpRequest` to the same
 * `/ipc/<route>?<params>&seq=R<n>&index=<window>` URL the fetch transport uses, with the session
 * cookie. It blocks the page until the host answers: keep it for the quick answers Node's
 * synchronous APIs need.
 * @type {Readonly<SyncTransport & { name: string }>}
 */
export const xhrTransport = Object.freeze({
  name: 'xhr',
  /**
   * @param {string} route
   * @param {unknown} params
   * @param {TransportOptions} options
   * @returns {SyncReply}
   */
  request (route, params, options) {
    const XHR = /** @type {any} */ (globalThis).XMLHttpRequest
    if (typeof XHR !== 'function') {
      throw new NetworkError(`IPC sendSync('${route}') needs XMLHttpRequest, which this environment lacks`)
    }
    const url = buildURL(route, params, { seq: options.seq, index: options.index })
    const xhr = new XHR()
    const raw = options.body
    /** @type {any} */
    let body = null
    /** @type {Record<string, string>} */
    const headers = { ...(options.headers ?? {}) }
    if (raw !== undefined && raw !== null) {
      if (isBytes(raw) || typeof raw === 'string' || (typeof Blob === 'function' && raw instanceof Blob)) {
        body = raw
      } else {
        body = JSON.stringify(raw)
        headers['content-type'] ??= 'application/json'
      }
    }
    xhr.open(options.method ?? (body === null ? 'GET' : 'POST'), url, false)
    // A synchronous request cannot ask for an ArrayBuffer; bytes come through as one char each.
    xhr.overrideMimeType('text/plain; charset=x-user-defined')
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value)
    try {
      xhr.send(body)
    } catch (error) {
      throw readFailure(error, undefined, route)
    }
    if (xhr.status === 0) throw new NetworkError(`IPC request '${route}' failed: no response`)
    const contentType = String(xhr.getResponseHeader('content-type') ?? '').toLowerCase()
    const data = readSyncReply(route, xhr.status, contentType, binaryText(String(xhr.responseText ?? '')))
    return { data, headers: xhr.getAllResponseHeaders() }
  }
})

/** @type {SyncTransport} */
let currentSyncTransport = xhrTransport

/**
 * Install the transport `sendSync()` goes through (a test double in Node, where there is no
 * `XMLHttpRequest`); `null` restores the XHR transport. Returns the previous one.
 * @param {SyncTransport | null} transport
 * @returns {SyncTransport}
 */
export function setSyncTransport (transport) {
  if (transport !== null && (typeof transport !== 'object' || typeof transport.request !== 'function')) {
    throw new TypeError('setSyncTransport() expects an object with a request(route, params, options) method, or null')
  }
  const previous = currentSyncTransport
  currentSyncTransport = transport ?? xhrTransport
  return previous
}

/**
 * The transport `sendSync()` goes through.
 * @returns {SyncTransport}
 */
export function getSyncTransport () {
  return currentSyncTransport
}

/**
 * Call `command` synchronously (Oro's `ipc.sendSync`): the page waits for the answer. Never
 * throws: the outcome is a `Result`, `{err, data, source, headers}`.
 *
 * ```js
 * const { err, data } = sendSync('os.uptime')
 * ```
 * @param {string} command the route
 * @param {unknown} [value] an object of parameters, or a bare value (sent as `value`)
 * @param {{ body?: unknown, method?: string, headers?: Record<string, string>, index?: number }} [options]
 * @returns {Result}
 */
export function sendSync (command, value = undefined, options = {}) {
  /** @type {TransportOptions} */
  const transportOptions = {
    ...(options ?? {}),
    seq: nextSeq(),
    index: options?.index ?? currentWindowIndex(),
    signal: new AbortController().signal,
    timeout: 0
  }
  try {
    checkRoute(command)
    const reply = currentSyncTransport.request(command, value, transportOptions)
    return new Result(transportOptions.seq, null, reply?.data, command, reply?.headers)
  } catch (error) {
    return new Result(transportOptions.seq, rehydrate(error), null, command)
  }
}

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
