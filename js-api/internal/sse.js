/**
 * Internal to `oro:ipc` (which re-exports `SSEParser` and `parseEventData`): the
 * `text/event-stream` parser that streamed replies are read with, by the fetch transport, the
 * synchronous one and plugins (oro:ai) alike.
 */

/**
 * @typedef {object} ServerSentEvent
 * @property {string} event the event type (`message` when the stream named none)
 * @property {string} data the data lines joined with `\n`
 * @property {string} id the last event id seen on the stream
 * @property {number} [retry] a reconnection time the stream asked for, if any
 */

/**
 * An incremental `text/event-stream` parser (the WHATWG "interpret an event stream" algorithm):
 * feed it bytes or text as they arrive with `push()`, get the complete events back; `end()` at
 * the end of the stream. Lines may end in CRLF, LF or CR, even split across chunks; a leading
 * BOM is dropped; comments are ignored; an event without data lines is not dispatched; an
 * unterminated event at the end of the stream is discarded, as the spec says.
 */
export class SSEParser {
  #decoder = new TextDecoder('utf-8')
  #buffer = ''
  #skipLineFeed = false
  #started = false
  /** @type {string[]} */
  #data = []
  #event = ''
  #lastEventId = ''
  /** @type {number | undefined} */
  #retry = undefined

  /**
   * @param {Uint8Array | ArrayBuffer | string} chunk
   * @returns {ServerSentEvent[]}
   */
  push (chunk) {
    const text = typeof chunk === 'string'
      ? chunk
      : this.#decoder.decode(chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk, { stream: true })
    return this.#feed(text)
  }

  /**
   * Flush the decoder at the end of the stream. Returns events completed by that flush; a
   * pending event without its blank line is discarded. The parser can be reused afterwards.
   * @returns {ServerSentEvent[]}
   */
  end () {
    const events = this.#feed(this.#decoder.decode())
    this.#buffer = ''
    this.#data = []
    this.#event = ''
    this.#skipLineFeed = false
    this.#started = false
    return events
  }

  /** The last event id seen so far (`id:` field). */
  get lastEventId () {
    return this.#lastEventId
  }

  /** The reconnection time the stream last asked for (`retry:` field), if any. */
  get retry () {
    return this.#retry
  }

  /**
   * @param {string} text
   * @returns {ServerSentEvent[]}
   */
  #feed (text) {
    /** @type {ServerSentEvent[]} */
    const events = []
    if (!text) return events
    let start = 0
    if (!this.#started) {
      this.#started = true
      if (text.charCodeAt(0) === 0xfeff) start = 1
    }
    if (this.#skipLineFeed) {
      this.#skipLineFeed = false
      if (text.charCodeAt(start) === 10) start += 1
    }
    const breaks = /\r\n|\r|\n/g
    breaks.lastIndex = start
    for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
      const line = this.#buffer + text.slice(start, match.index)
      this.#buffer = ''
      start = match.index + match[0].length
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && start === text.length) this.#skipLineFeed = true
      this.#line(line, events)
    }
    this.#buffer += text.slice(start)
    return events
  }

  /**
   * @param {string} line
   * @param {ServerSentEvent[]} events
   */
  #line (line, events) {
    if (line === '') {
      if (this.#data.length > 0) {
        /** @type {ServerSentEvent} */
        const event = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#lastEventId }
        if (this.#retry !== undefined) event.retry = this.#retry
        events.push(event)
      }
      this.#data = []
      this.#event = ''
      return
    }
    if (line.charCodeAt(0) === 58) return // ':' comment
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    switch (field) {
      case 'event':
        this.#event = value
        break
      case 'data':
        this.#data.push(value)
        break
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value)
        break
      default:
        break
    }
  }
}

/**
 * Parse the `data` of an event: JSON where it parses (the host sends non-string data as JSON),
 * else the text itself.
 * @param {string} data
 * @returns {unknown}
 */
export function parseEventData (data) {
  if (data === '') return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}
