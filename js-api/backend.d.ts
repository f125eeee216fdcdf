/**
 * `oro:backend` — the app's own Python backend (`backend.py`), and the Oro Runtime's
 * backend-process API. `oro types` writes the app's `backend.d.ts`, which fills `Commands` and
 * `Events` below with the backend's commands and events (declaration merging), so that
 * `backend.resize({ path })` and `backend.on('progress', ...)` are checked.
 * @module oro:backend
 */

import type { RequestOptions } from './ipc.js'

/** The backend's commands: filled in by the app's generated `backend.d.ts`. */
export interface Commands {}

/** The backend's events and the type of their data: filled in by the generated file. */
export interface Events {}

/** What a command call returns: its result (also iterable, yielding it once). */
export type Call<T> = Promise<T> & AsyncIterable<T>

/** What a streaming command's call returns: iterate it for the items, or await the stream. */
export type Stream<T> = Promise<AsyncIterableIterator<T>> & AsyncIterable<T>

/** Call command `name` with `fields` (how a command named like one of this module's is reached). */
export function call (name: string, fields?: Record<string, unknown>, options?: RequestOptions): Call<any>

/** Listen to the backend's event `name`; returns the function that stops listening. */
export function on<K extends keyof Events> (name: K, listener: (data: Events[K]) => void): () => void
export function on (name: string, listener: (data: unknown) => void): () => void

/** Wait for the backend's next event `name`. */
export function once<K extends keyof Events> (name: K): Promise<Events[K]>
export function once (name: string): Promise<unknown>

/** Start Oro's backend process (`[linux] cmd`); `force` restarts a running one. */
export function open (options?: { force?: boolean }): Promise<any>
/** Stop Oro's backend process. */
export function close (): Promise<any>
/** Write to the backend process's standard input: text or bytes as they are, or Oro's `{ event, value }` line. */
export function sendToProcess (data: string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob | { event: string, value?: unknown, index?: number }): Promise<any>

/** This module's own functions. */
export interface BackendModule {
  readonly call: typeof call
  readonly on: typeof on
  readonly once: typeof once
  readonly open: typeof open
  readonly close: typeof close
  readonly sendToProcess: typeof sendToProcess
}

declare const backend: BackendModule & Commands
export default backend
