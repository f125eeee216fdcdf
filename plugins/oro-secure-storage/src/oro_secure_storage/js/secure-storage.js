/**
 * `oro:secure-storage`: secrets of the app in the desktop's Secret Service.
 *
 * ```js
 * import secureStorage from 'oro:secure-storage'
 * await secureStorage.set('token', 'abc123')
 * await secureStorage.get('token')                    // 'abc123', null when absent
 * await secureStorage.set('key', new Uint8Array([1, 2, 3]))
 * await secureStorage.get('key', { encoding: 'base64' }) // 'AQID'
 * await secureStorage.keys({ scope: 'default' })      // ['key', 'token']
 * ```
 *
 * Every call is an `oro:ipc` request to a route `secureStorage.*` with its fields in a JSON
 * body, so a secret never travels in a URL and every key arrives as written (a query value such
 * as `true` would be decoded as JSON). Validation and work are the host's.
 * @module oro:secure-storage
 */

import { request } from 'oro:ipc'

/** Bytes per `String.fromCharCode` call: keeps the argument list far below engine limits. */
const CHUNK = 0x8000

/**
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {string}
 */
function toBase64 (data) {
  const bytes = data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  let binary = ''
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK))
  }
  return btoa(binary)
}

/**
 * @param {string} route
 * @param {Record<string, unknown>} fields
 */
function post (route, fields) {
  return request(route, undefined, { body: fields, method: 'POST' })
}

/**
 * @param {{ scope?: string }} [options]
 */
function scopeOf (options) {
  return options?.scope === undefined ? {} : { scope: options.scope }
}

/**
 * @param {string} key
 * @param {string | ArrayBuffer | ArrayBufferView} value
 * @param {import('./secure-storage.d.ts').SecureStorageOptions} [options]
 */
export async function set (key, value, options = {}) {
  const binary = value instanceof ArrayBuffer || ArrayBuffer.isView(value)
  const fields = {
    ...scopeOf(options),
    key,
    value: binary ? toBase64(/** @type {ArrayBuffer | ArrayBufferView} */ (value)) : value,
    encoding: binary ? 'base64' : (options.encoding ?? 'utf8')
  }
  await post('secureStorage.set', fields)
}

/**
 * @param {string} key
 * @param {import('./secure-storage.d.ts').SecureStorageOptions} [options]
 * @returns {Promise<string | null>}
 */
export async function get (key, options = {}) {
  const fields = { ...scopeOf(options), key, encoding: options.encoding ?? 'utf8' }
  const { value } = await post('secureStorage.get', fields)
  return value
}

/**
 * @param {string} key
 * @param {{ scope?: string }} [options]
 * @returns {Promise<boolean>}
 */
export async function remove (key, options = {}) {
  const { removed } = await post('secureStorage.remove', { ...scopeOf(options), key })
  return removed
}

/**
 * @param {{ scope?: string }} [options]
 * @returns {Promise<number>}
 */
export async function clear (options = {}) {
  const { removed } = await post('secureStorage.clear', scopeOf(options))
  return removed
}

/**
 * @param {{ scope?: string }} [options]
 * @returns {Promise<string[]>}
 */
export async function keys (options = {}) {
  const result = await post('secureStorage.keys', scopeOf(options))
  return result.keys
}

/**
 * @param {string} hex
 * @returns {Uint8Array}
 */
function fromHex (hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) {
    throw new TypeError('The "value" argument must be a string of hex digit pairs')
  }
  const bytes = new Uint8Array(hex.length / 2)
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16)
  }
  return bytes
}

/**
 * @param {string} base64
 * @returns {Uint8Array}
 */
function fromBase64 (base64) {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

/**
 * Oro's name for {@link set}: a `hex` string value is kept as the bytes it spells.
 * @param {string} key
 * @param {string | ArrayBuffer | ArrayBufferView} value
 * @param {{ scope?: string, encoding?: 'utf8' | 'base64' | 'hex' }} [options]
 * @returns {Promise<void>}
 */
export async function setItem (key, value, options = {}) {
  if (options.encoding === 'hex' && typeof value === 'string') {
    return set(key, fromHex(value), { scope: options.scope })
  }
  return set(key, value, /** @type {import('./secure-storage.d.ts').SecureStorageOptions} */ (options))
}

/**
 * Oro's name for {@link get}, with Oro's encodings: `utf8` (default), `base64`, `hex`, or
 * `buffer` for a `Uint8Array`.
 * @param {string} key
 * @param {{ scope?: string, encoding?: 'utf8' | 'base64' | 'hex' | 'buffer' }} [options]
 * @returns {Promise<string | Uint8Array | null>}
 */
export async function getItem (key, options = {}) {
  const { encoding = 'utf8', scope } = options
  if (encoding === 'utf8' || encoding === 'base64') return get(key, { scope, encoding })
  const base64 = await get(key, { scope, encoding: 'base64' })
  if (base64 === null) return null
  const bytes = fromBase64(base64)
  if (encoding === 'buffer') return bytes
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Oro's name for {@link remove} (answers nothing, as Oro's does).
 * @param {string} key
 * @param {{ scope?: string }} [options]
 * @returns {Promise<void>}
 */
export async function removeItem (key, options = {}) {
  await remove(key, options)
}

export default { set, get, remove, clear, keys, setItem, getItem, removeItem }
