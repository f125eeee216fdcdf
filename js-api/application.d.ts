/**
 * `oro:application` — the running app: its config, its windows, exiting.
 * @module oro:application
 * @plugin application
 */

import type { Result } from './ipc.js'
import { ApplicationWindow, client, createWindow } from './window.js'

export { ApplicationWindow, client, createWindow }
/** Oro's menu objects (`oro:application/menu`'s container). */
export { default as menu } from './application/menu.js'

/** The most windows an app may have open at once. */
export const MAX_WINDOWS: 64
/** Whether the app runs in debug mode. */
export const debug: boolean
/** Listen for an application event (dispatched on the page's global object). */
export function addEventListener (type: string, listener: (event: Event) => unknown, options?: boolean | AddEventListenerOptions): void
export function removeEventListener (type: string, listener: (event: Event) => unknown): void
/** The primary screen's size; headless, the page's `screen`. */
export function getScreenSize (): Promise<{ width: number, height: number }>
/** Options of `getWindows()`/`getWindow()`: indices at or above `max` are left out (`false`: none). */
export interface ApplicationWindowQueryOptions {
  max?: number | false
}
/** Windows in index order, each also at `list[window.index]`. */
export class ApplicationWindowList {
  static from (...args: Array<ApplicationWindow | ApplicationWindow[]>): ApplicationWindowList
  constructor (items?: ApplicationWindow[])
  readonly length: number
  readonly size: number
  readonly [index: number]: ApplicationWindow
  forEach (callback: (window: ApplicationWindow, index: number, list: ApplicationWindow[]) => void, thisArg?: any): void
  map<T> (callback: (window: ApplicationWindow, index: number, list: ApplicationWindow[]) => T): T[]
  item (index: number): ApplicationWindow | undefined
  entries (): Array<[number, ApplicationWindow]>
  keys (): number[]
  values (): ApplicationWindow[]
  add (window: ApplicationWindow): ApplicationWindowList
  remove (windowOrIndex: ApplicationWindow | number): boolean
  contains (windowOrIndex: ApplicationWindow | number): boolean
  clear (): ApplicationWindowList
  [Symbol.iterator] (): IterableIterator<ApplicationWindow>
}
/** `backend.open()`'s `data`: Socket's `cmd`, `argv` and `path` (the working directory). */
export interface BackendOpenData {
  cmd: string
  argv: string
  path: string
}
/** What `backend.open()` answers: Socket's `ipc.Result`, `err` set when it did not start. */
export interface BackendOpenResult extends Result {
  data: BackendOpenData | null
}
/**
 * The app's backend process (`[process.backend] cmd`, Socket's `[linux] cmd`; oro-process).
 * `open` and `close` answer a `Result` and never reject (Socket's api/application.js:629-646);
 * none declared: `err` is `NotFoundError` `ERR_NO_BACKEND_CMD`. Events: its
 * `@socketsupply/socket-node` `send()` lines under their own names, `backend:data` (another
 * stdout line), `backend:error` and `process-error` (a stderr line), `backend:exit`
 * (`{ pid, code, signal }`) and `backend-exit` (the code).
 */
export const backend: {
  /** Start it unless it runs; `force` stops a running one first. */
  open (options?: { force?: boolean }): Promise<BackendOpenResult>
  /** Stop it (its process group) and wait until it is gone: `data` is `{ closed, pid }`. */
  close (): Promise<Result>
  status (): Promise<{ declared: boolean, running: boolean, pid: number | null, cmd: string, path: string }>
}

/** The app's config as flattened keys, from `__args.config`. Frozen. */
export const config: Readonly<Record<string, unknown>>
/** The runtime's version, `oro:ipc`'s `primordials.version` (`short` is the oro-framework
 * version, `hash` the build's commit). */
export const runtimeVersion: { full: string, short: string, hash: string } | undefined
/** True between `applicationpause` and the next `applicationresume`. */
export function isPaused (): boolean
export function getCurrentWindowIndex (): number
/** The app's windows (optionally only `indices`), in index order. */
export function getWindows (indices?: number[], options?: ApplicationWindowQueryOptions): Promise<ApplicationWindowList>
/** The window with `index`, or `undefined`. */
export function getWindow (index: number, options?: ApplicationWindowQueryOptions): Promise<ApplicationWindow | undefined>
/** The window this code runs in, with the host's fields. */
export function getCurrentWindow (): Promise<ApplicationWindow>
/** Stop the app with exit `code` (default 0). */
export function exit (code?: number): Promise<unknown>

/** Detail of `menuItemSelected`: the item chosen, the menu holding it (a submenu's title; a
 * context menu's is `'contextMenu'`), which kind of menu, and 1 for a checked (`*`) item. */
export interface MenuItemSelectedDetail {
  title: string
  parent: string
  type: 'system' | 'context' | 'tray'
  state: 0 | 1
}
/**
 * Set window `index`'s (default: this one's) system menu from Oro's menu text (route
 * `application.setSystemMenu`, served by the oro-desktop plugin). Bad text:
 * `InvalidArgumentError` `ERR_MENU_SYNTAX` with `line`; blank text removes the menu bar.
 */
export function setSystemMenu (options: string | { value: string, index?: number }): Promise<{ index: number, menus: number, items: number }>
/** Enable or disable entry `indexSub` (separators count) of menu `indexMain` (oro-desktop). */
export function setSystemMenuItemEnabled (options: { enabled: boolean, indexMain: number, indexSub: number, index?: number }): Promise<{ index: number, indexMain: number, indexSub: number, applied: boolean }>
/** Show the tray icon with a menu (oro-desktop); `trayclick` reports clicks on the icon. */
export function setTrayMenu (options: string | { value: string }): Promise<{ menus: number, items: number, icon: string | null }>
/** Signed updates of a built app (routes `application.update.*`). */
export const update: {
  /** Fetch and verify the update manifest; `available` when it is newer. */
  check (options?: { manifestUrl?: string, signatureUrl?: string, channel?: string }): Promise<{ available: boolean, current: string, manifest: Record<string, unknown> }>
  /** Download the checked version's archive, verifying its length and SHA-256 (up to an hour; `signal` cancels it); Oro's `artifactUrl`, `hash`, `hashAlgorithm` and `length`, if given, must be the signed ones. */
  download (options?: { onProgress?: (progress: { downloaded: number, total: number }) => void, signal?: AbortSignal, artifactUrl?: string, hash?: string, hashAlgorithm?: string, length?: number }): Promise<{ version: string, size: number, sha256: string }>
  /** Swap the app's folder for the downloaded version (the old one kept) and restart. */
  install (): Promise<{ installed: string, previous: string, restarting: boolean }>
}

/** The module itself, read-only (Oro's default export). */
declare const application: typeof import('oro:application')
export default application
