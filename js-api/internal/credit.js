/**
 * Internal to `oro:ipc`: acknowledging what the app consumed of a streamed reply, so that the
 * host sends only a window beyond it (`ipc.stream_window_bytes`, `bridge/flow.py`). Chromium
 * stops reading a fetch body the page does not read, WebKit does not: without this a paused
 * child's stdout piles up in WebKit's web process. Every `fetch` call asks for credit (the
 * request header below); a stream reply that was given some names its id and window in its
 * headers, and its reader reports each chunk it pulls here.
 */

import { WINDOW_CREDENTIAL_HEADER, buildURL, windowCredential } from './params.js'

/** Asks the host to pace a streamed reply by this page's acknowledgements. */
export const CREDIT_HEADER = 'x-oro-stream-credit'

/** The bridge's acknowledgement path (`/ipc/ipc.stream.ack`). */
const ACK_ROUTE = 'ipc.stream.ack'

/**
 * Answers after which nothing more is acknowledged: the request is malformed (400), the page's
 * session or window is not the stream's (401, 403) or the stream is gone (404). Any other failure
 * is sent again after `RETRY_MS`.
 */
const REFUSED_FOR_GOOD = new Set([400, 401, 403, 404])

/** How long a failed acknowledgement waits before it is sent again (ms). */
const RETRY_MS = 100

/**
 * The acknowledgements of one credited stream: cumulative byte counts, one request in flight at
 * a time, sent once a quarter of the window was consumed since the last one (the host sends
 * pieces of at most half the window, so it never waits on bytes this keeps back).
 */
export class StreamCredit {
  #id
  #threshold
  #consumed = 0
  #acknowledged = 0
  #sending = false
  #waiting = false
  #closed = false

  /**
   * @param {string} id the reply's `x-oro-stream-id`
   * @param {number} window the reply's `x-oro-stream-window`
   */
  constructor (id, window) {
    this.#id = id
    this.#threshold = Number.isSafeInteger(window) && window >= 4 ? Math.floor(window / 4) : 1
  }

  /**
   * The credit the host gave `response`, or `null` (not a credited stream).
   * @param {Response} response
   * @returns {StreamCredit | null}
   */
  static of (response) {
    const id = response.headers.get('x-oro-stream-id')
    if (!id) return null
    return new StreamCredit(id, Number(response.headers.get('x-oro-stream-window')))
  }

  /**
   * The app pulled `bytes` more bytes of the body.
   * @param {number} bytes
   */
  consumed (bytes) {
    this.#consumed += bytes
    this.#send()
  }

  /** The stream ended, failed or was cancelled: nothing more to acknowledge. */
  close () {
    this.#closed = true
  }

  /**
   * The page reads the whole body at once: the host may send the rest unpaced
   * (`consumed=all`). One request; nothing to acknowledge afterwards.
   */
  release () {
    if (this.#closed) return
    this.#closed = true
    this.#acknowledge('all').catch(() => {})
  }

  /**
   * Tell the host `consumed` (a byte count, or `'all'`).
   * @param {string} consumed
   * @returns {Promise<number>} the answer's HTTP status
   */
  async #acknowledge (consumed) {
    /** @type {Record<string, string>} */
    const headers = {}
    const credential = windowCredential()
    if (credential !== null) headers[WINDOW_CREDENTIAL_HEADER] = credential
    const url = buildURL(ACK_ROUTE, { id: this.#id, consumed })
    const response = await globalThis.fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' })
    // Read to the end, which frees the connection for the next call.
    await response.arrayBuffer()
    return response.status
  }

  #send () {
    if (this.#closed || this.#sending || this.#waiting) return
    if (this.#consumed - this.#acknowledged < this.#threshold) return
    const consumed = this.#consumed
    this.#sending = true
    this.#acknowledge(String(consumed))
      .then((status) => {
        if (status >= 200 && status < 300) this.#acknowledged = Math.max(this.#acknowledged, consumed)
        else if (REFUSED_FOR_GOOD.has(status)) this.#closed = true // the stream is gone (ended, or the host does not know it)
        else this.#retryLater() // a host too busy to answer, say: these bytes are still unacknowledged
      }, () => this.#retryLater()) // the request failed on its way (a dropped connection)
      .finally(() => {
        this.#sending = false
        this.#send()
      })
  }

  /**
   * Send the unacknowledged count again after a while: a failed acknowledgement dropped would
   * leave the host waiting at the window for good once the page has read it.
   */
  #retryLater () {
    this.#waiting = true
    setTimeout(() => {
      this.#waiting = false
      this.#send()
    }, RETRY_MS)
  }
}
