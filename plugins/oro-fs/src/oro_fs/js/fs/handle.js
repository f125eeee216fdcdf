/**
 * `oro:fs/handle` — Oro's handle classes: `FileHandle` (Node's, plus `FileHandle.open`) and
 * `DirectoryHandle` (a directory read in batches).
 * @module oro:fs/handle
 */

import { DirectoryHandle, FileHandle, kClosed, kClosing, kOpening } from './internal/handle.js'

export { DirectoryHandle, FileHandle, kClosed, kClosing, kOpening }

export default { DirectoryHandle, FileHandle, kClosed, kClosing, kOpening }
