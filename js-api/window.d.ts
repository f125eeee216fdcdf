/**
 * `oro:window` — the app's native windows.
 * @module oro:window
 * @plugin application
 */

import * as constants from './window/constants.js'
import hotkey from './window/hotkey.js'

export { constants, hotkey }

export interface WindowSize {
  width: number
  height: number
}

export interface WindowPosition {
  x: number
  y: number
}

/** A window's background colour: channels 0..255, alpha 0..1. */
export interface WindowColor {
  red: number
  green: number
  blue: number
  alpha: number
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
  position?: WindowPosition
  maximized?: boolean
  minimized?: boolean
  alwaysOnTop?: boolean
  backgroundColor?: WindowColor
  [field: string]: unknown
}

/** A window's state as `ApplicationWindow#state` keeps it: the status as Oro's number. */
export interface WindowState {
  title?: string
  status?: number
  statusName?: string
  url?: string | null
  width?: number
  height?: number
  position?: WindowPosition
  maximized?: boolean
  minimized?: boolean
  alwaysOnTop?: boolean
  backgroundColor?: WindowColor
  [field: string]: unknown
}

/** This page as the runtime sees it (the Oro Runtime's `application.client`). */
export const client: {
  readonly id: null
  readonly type: 'window'
  readonly frameType: 'top-level' | 'nested'
  readonly parent: null
  readonly top: null
  readonly location: URL
  toJSON (): object
}

/** `url` made absolute against this page's location. */
export function formatURL (url: string | URL): string

/** A native window, by index (the Oro Runtime's `ApplicationWindow`). */
export class ApplicationWindow extends EventTarget {
  static constants: typeof constants
  /** The page's hotkey bindings (`oro:window/hotkey`'s default export). */
  static hotkey: typeof hotkey
  constructor (indexOrDescriptor: number | WindowDescriptor)
  readonly index: number
  readonly id: string | null
  readonly state: WindowState
  readonly location: string | null
  readonly title: string | undefined
  readonly size: WindowSize
  readonly position: WindowPosition
  /** Oro's status number (`oro:window/constants`). */
  readonly status: number | undefined
  /** The status by the host's name. */
  readonly statusName: string | undefined
  readonly token: string | null
  /** Headless, the URL that opens a window `createWindow()` just made; else `null`. */
  readonly launchUrl: string | null
  /** The options `createWindow()` was given that no backend here applies. */
  readonly unsupported: string[]
  readonly followSystemTheme: boolean
  readonly preferDarkTheme: boolean
  readonly isDarkMode: boolean | null
  readonly appearance: { followSystemTheme: boolean, preferDarkTheme: boolean, isDarkMode: boolean | null, backgroundColor: WindowColor | undefined }
  readonly channel: BroadcastChannel
  /** As last reported (synchronous). */
  getSize (): WindowSize
  getPosition (): WindowPosition
  getTitle (): string
  getStatus (): number
  /** Read the state afresh. */
  update (): Promise<WindowDescriptor>
  setTitle (title: string): Promise<WindowDescriptor>
  /** Pixels or `"N%"` of the screen; either may be left out. */
  setSize (size: { width?: number | string, height?: number | string }): Promise<WindowDescriptor>
  setPosition (position: { x?: number | string, y?: number | string }): Promise<WindowDescriptor>
  show (): Promise<WindowDescriptor>
  hide (): Promise<WindowDescriptor>
  focus (): Promise<WindowDescriptor>
  blur (): Promise<WindowDescriptor>
  maximize (): Promise<WindowDescriptor>
  minimize (): Promise<WindowDescriptor>
  restore (): Promise<WindowDescriptor>
  close (): Promise<WindowDescriptor>
  navigate (url: string | URL): Promise<WindowDescriptor>
  setBackgroundColor (color: { red: number, green: number, blue: number, alpha?: number }): Promise<WindowDescriptor>
  /** `rgba(r, g, b, a)` */
  getBackgroundColor (): Promise<string>
  setAlwaysOnTop (enabled: boolean): Promise<WindowDescriptor>
  isAlwaysOnTop (): Promise<boolean>
  /** Evaluate `source` in the window's page (native windows, app-origin pages only). */
  eval (source: string): Promise<unknown>
  /** Open the window's developer tools; rejects with `NotSupportedError` (`ERR_DEVTOOLS_OFF`)
   * unless `oro dev`, `oro run --devtools` or `[webview] devtools` turned them on. */
  showInspector (): Promise<boolean>
  /** Open `value` with the desktop's default application; the app's own URLs become an
   * `applicationurl` event. `value` may be Oro's params form `{ value }`. */
  openExternal (value: string | { value: string }): Promise<{ url: string, [field: string]: unknown }>
  revealFile (value: string | { value: string }): Promise<unknown>
  share (options?: { title?: string, text?: string, url?: string }): Promise<void>
  postMessage (data: unknown): Promise<unknown>
  addListener (event: string, listener: (...args: any[]) => void): void
  on (event: string, listener: (...args: any[]) => void): void
  once (event: string, listener: (...args: any[]) => void): void
  removeListener (event: string, listener: (...args: any[]) => void): void
  off (event: string, listener: (...args: any[]) => void): void
  removeAllListeners (event: string): void
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
  toJSON (): WindowState & { index: number }
}

/** Options of `createWindow` (Oro's other `window.create` options are accepted and reported). */
export interface WindowOptions {
  /** 0..63; `-1` or absent: the next free index. */
  index?: number
  /** A path of the app (default `/`) or a URL on an allowed origin. */
  url?: string
  /** The Oro Runtime's name for `url`. */
  path?: string
  title?: string
  width?: number | string
  height?: number | string
  /** Bounds of the size the user may give it: pixels or `"N%"`; 0: none. */
  minWidth?: number | string
  minHeight?: number | string
  maxWidth?: number | string
  maxHeight?: number | string
  /** Width:height it keeps as the user resizes it, `"16:9"`. */
  aspectRatio?: string
  resizable?: boolean
  frameless?: boolean
  /** The window manager offers to close it (default true); the app can always close it. */
  closable?: boolean
  minimizable?: boolean
  maximizable?: boolean
  /** A utility window (`_NET_WM_WINDOW_TYPE_UTILITY`). */
  utility?: boolean
  /** Script run at the start of each of its documents on the app origin, before the page's
   * own; needs `permissions.allow_window_control` (as `eval` in another window). */
  userScript?: string
  /** Create it hidden. */
  headless?: boolean
  /** Closing it stops the app. */
  shouldExitApplicationOnClose?: boolean
  [option: string]: unknown
}

/** What `createWindow` resolves with: the window, whose `launchUrl` and `unsupported` say what
creating it reported. */
export type CreatedWindow = ApplicationWindow

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

export default ApplicationWindow
