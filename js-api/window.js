/**
 * `oro:window` — the app's native windows.
 *
 * ```js
 * import { createWindow, getCurrentWindow } from 'oro:window'
 * const win = getCurrentWindow()
 * await win.setTitle('Notes')
 * await win.setSize({ width: 800, height: 600 })
 *
 * const side = await createWindow({ url: '/side.html', title: 'Side', width: 400 })
 * await side.send('greeting', { text: 'hi' }) // a `greeting` event in side's page only
 * globalThis.addEventListener('windowclose', (event) => console.log(event.detail.index))
 * ```
 *
 * Each method is one IPC call to a `window.*` route with `targetWindowIndex` naming the window.
 * What a backend cannot do (e.g. `eval` without a GUI) fails with `NotSupportedError`. Every page
 * hears every window's status as `windowcreate`, `windowshow`, `windowhide` and `windowclose`
 * events (`detail`: `{ index, status, window }`).
 * @module oro:window
 */

import { invalidArgument } from './errors.js'
import { currentWindowIndex, request } from './ipc.js'

/**
 * @typedef {object} WindowSize
 * @property {number} width
 * @property {number} height
 */

/**
 * A native window, by index. Created by `getCurrentWindow()`, `getWindow()` and
 * `application.getWindows()`; the fields the host reported (`title`, `status`, `width`,
 * `height`...) are copied onto it as a snapshot.
 */
export class ApplicationWindow {
  /**
   * @param {number | { index: number, [key: string]: unknown }} indexOrDescriptor
   */
  constructor (indexOrDescriptor) {
    const descriptor = typeof indexOrDescriptor === 'number'
      ? { index: indexOrDescriptor }
      : indexOrDescriptor
    if (!descriptor || typeof descriptor.index !== 'number' || !Number.isInteger(descriptor.index)) {
      throw invalidArgument('ApplicationWindow expects a window index (an integer)')
    }
    for (const [key, value] of Object.entries(descriptor)) {
      // A reported field never shadows a method.
      if (!(key in ApplicationWindow.prototype)) /** @type {any} */ (this)[key] = value
    }
    /** The window's index (0 is the main window). */
    this.index = descriptor.index
  }

  /**
   * @param {string} route
   * @param {Record<string, unknown>} [params]
   */
  #call (route, params = {}) {
    return request(route, { ...params, targetWindowIndex: this.index })
  }

  /**
   * Send event `event` with `detail` `value` to this window's page only (route `window.send`).
   * Oro's options form `send({ event, value, window })` names the target window itself.
   * @param {string | { event: string, value?: unknown, window?: number }} event
   * @param {unknown} [value]
   */
  send (event, value = undefined) {
    const options = event !== null && typeof event === 'object'
      ? event
      : { event, value, window: this.index }
    if (typeof options.event !== 'string' || !options.event) {
      return Promise.reject(invalidArgument('send() expects an event name (a non-empty string)'))
    }
    const target = options.window ?? this.index
    if (!Number.isInteger(target)) {
      return Promise.reject(invalidArgument('send() expects an integer target window index'))
    }
    return request('window.send', {
      event: options.event,
      value: options.value,
      targetWindowIndex: target
    })
  }

  /**
   * Dispatch event `event` with `detail` `value` in this window's page (as `send`).
   * @param {string} event
   * @param {unknown} [value]
   */
  emit (event, value = undefined) {
    return this.send(event, value)
  }

  /** The window's title. @returns {Promise<string>} */
  getTitle () {
    return this.#call('window.getTitle')
  }

  /** @param {string} title */
  setTitle (title) {
    return this.#call('window.setTitle', { value: String(title) })
  }

  /** The window's size in pixels. @returns {Promise<WindowSize>} */
  getSize () {
    return this.#call('window.getSize')
  }

  /** @param {WindowSize} size */
  setSize (size) {
    if (!size || typeof size.width !== 'number' || typeof size.height !== 'number') {
      return Promise.reject(invalidArgument('setSize() expects { width: number, height: number }'))
    }
    return this.#call('window.setSize', { width: size.width, height: size.height })
  }

  show () {
    return this.#call('window.show')
  }

  hide () {
    return this.#call('window.hide')
  }

  close () {
    return this.#call('window.close')
  }

  /** @param {string | URL} url a path of the app (`/settings.html`) or an allowed URL */
  navigate (url) {
    return this.#call('window.navigate', { url: String(url) })
  }

  /**
   * Evaluate `source` in this window and resolve with its JSON-serialisable result, where the
   * backend allows it.
   * @param {string} source
   */
  eval (source) {
    return this.#call('window.eval', { value: String(source) })
  }

  /**
   * Tell the host this window's page has loaded and rendered (route `window.ready`; `oro run`
   * reports it). Call it once the first meaningful content is on screen.
   */
  ready () {
    return this.#call('window.ready')
  }

  /**
   * Pop up a native context menu at the cursor over this window (route `window.setContextMenu`,
   * served by the oro-desktop plugin). `value` is Oro's item text, `Label: key` lines (`_` or
   * nothing: no accelerator; `---` a separator; `!` disabled, `*` checked; `Parent > Child` a
   * submenu), or Oro's object form `{ Label: 'key' }`. The choice arrives as `menuItemSelected`
   * (`{ title, parent: 'contextMenu', type: 'context', state }`); the promise resolves once the
   * menu is up. Call it from a `contextmenu` listener that calls `preventDefault()` so that the
   * page's own menu stays away.
   * @param {string | Record<string, string>} value
   * @returns {Promise<{ index: number, items: number }>}
   */
  setContextMenu (value) {
    const text = typeof value === 'string'
      ? value
      : value !== null && typeof value === 'object'
        ? Object.entries(value).map(([label, key]) => `${label}: ${key ?? ''}`).join('\n')
        : null
    if (text === null) {
      return Promise.reject(invalidArgument('setContextMenu() expects menu text or { Label: key }'))
    }
    return request('window.setContextMenu', { targetWindowIndex: this.index }, { body: text })
  }

  /**
   * Set this window's system menu (menu bar) from Oro's menu text; see `oro:application`'s
   * `setSystemMenu` (route `application.setSystemMenu`, oro-desktop).
   * @param {string} value
   * @returns {Promise<{ index: number, menus: number, items: number }>}
   */
  setSystemMenu (value) {
    if (typeof value !== 'string') {
      return Promise.reject(invalidArgument('setSystemMenu() expects menu text (a string)'))
    }
    return request('application.setSystemMenu', { index: this.index }, { body: value })
  }

  /**
   * Show a native open dialog over this window; resolves with the picked paths (see
   * `showOpenFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showOpenFilePicker (options = {}) {
    return showOpenFilePicker({ ...options, targetWindowIndex: this.index })
  }

  /**
   * Show a native save dialog over this window; resolves with `[path]` (see
   * `showSaveFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showSaveFilePicker (options = {}) {
    return showSaveFilePicker({ ...options, targetWindowIndex: this.index })
  }

  /**
   * Show a native directory dialog over this window (see `showDirectoryFilePicker`).
   * @param {FilePickerOptions} [options]
   * @returns {Promise<string[]>}
   */
  showDirectoryFilePicker (options = {}) {
    return showDirectoryFilePicker({ ...options, targetWindowIndex: this.index })
  }

  toJSON () {
    return { ...this }
  }
}

/**
 * @typedef {object} WindowOptions
 * @property {number} [index] the index to use (`-1` or absent: the next free one; 0..63)
 * @property {string} [url] a path of the app (default `/`) or a URL on an allowed origin
 * @property {string} [title]
 * @property {number} [width]
 * @property {number} [height]
 * @property {number} [minWidth]
 * @property {number} [minHeight]
 * @property {boolean} [resizable]
 * @property {boolean} [frameless]
 * @property {boolean} [headless] create it hidden
 * @property {boolean} [shouldExitApplicationOnClose] closing it stops the app
 */

/**
 * Open a new window (route `window.create`). Resolves with the window; its `unsupported` field
 * names the given options no backend here applies, and, when the app runs headless, its
 * `launchUrl` is the URL that opens its page (also sent to this page as `windowlaunch`).
 * Too many windows is a `RangeError`-like `OutOfRangeError`; an index in use an
 * `InvalidArgumentError`.
 * @param {WindowOptions & Record<string, unknown>} [options]
 * @returns {Promise<ApplicationWindow>}
 */
export async function createWindow (options = {}) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('createWindow() expects an options object')
  }
  const { index, ...rest } = options
  /** @type {Record<string, unknown>} */
  const params = { ...rest }
  if (index !== undefined) params.targetWindowIndex = index
  const descriptor = await request('window.create', params)
  return new ApplicationWindow(descriptor)
}

/**
 * Every window the app has had (closed ones until their index is reused), sorted by index
 * (route `application.getWindows`).
 * @returns {Promise<ApplicationWindow[]>}
 */
export async function getWindows () {
  const data = await request('application.getWindows')
  const list = Array.isArray(data) ? data : []
  return list
    .filter((item) => item && Number.isInteger(item.index))
    .sort((a, b) => a.index - b.index)
    .map((item) => new ApplicationWindow(item))
}

/**
 * The index of the window this code runs in.
 * @returns {number}
 */
export function getCurrentWindowIndex () {
  return currentWindowIndex()
}

/**
 * The window this code runs in. Synchronous: no IPC happens until a method is called (awaiting
 * the result also works, as with the Oro Runtime's asynchronous `getCurrentWindow()`).
 * @returns {ApplicationWindow}
 */
export function getCurrentWindow () {
  return new ApplicationWindow(currentWindowIndex())
}

/**
 * The window with `index`.
 * @param {number} index
 * @returns {ApplicationWindow}
 */
export function getWindow (index) {
  return new ApplicationWindow(index)
}

/**
 * @typedef {object} FilePickerType
 * @property {string} [description] the name the dialog shows for the type
 * @property {Record<string, string | string[]>} [accept] MIME type → extensions
 *   (`{ 'image/png': ['.png'] }`), as the File System Access API's
 */

/**
 * @typedef {object} FilePickerOptions
 * @property {FilePickerType[]} [types] the file types to offer (File System Access API form)
 * @property {string | string[]} [accept] MIME types and extensions, as an `<input type=file>`'s
 * @property {string} [contentTypeSpecs] the Oro Runtime's form: `image/png,image/jpeg` or
 *   `Images:*.png *.jpg|Text:text/plain`
 * @property {boolean} [multiple] open: allow picking several files
 * @property {string} [defaultName] the name filled in
 * @property {string} [suggestedName] the File System Access API's name for `defaultName`
 * @property {string} [defaultPath] the absolute path (or `~/...`) the dialog starts at
 * @property {string} [startIn] `defaultPath` as the File System Access API names it (a path
 *   here)
 * @property {string} [title] the dialog's title
 * @property {'read' | 'readwrite'} [mode] directories: `readwrite` lets the page write below
 *   the picked directory (default `read`)
 * @property {AbortSignal} [signal] aborting it closes the dialog (the call fails with
 *   `AbortError`)
 * @property {number} [targetWindowIndex] the window the dialog belongs to (default: this one)
 */

/**
 * Oro's `contentTypeSpecs` from `types`, `accept` or `contentTypeSpecs`.
 * @param {FilePickerOptions} options
 * @returns {string | undefined}
 */
function contentTypeSpecs (options) {
  if (typeof options.contentTypeSpecs === 'string') return options.contentTypeSpecs
  if (options.accept !== undefined) {
    const items = Array.isArray(options.accept) ? options.accept : String(options.accept).split(',')
    return items.map((item) => String(item).trim()).filter(Boolean).join(',')
  }
  if (!Array.isArray(options.types)) return undefined
  const groups = []
  for (const type of options.types) {
    if (!type || typeof type.accept !== 'object' || type.accept === null) continue
    const items = []
    for (const [mime, extensions] of Object.entries(type.accept)) {
      items.push(mime)
      for (const extension of [extensions].flat()) {
        if (typeof extension === 'string' && extension) items.push(extension)
      }
    }
    if (!items.length) continue
    // `:` and `|` separate names and groups in Oro's form.
    const name = String(type.description ?? '').replace(/[:|()\s]+/g, ' ').trim()
    groups.push(name ? `${name}:${items.join(' ')}` : items.join(' '))
  }
  return groups.length ? groups.join('|') : undefined
}

/**
 * @param {'open' | 'save'} type
 * @param {FilePickerOptions} options
 * @param {Record<string, unknown>} extra
 * @returns {Promise<string[]>}
 */
async function showFileSystemPicker (type, options, extra) {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('The file picker expects an options object')
  }
  /** @type {Record<string, unknown>} */
  const params = {
    type,
    contentTypeSpecs: contentTypeSpecs(options),
    defaultName: options.defaultName ?? options.suggestedName,
    defaultPath: options.defaultPath ?? (typeof options.startIn === 'string' ? options.startIn : undefined),
    title: options.title,
    targetWindowIndex: options.targetWindowIndex,
    ...extra
  }
  for (const key of Object.keys(params)) {
    if (params[key] === undefined) delete params[key]
  }
  // The user takes the time they need: no IPC timeout (the host bounds it at a day).
  const data = await request('window.showFileSystemPicker', params, { timeout: 0, signal: options.signal })
  return Array.isArray(data?.paths) ? data.paths : []
}

/**
 * Show a native open dialog (route `window.showFileSystemPicker`) and resolve with the picked
 * files' paths; the page may then read them with `oro:fs` until it goes away (reload, close).
 * Cancelling rejects with an `AbortError`; a second dialog on the same window while one is
 * open with an `InvalidStateError`; a headless app with a `NotSupportedError` (use an
 * `<input type="file">` there). The route is the oro-desktop plugin's (without it,
 * `NotFoundError`).
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showOpenFilePicker (options = {}) {
  return showFileSystemPicker('open', options, { allowMultiple: Boolean(options?.multiple) })
}

/**
 * Show a native save dialog and resolve with `[path]`, the file the user chose (it need not
 * exist); the page may then write it with `oro:fs` until it goes away. Errors as
 * `showOpenFilePicker`.
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showSaveFilePicker (options = {}) {
  return showFileSystemPicker('save', options, {})
}

/**
 * Show a native directory dialog and resolve with `[path]`; the page may then read below it
 * with `oro:fs` (and write, with `mode: 'readwrite'`) until it goes away. Errors as
 * `showOpenFilePicker`.
 * @param {FilePickerOptions} [options]
 * @returns {Promise<string[]>}
 */
export function showDirectoryFilePicker (options = {}) {
  return showFileSystemPicker('open', options, {
    allowFiles: false,
    allowDirs: true,
    writable: options?.mode === 'readwrite'
  })
}

export default {
  ApplicationWindow,
  createWindow,
  getCurrentWindow,
  getCurrentWindowIndex,
  getWindow,
  getWindows,
  showDirectoryFilePicker,
  showOpenFilePicker,
  showSaveFilePicker
}
