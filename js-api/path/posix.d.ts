/**
 * `oro:path/posix` (also `node:path/posix`) — `path.posix` as a module.
 * @module oro:path/posix
 * @alias node:path/posix
 */

import type { PlatformPath } from '../path.js'

declare const posix: PlatformPath
export { posix }
export {
  CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, Path, RESOURCES, TMP,
  VIDEOS, cwd, mounts
} from '../path.js'
export const basename: PlatformPath['basename']
export const delimiter: PlatformPath['delimiter']
export const dirname: PlatformPath['dirname']
export const extname: PlatformPath['extname']
export const format: PlatformPath['format']
export const isAbsolute: PlatformPath['isAbsolute']
export const join: PlatformPath['join']
export const normalize: PlatformPath['normalize']
export const parse: PlatformPath['parse']
export const relative: PlatformPath['relative']
export const resolve: PlatformPath['resolve']
export const sep: PlatformPath['sep']
export const toNamespacedPath: PlatformPath['toNamespacedPath']
export const win32: PlatformPath
export default posix
