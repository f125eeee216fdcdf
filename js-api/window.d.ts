/**
 * `oro:window` — the app's native windows.
 * @module oro:window
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
  toJSON (): WindowDescriptor
}

export function getCurrentWindowIndex (): number
/** The window this code runs in (synchronous; methods do the IPC). */
export function getCurrentWindow (): ApplicationWindow
export function getWindow (index: number): ApplicationWindow

declare const windowModule: {
  ApplicationWindow: typeof ApplicationWindow
  getCurrentWindow: typeof getCurrentWindow
  getCurrentWindowIndex: typeof getCurrentWindowIndex
  getWindow: typeof getWindow
}
export default windowModule
