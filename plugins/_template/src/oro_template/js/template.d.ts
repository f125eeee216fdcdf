// @module oro:template
/** The oro-template plugin's routes, from page JavaScript. */

/** `value` back, with the configured greeting (`template.greeting`). */
export function echo<T = unknown> (value: T): Promise<{ value: T, greeting: string }>

/** SHA-256 of `data` (hex) and its size in bytes. */
export function digest (data: ArrayBuffer | ArrayBufferView | Blob | string): Promise<{ sha256: string, size: number }>

declare const template: {
  echo: typeof echo
  digest: typeof digest
}
export default template
