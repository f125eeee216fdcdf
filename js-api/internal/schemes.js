/**
 * The URL schemes plugins serve (`oro_register_schemes`; their names are `__args.schemes`):
 * the page's `fetch('clip:hello')` goes to the bridge at `/oro/scheme/clip//hello`, carrying
 * the window's credential as every IPC request does, so the handler learns which window asked
 * and the request meets the session, Host and Origin checks of every other one. This works in
 * every engine and headless; a native window also serves what the page does not `fetch`
 * (`<img src="clip:...">`, navigations) through its engine's own scheme handler. Imports of
 * `clip://...` are mapped by the preload's import map (`"clip://": "/oro/scheme/clip/"`).
 *
 * URLs map by the rules of protocol handlers (`toAppPath`, the host's `scheme_path`): the opaque
 * `clip:a/../b?q` has an empty host and the path `/b`, and what an `http:` URL would change is
 * refused with `TypeError`.
 */

import { PROTOCOL_PREFIX, schemeOf, toAppPath } from '../protocol-handlers.js'
import { WINDOW_CREDENTIAL_HEADER, windowCredential } from './params.js'

/** Where the bridge serves plugins' schemes. */
export const SCHEME_PREFIX = '/oro/scheme/'

/**
 * The bridge path serving `url`: `clip:a/../b?q#f` → `/oro/scheme/clip//b?q`,
 * `clip://board/1` → `/oro/scheme/clip/board/1`.
 * @param {string} url
 * @returns {string}
 */
export function schemePath (url) {
  const path = toAppPath(url)
  const hash = path.indexOf('#')
  return SCHEME_PREFIX + (hash === -1 ? path : path.slice(0, hash)).slice(PROTOCOL_PREFIX.length)
}

/**
 * The URL text a `fetch` argument names, trimmed, or `null`.
 * @param {unknown} input
 * @returns {string | null}
 */
function urlText (input) {
  if (typeof input === 'string') return input.trim()
  if (input instanceof URL) return input.href
  if (input instanceof Request) return input.url
  return null
}

/** The globals whose `fetch` is mapped already. */
const installed = new WeakSet()

/**
 * Map `fetch` of the schemes in `target.__args.schemes` to the bridge. Idempotent; a page
 * whose plugins serve no scheme keeps its `fetch` as it is.
 * @param {any} [target]
 */
export function install (target = globalThis) {
  const given = target.__args?.schemes
  const names = new Set(Array.isArray(given) ? given : [])
  if (names.size === 0 || typeof target.fetch !== 'function' || installed.has(target)) return
  installed.add(target)
  const inner = target.fetch
  /**
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   */
  target.fetch = function fetch (input, init) {
    const text = urlText(input)
    const scheme = text === null ? null : schemeOf(text)
    if (text === null || scheme === null || !names.has(scheme)) return inner.call(target, input, init)
    /** @type {Request} */
    let request
    try {
      const mapped = new URL(schemePath(text), target.location?.href ?? target.__args?.origin).href
      if (input instanceof Request) return fromRequest(mapped, input, init)
      request = new Request(mapped, { ...(init ?? {}), credentials: 'same-origin' })
    } catch (error) {
      return Promise.reject(error)
    }
    return send(request)
  }

  /** @param {Request} request */
  function send (request) {
    const credential = windowCredential()
    if (credential !== null) request.headers.set(WINDOW_CREDENTIAL_HEADER, credential)
    return inner.call(target, request)
  }

  /**
   * A `Request` made for a `clip:` URL, sent to `mapped`. Its body is read first: copied as a
   * stream, it would be a streaming upload, which Chromium sends over HTTP/2 only.
   * @param {string} mapped
   * @param {Request} input
   * @param {RequestInit} [init]
   */
  async function fromRequest (mapped, input, init) {
    const hasBody = input.method !== 'GET' && input.method !== 'HEAD'
    const body = hasBody ? await input.arrayBuffer() : undefined
    const { method, headers, signal, cache, redirect, referrerPolicy, integrity, keepalive } = input
    const copied = { method, headers, body, signal, cache, redirect, referrerPolicy, integrity, keepalive }
    return send(new Request(mapped, { ...copied, ...(init ?? {}), credentials: 'same-origin' }))
  }
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()
