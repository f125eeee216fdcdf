/**
 * Internal to `oro:ipc` (which re-exports `IPCStream`): the async iterator every streamed reply
 * is handed out as, whichever transport read it, so that closing it cancels the call the same
 * way everywhere.
 */

/**
 * An async iterator over a streamed reply: parsed SSE event data (`kind === 'events'`) or
 * `Uint8Array` chunks (`kind === 'chunks'`). Items are read from the network only as they are
 * asked for (backpressure); `return()` / `close()` / `break` in `for await` cancels the
 * request, which cancels the handler on the host.
 * @template T
 * @implements {AsyncIterableIterator<T>}
 */
export class IPCStream {
  /** @type {AsyncIterator<T>} */
  #iterator
  /** @type {Array<() => void>} */
  #cleanups = []
  #finished = false

  /**
   * @param {AsyncIterator<T> | AsyncIterable<T>} source
   * @param {{ route?: string, kind?: 'events' | 'chunks' | 'value', contentType?: string, status?: number }} [info]
   */
  constructor (source, info = {}) {
    const iterable = /** @type {any} */ (source)
    this.#iterator = typeof iterable[Symbol.asyncIterator] === 'function' && typeof iterable.next !== 'function'
      ? iterable[Symbol.asyncIterator]()
      : iterable
    /** The route this stream answers. */
    this.route = info.route ?? ''
    /** `events` (SSE), `chunks` (bytes) or `value` (a single non-streamed reply). */
    this.kind = info.kind ?? 'events'
    /** The reply's media type. */
    this.contentType = info.contentType ?? ''
    /** The reply's HTTP status (200 for every stream that opened). */
    this.status = info.status ?? 200
  }

  /** Run `callback` once when the stream finishes, fails or is closed. */
  onClose (/** @type {() => void} */ callback) {
    if (this.#finished) callback()
    else this.#cleanups.push(callback)
  }

  /** True once the stream has ended, failed or been closed. */
  get closed () {
    return this.#finished
  }

  #finish () {
    if (this.#finished) return
    this.#finished = true
    for (const cleanup of this.#cleanups.splice(0)) {
      try { cleanup() } catch {}
    }
  }

  /** @returns {Promise<IteratorResult<T>>} */
  async next () {
    if (this.#finished) return { done: true, value: undefined }
    try {
      const result = await this.#iterator.next()
      if (result.done) this.#finish()
      return result
    } catch (error) {
      this.#finish()
      throw error
    }
  }

  /**
   * Stop reading: cancels the request and releases it.
   * @param {any} [value]
   * @returns {Promise<IteratorResult<T>>}
   */
  async return (value) {
    const wasFinished = this.#finished
    this.#finish()
    if (!wasFinished && typeof this.#iterator.return === 'function') {
      try { await this.#iterator.return() } catch {}
    }
    return { done: true, value }
  }

  /**
   * @param {unknown} error
   * @returns {Promise<IteratorResult<T>>}
   */
  async throw (error) {
    const wasFinished = this.#finished
    this.#finish()
    if (!wasFinished && typeof this.#iterator.return === 'function') {
      try { await this.#iterator.return() } catch {}
    }
    throw error
  }

  /** Same as `return()`. */
  close () {
    return this.return()
  }

  /** Read the whole stream into an array. */
  async toArray () {
    /** @type {T[]} */
    const items = []
    for await (const item of this) items.push(item)
    return items
  }

  [Symbol.asyncIterator] () {
    return this
  }
}
