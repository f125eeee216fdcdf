/**
 * `oro:path/posix` (also `node:path/posix`) — `path.posix` as a module.
 * @module oro:path/posix
 */

import { posix } from '../path.js'

export const {
  basename, delimiter, dirname, extname, format, isAbsolute, join, normalize, parse, relative,
  resolve, sep, toNamespacedPath, win32
} = posix
export { posix }
// Oro's path/posix and path/win32 carry its own names too (api/path/posix.d.ts).
export {
  CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, Path, RESOURCES, TMP,
  VIDEOS, cwd, mounts
} from '../path.js'
export default posix
