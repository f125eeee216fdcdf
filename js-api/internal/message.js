/**
 * Internal to `oro:ipc` (which re-exports `Message`): Oro's `ipc.Message`, an IPC call as an
 * `ipc://<command>?<params>` URL, kept so that Oro code that builds or reads one runs unchanged.
 */

import { isBytes, toUint8Array } from './bytes.js'

/**
 * A value of a parameter as Oro reads it: JSON where it parses to something other than `null`,
 * else the text itself.
 * @param {string | null} text
 * @returns {any}
 */
function parseParam (text) {
  if (text === null || text === '') return text
  try {
    const value = JSON.parse(text)
    return value === null ? text : value
  } catch {
    return text
  }
}

/**
 * An IPC message as an `ipc://<command>?<params>` URL (Oro's `ipc.Message`): `command`,
 * `params` (values JSON-parsed where they parse), `seq`, `index`, `value`, and
 * `get`/`has`/`set`/`delete` on the parameters.
 */
export class Message extends URL {
  /** The protocol of an IPC message URL. */
  static get PROTOCOL () {
    return 'ipc:'
  }

  /**
   * A message from a URL string, a command name (with `params`), another `Message`, an object
   * `{command, params}`, or bytes holding a URL.
   * @param {string | URL | Message | ArrayBuffer | ArrayBufferView | { command: string, params?: Record<string, unknown>, protocol?: string }} input
   * @param {Record<string, unknown> | URLSearchParams | ArrayBuffer | ArrayBufferView | null} [params]
   * @param {ArrayBuffer | ArrayBufferView | string | null} [bytes]
   * @returns {Message}
   */
  static from (input, params = null, bytes = null) {
    const protocol = this.PROTOCOL
    if (isBytes(input)) input = new TextDecoder().decode(toUint8Array(input))
    if (isBytes(params)) {
      bytes = params
      params = null
    }
    const body = bytes === null || bytes === undefined
      ? null
      : typeof bytes === 'string' ? new TextEncoder().encode(bytes) : toUint8Array(bytes)
    /** @param {Message} message */
    const withParams = (message) => {
      if (params && typeof params === 'object') {
        const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params)
        for (const [key, value] of entries) message.set(key, value)
      }
      return message
    }
    if (input instanceof Message) return withParams(new this(String(input), body ?? input.bytes))
    if (input !== null && typeof input === 'object' && !(input instanceof URL)) {
      const record = /** @type {{ command: string, params?: Record<string, unknown>, protocol?: string }} */ (input)
      return withParams(new this(`${record.protocol || protocol}//${record.command}`, body)).#merge(record.params)
    }
    const text = String(input)
    const message = new this(text.startsWith(`${protocol}//`) ? text : `${protocol}//${text}`, body)
    return withParams(message)
  }

  /**
   * Whether `input` is an `ipc://` URL with a command.
   * @param {unknown} input
   * @returns {boolean}
   */
  static isValidInput (input) {
    const text = String(input)
    return text.startsWith(`${this.PROTOCOL}//`) && text.length > this.PROTOCOL.length + 2
  }

  /** @type {Uint8Array | null} bytes sent with the message, if any */
  bytes = null

  /**
   * @param {string | URL} input an `ipc://` URL
   * @param {Uint8Array | null} [bytes]
   */
  constructor (input, bytes = null) {
    super(String(input))
    if (this.protocol !== Message.PROTOCOL) {
      throw new TypeError(`Invalid protocol in input. Expected '${Message.PROTOCOL}' but got '${this.protocol}'`)
    }
    this.bytes = bytes
  }

  /**
   * @param {Record<string, unknown> | undefined} params
   * @returns {this}
   */
  #merge (params) {
    for (const [key, value] of Object.entries(params ?? {})) this.set(key, value)
    return this
  }

  /** The route: `fs.stat` of `ipc://fs.stat?...`. @returns {string} */
  get command () {
    return this.name
  }

  /** Same as `command`. @returns {string} */
  get name () {
    return this.hostname || this.host || this.pathname.replace(/^\/+/, '')
  }

  /** The `id` parameter, or `null`. @returns {string | null} */
  get id () {
    return this.searchParams.get('id')
  }

  /** The `seq` parameter (`R12`), or `null`. @returns {string | null} */
  get seq () {
    return this.searchParams.get('seq')
  }

  /** The `value` parameter (JSON-parsed where it parses), or `null`. @returns {any} */
  get value () {
    return this.get('value') ?? null
  }

  /** The `index` parameter as a number, `-1` when absent. @returns {number} */
  get index () {
    const value = Number.parseInt(this.searchParams.get('index') ?? '', 10)
    return Number.isFinite(value) ? value : -1
  }

  /** The `value` parameter parsed as JSON, `null` when absent or not JSON. @returns {any} */
  get json () {
    const text = this.searchParams.get('value')
    if (text === null) return null
    try { return JSON.parse(text) } catch { return null }
  }

  /** Every parameter, values JSON-parsed where they parse. @returns {Record<string, any>} */
  get params () {
    return Object.fromEntries(this.entries())
  }

  /** Every parameter as sent. @returns {Record<string, string>} */
  get rawParams () {
    return Object.fromEntries(this.searchParams.entries())
  }

  /** @returns {Array<[string, any]>} */
  entries () {
    return [...this.searchParams.entries()].map(([key, value]) => [key, parseParam(value)])
  }

  /** @returns {string[]} */
  keys () {
    return [...this.searchParams.keys()]
  }

  /** @returns {any[]} */
  values () {
    return [...this.searchParams.values()].map(parseParam)
  }

  /**
   * Set parameter `key` (objects are sent as JSON).
   * @param {string} key
   * @param {unknown} value
   */
  set (key, value) {
    this.searchParams.set(key, value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value))
  }

  /**
   * Parameter `key`, JSON-parsed where it parses; `defaultValue` when absent.
   * @param {string} key
   * @param {any} [defaultValue]
   * @returns {any}
   */
  get (key, defaultValue = undefined) {
    return this.has(key) ? parseParam(this.searchParams.get(key)) : defaultValue
  }

  /**
   * Remove parameter `key`; false when it was absent.
   * @param {string} key
   * @returns {boolean}
   */
  delete (key) {
    if (!this.has(key)) return false
    this.searchParams.delete(key)
    return true
  }

  /**
   * @param {string} key
   * @returns {boolean}
   */
  has (key) {
    return this.searchParams.has(key)
  }
}
