/**
 * Internal to `oro:ipc` (which re-exports its public names): the rest of Oro's low-level IPC
 * surface (its `api/ipc.d.ts`): status codes, `parseSeq`, `debug`, `maybeMakeError`, `Headers`,
 * `IPCSearchParams`, `ready`, `emit`, `resolve`, `postMessage` and `findMessageTransfers`.
 * Where Oro talks to a native message handler, these talk to the host's `/ipc` bridge.
 */

import { rehydrate } from '../errors.js'
import { send } from './calls.js'
import { Message } from './message.js'
import { currentWindowIndex, nextSeq, paramEntries } from './params.js'

/** Oro's status of a call that succeeded. */
export const OK = 0
/** Oro's status of a call that failed. */
export const ERROR = 1
/** The symbol `debug.enabled` is stored under: Oro's registry name, so that code shared with
 * Oro reads the same flag. */
export const kDebugEnabled = Symbol.for('socket.runtime.ipc.debug.enabled')

/**
 * `seq` (`"R12"`, `12`, `"12n"`) as a number, or a bigint with `{ bigint: true }`.
 * @param {string | number} seq
 * @param {{ bigint?: boolean }} [options]
 * @returns {number | bigint}
 */
export function parseSeq (seq, options) {
  const digits = String(seq).replace(/^R/i, '').replace(/n$/, '')
  return options?.bigint === true ? BigInt(digits) : parseInt(digits, 10)
}

/**
 * Turn IPC debug output on or off (`debug(true)`), and say whether it is on. Off unless
 * `__args.debug` says otherwise; `debug.log(...)` prints only while it is on.
 * @param {boolean} [enable]
 * @returns {boolean}
 */
export function debug (enable) {
  const flag = /** @type {{ enabled: boolean }} */ (/** @type {unknown} */ (debug))
  if (enable === true || enable === false) flag.enabled = enable
  return flag.enabled
}
Object.defineProperty(debug, 'enabled', {
  enumerable: false,
  configurable: true,
  get () {
    const stored = /** @type {any} */ (debug)[kDebugEnabled]
    return stored === undefined ? Boolean(/** @type {any} */ (globalThis).__args?.debug) : stored
  },
  set (value) {
    /** @type {any} */ (debug)[kDebugEnabled] = Boolean(value)
  }
})
/** @param {...unknown} args */
debug.log = (...args) => {
  if (debug()) console.debug(...args)
}

/**
 * A structured error payload (`{type, code, message, ...}`, as a reply's `err` carries) as the
 * closest error class, with its extra fields; an `Error` as it is; nothing as null. The stack
 * starts at `caller` when given.
 * @param {unknown} error
 * @param {Function} [caller]
 * @returns {Error | null}
 */
export function maybeMakeError (error, caller) {
  if (!error) return null
  if (error instanceof Error) return error
  const made = rehydrate(error)
  const capture = /** @type {any} */ (Error).captureStackTrace
  if (typeof capture === 'function' && typeof caller === 'function') capture(made, caller)
  return made
}

/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** The platform's `Headers`, with Oro's `from()`, `length` and `toJSON()`. */
export class Headers extends globalThis.Headers {
  /**
   * Headers from a `Headers`, entries, a plain object, something with `headers` (a response),
   * an `XMLHttpRequest` (its `getAllResponseHeaders()`) or raw `name: value` lines.
   * @param {any} input
   * @returns {Headers}
   */
  static from (input) {
    if (input?.headers) return this.from(input.headers)
    if (typeof input?.entries === 'function') return new this([...input.entries()])
    if (Array.isArray(input)) return new this(input)
    if (input !== null && typeof input === 'object' && typeof input.getAllResponseHeaders !== 'function') {
      return new this(/** @type {Record<string, string>} */ (input))
    }
    const text = typeof input?.getAllResponseHeaders === 'function' ? input.getAllResponseHeaders() : input
    const headers = new this()
    for (const line of String(text ?? '').split(/\r?\n/)) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).trim()
      // Raw text may hold lines that are no header (a status line, junk): they are left out,
      // as a browser leaves out what it cannot parse, instead of failing the whole set.
      if (colon <= 0 || !TOKEN.test(name)) continue
      try {
        headers.append(name, line.slice(colon + 1).trim())
      } catch {} // a value Headers refuses (a NUL, a character past Latin-1): left out too
    }
    return headers
  }

  /** How many headers there are. */
  get length () {
    return [...this.keys()].length
  }

  /** @returns {Record<string, string>} */
  toJSON () {
    return Object.fromEntries(this.entries())
  }
}

/**
 * The parameters of an IPC call as the bridge reads them: `params` (a bare value becomes
 * `value`), the caller's window `index`, a new `seq`, and `nonce` when given.
 */
export class IPCSearchParams extends URLSearchParams {
  /**
   * @param {unknown} params
   * @param {string | number | null} [nonce]
   */
  constructor (params, nonce = null) {
    super(paramEntries(params))
    if (!this.has('index')) this.set('index', String(currentWindowIndex()))
    if (!this.has('seq')) this.set('seq', nextSeq())
    if (nonce !== null && nonce !== undefined) this.set('nonce', String(nonce))
  }
}

/**
 * Resolves when the bridge can take calls: at once here, where the bridge is the host's HTTP
 * `/ipc` route and needs no native handler to appear first.
 * @returns {Promise<void>}
 */
export async function ready () {}

/**
 * Dispatch a `CustomEvent` named `name` on `target` (the global object by default) with
 * `value` as its `detail`: a string is URI-decoded and JSON-parsed where it parses, as Oro does.
 * @param {string} name
 * @param {unknown} value
 * @param {EventTarget} [target]
 * @param {CustomEventInit} [options]
 * @returns {Promise<void>}
 */
export async function emit (name, value, target = undefined, options = undefined) {
  let detail = value
  if (typeof value === 'string') {
    try {
      detail = decodeURIComponent(value)
      detail = JSON.parse(/** @type {string} */ (detail))
    } catch {}
  }
  debug.log('ipc.emit:', name, detail)
  const event = new CustomEvent(name, { ...options, detail })
  ;(target ?? globalThis).dispatchEvent(event)
}

/**
 * Resolve the request `seq` of this window with `value`: Oro's `resolve-<index>-<seq>`
 * event on the global object, which whoever waits for that request listens to.
 * @param {string} seq
 * @param {unknown} value
 * @returns {Promise<void>}
 */
export async function resolve (seq, value) {
  debug.log('ipc.resolve:', seq, value)
  globalThis.dispatchEvent(new CustomEvent(`resolve-${currentWindowIndex()}-${seq}`, { detail: value }))
}

/**
 * The low-level bridge call: `message`, an `ipc://<command>?<params>` URL (or a `Message`),
 * with `bytes` as its body when given, sent to the host; answers the call's `Result`.
 * @param {string | URL | Message} message
 * @param {...any} args the body bytes
 * @returns {Promise<import('./result.js').Result>}
 */
export async function postMessage (message, ...args) {
  const parsed = Message.from(/** @type {any} */ (message))
  const params = Object.fromEntries([...parsed.searchParams.entries()].filter(([key]) => key !== 'seq' && key !== 'index'))
  const [bytes] = args
  return send(parsed.command, params, bytes === undefined || bytes === null ? {} : { method: 'POST', body: bytes })
}

/**
 * Add to `transfers` what `object` holds that `postMessage` can transfer (`ArrayBuffer`s,
 * views' buffers, `MessagePort`s), searched through arrays, plain objects, maps and sets.
 * @param {any[]} transfers
 * @param {any} object
 * @returns {any[]}
 */
export function findMessageTransfers (transfers, object) {
  const seen = new Set()
  /** @param {any} value */
  const visit = (value) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    /** @param {any} item */
    const add = (item) => { if (!transfers.includes(item)) transfers.push(item) }
    if (value instanceof ArrayBuffer) add(value)
    else if (ArrayBuffer.isView(value)) { if (value.buffer instanceof ArrayBuffer) add(value.buffer) }
    else if (typeof MessagePort === 'function' && value instanceof MessagePort) add(value)
    else if (Array.isArray(value) || value instanceof Set) for (const item of value) visit(item)
    else if (value instanceof Map) for (const [key, item] of value) { visit(key); visit(item) }
    else for (const item of Object.values(value)) visit(item)
  }
  visit(object)
  return transfers
}
