/**
 * `oro:diagnostics` — what the host holds right now, and reference streams to check that the
 * transport delivers server-sent events and chunked bodies incrementally.
 *
 * ```js
 * import * as diagnostics from 'oro:diagnostics'
 * const { routes, requests, streams } = await diagnostics.query()
 * for await (const event of diagnostics.sse({ count: 3 })) console.log(event.index)
 * ```
 * Routes `diagnostics.*`, permission `diagnostics`.
 *
 * As in Oro, it also has diagnostic channels (`channel(name)`, the `channels` registry) that
 * code publishes on and tools subscribe to, `window.metrics` (page calls published on the
 * `window.*` channels once started) and `runtime.query()` (this host's counters, as `query()`).
 *
 * ```js
 * import { channel, window } from 'oro:diagnostics'
 * channel('window.fetch').subscribe(({ resource, response }) => console.log(resource, response.status))
 * window.metrics.start(['fetch'])
 * ```
 * @module oro:diagnostics
 */

import { request, stream } from './ipc.js'
import channels, { Channel, ChannelGroup } from './diagnostics/internal/channels.js'
import window from './diagnostics/internal/window.js'

/**
 * @typedef {object} Diagnostics
 * @property {{ count: number, calls: Record<string, number> }} routes
 * @property {{ active: number }} requests
 * @property {{ open: number }} streams
 * @property {{ running: string[] }} services
 * @property {{ subscribers: number }} events
 * @property {Record<string, unknown>} plugins
 * @property {string} lifecycle
 */

/**
 * @typedef {object} Capabilities
 * @property {{ sseIncremental: boolean, chunkedIncremental: boolean }} streaming
 */

/**
 * Counters of the running host (route `diagnostics.query`).
 * @returns {Promise<Diagnostics>}
 */
export function query () {
  return request('diagnostics.query')
}

/**
 * Which kinds of streamed replies reach the page incrementally (route
 * `diagnostics.capabilities`).
 * @returns {Promise<Capabilities>}
 */
export function capabilities () {
  return request('diagnostics.capabilities')
}

/**
 * The reference SSE stream (route `diagnostics.stream.sse`): `count` events (1..256, default 8)
 * `interval` ms apart (1..1000, default 25), each `{index, count}`.
 * @param {{ count?: number, interval?: number, name?: string, signal?: AbortSignal }} [options]
 * @returns {import('./ipc.js').IPCStream<{ index: number, count: number }>}
 */
export function sse (options = {}) {
  const { signal, ...params } = options
  return stream('diagnostics.stream.sse', params, { signal })
}

/**
 * The reference chunked stream (route `diagnostics.stream.chunks`): `chunks` chunks of
 * `chunkSize` bytes 0x5a, `interval` ms apart.
 * @param {{ chunks?: number, chunkSize?: number, interval?: number, signal?: AbortSignal }} [options]
 * @returns {import('./ipc.js').IPCStream<Uint8Array>}
 */
export function chunks (options = {}) {
  const { signal, ...params } = options
  return stream('diagnostics.stream.chunks', params, { signal })
}

/**
 * The diagnostic channel `name` (made on first use; names are normalised: lower case, spaces,
 * `-` and `_` become `.`).
 * @param {string} name
 * @returns {import('./diagnostics/internal/channels.js').Channel}
 */
export function channel (name) {
  return channels.channel(name)
}

/** Oro's `diagnostics.runtime`: `query()` answers this host's counters (Oro's answer has libuv's
 * and its own handles instead). */
export const runtime = Object.freeze({ query })

export { Channel, ChannelGroup, channels, window }

export default { capabilities, channel, channels, chunks, query, runtime, sse, window }
