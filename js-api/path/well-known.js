/**
 * `oro:path/well-known` — the user's and the app's well-known directories under Oro's names
 * (`HOME`, `DOCUMENTS`, `DOWNLOADS`, ...), handed to the page at load (no round trip). Each is a
 * path, or `null` when the host did not hand it out (permission `device_info` off, or a page
 * the host did not serve).
 *
 * ```js
 * import { DOCUMENTS } from 'oro:path/well-known'
 * ```
 * @module oro:path/well-known
 */

/** @type {Record<string, unknown>} */
const paths = /** @type {any} */ (globalThis).__args?.os?.paths ?? {}

/**
 * @param {string} name
 * @returns {string | null}
 */
function path (name) {
  const value = paths[name]
  return typeof value === 'string' && value ? value : null
}

/** The user's "Downloads" folder. */
export const DOWNLOADS = path('downloads')
/** The user's "Documents" folder. */
export const DOCUMENTS = path('documents')
/** The user's "Pictures" folder. */
export const PICTURES = path('pictures')
/** The user's "Desktop" folder. */
export const DESKTOP = path('desktop')
/** The user's "Videos" folder. */
export const VIDEOS = path('videos')
/** The user's "Music" folder. */
export const MUSIC = path('music')
/** The app's resources (read-only). */
export const RESOURCES = path('resources')
/** The app's config directory. */
export const CONFIG = path('config')
/** The app's public media folder (Oro's, for mobile apps): none on a desktop host, so null. */
export const MEDIA = path('media')
/** The app's data directory. */
export const DATA = path('data')
/** The app's log directory. */
export const LOG = path('log')
/** The user's home directory. */
export const HOME = path('home')
/** The app's temporary directory (ours; Oro has none). */
export const TMP = path('temp')
/** The app's cache directory (ours; Oro has none). */
export const CACHE = path('cache')

export default {
  DOWNLOADS,
  DOCUMENTS,
  RESOURCES,
  PICTURES,
  DESKTOP,
  VIDEOS,
  CONFIG,
  MEDIA,
  MUSIC,
  HOME,
  DATA,
  LOG,
  TMP,
  CACHE
}
