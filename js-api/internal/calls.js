/**
 * Internal to `oro:ipc` (which re-exports these names): the calls page code makes. `request()`
 * with its timeout and abort handling, and what is built on it (`send`, `write`, `stream`,
 * `createBinding`), whatever transport is installed.
 */

import { AbortError, TimeoutError } from '../errors.js'
import { addDeadline, removeDeadline } from './deadlines.js'
import { IPCStream } from './ipc-stream.js'
import { checkRoute, currentWindowIndex, nextSeq } from './params.js'
import { readFailure } from './reply.js'
import { Result } from './result.js'
import { getTransport } from './transport.js'

/** @typedef {import('./deadlines.js').Deadline} Deadline */
/** @typedef {import('./transport.js').TransportOptions} TransportOptions */

/** Default timeout of a request, in milliseconds (the Oro Runtime's `TIMEOUT`). */
export const TIMEOUT = 32000

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
    const local = pageRoute(route)
    const result = await Promise.race([
      local ? local(params, transportOptions) : getTransport().request(route, params, transportOptions),
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
 * Routes the page answers itself, by name: Oro's `serviceWorker.fetch` asks the page's own
 * engine, which alone runs its Service Workers (oro-sw puts it here). Keyed on the global
 * object so every copy of this module in the page shares it; a handler only answers its own
 * page's calls, with nothing the page could not do itself.
 * @param {string} route
 * @returns {((params: unknown, options: TransportOptions) => Promise<unknown>) | undefined}
 */
function pageRoute (route) {
  const routes = /** @type {any} */ (globalThis)[Symbol.for('oro.ipc.pageRoutes')]
  return routes instanceof Map ? routes.get(route) : undefined
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
 * `request()` as Oro's `ipc.request` answers, on the default object that ported code calls it
 * through (`import ipc from 'socket:ipc'`): a `Result` that carries the data as it is, or the
 * failure, and never rejects (Oro's api/ipc.js:1485-1619). The named export answers the data.
 * @param {string} route
 * @param {unknown} [value]
 * @param {RequestOptions} [options]
 * @returns {Promise<Result>}
 */
export async function requestResult (route, value = undefined, options = {}) {
  try {
    // The data as it is: data holding an `id` or a `source` is never read back as an envelope.
    return new Result(null, null, await request(route, value, options), route)
  } catch (error) {
    return Result.from(null, error, route)
  }
}

/**
 * `write()` as Oro's `ipc.write` answers (api/ipc.js:1362): a `Result`, never a rejection.
 * @param {string} route
 * @param {unknown} params
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | Blob | string} bytes
 * @param {RequestOptions} [options]
 * @returns {Promise<Result>}
 */
export function writeResult (route, params, bytes, options = {}) {
  return requestResult(route, params, { method: 'POST', ...options, body: bytes })
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
