/**
 * `oro:conduit/codec` — the Conduit frame codec: pure functions, no I/O (the same rules as the
 * Python `oro_conduit.codec`; `docs/conduit.md` is the specification).
 *
 * ```
 * u8 option count
 * per option: u8 key length, key (UTF-8), u16 BE value length, value (UTF-8)
 * u16 BE body length, body
 * ```
 * Oro's framing, plus one extension: a body over 65,535 bytes is sent with the length field
 * `0xFFFF` and runs to the end of the message, so every frame valid in Oro's framing decodes as
 * Oro decodes it and a long body is never truncated.
 * @module oro:conduit/codec
 */

export const MAX_OPTIONS = 255
export const MAX_KEY_BYTES = 255
export const MAX_VALUE_BYTES = 65535
export const MAX_SHORT_BODY = 65535

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/
const DECIMAL = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/
const MAX_DECIMAL_DIGITS = 15

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** A message that is not a valid frame; `message` is the reason sent with close code 1007. */
export class FrameError extends Error {
  /** @param {string} message */
  constructor (message) {
    super(message)
    this.name = 'FrameError'
    this.code = 'ERR_CONDUIT_FRAME'
  }
}

/**
 * Oro's option value decoding: `true`, `false`, `null`, decimal integers (safe integers) and
 * decimals (at most 15 digits) become those values; anything else stays the string.
 * @param {string} text
 * @returns {string | number | boolean | null}
 */
export function decodeValue (text) {
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null') return null
  if (INTEGER.test(text)) {
    const number = Number(text)
    return Number.isSafeInteger(number) ? number : text
  }
  if (DECIMAL.test(text) && text.replace(/[^0-9]/g, '').length <= MAX_DECIMAL_DIGITS) {
    return Number(text)
  }
  return text
}

/**
 * The text of an option value: strings as they are, `true`/`false`/`null`, numbers as
 * `String(n)`; `undefined` is left out by `encode`.
 * @param {unknown} value
 * @returns {string}
 */
export function encodeValue (value) {
  if (value === null) return 'null'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FrameError(`option value ${value} is not a finite number`)
    return String(value)
  }
  if (typeof value === 'string') return value
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
function compareBytes (a, b) {
  const length = Math.min(a.length, b.length)
  for (let index = 0; index < length; index++) {
    if (a[index] !== b[index]) return a[index] - b[index]
  }
  return a.length - b.length
}

/**
 * @param {ArrayBuffer | ArrayBufferView | string | null | undefined} payload
 * @returns {Uint8Array}
 */
function toBytes (payload) {
  if (payload === null || payload === undefined) return new Uint8Array(0)
  if (typeof payload === 'string') return encoder.encode(payload)
  if (payload instanceof Uint8Array) return payload
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  throw new TypeError('Conduit payload must be bytes (Uint8Array, ArrayBuffer, a view) or a string')
}

/** Only ASCII: its UTF-8 bytes are its char codes, and string order is byte order. */
const ASCII = /^[\x00-\x7f]*$/

/**
 * @typedef {object} Encoded
 * @property {string} key
 * @property {Uint8Array | null} keyBytes `null`: ASCII, written from the string itself
 * @property {number} keyLength
 * @property {string} value
 * @property {Uint8Array | null} valueBytes
 * @property {number} valueLength
 */

/** @param {Encoded} entry */
function keyBytesOf (entry) {
  return entry.keyBytes ?? encoder.encode(entry.key)
}

/**
 * @param {Encoded} a
 * @param {Encoded} b
 */
function compareKeys (a, b) {
  if (a.keyBytes === null && b.keyBytes === null) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  return compareBytes(keyBytesOf(a), keyBytesOf(b))
}

/**
 * @param {Uint8Array} frame
 * @param {number} offset
 * @param {string} text
 * @param {Uint8Array | null} bytes
 * @returns {number} the offset after it
 */
function write (frame, offset, text, bytes) {
  if (bytes !== null) {
    frame.set(bytes, offset)
    return offset + bytes.length
  }
  for (let index = 0; index < text.length; index++) frame[offset++] = text.charCodeAt(index)
  return offset
}

/**
 * Encode one frame; options (entries whose value is `undefined` are left out) sorted by the
 * UTF-8 bytes of their keys.
 * @param {Record<string, unknown>} options
 * @param {ArrayBuffer | ArrayBufferView | string | null} [payload]
 * @returns {Uint8Array}
 */
export function encode (options = {}, payload = null) {
  // Every IPC call encodes one frame: ASCII keys and values (nearly all) skip TextEncoder and
  // sort as strings.
  /** @type {Encoded[]} */
  const entries = []
  for (const [key, raw] of Object.entries(options ?? {})) {
    if (raw === undefined) continue
    const value = encodeValue(raw)
    const keyBytes = ASCII.test(key) ? null : encoder.encode(key)
    const valueBytes = ASCII.test(value) ? null : encoder.encode(value)
    const keyLength = keyBytes === null ? key.length : keyBytes.length
    const valueLength = valueBytes === null ? value.length : valueBytes.length
    if (keyLength === 0 || keyLength > MAX_KEY_BYTES) {
      throw new FrameError(`option key ${JSON.stringify(key)} must be 1 to ${MAX_KEY_BYTES} UTF-8 bytes`)
    }
    if (valueLength > MAX_VALUE_BYTES) {
      throw new FrameError(`value of option ${JSON.stringify(key)} exceeds ${MAX_VALUE_BYTES} UTF-8 bytes`)
    }
    entries.push({ key, keyBytes, keyLength, value, valueBytes, valueLength })
  }
  if (entries.length > MAX_OPTIONS) {
    throw new FrameError(`a frame holds at most ${MAX_OPTIONS} options, got ${entries.length}`)
  }
  entries.sort(compareKeys)
  const body = toBytes(payload)
  let size = 1 + 2 + body.length
  for (const entry of entries) size += 1 + entry.keyLength + 2 + entry.valueLength
  const frame = new Uint8Array(size)
  let offset = 0
  frame[offset++] = entries.length
  for (const entry of entries) {
    frame[offset++] = entry.keyLength
    offset = write(frame, offset, entry.key, entry.keyBytes)
    frame[offset++] = entry.valueLength >> 8
    frame[offset++] = entry.valueLength & 0xff
    offset = write(frame, offset, entry.value, entry.valueBytes)
  }
  const stated = Math.min(body.length, MAX_SHORT_BODY)
  frame[offset++] = stated >> 8
  frame[offset++] = stated & 0xff
  frame.set(body, offset)
  return frame
}

/**
 * @param {Uint8Array} bytes
 * @param {string} what
 */
function text (bytes, what) {
  try {
    return decoder.decode(bytes)
  } catch {
    throw new FrameError(`${what} is not valid UTF-8`)
  }
}

/**
 * Decode one frame (a whole WebSocket message). Options are decoded with `decodeValue` unless
 * `raw: true` (then they are the strings sent). A repeated key keeps its last value.
 * @param {ArrayBuffer | ArrayBufferView} message
 * @param {{ raw?: boolean }} [settings]
 * @returns {{ options: Record<string, any>, payload: Uint8Array }}
 */
export function decode (message, settings = {}) {
  const data = toBytes(/** @type {any} */ (message))
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const size = data.length
  if (size < 1) throw new FrameError('empty message: a frame starts with its option count')
  const count = data[0]
  let offset = 1
  /** @type {Record<string, any>} */
  const options = Object.create(null)
  for (let index = 0; index < count; index++) {
    if (offset + 1 > size) throw new FrameError(`truncated frame: option ${index} has no key length`)
    const keyLength = data[offset++]
    if (keyLength === 0) throw new FrameError(`option ${index} has an empty key`)
    if (offset + keyLength + 2 > size) throw new FrameError(`truncated frame: option ${index} is cut short`)
    const key = text(data.subarray(offset, offset + keyLength), `key of option ${index}`)
    offset += keyLength
    const valueLength = view.getUint16(offset)
    offset += 2
    if (offset + valueLength > size) {
      throw new FrameError(`truncated frame: value of option ${JSON.stringify(key)} is cut short`)
    }
    const value = text(data.subarray(offset, offset + valueLength), `value of option ${JSON.stringify(key)}`)
    options[key] = settings.raw ? value : decodeValue(value)
    offset += valueLength
  }
  if (offset + 2 > size) throw new FrameError('truncated frame: the body length is missing')
  const stated = view.getUint16(offset)
  offset += 2
  const remaining = size - offset
  if (remaining !== stated && !(stated === MAX_SHORT_BODY && remaining > MAX_SHORT_BODY)) {
    throw new FrameError(`body length field says ${stated} bytes but ${remaining} follow`)
  }
  return { options: { ...options }, payload: data.slice(offset) }
}

export default { FrameError, decode, decodeValue, encode, encodeValue, MAX_OPTIONS, MAX_KEY_BYTES, MAX_VALUE_BYTES, MAX_SHORT_BODY }
