/**
 * Internal to `oro:ipc` (which re-exports `readReply`): turning the bridge's HTTP reply into a
 * call's result or error. The fetch transport and the Conduit plugin's both read replies here,
 * so that an envelope, bytes, text and a stream come out the same whichever carried them.
 */

import { AbortError, InternalError, NetworkError, fromStatus, rehydrate } from '../errors.js'
import { StreamCredit } from './credit.js'
import { IPCStream } from './ipc-stream.js'
import { SSEParser, parseEventData } from './sse.js'

/** @typedef {import('./transport.js').TransportOptions} TransportOptions */

/**
 * Wrap a read failure: our own abort/timeout reason if the signal fired, else a NetworkError.
 * @param {unknown} error
 * @param {AbortSignal | undefined} signal
 * @param {string} route
 */
export function readFailure (error, signal, route) {
  if (signal?.aborted) {
    const reason = signal.reason
    return reason instanceof Error && (reason.name === 'AbortError' || reason.name === 'TimeoutError')
      ? reason
      : new AbortError(`IPC request '${route}' was aborted`, { cause: reason })
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError') &&
      'code' in error && typeof error.code === 'string') {
    return error
  }
  const message = error instanceof Error ? error.message : String(error)
  return new NetworkError(`IPC request '${route}' failed: ${message}`, { cause: error })
}

/**
 * The error an `error` event carries, if it is one: the host ends a stream that fails after it
 * started with `event: error` and the `err` object as data (`{type, code, message, ...}`, or
 * an envelope `{err: {...}}`). Other `error` events are ordinary data.
 * @param {string} name
 * @param {unknown} data
 * @returns {Error | null}
 */
export function streamError (name, data) {
  if (name !== 'error' || data === null || typeof data !== 'object') return null
  const record = /** @type {Record<string, unknown>} */ (data)
  if (record.err !== null && typeof record.err === 'object') return rehydrate(record.err)
  if (typeof record.type === 'string' && typeof record.message === 'string') return rehydrate(record)
  return null
}

/**
 * Async generator of parsed SSE events read from `body`.
 * @param {ReadableStream<Uint8Array>} body
 * @param {{ route: string, signal?: AbortSignal, events?: boolean }} options
 */
async function * readEvents (body, options) {
  const reader = body.getReader()
  const parser = new SSEParser()
  let done = false
  try {
    while (!done) {
      /** @type {ReadableStreamReadResult<Uint8Array>} */
      let result
      try {
        result = await reader.read()
      } catch (error) {
        throw readFailure(error, options.signal, options.route)
      }
      done = result.done
      const events = result.done ? parser.end() : parser.push(result.value)
      for (const event of events) {
        const data = parseEventData(event.data)
        const failure = streamError(event.event, data)
        if (failure) throw failure
        yield options.events ? { event: event.event, data, id: event.id } : data
      }
    }
  } finally {
    if (!done) reader.cancel().catch(() => {})
    try { reader.releaseLock() } catch {}
  }
}

/**
 * Async generator of the byte chunks of `body`, as they arrive.
 * @param {ReadableStream<Uint8Array>} body
 * @param {{ route: string, signal?: AbortSignal }} options
 */
async function * readChunks (body, options) {
  const reader = body.getReader()
  let done = false
  try {
    while (!done) {
      /** @type {ReadableStreamReadResult<Uint8Array>} */
      let result
      try {
        result = await reader.read()
      } catch (error) {
        throw readFailure(error, options.signal, options.route)
      }
      done = result.done
      if (!result.done && result.value.byteLength > 0) yield result.value
    }
  } finally {
    if (!done) reader.cancel().catch(() => {})
    try { reader.releaseLock() } catch {}
  }
}

/**
 * `response` as the reply reader should read it: a credited stream (`./credit.js`) handed to
 * the app as a stream gets a body that acknowledges each chunk as it is pulled (when the app
 * asks for its next item), so that the host sends on; a credited stream read whole here (a
 * file's bytes, JSON, text) is released at once, which lets the host send it as fast as it
 * goes and the engine read it natively (wrapping it chunk by chunk in script made a 64 MiB
 * `readFile` twice as slow); any other is itself.
 * @param {Response} response
 * @param {string} responseType
 * @returns {Response}
 */
function credited (response, responseType) {
  const credit = StreamCredit.of(response)
  if (credit === null) return response
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase()
  const isStream = responseType === 'stream' ||
    (contentType.startsWith('text/event-stream') && response.ok)
  // `response.body` is only touched for a stream: in WebKit, reading it makes the body a script
  // ReadableStream, which `arrayBuffer()` then drains chunk by chunk in JavaScriptCore (a
  // 64 MiB readFile: ~45 ms more of the web process's CPU) instead of natively.
  if (!isStream) {
    credit.release()
    return response
  }
  if (response.body === null) return response
  const reader = response.body.getReader()
  const body = new ReadableStream({
    async pull (controller) {
      /** @type {ReadableStreamReadResult<Uint8Array>} */
      let result
      try {
        result = await reader.read()
      } catch (error) {
        credit.close()
        controller.error(error)
        return
      }
      if (result.done) {
        credit.close()
        controller.close()
        return
      }
      credit.consumed(result.value.byteLength)
      controller.enqueue(result.value)
    },
    cancel (reason) {
      credit.close()
      return reader.cancel(reason)
    }
  }, { highWaterMark: 0 })
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}

/**
 * Turn a fetch `Response` into the call's result: envelope `data` (or the rehydrated `err`
 * thrown), `Uint8Array` for bytes, a string for `text/*`, an `IPCStream` for SSE (and for any
 * reply when `responseType` is `'stream'`).
 * @param {string} route
 * @param {Response} response
 * @param {Partial<TransportOptions>} [options]
 * @returns {Promise<unknown>}
 */
export async function readReply (route, response, options = {}) {
  const responseType = options.responseType ?? 'auto'
  response = credited(response, responseType)
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase()
  const status = response.status
  const info = { route, contentType, status }
  const streamOptions = { route, signal: options.signal, events: options.events }

  const readText = async () => {
    try {
      return await response.text()
    } catch (error) {
      throw readFailure(error, options.signal, route)
    }
  }

  if (contentType.startsWith('text/event-stream') && response.ok && response.body) {
    return new IPCStream(readEvents(response.body, streamOptions), { ...info, kind: 'events' })
  }

  if (contentType.includes('json') || (!response.ok && contentType === '')) {
    const text = await readText()
    if (text.trim() === '') {
      if (!response.ok) throw fromStatus(status)
      return singleValue(undefined, responseType, info)
    }
    let payload
    try {
      payload = JSON.parse(text)
    } catch {
      if (!response.ok) throw fromStatus(status, text.trim().slice(0, 500))
      throw new InternalError(`IPC reply from '${route}' is not valid JSON`)
    }
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
      if ('err' in payload && payload.err !== null && payload.err !== undefined) {
        throw rehydrate(payload.err, { status })
      }
      if (!response.ok) {
        throw fromStatus(status, typeof payload.message === 'string' ? payload.message : '')
      }
      return singleValue('data' in payload ? payload.data : payload, responseType, info)
    }
    if (!response.ok) throw fromStatus(status)
    return singleValue(payload, responseType, info)
  }

  if (!response.ok) {
    const text = await readText().catch(() => '')
    throw fromStatus(status, text.trim().slice(0, 500))
  }
  // The statuses whose body is null (not `!response.body` for a reply read whole: see
  // `credited`; a HEAD reply's empty body reads as empty bytes all the same).
  const body = responseType === 'stream' ? response.body : undefined
  if (status === 204 || status === 205 || status === 304 || body === null) {
    return singleValue(responseType === 'text' ? '' : new Uint8Array(0), responseType, info)
  }
  if (body) {
    return new IPCStream(readChunks(body, streamOptions), { ...info, kind: 'chunks' })
  }
  if (responseType === 'text' || (responseType === 'auto' && contentType.startsWith('text/'))) {
    return readText()
  }
  try {
    return new Uint8Array(await response.arrayBuffer())
  } catch (error) {
    throw readFailure(error, options.signal, route)
  }
}

/**
 * A non-streamed reply, as a one-item stream when a stream was asked for.
 * @param {unknown} value
 * @param {string} responseType
 * @param {{ route: string, contentType: string, status: number }} info
 */
function singleValue (value, responseType, info) {
  if (responseType !== 'stream') return value
  async function * one () { if (value !== undefined) yield value }
  return new IPCStream(one(), { ...info, kind: 'value' })
}
