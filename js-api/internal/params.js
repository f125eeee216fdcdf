/**
 * Internal to `oro:ipc` (which re-exports its public names): how a call is addressed. Request
 * ids, the caller's window, route names, and parameters encoded into the bridge's
 * `/ipc/<route>?<params>` URL the way the Oro Runtime's `IPCSearchParams` does.
 */

import { invalidArgument } from '../errors.js'

const ROUTE_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/

let sequence = 0

/**
 * The next request id: `"R1"`, `"R2"`... counting up per page, as the Oro Runtime does.
 * @returns {string}
 */
export function nextSeq () {
  sequence += 1
  return `R${sequence}`
}

/**
 * The index of the window this code runs in (`globalThis.__args.index`, else 0).
 * @returns {number}
 */
export function currentWindowIndex () {
  const index = /** @type {any} */ (globalThis).__args?.index
  return typeof index === 'number' && Number.isFinite(index) ? index : 0
}

/** The header an IPC request proves its window with. */
export const WINDOW_CREDENTIAL_HEADER = 'x-oro-window'

/** @type {string | null} */
let credential = null

/**
 * The credential that proves which window this page is, or `null` (a worker, a page opened
 * without its launch URL). A native window's engine hands it to the preload before each page
 * (headless, the launch redirect does, and the tab's `sessionStorage` keeps it), and this
 * module takes it from there once; the host serves per-window things (children, databases,
 * streams, picked files, events) only to requests that carry it, never on `index` alone.
 * @returns {string | null}
 */
export function windowCredential () {
  // Taken from the preload's global, which is then gone (its getter deletes it; a plain value
  // is deleted here): the client's first call, at bootstrap, leaves nothing on `globalThis`,
  // and in a native window nothing else in the page holds it, neither storage nor a global.
  const scope = /** @type {any} */ (globalThis)
  if ('__oroWindow' in scope) {
    let value
    try {
      value = scope.__oroWindow
      delete scope.__oroWindow
    } catch {}
    credential = typeof value === 'string' && value !== '' ? value : null
  }
  return credential
}

/**
 * Normalise `params` into `[key, string]` pairs the way the Oro Runtime's `IPCSearchParams` does:
 * a bare value (string, number, boolean, array, null) becomes `value`; an object's entries are
 * taken one by one; object-valued entries are JSON-stringified; `Date`s are ISO strings;
 * `undefined`, functions and symbols are left out. Binary values are refused: send bytes as
 * the request body (`write()` or the `body` option).
 * @param {unknown} params
 * @returns {Array<[string, string]>}
 */
export function paramEntries (params) {
  if (params === undefined) return []
  if (params instanceof URLSearchParams) return [...params.entries()]
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof Date) {
    const encoded = encodeValue('value', params)
    return encoded === undefined ? [] : [['value', encoded]]
  }
  /** @type {Array<[string, string]>} */
  const entries = []
  for (const [key, value] of Object.entries(params)) {
    const encoded = encodeValue(key, value)
    if (encoded !== undefined) entries.push([key, encoded])
  }
  return entries
}

/**
 * @param {string} key
 * @param {unknown} value
 * @returns {string | undefined}
 */
function encodeValue (key, value) {
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    default:
      break
  }
  if (value === null) return 'null'
  if (value instanceof Date) return value.toISOString()
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer ||
      (typeof Blob === 'function' && value instanceof Blob)) {
    throw invalidArgument(
      `IPC parameter '${key}' holds binary data: send bytes as the request body (write() or the 'body' option)`
    )
  }
  return JSON.stringify(value)
}

/**
 * The query string for `params` (without `?`). Keys and values are percent-encoded with
 * `encodeURIComponent`, so a space is `%20` and `+` is `%2B` (never read as a space).
 * @param {unknown} params
 * @returns {string}
 */
export function encodeParams (params) {
  return paramEntries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
}

/**
 * The origin IPC URLs are built on: the page's own origin when it has one (so the session
 * cookie is sent), else `__args.origin`, else none (a root-relative URL).
 * @returns {string}
 */
export function baseOrigin () {
  const location = /** @type {any} */ (globalThis).location
  if (location && typeof location.origin === 'string' && /^https?:/.test(location.origin)) {
    return location.origin
  }
  const origin = /** @type {any} */ (globalThis).__args?.origin
  return typeof origin === 'string' ? origin.replace(/\/+$/, '') : ''
}

/**
 * Assert `route` is a route name (`fs.stat`, `ai.llm.model.load`).
 * @param {unknown} route
 * @returns {asserts route is string}
 */
export function checkRoute (route) {
  if (typeof route !== 'string' || !ROUTE_PATTERN.test(route)) {
    throw invalidArgument(`Invalid IPC route: ${JSON.stringify(route)}`)
  }
}

/**
 * The bridge URL of a call: `<origin>/ipc/<route>?<params>&seq=<seq>&index=<index>`.
 * `seq` is always the one given; `index` is the caller's window unless `params` names one.
 * @param {string} route
 * @param {unknown} [params]
 * @param {{ seq?: string, index?: number, origin?: string }} [options]
 * @returns {string}
 */
export function buildURL (route, params = undefined, options = {}) {
  checkRoute(route)
  const entries = paramEntries(params).filter(([key]) => key !== 'seq')
  if (options.seq !== undefined) entries.push(['seq', String(options.seq)])
  if (!entries.some(([key]) => key === 'index')) {
    entries.push(['index', String(options.index ?? currentWindowIndex())])
  }
  const query = entries
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
  const origin = options.origin ?? baseOrigin()
  const path = route.split('/').map(encodeURIComponent).join('/')
  return `${origin}/ipc/${path}${query ? `?${query}` : ''}`
}
