/**
 * `oro:path/well-known` — the user's and the app's well-known directories under Oro's names,
 * handed to the page at load; `null` while permission `device_info` is off.
 * @module oro:path/well-known
 */

export const DOWNLOADS: string | null
export const DOCUMENTS: string | null
export const PICTURES: string | null
export const DESKTOP: string | null
export const VIDEOS: string | null
export const MUSIC: string | null
/** The app's resources (read-only). */
export const RESOURCES: string | null
export const CONFIG: string | null
/** The app's public media folder (Oro's, for mobile apps): null on a desktop host. */
export const MEDIA: string | null
export const DATA: string | null
export const LOG: string | null
export const HOME: string | null
/** The app's temporary directory. */
export const TMP: string | null
/** The app's cache directory. */
export const CACHE: string | null

declare const wellKnown: {
  DOWNLOADS: string | null
  DOCUMENTS: string | null
  RESOURCES: string | null
  PICTURES: string | null
  DESKTOP: string | null
  VIDEOS: string | null
  CONFIG: string | null
  MUSIC: string | null
  MEDIA: string | null
  HOME: string | null
  DATA: string | null
  LOG: string | null
  TMP: string | null
  CACHE: string | null
}
export default wellKnown
