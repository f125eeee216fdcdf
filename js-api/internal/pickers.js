/**
 * `oro:internal/pickers` — the Oro Runtime's File System Access pickers (Oro's
 * `socket:internal/pickers`): the desktop's own dialogs, answering `oro:fs/web` handles that
 * read and write through `oro:fs`. With the oro-fs plugin they are also the page's
 * `showOpenFilePicker`, `showSaveFilePicker` and `showDirectoryPicker`.
 *
 * ```js
 * import { showOpenFilePicker } from 'oro:internal/pickers'
 * button.onclick = async () => {
 *   const [handle] = await showOpenFilePicker({ types: [{ accept: { 'text/plain': ['.txt'] } }] })
 *   console.log(await (await handle.getFile()).text())
 * }
 * ```
 *
 * The options are the web's: `types` (`[{ description, accept: { mime: ['.ext'] } }]`),
 * `multiple`, `suggestedName`, `mode` (`read`/`readwrite`, directories), `startIn` (`desktop`,
 * `documents`, `downloads`, `music`, `pictures`, `videos`, a path, or a handle) and `id` (the
 * dialog of the same `id` starts where the last one was left), and oro:window's `title`. As
 * on the web, a picker needs a user gesture (a click, a key press): without one it is a
 * `SecurityError` (unless `webview.filesystem_picker_require_user_activation = false`). The
 * dialog is `oro:window`'s (route `window.showFileSystemPicker`, the oro-desktop plugin's);
 * cancelling it is an `AbortError`. An open picker's handles are read-only, a save picker's
 * file is created when missing (an existing one keeps its content until written), a
 * directory's handle is writable with `mode: 'readwrite'`.
 *
 * `oro:bootstrap` makes them the page's own pickers. Without the oro-fs plugin (the handles) or
 * the oro-desktop plugin (the dialog), a picker is the browser's own where the page had one
 * (QtWebEngine's), else a `NotSupportedError`.
 * @module oro:internal/pickers
 */

import { NotSupportedError, SecurityError } from '../errors.js'
import * as wellKnown from '../path/well-known.js'

// Plugin modules, through the page's import map: a core module cannot import them statically.
const FS_WEB = 'oro:fs/web'
const FS_PROMISES = 'oro:fs/promises'
const HANDLE_PATH = Symbol.for('oro.runtime.fs.web.FileSystemHandleFullName')
const STORAGE_PREFIX = 'oro:pickers:'

/** The page's own pickers, as they were before `oro:bootstrap` installed these. */
const NATIVE = Object.freeze({
  showOpenFilePicker: nativePicker('showOpenFilePicker'),
  showSaveFilePicker: nativePicker('showSaveFilePicker'),
  showDirectoryPicker: nativePicker('showDirectoryPicker')
})

/** @param {string} name @returns {Function | null} */
function nativePicker (name) {
  const picker = /** @type {any} */ (globalThis)[name]
  return typeof picker === 'function' ? picker : null
}

/** Why Oro's dialog cannot serve the page: a plugin it needs is not installed. */
class Unavailable extends Error {}

/** @type {Record<string, string | null>} */
const WELL_KNOWN = {
  desktop: wellKnown.DESKTOP,
  documents: wellKnown.DOCUMENTS,
  downloads: wellKnown.DOWNLOADS,
  music: wellKnown.MUSIC,
  pictures: wellKnown.PICTURES,
  videos: wellKnown.VIDEOS,
  resources: wellKnown.RESOURCES
}

/**
 * @typedef {object} PickerType
 * @property {string} [description]
 * @property {Record<string, string | string[]>} [accept]
 */

/**
 * @typedef {object} PickerOptions
 * @property {string} [id] dialogs of the same id start where the last one was left
 * @property {string | object} [startIn] a well-known name, a path or a handle
 * @property {PickerType[]} [types]
 * @property {boolean} [excludeAcceptAllOption]
 * @property {boolean} [multiple] open: allow several files
 * @property {string} [suggestedName] save: the name filled in
 * @property {'read' | 'readwrite'} [mode] directory: `readwrite` makes the handle writable
 */

/** @param {string} which */
function requireUserActivation (which) {
  const config = /** @type {any} */ (globalThis).__args?.config ?? {}
  if (String(config.webview_filesystem_picker_require_user_activation) === 'false') return
  const activation = /** @type {any} */ (globalThis.navigator)?.userActivation
  if (activation && activation.isActive === false) {
    throw new SecurityError(
      `The '${which}' request is not allowed by the user agent or the platform in the current ` +
      'context: it needs a user gesture (a click or a key press)')
  }
}

/** @param {string} path */
function dirname (path) {
  const at = path.lastIndexOf('/')
  return at > 0 ? path.slice(0, at) : '/'
}

/** @param {string | undefined} id */
function remembered (id) {
  if (typeof id !== 'string' || !id) return null
  try {
    return globalThis.localStorage?.getItem(STORAGE_PREFIX + id) ?? null
  } catch {
    return null
  }
}

/** @param {string | undefined} id @param {string} directory */
function remember (id, directory) {
  if (typeof id !== 'string' || !id) return
  try {
    globalThis.localStorage?.setItem(STORAGE_PREFIX + id, directory)
  } catch {}
}

/**
 * Where the dialog starts: `startIn` (a well-known name, a path, a handle: a file's directory),
 * else where the dialog of the same `id` was left.
 * @param {PickerOptions} options
 * @returns {string | undefined}
 */
function startPath (options) {
  const { startIn, id } = options
  if (startIn && typeof startIn === 'object') {
    const path = /** @type {any} */ (startIn)[HANDLE_PATH]
    if (typeof path === 'string') {
      return /** @type {any} */ (startIn).kind === 'file' ? dirname(path) : path
    }
  } else if (typeof startIn === 'string' && startIn) {
    return Object.hasOwn(WELL_KNOWN, startIn) ? WELL_KNOWN[startIn] ?? undefined : startIn
  }
  return remembered(id) ?? undefined
}

/**
 * The window picker's options from the web's.
 * @param {PickerOptions} options
 */
function dialogOptions (options) {
  /** @type {Record<string, unknown>} */
  const picked = {}
  if (Array.isArray(options.types) && options.types.length) picked.types = options.types
  // Not the web's, but oro:window's pickers take it: the dialog's title.
  if (typeof (/** @type {any} */ (options)).title === 'string') picked.title = /** @type {any} */ (options).title
  const defaultPath = startPath(options)
  if (defaultPath) picked.defaultPath = defaultPath
  return picked
}

/** `oro:window`'s pickers (which answer paths), loaded on first use: pages that only have these
 * as globals need not load `oro:window`. */
function dialogs () {
  return import('../window.js')
}

/** @param {string} specifier */
async function load (specifier) {
  try {
    return await import(specifier)
  } catch (error) {
    throw new Unavailable(`${specifier} (the oro-fs plugin), which this app does not serve`, { cause: error })
  }
}

/**
 * `pick()`, or the page's own picker `name` with `options` when Oro's cannot serve (a plugin is
 * missing: `Unavailable`, or the dialog route is not there: `NotFoundError`).
 * @template T
 * @param {'showOpenFilePicker' | 'showSaveFilePicker' | 'showDirectoryPicker'} name
 * @param {unknown} options
 * @param {() => Promise<T>} pick
 * @returns {Promise<T>}
 */
async function orNative (name, options, pick) {
  try {
    return await pick()
  } catch (error) {
    const failure = /** @type {any} */ (error)
    // An unknown route is a NotFoundError whose `url` (or message) names it.
    const missing = error instanceof Unavailable || (failure?.name === 'NotFoundError' &&
      /window\.showFileSystemPicker/.test(`${failure?.url ?? ''} ${failure?.message ?? ''}`))
    if (!missing) throw error
    const native = NATIVE[name]
    if (native) return native.call(globalThis, options ?? undefined)
    throw new NotSupportedError(`${name} needs ${error instanceof Unavailable ? error.message : 'the oro-desktop plugin (the dialog)'}`, { cause: error })
  }
}

/** @param {unknown} options @returns {PickerOptions} */
function optionsOf (options) {
  return options !== null && typeof options === 'object' ? /** @type {PickerOptions} */ (options) : {}
}

/**
 * Show the desktop's open dialog and resolve with a read-only `FileSystemFileHandle` for each
 * file picked.
 * @param {PickerOptions | null} [options]
 * @returns {Promise<FileSystemFileHandle[]>}
 */
export async function showOpenFilePicker (options = null) {
  requireUserActivation('showOpenFilePicker')
  const given = optionsOf(options)
  return orNative('showOpenFilePicker', options, async () => {
    const [web, windows] = await Promise.all([load(FS_WEB), dialogs()])
    const paths = await windows.showOpenFilePicker({ ...dialogOptions(given), multiple: given.multiple === true })
    if (paths.length) remember(given.id, dirname(paths[0]))
    const handles = []
    for (const path of paths) handles.push(await web.createFileSystemFileHandle(path, { writable: false }))
    return handles
  })
}

/**
 * Show the desktop's save dialog and resolve with a writable `FileSystemFileHandle` for the file
 * chosen (created empty when it does not exist).
 * @param {PickerOptions | null} [options]
 * @returns {Promise<FileSystemFileHandle>}
 */
export async function showSaveFilePicker (options = null) {
  requireUserActivation('showSaveFilePicker')
  const given = optionsOf(options)
  return orNative('showSaveFilePicker', options, async () => {
    const [web, fs, windows] = await Promise.all([load(FS_WEB), load(FS_PROMISES), dialogs()])
    const suggested = typeof given.suggestedName === 'string' ? { suggestedName: given.suggestedName } : {}
    const [path] = await windows.showSaveFilePicker({ ...dialogOptions(given), ...suggested })
    remember(given.id, dirname(path))
    // 'a': create it when missing, keep an existing file's content until the page writes.
    await (await fs.open(path, 'a')).close()
    return web.createFileSystemFileHandle(path, { writable: true })
  })
}

/**
 * Show the desktop's directory dialog and resolve with a `FileSystemDirectoryHandle` for the
 * directory chosen (writable with `mode: 'readwrite'`).
 * @param {PickerOptions | null} [options]
 * @returns {Promise<FileSystemDirectoryHandle>}
 */
export async function showDirectoryPicker (options = null) {
  requireUserActivation('showDirectoryPicker')
  const given = optionsOf(options)
  return orNative('showDirectoryPicker', options, async () => {
    const [web, windows] = await Promise.all([load(FS_WEB), dialogs()])
    const writable = given.mode === 'readwrite'
    const [path] = await windows.showDirectoryFilePicker({ ...dialogOptions(given), mode: writable ? 'readwrite' : 'read' })
    remember(given.id, path)
    return web.createFileSystemDirectoryHandle(path, { writable })
  })
}

export default {
  showDirectoryPicker,
  showOpenFilePicker,
  showSaveFilePicker
}
