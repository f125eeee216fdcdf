/**
 * `oro:service-worker/worker` — helpers for the app's own Service Worker script, imported by
 * URL (`/oro/service-worker/worker.js`): module workers get no import map. Fetch-first with the
 * handler answering the host's 404s, or handler-first with `shouldPreferServiceWorker`;
 * launch-URL navigations, `/ipc` and `/oro/events` always go to the host.
 * @module oro:service-worker/worker
 */

import type { Environment } from 'oro:service-worker/environment'

export const LAUNCH_PARAMETER: 'oro_launch'
export const NEVER_INTERCEPTED: readonly string[]

export interface HandlerContext {
  /** The worker's `FetchEvent`. */
  event: { request: Request, waitUntil (promise: Promise<unknown>): void }
  waitUntil (promise: Promise<unknown>): void
}

/** Answer a request, or leave it (`undefined`/`null`) to the host's answer. */
export type Handler = (request: Request, env: Environment | null, ctx: HandlerContext) =>
  Response | undefined | null | Promise<Response | undefined | null>

export interface ServeOptions {
  /** The handler answers first; default: the host first, the handler for its 404s. */
  shouldPreferServiceWorker?: boolean
  /** Skip waiting and claim open pages when activated (default `true`). */
  claim?: boolean
}

export function serve (handler: Handler | { fetch: Handler, shouldPreferServiceWorker?: boolean }, options?: ServeOptions): void
/** Whether a request goes to the network untouched (other origin, bridge, launch URL). */
export function isPassThrough (request: Request, origin?: string): boolean
/** Call a `serviceWorker.*` route from the worker. */
export function call (route: string, params: Record<string, string>, body?: string): Promise<any>
/** This worker's registration's Environment (opened once). */
export function environment (): Promise<Environment>

/** A plugin's module the shell imported for it (`oro_service_worker_modules`). */
export interface WorkerExtension {
  plugin: string
  specifier: string
  module: any
}
/** Take in the plugins' extensions: each default export that answers (a function, `{ fetch }`). */
export function extend (extensions: WorkerExtension[]): void
/** The first answer of the plugins' extensions to the event's request, or `null`. */
export function extensionAnswer (event: { request: Request, waitUntil (promise: Promise<unknown>): void }): Promise<Response | null>

declare const worker: {
  serve: typeof serve
  call: typeof call
  environment: typeof environment
  isPassThrough: typeof isPassThrough
  extend: typeof extend
  extensionAnswer: typeof extensionAnswer
}
export default worker
