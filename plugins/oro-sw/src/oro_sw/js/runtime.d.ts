/**
 * `oro:service-worker/runtime` — runs a worker script as Oro runs it; imported by the generated
 * shell (`/oro/service-worker/shell.js?script=<app path>`) before the app's script. It gives the
 * worker `navigator.serviceWorker` (`startMessages()`, 'message' events of what pages post), and
 * `start(module)` answers fetches with the module's default export (`(request, env, ctx)`, or
 * `{ fetch, install, activate }`): `request.url` is the scheme's URL for a protocol handler
 * (`weather:///current`), `env` the registration's persistent Environment context, `ctx` Oro's
 * context (`waitUntil`, `passThroughOnException`, `client()`, `data`, `env`).
 * @module oro:service-worker/runtime
 */

import type { WorkerExtension } from 'oro:service-worker/worker'

export interface HandlerContext {
  event: any
  env: Record<string, any> | null
  /** The scheme's protocol data (`protocol.setData`), `null` outside a protocol handler. */
  data: unknown
  waitUntil (promise: Promise<unknown>): void
  passThroughOnException (): void
  readonly handled: Promise<void>
  /** The window client of the page that made the request, or `null`. */
  client (): Promise<any | null>
  resetEnvironment (): Promise<boolean>
}

export type FetchHandler = (request: Request, env: Record<string, any> | null, ctx: HandlerContext) =>
  Response | undefined | null | Promise<Response | undefined | null>

export interface Handlers {
  fetch: FetchHandler | null
  install: ((env: Record<string, any> | null, ctx: HandlerContext) => unknown) | null
  activate: ((env: Record<string, any> | null, ctx: HandlerContext) => unknown) | null
  shouldPreferServiceWorker: boolean | undefined
}

/** The protocol URL an app URL under `/oro/protocol/<scheme>/` stands for, else `url`. */
export function handlerURL (url: string): string
export function handlersOf (module: any): Handlers
export function start (module: any, options?: { script?: string, extensions?: WorkerExtension[] }): void

declare const runtime: {
  start: typeof start
  handlersOf: typeof handlersOf
  handlerURL: typeof handlerURL
}
export default runtime
