/**
 * Internal to `oro:ipc` (which re-exports these names): calls that block the page until the
 * host answers (Oro's `ipc.sendSync`), for the Node APIs that must answer synchronously
 * (`os.uptime()`, `process.memoryUsage()`). A synchronous XHR by default; tests in Node, which
 * has none, install their own with `setSyncTransport()`.
 */

import { InternalError, NetworkError, fromStatus, rehydrate } from '../errors.js'
import { isBytes } from './bytes.js'
import { WINDOW_CREDENTIAL_HEADER, buildURL, checkRoute, currentWindowIndex, nextSeq, windowCredential } from './params.js'
import { readFailure, streamError } from './reply.js'
import { Result } from './result.js'
import { SSEParser, parseEventData } from './sse.js'

/** @typedef {import('./transport.js').TransportOptions} TransportOptions */

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
    const credential = windowCredential()
    if (credential !== null) headers[WINDOW_CREDENTIAL_HEADER] = credential
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
