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

export type OnMessage = (message: any, name: string, channel: Channel) => unknown
/** A named diagnostic channel. */
export class Channel {
  constructor (name: string)
  name: string
  group: ChannelGroup | null
  readonly subscribers: OnMessage[]
  readonly hasSubscribers: boolean
  readonly length: number
  reset (shouldOrphan?: boolean): void
  /** The registry's channel `<this name>.<name>`. */
  channel (name: string): Channel
  subscribe (onMessage: OnMessage): boolean
  subscribe (name: string | null, onMessage: OnMessage): boolean
  unsubscribe (onMessage: OnMessage): boolean
  unsubscribe (name: string | null, onMessage: OnMessage): boolean
  /** Calls each subscriber in turn; true when one got it. */
  publish (message: any): Promise<boolean>
  toJSON (): object
}
/** Channels owned together; select with a name, `*`, `group.*`, `a,b` or an array. */
export class ChannelGroup extends Channel {
  constructor (name: string, channels?: Channel[])
  channels: Channel[]
  select (keys: string | string[], hasSubscribers?: boolean): Array<{ name: string, channel: Channel }>
  subscribe (onMessage: OnMessage): boolean
  subscribe (name: string | string[] | null, onMessage: OnMessage): boolean
  publish (name: string | Record<string, any>, message?: any): Promise<boolean>
}
/** Every channel by normalised name. */
export interface ChannelRegistry {
  subscribe (name: string, onMessage: OnMessage): boolean
  unsubscribe (name: string, onMessage: OnMessage): boolean
  hasSubscribers (name: string): boolean
  channel (name: string): Channel
  group (name: string, channels?: Array<string | Channel> | string): ChannelGroup
  get (name: string): Channel | null
  has (name: string): boolean
  set (name: string, channel: Channel): Channel
  remove (name: string): boolean
  toJSON (): Record<string, object>
}
/** The diagnostic channel `name` (made on first use). */
export function channel (name: string): Channel
/** Oro's `diagnostics.channels`: the registry. */
export const channels: ChannelRegistry
/** Oro's `diagnostics.runtime`: `query()` gives this host's counters. */
export const runtime: { readonly query: typeof query }
export interface Metric { init (): void, destroy (): void, channel: Channel }
/** Oro's `diagnostics.window`: page calls published on the `window.*` channels once started. */
export const window: {
  metrics: {
    requestAnimationFrame: Metric & { value: { rate: number, samples: number } | null, toJSON (): object }
    XMLHttpRequest: Metric
    Worker: Metric & { Worker: typeof Worker | null, GlobalWorker: typeof Worker | null }
    fetch: Metric & { fetch: typeof fetch }
    channel: ChannelGroup
    subscribe (name: string | string[] | OnMessage | null, onMessage?: OnMessage): boolean
    unsubscribe (name: string | string[] | OnMessage | null, onMessage?: OnMessage): boolean
    /** Starts the metrics named (all without a list). */
    start (which?: Array<'requestAnimationFrame' | 'XMLHttpRequest' | 'Worker' | 'fetch'>): void
    /** Stops them (the page's own functions come back) and drops their subscribers. */
    stop (which?: Array<'requestAnimationFrame' | 'XMLHttpRequest' | 'Worker' | 'fetch'>): void
  }
}

declare const diagnostics: {
  channel: typeof channel
  channels: typeof channels
  runtime: typeof runtime
  window: typeof window
  capabilities: typeof capabilities
  chunks: typeof chunks
  query: typeof query
  sse: typeof sse
}
export default diagnostics
