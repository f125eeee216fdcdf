/**
 * The host's event channel over a WebSocket, with the part of `EventSource` that bootstrap uses
 * (`readyState`, `open`/`error` and named events carrying `data` and `lastEventId`, `close()`),
 * so that either transport serves it.
 *
 * Why not `EventSource`: an event stream holds one of the 6 HTTP/1.1 connections a browser opens
 * to one host for as long as the page lives, and every window of the app shares those 6, so the
 * 7th window's module loads and calls waited forever. A WebSocket leaves that pool once open
 * (Chromium and WebKitGTK alike).
 *
 * Each message is `{"event": name, "id": id, "data": text}`; `data` is what an event stream's
 * `data:` lines would carry. Like `EventSource`, the channel comes back by itself when the
 * connection drops, after `retry=<ms>` when the host closed it with 1013 (the page holds too
 * many connections), else after {@link RECONNECT_MS}.
 * @module oro:internal/channel
 */

/** How long the channel waits before it reconnects after a drop, in ms (as `EventSource`). */
export const RECONNECT_MS = 1000

const CONNECTING = 0
const OPEN = 1
const CLOSED = 2
const TRY_AGAIN_LATER = 1013

export class SocketChannel extends EventTarget {
  static CONNECTING = CONNECTING
  static OPEN = OPEN
  static CLOSED = CLOSED

  /** @type {number} */
  readyState = CONNECTING
  /** @type {WebSocket | null} */
  #socket = null
  /** @type {ReturnType<typeof setTimeout> | null} */
  #timer = null
  #url

  /**
   * @param {string} url the `http(s):` URL of `/oro/events` (with its query)
   * @param {typeof WebSocket} [Socket]
   */
  constructor (url, Socket = globalThis.WebSocket) {
    super()
    const target = new URL(url)
    target.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:'
    this.#url = target.href
    this.url = url
    this.#connect(Socket)
  }

  /** @param {typeof WebSocket} Socket */
  #connect (Socket) {
    const socket = new Socket(this.#url)
    this.#socket = socket
    socket.addEventListener('open', () => {
      if (this.readyState === CLOSED) return
      this.readyState = OPEN
      this.dispatchEvent(new Event('open'))
    })
    socket.addEventListener('message', (message) => this.#deliver(message.data))
    socket.addEventListener('close', (closed) => {
      if (this.readyState === CLOSED || this.#socket !== socket) return
      this.readyState = CONNECTING
      this.dispatchEvent(new Event('error'))
      const asked = closed.code === TRY_AGAIN_LATER ? /retry=(\d+)/.exec(closed.reason ?? '') : null
      const delay = asked ? Number(asked[1]) : RECONNECT_MS
      this.#timer = setTimeout(() => {
        this.#timer = null
        if (this.readyState !== CLOSED) this.#connect(Socket)
      }, delay)
    })
  }

  /** @param {unknown} text */
  #deliver (text) {
    if (typeof text !== 'string') return
    let frame
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    if (frame === null || typeof frame !== 'object' || typeof frame.data !== 'string') return
    const name = typeof frame.event === 'string' && frame.event ? frame.event : 'message'
    const lastEventId = frame.id === null || frame.id === undefined ? '' : String(frame.id)
    this.dispatchEvent(new MessageEvent(name, { data: frame.data, lastEventId }))
  }

  /** Close for good: no more events, no reconnecting. */
  close () {
    this.readyState = CLOSED
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#socket?.close()
  }
}

export default SocketChannel
