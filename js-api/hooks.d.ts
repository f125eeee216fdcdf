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
/** Uncaught errors and unhandled rejections. */
export function onError (callback: (event: Event) => void): () => void

declare const hooks: {
  on: typeof on
  once: typeof once
  onApplicationPause: typeof onApplicationPause
  onApplicationResume: typeof onApplicationResume
  onApplicationStop: typeof onApplicationStop
  onApplicationURL: typeof onApplicationURL
  onError: typeof onError
  onInit: typeof onInit
  onLoad: typeof onLoad
  onOffline: typeof onOffline
  onOnline: typeof onOnline
  onPermissionChange: typeof onPermissionChange
  onReady: typeof onReady
}
export default hooks
