/**
 * `oro:backend` — the app's own Python backend (`backend.py` beside `oro.toml`), and the Oro
 * Runtime's backend-process API.
 *
 * ```js
 * import backend from 'oro:backend'
 * const { width } = await backend.resize({ path, width: 800 })   // @command resize(path, width)
 * for await (const tick of backend.ticks({ count: 3 })) console.log(tick)  // async generator
 * const reversed = await backend.reverse({ data: new Uint8Array([1, 2]) }) // bytes, never base64
 * const stop = backend.on('progress', (data) => console.log(data))        // emit('progress', ...)
 * ```
 *
 * Every property that is not one of this module's own names calls the command of that name:
 * `backend.resize(fields, options)` is the route `backend.resize` with `fields` as a JSON body
 * (`ipc.request('backend.resize', fields)` works too). A field holding bytes (`Uint8Array`,
 * `ArrayBuffer`, a view, a `Blob`) travels as the raw body, the other fields beside it. The call
 * resolves with the command's result (a `Uint8Array` for bytes) and is also an async iterable of
 * a streaming command's items. Errors reject as typed errors (`TypeError` for a wrong field,
 * `BackendError` for an exception the command raised, with `exception` naming its type).
 *
 * `open`, `close` and `sendToProcess` are Oro's backend process (`[linux] cmd`, a program of any
 * language whose output lines arrive as `backend:data` events): the routes
 * `application.backend.open`, `application.backend.close` and `process.write`. A command named
 * like one of this module's own names is reached with `backend.call(name, fields)`.
 * `oro types` writes `backend.d.ts`, which types every command and event for the editor and `tsc`.
 * @module oro:backend
 */

import { request } from './ipc.js'

const EVENT_PREFIX = 'backend:'
const FIELDS_PARAMETER = 'oro-fields'
const BODY_FIELD = 'oro-body'

/**
 * @param {unknown} value
 * @returns {boolean}
 */
function isBinary (value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) ||
    (typeof Blob === 'function' && value instanceof Blob)
}

/**
 * Call the command `name` with `fields`: the result, or the stream of a streaming command.
 * @param {string} name
 * @param {Record<string, unknown>} [fields]
 * @param {import('./ipc.js').RequestOptions} [options]
 * @returns {Promise<any> & AsyncIterable<any>}
 */
export function call (name, fields = {}, options = {}) {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(`backend.${name}: pass the command's fields as one object, e.g. { path }`)
  }
  const route = `backend.${name}`
  const binary = Object.keys(fields).filter((key) => isBinary(fields[key]))
  /** @type {Promise<any>} */
  let reply
  if (binary.length === 1) {
    const [key] = binary
    const others = { ...fields }
    delete others[key]
    const body = /** @type {ArrayBuffer | ArrayBufferView | Blob} */ (fields[key])
    reply = request(route, { [FIELDS_PARAMETER]: JSON.stringify(others), [BODY_FIELD]: key }, {
      method: 'POST', ...options, body
    })
  } else {
    reply = request(route, undefined, { method: 'POST', ...options, body: fields })
  }
  return Object.assign(reply, {
    async * [Symbol.asyncIterator] () {
      const result = await reply
      if (result !== null && typeof result === 'object' && typeof result[Symbol.asyncIterator] === 'function') {
        yield * result
      } else {
        yield result
      }
    }
  })
}

/**
 * Listen to the backend's event `name` (`emit(name, data)` in Python); returns the function
 * that stops listening.
 * @param {string} name
 * @param {(data: any) => void} listener
 * @returns {() => void}
 */
export function on (name, listener) {
  /** @param {Event} event */
  const handler = (event) => listener(/** @type {CustomEvent} */ (event).detail)
  globalThis.addEventListener(EVENT_PREFIX + name, handler)
  return () => globalThis.removeEventListener(EVENT_PREFIX + name, handler)
}

/**
 * Wait for the backend's next event `name`.
 * @param {string} name
 * @returns {Promise<any>}
 */
export function once (name) {
  return new Promise((resolve) => {
    const stop = on(name, (data) => { stop(); resolve(data) })
  })
}

/**
 * Start Oro's backend process (`[linux] cmd`); `force` restarts a running one.
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<any>}
 */
export function open (options = {}) {
  return request('application.backend.open', { force: Boolean(options.force) })
}

/**
 * Stop Oro's backend process.
 * @returns {Promise<any>}
 */
export function close () {
  return request('application.backend.close')
}

/**
 * Write to the backend process's standard input (Oro's `process.write` route): a string or
 * bytes, written exactly (add the `\n` a line-reading program waits for), or Oro's
 * `{ event, value }`, written as Oro's `ipc://process.write?...` line whose `value` is JSON (what
 * `@socketsupply/socket-node` parses: its handler gets `value`).
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob | { event: string, value?: unknown, index?: number }} data
 * @returns {Promise<any>}
 */
export function sendToProcess (data) {
  if (typeof data === 'string' || isBinary(data)) {
    const body = /** @type {string | ArrayBuffer | ArrayBufferView | Blob} */ (data)
    return request('process.write', undefined, { method: 'POST', body, timeout: 0 })
  }
  const { event, value, index } = /** @type {{ event: string, value?: unknown, index?: number }} */ (data)
  // A string goes as its JSON, which the transport decodes back to that string (`'12'` stays
  // text); other values go as they are. The backend's handler gets `value`.
  const given = typeof value === 'string' ? JSON.stringify(value) : value
  return request('process.write', { event, value: given, index })
}

const own = Object.freeze({ call, on, once, open, close, sendToProcess })

/**
 * The commands of the app's backend as methods, with this module's own functions.
 * @type {any}
 */
const backend = new Proxy(own, {
  get (target, property) {
    if (typeof property !== 'string' || property === 'then') return undefined
    if (Object.prototype.hasOwnProperty.call(target, property)) return target[/** @type {keyof typeof own} */ (property)]
    return (/** @type {Record<string, unknown> | undefined} */ fields, /** @type {any} */ options) =>
      call(property, fields, options)
  },
  has (target, property) {
    return typeof property === 'string' && property !== 'then'
  }
})

export default backend
