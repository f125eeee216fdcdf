/**
 * `oro:fetch` — the Oro Runtime's `fetch` module: the page's `fetch` with `ipc://` URLs mapped
 * onto the bridge (the same function as `globalThis.fetch` in a page, where `oro:bootstrap`
 * installs it), and the page's `Headers`, `Request` and `Response`.
 *
 * ```js
 * import fetch, { Response } from 'oro:fetch'
 * const pong = await (await fetch('ipc://ping')).json()   // an IPC call, as in Oro
 * const page = await fetch('/data.json')                  // anything else: the page's fetch
 * Response.json({ ok: true })
 * ```
 *
 * In a worker (no preload) the module makes the same mapping for the worker's own `fetch`,
 * without installing it.
 * @module oro:fetch
 */

import { runtimeFetch } from './bootstrap.js'

/** `fetch` with `ipc://<route>?<params>` URLs reaching the bridge; other URLs untouched. */
export const fetch = runtimeFetch(globalThis)

/** The page's `Headers`. */
export const Headers = globalThis.Headers
/** The page's `Request`. */
export const Request = globalThis.Request
/** The page's `Response` (with `Response.json`). */
export const Response = globalThis.Response

export default fetch
