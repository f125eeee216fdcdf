/**
 * `oro:cookies` — Oro's cookie helpers over the windows' own cookie store (the one
 * `document.cookie` uses): the page's own origin's cookies, never an HttpOnly one nor the
 * host's. Errors: `TypeError` (an empty argument), `SecurityError` `ERR_COOKIE_ORIGIN`,
 * `ERR_COOKIE_DOMAIN`, `ERR_HOST_COOKIE`, `InvalidArgumentError` `ERR_COOKIE_SYNTAX`,
 * `RangeError` `ERR_COOKIE_TOO_LARGE`, `InvalidStateError` `ERR_COOKIE_HTTPONLY`,
 * `NotSupportedError` `ERR_HEADLESS` (use `document.cookie`).
 * @module oro:cookies
 */

/** The cookies a request of the page to `url` carries, as a `Cookie` header value (`"a=b; c=d"`). */
export function get (url: string): Promise<{ value: string }>
/** Set a cookie for `url` from a `Set-Cookie` header value. */
export function set (url: string, cookie: string): Promise<{ ok: boolean }>
/** Remove the cookies named `name` that a request of the page to `url` carries. */
export function remove (url: string, name: string): Promise<{ ok: boolean, removed: number }>
/** Remove every cookie of the app's origin the page can see (never the host's). */
export function clear (): Promise<{ ok: boolean, removed: number }>

declare const cookies: {
  get: typeof get
  set: typeof set
  remove: typeof remove
  clear: typeof clear
}
export default cookies
