/**
 * `oro:fetch` — the page's `fetch` with `ipc://` URLs mapped onto the bridge (the same
 * function as `globalThis.fetch` in a page), and the page's `Headers`, `Request`, `Response`.
 * @module oro:fetch
 */

/** `fetch` with `ipc://<route>?<params>` URLs reaching the bridge; other URLs untouched. */
export const fetch: typeof globalThis.fetch
export const Headers: typeof globalThis.Headers
export const Request: typeof globalThis.Request
export const Response: typeof globalThis.Response

export default fetch
