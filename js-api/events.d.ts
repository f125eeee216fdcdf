/**
 * `oro:events` (also `node:events`) — Node's `events` module (the `events` npm package).
 * @module oro:events
 * @alias node:events
 */

export type Listener = (...args: any[]) => void

export class EventEmitter {
  constructor ()
  /** Default max listeners of new emitters (10). */
  static defaultMaxListeners: number
  static readonly EventEmitter: typeof EventEmitter
  static once: typeof once
  static on: typeof on
  static getEventListeners: typeof getEventListeners
  static setMaxListeners: typeof setMaxListeners
  static addAbortListener: typeof addAbortListener
  /** @deprecated use `emitter.listenerCount(event)` */
  static listenerCount (emitter: EventEmitter, event: string | symbol): number

  addListener (event: string | symbol, listener: Listener): this
  on (event: string | symbol, listener: Listener): this
  once (event: string | symbol, listener: Listener): this
  prependListener (event: string | symbol, listener: Listener): this
  prependOnceListener (event: string | symbol, listener: Listener): this
  removeListener (event: string | symbol, listener: Listener): this
  off (event: string | symbol, listener: Listener): this
  removeAllListeners (event?: string | symbol): this
  setMaxListeners (n: number): this
  getMaxListeners (): number
  listeners (event: string | symbol): Function[]
  rawListeners (event: string | symbol): Function[]
  emit (event: string | symbol, ...args: any[]): boolean
  listenerCount (event: string | symbol): number
  eventNames (): Array<string | symbol>
}

/** Resolves with the arguments of the next `event`; rejects on `error`. */
export function once (emitter: EventEmitter | EventTarget, event: string | symbol): Promise<any[]>
/** Async iterator over `event` emissions (each item the array of arguments). */
export function on (emitter: EventEmitter | EventTarget, event: string | symbol, options?: { signal?: AbortSignal }): AsyncIterableIterator<any[]>
export function getEventListeners (emitter: EventEmitter, event: string | symbol): Function[]
export function setMaxListeners (n?: number, ...emitters: EventEmitter[]): void
/** @deprecated use `emitter.listenerCount(event)` */
export function listenerCount (emitter: EventEmitter, event: string | symbol): number
export function addAbortListener (signal: AbortSignal, listener: (event: Event) => void): { dispose (): void }

/** The page's `Event` (Oro's events module re-exports the DOM's event classes). */
export const Event: typeof globalThis.Event
/** The page's `EventTarget`. */
export const EventTarget: typeof globalThis.EventTarget
/** The page's `CustomEvent`. */
export const CustomEvent: typeof globalThis.CustomEvent
/** The page's `MessageEvent`. */
export const MessageEvent: typeof globalThis.MessageEvent
/** The page's `ErrorEvent`. */
export const ErrorEvent: typeof globalThis.ErrorEvent
export default EventEmitter
