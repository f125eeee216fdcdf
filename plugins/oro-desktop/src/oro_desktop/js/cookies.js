/**
 * `oro:cookies` — Oro's cookie helpers over the windows' own cookie store, the one
 * `document.cookie` reads and writes, so both always agree:
 *
 * ```js
 * import cookies from 'oro:cookies'
 * await cookies.set(location.href, 'theme=dark; Path=/; Max-Age=3600')
 * const { value } = await cookies.get(location.href)   // 'theme=dark'
 * await cookies.remove(location.href, 'theme')
 * await cookies.clear()
 * ```
 *
 * Every call is an `oro:ipc` request to a host route `cookies.*` (permission `cookies`). A page
 * reaches its own origin's cookies that `document.cookie` reaches (never an HttpOnly one, nor the
 * host's session cookie). Errors: `TypeError` for an empty `url`, `cookie` or `name` (as Oro's);
 * `SecurityError` `ERR_COOKIE_ORIGIN` (a URL of another origin: Oro's takes any),
 * `ERR_COOKIE_DOMAIN`, `ERR_HOST_COOKIE`; `TypeError`-like `InvalidArgumentError`
 * `ERR_COOKIE_SYNTAX`; `RangeError` `ERR_COOKIE_TOO_LARGE`; `InvalidStateError`
 * `ERR_COOKIE_HTTPONLY`; `NotSupportedError` `ERR_HEADLESS` (no native window: use
 * `document.cookie`).
 * @module oro:cookies
 */

import { request } from 'oro:ipc'

/**
 * @param {string} name
 * @param {unknown} value
 */
function requireText (name, value) {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new TypeError(`${name} must be a non-empty string`)
  }
}

/**
 * The cookies a request of the page to `url` carries, as a `Cookie` header value (`"a=b; c=d"`).
 * @param {string} url
 * @returns {Promise<{ value: string }>}
 */
export async function get (url) {
  requireText('url', url)
  return /** @type {{ value: string }} */ (await request('cookies.get', { url }))
}

/**
 * Set a cookie for `url` from a `Set-Cookie` header value.
 * @param {string} url
 * @param {string} cookie
 * @returns {Promise<{ ok: boolean }>}
 */
export async function set (url, cookie) {
  requireText('url', url)
  requireText('cookie', cookie)
  // In the body: a Set-Cookie value may be longer than a query parameter holds.
  const body = new TextEncoder().encode(cookie)
  return /** @type {{ ok: boolean }} */ (await request('cookies.set', { url }, { body, method: 'POST' }))
}

/**
 * Remove the cookies named `name` that a request of the page to `url` carries.
 * @param {string} url
 * @param {string} name
 * @returns {Promise<{ ok: boolean, removed: number }>}
 */
export async function remove (url, name) {
  requireText('url', url)
  requireText('name', name)
  return /** @type {{ ok: boolean, removed: number }} */ (await request('cookies.remove', { url, name }))
}

/**
 * Remove every cookie of the app's origin the page can see (never the host's).
 * @returns {Promise<{ ok: boolean, removed: number }>}
 */
export async function clear () {
  return /** @type {{ ok: boolean, removed: number }} */ (await request('cookies.clear', {}))
}

export default { get, set, remove, clear }
