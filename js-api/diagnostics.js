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
 * @module oro:diagnostics
 */

import { request, stream } from './ipc.js'

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

export default { capabilities, chunks, query, sse }
