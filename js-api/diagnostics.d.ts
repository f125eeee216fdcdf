/**
 * `oro:diagnostics` — host counters and reference streams.
 * @module oro:diagnostics
 * @plugin diagnostics
 */

import type { IPCStream } from './ipc.js'

export interface Diagnostics {
  routes: { count: number, calls: Record<string, number> }
  requests: { active: number }
  streams: { open: number }
  services: { running: string[] }
  events: { subscribers: number }
  plugins: Record<string, unknown>
  lifecycle: string
}

export interface Capabilities {
  streaming: { sseIncremental: boolean, chunkedIncremental: boolean }
}

/** Counters of the running host. */
export function query (): Promise<Diagnostics>
/** Which streamed replies reach the page incrementally. */
export function capabilities (): Promise<Capabilities>
/** Reference SSE stream: `count` events `{index, count}`, `interval` ms apart. */
export function sse (options?: { count?: number, interval?: number, name?: string, signal?: AbortSignal }): IPCStream<{ index: number, count: number }>
/** Reference chunked stream: `chunks` chunks of `chunkSize` bytes. */
export function chunks (options?: { chunks?: number, chunkSize?: number, interval?: number, signal?: AbortSignal }): IPCStream<Uint8Array>

declare const diagnostics: {
  capabilities: typeof capabilities
  chunks: typeof chunks
  query: typeof query
  sse: typeof sse
}
export default diagnostics
