/**
 * `oro:clipboard` — the system clipboard from page JavaScript, with `navigator.clipboard`'s
 * names: text, HTML and PNG images, without a user gesture or a permission prompt, and the
 * X11/Wayland primary selection (`{ selection: 'primary' }`).
 *
 * ```js
 * import clipboard from 'oro:clipboard'
 * await clipboard.writeText('hello')
 * const text = await clipboard.readText()
 * await clipboard.write({ text: 'hi', html: '<b>hi</b>', image: pngBlob })
 * const { text, html, image } = await clipboard.read()       // image: a PNG Blob or null
 * await clipboard.writeText('selected', { selection: 'primary' })
 * ```
 *
 * Every call is an `oro:ipc` request to a host route `clipboard.*` (permission `clipboard`).
 * Errors: `RangeError` `ERR_CLIPBOARD_TOO_LARGE` (over `desktop.clipboard_max_bytes`),
 * `TypeError` `ERR_CLIPBOARD_INVALID_IMAGE` (an image that is not a PNG), `NotSupportedError`
 * `ERR_HEADLESS` (no native window: use `navigator.clipboard`) or `ERR_SELECTION_UNSUPPORTED`.
 * @module oro:clipboard
 */

import { request, sendSync } from 'oro:ipc'
import { invalidArgType } from 'oro:errors'

const SELECTIONS = ['clipboard', 'primary']
// String.fromCharCode takes its arguments on the stack: convert in slices it can hold.
const CHUNK = 0x8000

/**
 * @param {unknown} options
 * @returns {{ selection: string }}
 */
function selectionOf (options) {
  if (options === undefined || options === null) return { selection: 'clipboard' }
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const selection = /** @type {{ selection?: unknown }} */ (options).selection ?? 'clipboard'
  if (typeof selection !== 'string' || !SELECTIONS.includes(selection)) {
    throw invalidArgType('options.selection', "one of 'clipboard' or 'primary'", selection)
  }
  return { selection }
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
function toBase64 (bytes) {
  let binary = ''
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode.apply(null, /** @type {any} */ (bytes.subarray(start, start + CHUNK)))
  }
  return btoa(binary)
}

/**
 * @param {string} text
 * @returns {Uint8Array}
 */
function fromBase64 (text) {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

/**
 * @param {unknown} image
 * @returns {Promise<Uint8Array>}
 */
async function imageBytes (image) {
  if (typeof Blob === 'function' && image instanceof Blob) return new Uint8Array(await image.arrayBuffer())
  if (image instanceof ArrayBuffer) return new Uint8Array(image)
  if (ArrayBuffer.isView(image)) return new Uint8Array(image.buffer, image.byteOffset, image.byteLength)
  throw invalidArgType('item.image', 'an instance of Blob, ArrayBuffer or ArrayBufferView', image)
}

/**
 * The clipboard's text, `''` when it holds none.
 * @param {{ selection?: 'clipboard' | 'primary' }} [options]
 * @returns {Promise<string>}
 */
export async function readText (options) {
  return /** @type {string} */ (await request('clipboard.readText', selectionOf(options)))
}

/**
 * Replace the clipboard's content with `text`.
 * @param {string} text
 * @param {{ selection?: 'clipboard' | 'primary' }} [options]
 * @returns {Promise<void>}
 */
export async function writeText (text, options) {
  if (typeof text !== 'string') throw invalidArgType('text', 'of type string', text)
  const params = selectionOf(options)
  // The text travels as the UTF-8 body: query values are JSON-decoded and bounded in length.
  await request('clipboard.writeText', params, { body: new TextEncoder().encode(text), method: 'POST' })
}

/**
 * The clipboard's text, HTML and PNG image, each `null` when it offers none.
 * @param {{ selection?: 'clipboard' | 'primary' }} [options]
 * @returns {Promise<{ text: string | null, html: string | null, image: Blob | Uint8Array | null }>}
 */
export async function read (options) {
  const data = /** @type {{ text: string | null, html: string | null, image: string | null }} */ (
    await request('clipboard.read', selectionOf(options))
  )
  let image = null
  if (typeof data.image === 'string') {
    const bytes = fromBase64(data.image)
    image = typeof Blob === 'function' ? new Blob([/** @type {BlobPart} */ (bytes)], { type: 'image/png' }) : bytes
  }
  return { text: data.text ?? null, html: data.html ?? null, image }
}

/**
 * Replace the clipboard's content with `item`'s `text`, `html` and PNG `image` (a Blob or
 * bytes), any of them; an empty item clears the clipboard.
 * @param {{ text?: string | null, html?: string | null, image?: Blob | ArrayBuffer | ArrayBufferView | null }} item
 * @param {{ selection?: 'clipboard' | 'primary' }} [options]
 * @returns {Promise<void>}
 */
export async function write (item, options) {
  if (item === null || typeof item !== 'object') throw invalidArgType('item', 'of type object', item)
  const params = selectionOf(options)
  /** @type {Record<string, string>} */
  const body = {}
  for (const name of /** @type {const} */ (['text', 'html'])) {
    const value = item[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw invalidArgType(`item.${name}`, 'of type string', value)
    body[name] = value
  }
  if (item.image !== undefined && item.image !== null) body.image = toBase64(await imageBytes(item.image))
  await request('clipboard.write', params, { body, method: 'POST' })
}

/** @type {{ readText: boolean, writeText: boolean } | undefined} */
let capabilities

/**
 * What this app's clipboard allows, asked of the host once (a synchronous call, since Oro's
 * `canReadText`/`canWriteText` answer a boolean): nothing without a native window or without
 * the `clipboard` permission.
 */
function usable () {
  if (capabilities === undefined) {
    const { err, data } = sendSync('clipboard.capabilities')
    capabilities = err ? { readText: false, writeText: false } : data
  }
  return /** @type {{ readText: boolean, writeText: boolean }} */ (capabilities)
}

/**
 * Whether `readText()` can work here (Oro's name): `false` headless, where it fails with
 * `ERR_HEADLESS` (use `navigator.clipboard`), or without the `clipboard` permission.
 * @returns {boolean}
 */
export function canReadText () {
  return usable().readText
}

/**
 * Whether `writeText()` can work here (Oro's name); see {@link canReadText}.
 * @returns {boolean}
 */
export function canWriteText () {
  return usable().writeText
}

export default { read, readText, write, writeText, canReadText, canWriteText }
