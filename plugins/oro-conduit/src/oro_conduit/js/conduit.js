/**
 * `oro:conduit` — the Conduit: a binary WebSocket channel to the host, and the fast path for
 * every `oro:ipc` call.
 *
 * ```js
 * import { Conduit } from 'oro:conduit'
 * const conduit = new Conduit({ id: 'chat-1' })
 * conduit.receive((error, { options, payload }) => { ... })
 * await conduit.connected
 * conduit.send({ to: 'chat-2', kind: 'hello' }, new TextEncoder().encode('hi'))
 * await Conduit.status()   // { port, isActive, sharedKey }
 * ```
 *
 * Loaded by every page when the oro-conduit plugin is installed (the preload imports it): it
 * then opens one socket per page for IPC and host events and installs itself as the `oro:ipc`
 * transport, so `request()` goes over the socket while it is open and over `fetch` otherwise,
 * with the same results and errors. See docs/conduit.md.
 * @module oro:conduit
 */

import { FrameError, decode, encode } from 'oro:conduit/codec'
import { NetworkError } from 'oro:errors'
import { deliverHostEvent } from 'oro:bootstrap'
import {
  buildURL,
  currentWindowIndex,
  fetchTransport,
  getTransport,
  paramEntries,
  readReply,
  request,
  setTransport,
  windowCredential
} from 'oro:ipc'

/** Oro's reconnection defaults (and Oro's names for them). */
export const DEFAULT_MAX_RECONNECT_RETRIES = 32
export const DEFAULT_INITIAL_RECONNECT_TIMEOUT = 500
export const DEFAULT_MAX_RECONNECT_TIMEOUT = 30000

/** Close code the host uses when a newer connection took this one's id: never reconnect. */
export const CLOSE_REPLACED = 4001
/** Close code of a host that stops (pause, `internal.conduit.stop`) after answering every
 * request it started. */
export const CLOSE_GOING_AWAY = 1001

/** Options of a route frame that are not request parameters. */
const RESERVED = new Set(['route', 'seq', 'token', 'digest', 'credit', 'bulk'])
/** Bytes of a streamed reply the host may send ahead of what the page has read. */
export const STREAM_CREDIT = 1024 * 1024
/**
 * Bodies larger than this travel over fetch: Chromium receives WebSocket messages at 35-75 MB/s
 * whatever their size, fetch at 200-400 MB/s, and at 256 KiB both take ~5-6 ms (readFile,
 * docs/conduit.md "Bulk replies"). The host hands such reply bodies over (`bulk=<bytes>`).
 */
export const BULK_BYTES = 256 * 1024

/**
 * How many calls the transport remembers as having had their reply handed over to fetch
 * (`ConduitTransport` sends those straight over fetch next time).
 */
export const HANDED_OVER_MEMORY = 64
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
const FALLBACK_EVENT = 'conduitmessage'

/** @type {Map<string, Conduit>} */
const instances = new Map()

/**
 * The page's `Conduit` instances not yet closed (Oro's `pool`): one is added when made and
 * removed by `close()`.
 * @type {Set<Conduit>}
 */
export const pool = new Set()
const textDecoder = new TextDecoder()
const NOT_PLAIN = Symbol('not plain')

/**
 * What `oro:ipc`'s `readReply` answers for a successful JSON reply (the envelope's `data`) or
 * bytes reply (the bytes), without building a `Response` and reading it back: that was the
 * largest page-side cost of a small call (~57 of ~90 µs). Anything else (errors, empty or
 * invalid JSON, text, streams) is `NOT_PLAIN`, and `readReply` reads it.
 * @param {string} contentType
 * @param {Uint8Array} payload
 * @param {unknown} responseType
 * @returns {unknown}
 */
function plainData (contentType, payload, responseType) {
  const type = contentType.toLowerCase()
  if (responseType === 'stream') return NOT_PLAIN
  // `payload` is the decoder's own copy, as readReply's `new Uint8Array(arrayBuffer)` would be.
  if (type === 'application/octet-stream') return responseType === 'text' ? NOT_PLAIN : payload
  if (!type.includes('json') || type.startsWith('text/event-stream')) return NOT_PLAIN
  const text = textDecoder.decode(payload)
  if (text.trim() === '') return NOT_PLAIN
  let value
  try {
    value = JSON.parse(text)
  } catch {
    return NOT_PLAIN
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if ('err' in value && value.err !== null && value.err !== undefined) return NOT_PLAIN
    return 'data' in value ? value.data : value
  }
  return value
}

/** @returns {any} */
function args () {
  return /** @type {any} */ (globalThis).__args?.conduit ?? null
}

/** @type {{ port: number | null, hostname: string, sharedKey: string | null }} */
const server = {
  port: args()?.port ?? null,
  hostname: args()?.hostname ?? '127.0.0.1',
  sharedKey: args()?.key ?? null
}

/** @param {number} milliseconds */
const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))

/** @param {Uint8Array} bytes */
async function sha256Hex (bytes) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', /** @type {BufferSource} */ (bytes)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** @param {string} text */
function fromBase64 (text) {
  const binary = atob(text)
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/**
 * @typedef {object} ConduitOptions
 * @property {string} [id] the connection's id (unique among connected clients; default random)
 * @property {string} [clientId] the second path segment (default: this window's index)
 * @property {string} [sharedKey] default: the key the preload gave this page
 * @property {boolean} [shouldReconnect] reconnect after an unexpected close (default true)
 * @property {boolean} [events] also receive host events on this socket (the IPC transport does)
 * @property {boolean} [connect] connect at once (default true)
 */

/**
 * @typedef {object} ConduitMessage
 * @property {Record<string, any>} options the frame's options, values decoded as Oro does
 * @property {Uint8Array} payload
 */

/** A WebSocket client of the host's Conduit (`open`, `message`, `error`, `close`, `reopen`). */
export class Conduit extends EventTarget {
  /** The Conduit port of the host (`null` until known). */
  static get port () { return server.port }
  static set port (value) { server.port = value }
  static get hostname () { return server.hostname }

  /** @type {WebSocket | null} */
  socket = null
  /** @type {((error: Error | null, message: ConduitMessage) => void) | null} */
  #receiver = null
  /** @type {Promise<Conduit> | null} */
  #connecting = null
  /** @type {Promise<boolean> | null} */
  #reconnecting = null
  #closedByUser = false

  /** @param {ConduitOptions} [options] */
  constructor (options = {}) {
    super()
    this.id = options.id ?? `conduit-${globalThis.crypto.randomUUID()}`
    this.clientId = options.clientId ?? String(currentWindowIndex())
    this.sharedKey = options.sharedKey ?? null
    this.shouldReconnect = options.shouldReconnect ?? true
    this.events = options.events ?? false
    instances.set(this.id, this)
    pool.add(this)
    /** Resolves once the first connection is open (rejects if it fails). */
    this.connected = options.connect === false ? Promise.resolve(this) : this.connect()
    this.connected.catch(() => {})
  }

  /** The WebSocket URL. */
  get url () {
    const key = encodeURIComponent(this.sharedKey ?? server.sharedKey ?? '')
    const events = this.events ? '&events=1' : ''
    const path = `${encodeURIComponent(this.id)}/${encodeURIComponent(this.clientId)}`
    // The credential that proves this page's window (the preload keeps it); without it the
    // host serves the socket no window's children, streams or events.
    const credential = windowCredential()
    const window = credential === null ? '' : `&oro_window=${encodeURIComponent(credential)}`
    return `ws://${server.hostname}:${server.port}/${path}?key=${key}${events}${window}`
  }

  /** True while the socket is open. */
  get isActive () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN
  }

  /** True while a connection attempt is in progress. */
  get isConnecting () {
    return this.#connecting !== null
  }

  /**
   * Open the socket; resolves once it is open. `callback(error)` is called too, Oro style.
   * @param {(error: Error | null) => void} [callback]
   * @returns {Promise<Conduit>}
   */
  connect (callback) {
    if (this.isActive) {
      callback?.(null)
      return Promise.resolve(this)
    }
    if (this.#connecting === null) {
      this.#closedByUser = false
      this.#connecting = this.#open().finally(() => { this.#connecting = null })
    }
    return this.#connecting.then(
      (conduit) => { callback?.(null); return conduit },
      (error) => { callback?.(error); throw error }
    )
  }

  /** @returns {Promise<Conduit>} */
  #open () {
    return new Promise((resolve, reject) => {
      if (server.port === null) {
        reject(new NetworkError('Conduit port is unknown (is the oro-conduit plugin running?)'))
        return
      }
      const socket = new WebSocket(this.url)
      socket.binaryType = 'arraybuffer'
      let opened = false
      socket.addEventListener('open', () => {
        opened = true
        this.socket = socket
        this.dispatchEvent(new Event('open'))
        resolve(this)
      })
      socket.addEventListener('message', (event) => { this.#onMessage(event.data) })
      socket.addEventListener('error', () => {
        if (opened) this.dispatchEvent(new Event('error'))
      })
      socket.addEventListener('close', (event) => {
        if (!opened) {
          reject(new NetworkError(`Conduit connection to port ${server.port} failed (code ${event.code})`))
          return
        }
        if (this.socket === socket) this.socket = null
        this.dispatchEvent(new CloseEvent('close', { code: event.code, reason: event.reason, wasClean: event.wasClean }))
        if (this.shouldReconnect && !this.#closedByUser && event.code !== CLOSE_REPLACED) {
          this.reconnect().catch(() => {})
        }
      })
    })
  }

  /**
   * Reconnect with exponential backoff and jitter; dispatches `reopen` once open again.
   * @param {{ retries?: number, timeout?: number, initialDelay?: number }} [options] `timeout`
   *   caps the delay between attempts (ms)
   * @returns {Promise<boolean>} whether it reconnected
   */
  reconnect (options = {}) {
    if (this.#reconnecting) return this.#reconnecting
    const retries = options.retries ?? DEFAULT_MAX_RECONNECT_RETRIES
    const maxDelay = options.timeout ?? DEFAULT_MAX_RECONNECT_TIMEOUT
    const initialDelay = options.initialDelay ?? DEFAULT_INITIAL_RECONNECT_TIMEOUT
    this.#reconnecting = (async () => {
      for (let attempt = 0; attempt <= retries && !this.#closedByUser; attempt++) {
        if (attempt > 0) {
          const base = Math.min(maxDelay, initialDelay * 2 ** (attempt - 1))
          await this.#wait(base / 2 + Math.random() * base / 2)
          if (this.#closedByUser) break
          await Conduit.status().catch(() => null)
        }
        try {
          await this.connect()
          this.dispatchEvent(new Event('reopen'))
          return true
        } catch {}
      }
      return false
    })().finally(() => { this.#reconnecting = null })
    return this.#reconnecting
  }

  /** @type {(() => void) | null} */
  #wake = null

  /** A backoff delay that `resume()` (the app came back) cuts short. @param {number} ms */
  #wait (ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done () {
        clearTimeout(timer)
        self.#wake = null
        resolve(undefined)
      }
      this.#wake = done
    })
  }

  /** Cut a pending backoff delay short (used when the app resumes). */
  wake () {
    this.#wake?.()
  }

  /**
   * Register the message handler (replacing any previous one).
   * @param {(error: Error | null, message: ConduitMessage) => void} handler
   */
  receive (handler) {
    this.#receiver = handler
  }

  /**
   * Send a frame. Returns `false` (and sends nothing) when the socket is not open: fall back
   * and call `reconnect()`.
   * @param {Record<string, unknown>} options
   * @param {ArrayBuffer | ArrayBufferView | string | null} [payload]
   * @returns {boolean}
   */
  send (options, payload = null) {
    if (!this.isActive) return false
    return this.sendEncoded(encode(options, payload))
  }

  /**
   * Send a frame already encoded with `oro:conduit/codec`; `false` when the socket is not open.
   * @param {Uint8Array} frame
   * @returns {boolean}
   */
  sendEncoded (frame) {
    if (!this.isActive || this.socket === null) return false
    this.socket.send(frame)
    return true
  }

  /** Stop reconnecting and close the socket. */
  close () {
    this.#closedByUser = true
    this.shouldReconnect = false
    this.wake()
    instances.delete(this.id)
    pool.delete(this)
    this.socket?.close(1000, 'closed by the page')
    this.socket = null
  }

  /** @param {unknown} data */
  async #onMessage (data) {
    if (!(data instanceof ArrayBuffer)) return
    /** @type {ConduitMessage} */
    let message
    try {
      message = decode(data)
    } catch (error) {
      this.#fail(/** @type {Error} */ (error))
      return
    }
    if (typeof message.options.digest === 'string' &&
        message.options.digest !== await sha256Hex(message.payload)) {
      this.#fail(new FrameError('Conduit frame digest does not match its payload'))
      return
    }
    this.deliver(message)
  }

  /**
   * Hand a message to `receive`'s handler and `message` listeners (also used for pushes that
   * arrived as host events while the socket was down).
   * @param {ConduitMessage} message
   */
  deliver (message) {
    this.dispatchEvent(new MessageEvent('message', { data: message }))
    this.#receiver?.(null, message)
  }

  /** @param {Error} error */
  #fail (error) {
    this.dispatchEvent(new ErrorEvent('error', { error, message: error.message }))
    this.#receiver?.(error, { options: {}, payload: new Uint8Array(0) })
  }

  /** The host's Conduit: `{ port, isActive, sharedKey }` (over HTTP IPC). */
  static async status () {
    const status = await request('internal.conduit.status')
    if (typeof status?.port === 'number') server.port = status.port
    if (typeof status?.sharedKey === 'string') server.sharedKey = status.sharedKey
    return status
  }

  /** The oro-conduit part of `diagnostics.query` (handles, clients, port). */
  static async diagnostics () {
    const report = await request('diagnostics.query')
    return report?.plugins?.conduit ?? null
  }

  /**
   * Resolve once the host reports the Conduit active (asking up to `maxQueriesForStatus`
   * times, `interval` ms apart); `false` if it never did.
   * @param {{ maxQueriesForStatus?: number, interval?: number }} [options]
   */
  static async waitForActiveState (options = {}) {
    const attempts = options.maxQueriesForStatus ?? 32
    for (let attempt = 0; attempt < attempts; attempt++) {
      const status = await Conduit.status().catch(() => null)
      if (status?.isActive) return true
      await sleep(options.interval ?? 250)
    }
    return false
  }

  /** The key connections present. */
  static async getSharedKey () {
    const { sharedKey } = await request('internal.conduit.getSharedKey')
    server.sharedKey = sharedKey
    return sharedKey
  }

  /**
   * Use `sharedKey` (≥ 8 characters, as in Socket) for new connections.
   * @param {string} sharedKey
   */
  static async setSharedKey (sharedKey) {
    const result = await request('internal.conduit.setSharedKey', { sharedKey })
    server.sharedKey = result.sharedKey
    return result.sharedKey
  }

  /** Every `Conduit` of this page, by id. */
  static get instances () {
    return new Map(instances)
  }
}

// ------------------------------------------------------------------------------------------
// The oro:ipc transport
// ------------------------------------------------------------------------------------------

/**
 * @typedef {object} Pending
 * @property {(frame: ConduitMessage) => void} onFrame
 * @property {(error: Error, neverStarted: boolean) => void} onClose `neverStarted`: the host
 *   closed with 1001 and had not answered, so it never started the request
 */

/**
 * @param {unknown} body
 * @returns {Promise<Uint8Array | null | undefined>} the bytes, `null` for no body,
 *   `undefined` when only fetch can send it (FormData, streams...)
 */
async function bodyBytes (body) {
  if (body === undefined || body === null) return null
  if (body instanceof Uint8Array) return body
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (typeof body === 'string') return new TextEncoder().encode(body)
  if (typeof Blob === 'function' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer())
  if ((typeof FormData === 'function' && body instanceof FormData) ||
      (typeof URLSearchParams === 'function' && body instanceof URLSearchParams) ||
      (typeof ReadableStream === 'function' && body instanceof ReadableStream)) {
    return undefined
  }
  return new TextEncoder().encode(JSON.stringify(body))
}

/**
 * The `oro:ipc` transport over a `Conduit`: requests go as `route` frames while the socket is
 * open, through `fetch` otherwise (and for `internal.*` routes, which the host serves over HTTP
 * only); replies are turned into a `Response` and read by `oro:ipc`'s own `readReply`, so
 * results and errors are exactly those of the fetch transport.
 */
export class ConduitTransport {
  name = 'conduit'
  /** Request and reply bodies larger than this go over fetch (`Infinity`: never). */
  bulkBytes = BULK_BYTES
  /** @type {Map<string, Pending>} */
  #pending = new Map()
  /**
   * Calls (route and parameters, no body) whose last reply the host handed over to fetch,
   * oldest first. Such a call goes straight over fetch: asking over the socket first would
   * only add a round trip (and the ticket's) to fetching the same body.
   * @type {Set<string>}
   */
  #bulkCalls = new Set()

  /** @param {Conduit} conduit */
  constructor (conduit) {
    this.conduit = conduit
    conduit.receive((error, message) => { if (!error) this.#onFrame(message) })
    conduit.addEventListener('close', (event) => {
      const failure = new NetworkError('Conduit connection closed before the reply arrived')
      // The host answers every request it started before closing with 1001 (going away).
      const neverStarted = /** @type {CloseEvent} */ (event).code === CLOSE_GOING_AWAY
      const pending = [...this.#pending.values()]
      this.#pending.clear()
      for (const entry of pending) entry.onClose(failure, neverStarted)
    })
  }

  /** Requests waiting for (the rest of) their reply. */
  get pendingCount () {
    return this.#pending.size
  }

  /** @param {ConduitMessage} message */
  #onFrame (message) {
    const { options, payload } = message
    if (typeof options.event === 'string') {
      let detail
      try {
        detail = payload.length ? JSON.parse(new TextDecoder().decode(payload)) : null
      } catch {
        detail = null
      }
      deliverHostEvent(options.event, detail, options.eventId ?? null)
      return
    }
    const pending = this.#pending.get(String(options.seq))
    pending?.onFrame(message)
  }

  /**
   * @param {string} route
   * @param {unknown} params
   * @param {any} options
   * @returns {Promise<unknown>}
   */
  async request (route, params, options) {
    const conduit = this.conduit
    if (!conduit.isActive) {
      if (conduit.shouldReconnect) conduit.reconnect().catch(() => {})
      return fetchTransport.request(route, params, options)
    }
    if (route.toLowerCase().startsWith('internal.')) return fetchTransport.request(route, params, options)
    const entries = paramEntries(params).filter(([key]) => key !== 'seq')
    const body = await bodyBytes(options.body)
    if (body === undefined || (body !== null && body.length > this.bulkBytes) ||
        entries.some(([key]) => RESERVED.has(key))) {
      return fetchTransport.request(route, params, options)
    }
    const key = body === null ? callKey(route, entries) : null
    if (key !== null && this.#bulkCalls.has(key)) return this.#fetchAgain(key, route, params, options)
    /** @type {Record<string, string>} */
    const frameOptions = Object.fromEntries(entries)
    if (!('index' in frameOptions)) frameOptions.index = String(options.index)
    frameOptions.route = route
    frameOptions.seq = options.seq
    frameOptions.credit = String(STREAM_CREDIT)
    if (Number.isFinite(this.bulkBytes)) frameOptions.bulk = String(this.bulkBytes)
    let frame
    try {
      frame = encode(frameOptions, body)
    } catch (error) {
      if (error instanceof FrameError) return fetchTransport.request(route, params, options)
      throw error
    }
    const retry = () => fetchTransport.request(route, params, options)
    return this.#exchange(route, frame, options, retry, key)
  }

  /**
   * A call whose reply was handed over last time, over fetch; remembered as long as its reply
   * is still large (or a stream, whose size is not known yet).
   * @param {string} key
   * @param {string} route
   * @param {unknown} params
   * @param {any} options
   */
  async #fetchAgain (key, route, params, options) {
    const result = await fetchTransport.request(route, params, options)
    const size = result instanceof ArrayBuffer || ArrayBuffer.isView(result) ? result.byteLength : Infinity
    if (size <= this.bulkBytes) this.#bulkCalls.delete(key)
    return result
  }

  /** @param {string} key */
  #rememberBulkCall (key) {
    this.#bulkCalls.delete(key)
    this.#bulkCalls.add(key)
    if (this.#bulkCalls.size > HANDED_OVER_MEMORY) {
      this.#bulkCalls.delete(/** @type {string} */ (this.#bulkCalls.values().next().value))
    }
  }

  /**
   * @param {string} route
   * @param {Uint8Array} frame
   * @param {any} options
   * @param {() => Promise<unknown>} retry the same call over fetch
   * @param {string | null} key the call, when a handed-over reply should be remembered
   */
  #exchange (route, frame, options, retry, key) {
    const seq = String(options.seq)
    /** @type {AbortSignal | undefined} */
    const signal = options.signal
    return new Promise((resolve, reject) => {
      /** @type {ReadableStreamDefaultController<Uint8Array> | null} */
      let controller = null
      /** The rest of a stream the host handed over to fetch. @type {ReadableStreamDefaultReader<Uint8Array> | null} */
      let handedOver = null
      const pump = async () => {
        try {
          const { done, value } = await /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (handedOver).read()
          if (done) controller?.close()
          else controller?.enqueue(value)
        } catch (error) {
          controller?.error(error)
        }
      }
      // Bytes handed to the stream since the last acknowledgement.
      let unacknowledged = 0
      const cancel = () => {
        if (this.#pending.delete(seq)) this.conduit.send({ cancel: seq })
      }
      const onAbort = () => {
        cancel()
        const reason = signal?.reason
        controller?.error(reason)
        reject(reason)
      }
      const finish = () => {
        this.#pending.delete(seq)
        signal?.removeEventListener('abort', onAbort)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#pending.set(seq, {
        onFrame: ({ options: reply, payload }) => {
          if (reply.stream === 'data') {
            controller?.enqueue(payload)
            unacknowledged += payload.length
            return
          }
          if (reply.stream === 'end') {
            finish()
            controller?.close()
            return
          }
          if (typeof reply.fetch === 'string') {
            finish()
            if (key !== null) this.#rememberBulkCall(key)
            const url = buildURL('internal.conduit.take', { ticket: reply.fetch }, { seq, index: options.index })
            const taken = globalThis.fetch(url, { credentials: 'same-origin', cache: 'no-store', signal })
            if (reply.stream === 'fetch') {
              taken.then(async (response) => {
                if (!response.ok || response.body === null) {
                  await readReply(route, response, options)
                  throw new NetworkError('Conduit stream body could not be fetched')
                }
                handedOver = response.body.getReader()
                return pump()
              }).catch((error) => controller?.error(error))
              return
            }
            resolve(taken.then((response) => readReply(route, response, options)))
            return
          }
          const status = Number(reply.status) || 200
          const headers = { 'content-type': String(reply.type ?? 'application/json') }
          if (reply.stream === 'start') {
            const body = new ReadableStream({
              start (streamController) { controller = streamController },
              // Called when the reader waits on an empty queue: what was handed over is read.
              pull: () => {
                if (handedOver !== null) return pump()
                if (unacknowledged > 0 && this.#pending.has(seq)) {
                  this.conduit.send({ ack: seq, bytes: unacknowledged })
                  unacknowledged = 0
                }
              },
              cancel: (reason) => {
                // cancel() first: it sends the host's cancel frame only while the request is
                // still pending, which finish() ends.
                cancel()
                finish()
                handedOver?.cancel(reason).catch(() => {})
              }
            }, { highWaterMark: 0 })
            resolve(readReply(route, new Response(body, { status, headers }), options))
            return
          }
          finish()
          if (controller !== null) {
            // An answer to a stream that had started: the host ended it with an error (its
            // Conduit stopping under it, a byte stream that failed), which the stream's reader
            // throws instead of waiting for an end that will never come.
            const stream = controller
            readReply(route, new Response(/** @type {BodyInit} */ (payload), { status, headers }), options).then(
              () => stream.error(new NetworkError(`IPC stream '${route}' ended without its end frame`)),
              (error) => stream.error(error)
            )
            return
          }
          if (status >= 200 && status < 300 && !NULL_BODY_STATUSES.has(status)) {
            const data = plainData(headers['content-type'], payload, options.responseType)
            if (data !== NOT_PLAIN) {
              resolve(data)
              return
            }
          }
          const body = NULL_BODY_STATUSES.has(status) ? null : /** @type {BodyInit} */ (payload)
          resolve(readReply(route, new Response(body, { status, headers }), options))
        },
        onClose: (error, neverStarted) => {
          signal?.removeEventListener('abort', onAbort)
          if (controller !== null) controller.error(error)
          else if (neverStarted) resolve(retry())
          else reject(error)
        }
      })
      if (!this.conduit.sendEncoded(frame)) {
        finish()
        reject(new NetworkError('Conduit connection closed before the request was sent'))
      }
    })
  }
}

/**
 * @param {string} route
 * @param {Array<[string, string]>} entries
 */
function callKey (route, entries) {
  return `${route.toLowerCase()}?${entries.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`
}

/** @type {ConduitTransport | null} */
let installed = null

/**
 * Open this page's IPC Conduit (host events included) and make it the `oro:ipc` transport.
 * Idempotent; done on import in pages the host serves.
 * @returns {ConduitTransport | null} `null` when the host did not give this page a Conduit
 */
export function install () {
  if (installed) return installed
  if (server.port === null) return null
  const conduit = new Conduit({
    id: `ipc-${currentWindowIndex()}-${globalThis.crypto.randomUUID()}`,
    events: true
  })
  installed = new ConduitTransport(conduit)
  setTransport(installed)
  const target = /** @type {any} */ (globalThis)
  if (typeof target.addEventListener === 'function') {
    target.addEventListener('applicationresume', () => {
      for (const instance of instances.values()) {
        if (instance.shouldReconnect && !instance.isActive) {
          instance.wake()
          instance.reconnect().catch(() => {})
        }
      }
    })
    target.addEventListener(FALLBACK_EVENT, (/** @type {any} */ event) => {
      const detail = event.detail
      const instance = instances.get(detail?.id)
      if (instance && typeof detail.payload === 'string') {
        instance.deliver({ options: detail.options ?? {}, payload: fromBase64(detail.payload) })
      }
    })
  }
  return installed
}

/** The installed IPC transport, if any. */
export function transport () {
  return installed
}

if (/** @type {any} */ (globalThis).isOroRuntime === true && getTransport() === fetchTransport) install()

export default { Conduit, ConduitTransport, install, transport, CLOSE_REPLACED }
