/**
 * `oro:path/win32` (also `node:path/win32`) — `path.win32`: Node's Windows paths, from the
 * `path-unified` npm package (Node's lib/path.js as an ES module). `resolve()` of a relative
 * path starts from the page's working directory as oro:path sees it.
 * @module oro:path/win32
 */

import { win32 } from '../path.js'

export const {
  basename, delimiter, dirname, extname, format, isAbsolute, join, normalize, parse, relative,
  resolve, sep, toNamespacedPath, posix
} = win32
export { win32 }
// Oro's path/posix and path/win32 carry its own names too (api/path/win32.d.ts).
export {
  CONFIG, DATA, DESKTOP, DOCUMENTS, DOWNLOADS, HOME, LOG, MEDIA, MUSIC, PICTURES, Path, RESOURCES, TMP,
  VIDEOS, cwd, mounts
} from '../path.js'
export default win32
