/**
 * Internal to `oro:ipc` (which re-exports these names): the slot every asynchronous call goes
 * through, and what fills it by default, `fetch()` on the bridge. The Conduit plugin puts its
 * WebSocket transport in the same slot with `setTransport()`.
 */

import { CREDIT_HEADER } from './credit.js'
import { WINDOW_CREDENTIAL_HEADER, buildURL, windowCredential } from './params.js'
import { readFailure, readReply } from './reply.js'

/**
 * @typedef {object} TransportOptions
 * @property {string} seq the request id (`R<n>`), the envelope's `id`
 * @property {number} index the calling window's index
 * @property {AbortSignal} signal fires on timeout or when the caller aborts
 * @property {number} timeout the timeout in ms (already enforced by `request()`)
 * @property {unknown} [body] a raw body: bytes, Blob, string, or a plain object (sent as JSON)
 * @property {string} [method] HTTP method (GET without body, POST with one)
 * @property {'auto' | 'json' | 'stream' | 'bytes' | 'arraybuffer' | 'text'} [responseType]
 * @property {Record<string, string>} [headers]
 * @property {boolean} [events] stream SSE items as `{event, data, id}` instead of data only
 */

/**
 * @typedef {object} Transport
 * @property {string} [name]
 * @property {(route: string, params: unknown, options: TransportOptions) => Promise<unknown>} request
 */

/** From this size on, binary request bodies are uploaded as a `Blob` (see `binaryBody`). */
const BLOB_BODY_BYTES = 128 * 1024

/**
 * Bytes of the Blobs this module uploaded that the page has not collected yet, past which a
 * body goes as the bytes themselves.
 *
 * Chromium keeps a Blob's bytes in its browser process and does not count them in the page's
 * heap, so nothing makes the page collect the Blob objects of finished uploads: their bytes
 * pile up until Chromium refuses new Blobs (`ERR_BLOB_OUT_OF_MEMORY`: "Failed to fetch"). In
 * an off-the-record profile (headless Chromium's; a Qt window's with private storage) a loop
 * of 64 MiB `writeFile` calls failed at its eighth, past ~450 MiB of Blobs, none collected.
 * An ArrayBuffer body is never a Blob, but Chromium uploads it about ten times slower
 * (`bench/fs.py`), so it is only the way out until the page collects.
 */
const UNCOLLECTED_BLOB_BYTES = 256 * 1024 * 1024

let uncollectedBlobBytes = 0
const blobCollected = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((/** @type {number} */ size) => { uncollectedBlobBytes -= size })
  : null

/**
 * A binary body as fetch should upload it: a Blob from {@link BLOB_BODY_BYTES} on (Chromium
 * uploads a Blob faster than an ArrayBufferView from some 100 KiB on: echoes of 256 KiB 9.5
 * against 11.8 ms, 4 MiB 83 against 114 ms; and slower below: 64 KiB 6.6 against 6.3 ms)
 * while the Blobs not yet collected stay within {@link UNCOLLECTED_BLOB_BYTES}.
 * @param {ArrayBuffer | ArrayBufferView} bytes
 * @returns {BodyInit}
 */
function binaryBody (bytes) {
  const size = bytes.byteLength
  if (typeof Blob !== 'function' || blobCollected === null || size < BLOB_BODY_BYTES ||
      uncollectedBlobBytes + size > UNCOLLECTED_BLOB_BYTES) {
    return /** @type {BodyInit} */ (bytes)
  }
  const blob = new Blob([/** @type {BlobPart} */ (bytes)])
  uncollectedBlobBytes += size
  blobCollected.register(blob, size)
  return blob
}

/**
 * Build the fetch `init` of a call.
 * @param {TransportOptions} options
 * @returns {RequestInit}
 */
function fetchInit (options) {
  /** @type {Record<string, string>} */
  const headers = { ...(options.headers ?? {}) }
  const hasHeader = (/** @type {string} */ name) =>
    Object.keys(headers).some((key) => key.toLowerCase() === name)
  /** @type {BodyInit | undefined} */
  let body
  const raw = options.body
  if (raw !== undefined && raw !== null) {
    if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) {
      body = binaryBody(raw)
      if (!hasHeader('content-type')) headers['content-type'] = 'application/octet-stream'
    } else if ((typeof Blob === 'function' && raw instanceof Blob) ||
               (typeof FormData === 'function' && raw instanceof FormData) ||
               (typeof URLSearchParams === 'function' && raw instanceof URLSearchParams) ||
               (typeof ReadableStream === 'function' && raw instanceof ReadableStream)) {
      body = /** @type {BodyInit} */ (raw)
    } else if (typeof raw === 'string') {
      body = raw
      if (!hasHeader('content-type')) headers['content-type'] = 'text/plain;charset=utf-8'
    } else {
      body = JSON.stringify(raw)
      if (!hasHeader('content-type')) headers['content-type'] = 'application/json'
    }
  }
  const credential = windowCredential()
  if (credential !== null && !hasHeader(WINDOW_CREDENTIAL_HEADER)) {
    headers[WINDOW_CREDENTIAL_HEADER] = credential
  }
  // A streamed reply is then paced by what the app reads, on WebKit too (./credit.js).
  if (!hasHeader(CREDIT_HEADER)) headers[CREDIT_HEADER] = '1'
  const method = options.method ?? (body === undefined ? 'GET' : 'POST')
  /** @type {RequestInit & { duplex?: string }} */
  const init = {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    signal: options.signal
  }
  if (body !== undefined) init.body = body
  if (typeof ReadableStream === 'function' && body instanceof ReadableStream) init.duplex = 'half'
  return init
}

/**
 * The default transport: `fetch()` on the bridge's `/ipc/<route>` path of the app origin, with
 * the session cookie (`credentials: 'same-origin'`). `globalThis.fetch` is looked up at each
 * call.
 * @type {Readonly<Transport & { name: string }>}
 */
export const fetchTransport = Object.freeze({
  name: 'fetch',
  /**
   * @param {string} route
   * @param {unknown} params
   * @param {TransportOptions} options
   */
  async request (route, params, options) {
    const url = buildURL(route, params, { seq: options.seq, index: options.index })
    /** @type {Response} */
    let response
    try {
      response = await globalThis.fetch(url, fetchInit(options))
    } catch (error) {
      throw readFailure(error, options.signal, route)
    }
    return readReply(route, response, options)
  }
})

/** @type {Transport} */
let currentTransport = fetchTransport

/**
 * Install the transport every call goes through (the Conduit plugin's WebSocket transport, a
 * test double...). `null` restores the fetch transport. Returns the previous transport.
 * @param {Transport | null} transport
 * @returns {Transport}
 */
export function setTransport (transport) {
  if (transport !== null && (typeof transport !== 'object' || typeof transport.request !== 'function')) {
    throw new TypeError('setTransport() expects an object with a request(route, params, options) method, or null')
  }
  const previous = currentTransport
  currentTransport = transport ?? fetchTransport
  return previous
}

/**
 * The transport calls currently go through.
 * @returns {Transport}
 */
export function getTransport () {
  return currentTransport
}
