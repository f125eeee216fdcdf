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
  /**
   * Pop up a native context menu at the cursor (route `window.setContextMenu`, oro-desktop):
   * `Label: key` lines or `{ Label: key }`; the choice is `menuItemSelected` (`type: 'context'`).
   */
  setContextMenu (value: string | Record<string, string>): Promise<{ index: number, items: number }>
  /** Set this window's system menu from Oro's menu text (oro-desktop). */
  setSystemMenu (value: string): Promise<{ index: number, menus: number, items: number }>
  /** Send `event` (detail `value`) to this window's page only; or Oro's options form. */
  send (event: string, value?: unknown): Promise<unknown>
  send (options: { event: string, value?: unknown, window?: number }): Promise<unknown>
  /** Dispatch `event` (detail `value`) in this window's page. */
  emit (event: string, value?: unknown): Promise<unknown>
  /** A native open dialog over this window: the picked paths. */
  showOpenFilePicker (options?: FilePickerOptions): Promise<string[]>
  /** A native save dialog over this window: `[path]`. */
  showSaveFilePicker (options?: FilePickerOptions): Promise<string[]>
  /** A native directory dialog over this window: `[path]`. */
  showDirectoryFilePicker (options?: FilePickerOptions): Promise<string[]>
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

/** A file type a picker offers (the File System Access API's form). */
export interface FilePickerType {
  /** The name the dialog shows. */
  description?: string
  /** MIME type → extensions: `{ 'image/png': ['.png'] }`. */
  accept?: Record<string, string | string[]>
}

/** Options of the native file pickers (route `window.showFileSystemPicker`). */
export interface FilePickerOptions {
  types?: FilePickerType[]
  /** MIME types and extensions, as an `<input type=file>`'s `accept`. */
  accept?: string | string[]
  /** The Oro Runtime's form: `image/png,image/jpeg` or `Images:*.png *.jpg|Text:text/plain`. */
  contentTypeSpecs?: string
  /** Open: allow several files. */
  multiple?: boolean
  defaultName?: string
  suggestedName?: string
  /** An absolute path (or `~/...`) to start at. */
  defaultPath?: string
  startIn?: string
  title?: string
  /** Directories: `readwrite` lets the page write below the picked one (default `read`). */
  mode?: 'read' | 'readwrite'
  /** Aborting it closes the dialog; the call fails with `AbortError`. */
  signal?: AbortSignal
  /** The window the dialog belongs to (default: this one). */
  targetWindowIndex?: number
}

/**
 * A native open dialog; resolves with the picked files' paths, which the page may then read
 * through `oro:fs` until it goes away. Cancelling rejects with `AbortError`, a second dialog on
 * the window with `InvalidStateError`, a headless app with `NotSupportedError`.
 */
export function showOpenFilePicker (options?: FilePickerOptions): Promise<string[]>
/** A native save dialog; resolves with `[path]`, writable through `oro:fs` by this page. */
export function showSaveFilePicker (options?: FilePickerOptions): Promise<string[]>
/** A native directory dialog; resolves with `[path]`, readable below through `oro:fs`. */
export function showDirectoryFilePicker (options?: FilePickerOptions): Promise<string[]>

declare const windowModule: {
  ApplicationWindow: typeof ApplicationWindow
  createWindow: typeof createWindow
  getCurrentWindow: typeof getCurrentWindow
  getCurrentWindowIndex: typeof getCurrentWindowIndex
  getWindow: typeof getWindow
  getWindows: typeof getWindows
  showDirectoryFilePicker: typeof showDirectoryFilePicker
  showOpenFilePicker: typeof showOpenFilePicker
  showSaveFilePicker: typeof showSaveFilePicker
}
export default windowModule
