/**
 * Internal to `oro:ipc`: telling bytes from other values, for the Oro shapes (`Message`,
 * `Result`) and the synchronous transport, which all take bytes in several forms.
 */

/**
 * True for bytes (`ArrayBuffer`, a typed array, a `DataView`).
 * @param {unknown} value
 * @returns {value is ArrayBuffer | ArrayBufferView}
 */
export function isBytes (value) {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value)
}

/**
 * @param {ArrayBuffer | ArrayBufferView} bytes
 * @returns {Uint8Array}
 */
export function toUint8Array (bytes) {
  return bytes instanceof ArrayBuffer
    ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
