/**
 * Internal to `oro:ipc` (which re-exports `Result`): Oro's `ipc.Result`, the outcome of a call
 * as a value (`{err, data, source, headers}`) instead of a rejection, as `send()` and
 * `sendSync()` answer.
 */

import { rehydrate } from '../errors.js'
import { isBytes } from './bytes.js'

/**
 * Response headers as a plain object with lower-case names, from a `Headers`, an object, entries
 * or the text `getAllResponseHeaders()` gives.
 * @param {unknown} input
 * @returns {Record<string, string>}
 */
function headerRecord (input) {
  if (input === null || input === undefined || input === '') return {}
  /** @type {Record<string, string>} */
  const record = {}
  if (typeof input === 'string') {
    for (const line of input.split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon > 0) record[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    return record
  }
  const any = /** @type {any} */ (input)
  const entries = typeof any.entries === 'function' ? [...any.entries()] : Object.entries(any)
  for (const [name, value] of entries) record[String(name).toLowerCase()] = String(value)
  return record
}

let resultIds = 0

/**
 * The outcome of an IPC call as Oro's `ipc.Result`: `{err, data, source, headers}`, also
 * readable as the tuple `[err, data, source, headers]` (`const [err, data] = result`).
 */
export class Result {
  /**
   * A `Result` from `{err?, data?, source?, headers?}`, an `Error`, or bare data.
   * @param {unknown} result
   * @param {unknown} [maybeError] an error (or, given as a string, the source)
   * @param {string | null} [maybeSource]
   * @param {unknown} [maybeHeaders]
   * @returns {Result}
   */
  static from (result, maybeError = null, maybeSource = null, maybeHeaders = null) {
    if (result instanceof Result) {
      if (!result.source && maybeSource) result.source = maybeSource
      if (!result.err && maybeError) result.err = rehydrate(maybeError)
      return result
    }
    if (result instanceof Error) result = { err: result }
    if (!maybeSource && typeof maybeError === 'string') {
      maybeSource = maybeError
      maybeError = null
    }
    const record = result !== null && typeof result === 'object' && !isBytes(result)
      ? /** @type {Record<string, any>} */ (result)
      : null
    const id = record?.id ?? null
    const errValue = record?.err || maybeError || null
    const err = errValue ? rehydrate(errValue) : null
    let data = null
    if (!err) {
      if (record && record.data !== null && record.data !== undefined) data = record.data
      else if (!record || (!id && !record.source && !('data' in record))) data = result ?? null
    }
    const source = record?.source || maybeSource || null
    return new this(id, err, data, source, record?.headers ?? maybeHeaders)
  }

  /**
   * @param {string | null} [id]
   * @param {Error | null} [err]
   * @param {any} [data]
   * @param {string | null} [source]
   * @param {unknown} [headers]
   */
  constructor (id = null, err = null, data = null, source = null, headers = null) {
    /** @type {string} */
    this.id = id === null || id === undefined ? `${++resultIds}` : String(id)
    /** @type {Error | null} */
    this.err = err ?? null
    /** @type {any} */
    this.data = data === undefined ? null : data
    /** @type {string | null} */
    this.source = typeof source === 'string' && source.length > 0 ? source : null
    /** @type {Record<string, string>} response headers, lower-case names */
    this.headers = headerRecord(headers)
    for (const [index, name] of /** @type {const} */ ([[0, 'err'], [1, 'data'], [2, 'source'], [3, 'headers']])) {
      Object.defineProperty(this, index, { get: () => this[name], enumerable: false })
    }
  }

  /** 4: `[err, data, source, headers]`. */
  get length () {
    return 4
  }

  * [Symbol.iterator] () {
    yield this.err
    yield this.data
    yield this.source
    yield this.headers
  }

  toJSON () {
    const err = /** @type {any} */ (this.err)
    return {
      headers: this.headers,
      source: this.source,
      data: this.data,
      err: err && { ...err, message: err.message ?? '', name: err.name ?? '', type: err.type ?? err.name ?? '', code: err.code ?? '' }
    }
  }
}
