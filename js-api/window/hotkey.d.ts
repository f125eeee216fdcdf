/**
 * `oro:window/hotkey` — the Oro Runtime's hotkeys: key combinations (`ctrl + k`) the app's
 * windows report as `hotkey` events while one of them has the keyboard focus.
 * @module oro:window/hotkey
 * @plugin application
 */

import { HotKeyEvent } from '../internal/events.js'

/** The host event that carries the app's bindings when they change. */
export const BINDINGS_EVENT: 'hotkeybindings'

/** A binding as the host answers it. */
export interface BindingData {
  /** The app-wide id (from 1024). */
  id: number
  /** The expression as it was bound. */
  expression: string
  /** The normalised key names (`['control', 'k']`). */
  sequence: string[]
  /** The same for the same combination, however written. */
  hash: number
  /** Whether the key press also reaches the page (default true). */
  passive?: boolean
  /** The `KeyboardEvent` the combination is. */
  match?: { key: string, code: string, ctrlKey: boolean, altKey: boolean, shiftKey: boolean, metaKey: boolean }
}

export interface HotKeyOptions {
  /** Let the key press reach the page too (default true); false cancels it. */
  passive?: boolean
  /** Grab the key for the whole desktop: `NotSupportedError` (`ERR_GLOBAL_HOTKEY`) here. */
  global?: boolean
  signal?: AbortSignal
  timeout?: number
}

/** Oro's normal form of an expression: tokens trimmed, joined with `+`, percent-encoded. */
export function normalizeExpression (expression: string): string

/** A key combination of the app, and the target of its `hotkey` events in this page. */
export class Binding extends EventTarget {
  constructor (data: Partial<BindingData> | null)
  get isValid (): boolean
  get isActive (): boolean
  get id (): number | null
  get hash (): number | null
  get sequence (): readonly string[]
  get expression (): string | null
  get onhotkey (): ((event: HotKeyEvent) => void) | null
  set onhotkey (listener: ((event: HotKeyEvent) => void) | null)
  bind (): Promise<Binding>
  unbind (): Promise<void>
  [Symbol.asyncIterator] (): AsyncGenerator<BindingData>
}

/** The bindings this page holds, and the target of its `hotkey` events (`event.binding`). */
export class Bindings extends EventTarget {
  constructor (sourceEventTarget?: EventTarget)
  get size (): number
  get onerror (): ((event: ErrorEvent) => void) | null
  set onerror (listener: ((event: ErrorEvent) => void) | null)
  get onhotkey (): ((event: HotKeyEvent & { binding: Binding }) => void) | null
  set onhotkey (listener: ((event: HotKeyEvent & { binding: Binding }) => void) | null)
  /** Read the app's bindings afresh from the host. */
  init (): Promise<void>
  onHotKey (event: Event): boolean
  get (id: number): Binding | undefined
  set (id: number, binding: Binding): void
  delete (id: number): boolean
  has (id: number): boolean
  values (): IterableIterator<Binding>
  keys (): IterableIterator<number>
  ids (): IterableIterator<number>
  entries (): IterableIterator<[number, Binding]>
  bind (expression: string | number, options?: HotKeyOptions): Promise<Binding>
  unbind (expression: string | number, options?: HotKeyOptions): Promise<void>
  /** The app's bindings. */
  active (): Promise<Binding[]>
  /** Unbind every binding of the app, or only those this page holds. */
  reset (currentContextOnly?: boolean): Promise<void>
  [Symbol.iterator] (): IterableIterator<Binding>
  [Symbol.asyncIterator] (): AsyncGenerator<Binding>
}

/** Bind a key combination (or the binding with that id) for the app's windows. */
export function bind (expression: string | number, options?: HotKeyOptions | null): Promise<Binding>
/** Unbind a binding (by id or expression); an unknown one is a `NotFoundError`. */
export function unbind (id: string | number, options?: HotKeyOptions | null): Promise<void>
/** The app's bindings, as `Binding` objects. */
export function getBindings (options?: HotKeyOptions | null): Promise<Binding[]>
/** The names an expression may use. */
export function getMappings (options?: HotKeyOptions | null): Promise<{ keys: Record<string, string>, modifiers: Record<string, string> }>
export function addEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void
export function removeEventListener (type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void

/** The bindings this page holds. */
export const bindings: Bindings
export default bindings
