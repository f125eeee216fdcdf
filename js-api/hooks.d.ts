/**
 * `oro:hooks` — lifecycle and host events. Every `on*` function returns an unsubscribe function.
 * @module oro:hooks
 */

import type { ApplicationURLEvent } from './bootstrap.js'

/** A host event: `event.detail` is its JSON payload. */
export type HostEventListener<D = any> = (event: CustomEvent<D>) => void

export interface ListenOptions {
  once?: boolean
  signal?: AbortSignal
}

/** Call `callback` for every `name` event on `globalThis` (host events of any name included). */
export function on<D = any> (name: string, callback: HostEventListener<D>, options?: ListenOptions): () => void
/** Like `on()`, for the first event only. */
export function once<D = any> (name: string, callback: HostEventListener<D>): () => void
/** Window hidden or minimized, app in background. */
export function onApplicationPause (callback: HostEventListener): () => void
/** Window shown or restored, app in foreground. */
export function onApplicationResume (callback: HostEventListener): () => void
/** The app is about to stop. */
export function onApplicationStop (callback: HostEventListener): () => void
/** The app was opened through a URL of its own protocol. */
export function onApplicationURL (callback: (event: ApplicationURLEvent) => void): () => void
/** A runtime permission changed (`{name, state}`). */
export function onPermissionChange (callback: HostEventListener<{ name: string, state: string, [field: string]: unknown }>): () => void
/** The runtime is initialised (`runtimeinit`); on a microtask if it already is. */
export function onReady (callback: () => void): () => void
/** Same as `onReady()`. */
export const onInit: typeof onReady
/** The page's `load` event fired (on a microtask if it already did). */
export function onLoad (callback: () => void): () => void
export function onOnline (callback: (event: Event) => void): () => void
export function onOffline (callback: (event: Event) => void): () => void
/** Uncaught errors, unhandled rejections and `messageerror`s. */
export function onError (callback: (event: Event) => void): () => void

/** `data` events on `globalThis`. */
export function onData (callback: (event: Event) => void): () => void
/** `message` events on `globalThis`. */
export function onMessage (callback: (event: MessageEvent) => void): () => void
/** The preferred language changed (`languagechange`). */
export function onLanguageChange (callback: (event: Event) => void): () => void
/** The user acted on a notification (`notificationresponse`). */
export function onNotificationResponse (callback: HostEventListener): () => void
/** A notification was presented (`notificationpresented`). */
export function onNotificationPresented (callback: HostEventListener): () => void
/** This runtime's initialisation event, `'runtimeinit'` (Oro's is `'__runtime_init__'`). */
export const RUNTIME_INIT_EVENT_NAME: 'runtimeinit'
/** The global events the hooks listen to. */
export const GLOBAL_EVENTS: readonly string[]
export class InitEvent extends Event { constructor () }
export class LoadEvent extends Event { constructor () }
export class ReadyEvent extends Event { constructor () }
export class RuntimeInitEvent extends Event { constructor () }
/** The next event of a hook (`'ready'`, `'applicationurl'`... or the hook function); `signal`
 * rejects with an `AbortError`, an unknown hook with a `TypeError`. */
export function wait<T = any> (nameOrFunction: string | Function, options?: { signal?: AbortSignal | null }): Promise<T>
/** Oro's `Hooks`: an `EventTarget` re-dispatching `GLOBAL_EVENTS` and `load`/`init`/`ready`,
 * with every hook as a method. */
export class Hooks extends EventTarget {
  static GLOBAL_EVENTS: readonly string[]
  static InitEvent: typeof InitEvent
  static LoadEvent: typeof LoadEvent
  static ReadyEvent: typeof ReadyEvent
  static RuntimeInitEvent: typeof RuntimeInitEvent
  constructor ()
  get globalEvents (): readonly string[]
  get global (): typeof globalThis
  get document (): Document | null
  get window (): Window | null
  get isDocumentReady (): boolean
  get isGlobalReady (): boolean
  get isRuntimeReady (): boolean
  get isReady (): boolean
  get isOnline (): boolean
  get isWorkerContext (): boolean
  get isWindowContext (): boolean
  wait<T = any> (nameOrFunction: string | Function, options?: { signal?: AbortSignal | null }): Promise<T>
  /** `on()` of this module (an addition to Oro's `Hooks`). */
  on: typeof on
  /** `once()` of this module. */
  once: typeof once
  onReady: typeof onReady
  onLoad: typeof onLoad
  onInit: typeof onInit
  onError: typeof onError
  onData: typeof onData
  onMessage: typeof onMessage
  onOnline: typeof onOnline
  onOffline: typeof onOffline
  onLanguageChange: typeof onLanguageChange
  onPermissionChange: typeof onPermissionChange
  onNotificationResponse: typeof onNotificationResponse
  onNotificationPresented: typeof onNotificationPresented
  onApplicationURL: typeof onApplicationURL
  onApplicationPause: typeof onApplicationPause
  onApplicationResume: typeof onApplicationResume
  onApplicationStop: typeof onApplicationStop
}
/** The page's one `Hooks` instance (made on first use). */
export function getHooks (): Hooks

/** The page's `Hooks` (`getHooks()`), as Oro's default export. */
declare const hooks: Hooks
export default hooks
