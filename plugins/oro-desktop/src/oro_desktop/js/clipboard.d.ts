/**
 * `oro:clipboard` — the system clipboard with `navigator.clipboard`'s names: text, HTML and PNG
 * images, and the X11/Wayland primary selection (`{ selection: 'primary' }`). Errors:
 * `RangeError` `ERR_CLIPBOARD_TOO_LARGE`, `TypeError` `ERR_CLIPBOARD_INVALID_IMAGE`,
 * `NotSupportedError` `ERR_HEADLESS` (use `navigator.clipboard`) or `ERR_SELECTION_UNSUPPORTED`.
 * @module oro:clipboard
 */

export interface ClipboardOptions {
  /** `clipboard` (default) or `primary`, the selection X11 and Wayland paste with a middle click. */
  selection?: 'clipboard' | 'primary'
}

export interface ClipboardContent {
  text: string | null
  html: string | null
  /** A PNG `Blob` (`Uint8Array` where there is no `Blob`). */
  image: Blob | Uint8Array | null
}

export interface ClipboardItemInput {
  text?: string | null
  html?: string | null
  /** PNG bytes; anything else fails with `ERR_CLIPBOARD_INVALID_IMAGE`. */
  image?: Blob | ArrayBuffer | ArrayBufferView | null
}

/** The clipboard's text, `''` when it holds none. */
export function readText (options?: ClipboardOptions): Promise<string>
/** Replace the clipboard's content with `text`. */
export function writeText (text: string, options?: ClipboardOptions): Promise<void>
/** The clipboard's text, HTML and PNG image, each `null` when it offers none. */
export function read (options?: ClipboardOptions): Promise<ClipboardContent>
/** Replace the clipboard's content with `item`'s parts; an empty item clears it. */
export function write (item: ClipboardItemInput, options?: ClipboardOptions): Promise<void>
/** Whether `readText()` can work here (Oro's name): `false` headless or without the `clipboard` permission. */
export function canReadText (): boolean
/** Whether `writeText()` can work here (Oro's name): `false` headless or without the `clipboard` permission. */
export function canWriteText (): boolean

declare const clipboard: {
  read: typeof read
  readText: typeof readText
  write: typeof write
  writeText: typeof writeText
  canReadText: typeof canReadText
  canWriteText: typeof canWriteText
}
export default clipboard
