/**
 * `oro:window` — the app's native windows.
 * @module oro:window
 * @plugin application
 */

export interface WindowSize {
  width: number
  height: number
}

/** What the host reports about a window. */
export interface WindowDescriptor {
  index: number
  title?: string
  /** `none`, `created`, `shown`, `hidden`, `closing`, `closed` */
  status?: string
  url?: string | null
  isReady?: boolean
  width?: number
  height?: number
  [field: string]: unknown
}

/** A native window, by index; reported fields are copied onto it as a snapshot. */
export class ApplicationWindow {
  constructor (indexOrDescriptor: number | WindowDescriptor)
  readonly index: number
  title?: string
  status?: string
  width?: number
  height?: number
  url?: string | null
  isReady?: boolean
  [field: string]: unknown
  getTitle (): Promise<string>
  getSize (): Promise<WindowSize>
  setTitle (title: string): Promise<unknown>
  setSize (size: WindowSize): Promise<unknown>
  show (): Promise<unknown>
  hide (): Promise<unknown>
  close (): Promise<unknown>
  navigate (url: string | URL): Promise<unknown>
  /** Evaluate `source` in the window, where the backend allows (else `NotSupportedError`). */
  eval (source: string): Promise<unknown>
  /** Tell the host the page has loaded and rendered (route `window.ready`). */
  ready (): Promise<unknown>
  /** Send `event` (detail `value`) to this window's page only; or Oro's options form. */
  send (event: string, value?: unknown): Promise<unknown>
  send (options: { event: string, value?: unknown, window?: number }): Promise<unknown>
  /** Dispatch `event` (detail `value`) in this window's page. */
  emit (event: string, value?: unknown): Promise<unknown>
  toJSON (): WindowDescriptor
}

/** Options of `createWindow` (Oro's other `window.create` options are accepted and reported). */
export interface WindowOptions {
  /** 0..63; `-1` or absent: the next free index. */
  index?: number
  /** A path of the app (default `/`) or a URL on an allowed origin. */
  url?: string
  title?: string
  width?: number
  height?: number
  minWidth?: number
  minHeight?: number
  resizable?: boolean
  frameless?: boolean
  /** Create it hidden. */
  headless?: boolean
  /** Closing it stops the app. */
  shouldExitApplicationOnClose?: boolean
  [option: string]: unknown
}

/** What `createWindow` resolves with: the window, plus what creating it reported. */
export interface CreatedWindow extends ApplicationWindow {
  /** Headless only: the single-use URL that opens the window's page. */
  launchUrl?: string | null
  /** The given options no backend here applies. */
  unsupported?: string[]
}

/** Detail of the `windowcreate`, `windowshow`, `windowhide` and `windowclose` events. */
export interface WindowStatusDetail {
  index: number
  status: string
  window: WindowDescriptor
}

/** Open a new window (at most 64). */
export function createWindow (options?: WindowOptions): Promise<CreatedWindow>
/** Every window the app has had, sorted by index. */
export function getWindows (): Promise<ApplicationWindow[]>

export function getCurrentWindowIndex (): number
/** The window this code runs in (synchronous; methods do the IPC). */
export function getCurrentWindow (): ApplicationWindow
export function getWindow (index: number): ApplicationWindow

declare const windowModule: {
  ApplicationWindow: typeof ApplicationWindow
  createWindow: typeof createWindow
  getCurrentWindow: typeof getCurrentWindow
  getCurrentWindowIndex: typeof getCurrentWindowIndex
  getWindow: typeof getWindow
  getWindows: typeof getWindows
}
export default windowModule
