/**
 * `oro:worker_threads` (also `node:worker_threads`) — Node's threads over the page's Web
 * Workers, as Oro emulates them.
 * @module oro:worker_threads
 * @alias node:worker_threads
 */

import { EventEmitter } from './events.js'

export interface WorkerOptions {
  /** Cloned to the worker's `workerData`. */
  workerData?: any
  /** Moved, not copied, with `workerData`. */
  transferList?: Transferable[]
  /** The Web Worker's name (`self.name`). */
  name?: string
  /** `filename` is the source of a classic script, not a URL. */
  eval?: boolean
  env?: object | symbol
  resourceLimits?: object
  stdin?: boolean
  stdout?: boolean
  stderr?: boolean
}

/** `true` in the page, `false` in a worker. */
export const isMainThread: boolean
/** 0 in the page; the worker's id in a worker. */
export const threadId: number
/** The clone of the `workerData` option, in a worker; `null` in the page. */
export const workerData: any
/** Node's `resourceLimits`: empty. */
export const resourceLimits: Readonly<Record<string, number>>
/** Node's `SHARE_ENV` symbol. */
export const SHARE_ENV: unique symbol
/** The live workers this page (or worker) started, by thread id. */
export const workers: Map<number, Worker>

/** The worker's channel to the page (`null` in the page). */
export interface ParentPort extends EventEmitter {
  postMessage (value: any, transferList?: Transferable[]): void
  /** Ends the thread (exit code 0). */
  close (): void
  start (): void
  ref (): this
  unref (): this
}
export const parentPort: ParentPort | null

/** A thread running a module. Events: `online`, `message`, `messageerror`, `error`, `exit`. */
export class Worker extends EventEmitter {
  constructor (filename: string | URL, options?: WorkerOptions)
  readonly threadId: number
  /** Oro's name of `threadId`. */
  readonly id: number
  readonly stdin: null
  readonly stdout: null
  readonly stderr: null
  readonly resourceLimits: Record<string, number>
  postMessage (value: any, transferList?: Transferable[]): void
  /** Ends the worker at once; answers its exit code (1), `undefined` when it had ended. */
  terminate (): Promise<number | undefined>
  ref (): void
  unref (): void
}

export const MessageChannel: typeof globalThis.MessageChannel
export const MessagePort: typeof globalThis.MessagePort
export const BroadcastChannel: typeof globalThis.BroadcastChannel

export function setEnvironmentData (key: any, value?: any): void
export function getEnvironmentData (key: any): any

declare const _default: {
  BroadcastChannel: typeof BroadcastChannel
  MessageChannel: typeof MessageChannel
  MessagePort: typeof MessagePort
  SHARE_ENV: typeof SHARE_ENV
  Worker: typeof Worker
  getEnvironmentData: typeof getEnvironmentData
  isMainThread: boolean
  readonly parentPort: ParentPort | null
  resourceLimits: typeof resourceLimits
  setEnvironmentData: typeof setEnvironmentData
  readonly threadId: number
  readonly workerData: any
  workers: typeof workers
}
export default _default
