/**
 * The callback API's descriptor table: the `fd` numbers `oro:fs.open` hands to callbacks, and
 * the `FileHandle` behind each. Shared by `oro:fs` and `oro:fs/fds`.
 * @module oro:fs/internal/fds (internal)
 */

/** @typedef {import('./handle.js').FileHandle} FileHandle */

/** Open handles of the callback API by their descriptor number. @type {Map<number, FileHandle>} */
export const descriptors = new Map()

/**
 * Track `handle` under its `fd` until it closes.
 * @param {FileHandle} handle
 * @returns {number} the descriptor number
 */
export function track (handle) {
  const fd = handle.fd
  descriptors.set(fd, handle)
  handle.once('close', () => descriptors.delete(fd))
  return fd
}
