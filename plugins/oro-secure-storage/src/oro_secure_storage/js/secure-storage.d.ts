// @module oro:secure-storage
/**
 * Secrets of the app in the desktop's Secret Service (GNOME Keyring, KeePassXC), kept per app
 * (its bundle identifier) and per scope. Routes `secureStorage.*`, permission `secure_storage`.
 */

/** `utf8` (the default): values are text. `base64`: values are bytes written as base64. */
export type Encoding = 'utf8' | 'base64'

export interface SecureStorageOptions {
  /** Which of the app's scopes (default `'default'`); scopes never see each other's keys. */
  scope?: string
  /** How `value` is written and read back (default `'utf8'`; bytes are sent as `base64`). */
  encoding?: Encoding
}

/**
 * Keep `value` under `key`, replacing what was there. Bytes are kept as bytes (sent as base64).
 * Fails with `NotSupportedError` `ERR_NO_SECRET_SERVICE` when no Secret Service runs,
 * `SecurityError` `ERR_SECRET_STORE_LOCKED` when the keyring is locked, and `RangeError` when
 * the value is larger than `secure_storage.max_value_bytes`.
 */
export function set (key: string, value: string | ArrayBuffer | ArrayBufferView, options?: SecureStorageOptions): Promise<void>

/** The value kept under `key` (text, or base64 with `encoding: 'base64'`), `null` if none. */
export function get (key: string, options?: SecureStorageOptions): Promise<string | null>

/** Remove the value under `key`; whether there was one. */
export function remove (key: string, options?: Pick<SecureStorageOptions, 'scope'>): Promise<boolean>

/** Remove every value of the scope; how many there were. */
export function clear (options?: Pick<SecureStorageOptions, 'scope'>): Promise<number>

/** The keys of the scope, sorted. */
export function keys (options?: Pick<SecureStorageOptions, 'scope'>): Promise<string[]>

/** Oro's name for `set`; `encoding: 'hex'` keeps the bytes a hex string spells. */
export function setItem (key: string, value: string | ArrayBuffer | ArrayBufferView, options?: { scope?: string, encoding?: 'utf8' | 'base64' | 'hex' }): Promise<void>

/** Oro's name for `get`: text (`utf8`, default), `base64`, `hex`, or bytes (`buffer`); `null` if none. */
export function getItem (key: string, options?: { scope?: string, encoding?: 'utf8' | 'base64' | 'hex' | 'buffer' }): Promise<string | Uint8Array | null>

/** Oro's name for `remove`; answers nothing. */
export function removeItem (key: string, options?: Pick<SecureStorageOptions, 'scope'>): Promise<void>

declare const secureStorage: {
  set: typeof set
  get: typeof get
  remove: typeof remove
  clear: typeof clear
  keys: typeof keys
  setItem: typeof setItem
  getItem: typeof getItem
  removeItem: typeof removeItem
}
export default secureStorage
