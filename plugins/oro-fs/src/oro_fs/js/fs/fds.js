/**
 * `oro:fs/fds` — Oro's descriptor table: the `fd` numbers `oro:fs`'s callback API handed out
 * (`fs.open(path, (err, fd) => ...)`) and the host descriptor id behind each.
 * @module oro:fs/fds
 */

import { descriptors } from './internal/fds.js'

/** The callback API's open descriptors (read-only view; `release` closes one). */
const fds = Object.freeze({
  /** How many descriptors are open. */
  get size () { return descriptors.size },

  /**
   * True when `fdOrId` is an open descriptor number or the host id of one.
   * @param {number | string} fdOrId
   */
  has (fdOrId) {
    return fds.fd(fdOrId) !== undefined
  },

  /**
   * The descriptor number of a descriptor number or host id (undefined when not open).
   * @param {number | string} fdOrId
   * @returns {number | undefined}
   */
  fd (fdOrId) {
    if (typeof fdOrId === 'number') return descriptors.has(fdOrId) ? fdOrId : undefined
    for (const [fd, handle] of descriptors) if (handle.id === fdOrId) return fd
    return undefined
  },

  /**
   * The host id of a descriptor number (undefined when not open).
   * @param {number} fd
   * @returns {string | undefined}
   */
  id (fd) {
    return descriptors.get(fd)?.id
  },

  /**
   * The `FileHandle` behind a descriptor number or host id.
   * @param {number | string} fdOrId
   */
  get (fdOrId) {
    const fd = fds.fd(fdOrId)
    return fd === undefined ? undefined : descriptors.get(fd)
  },

  /** `[fd, id]` of every open descriptor. @returns {IterableIterator<[number, string]>} */
  * entries () {
    for (const [fd, handle] of descriptors) yield [fd, handle.id]
  },

  /**
   * Close a descriptor (as `fs.close(fd)`); resolves when the host closed it, false when it
   * was not open.
   * @param {number | string} fdOrId
   * @returns {Promise<boolean>}
   */
  async release (fdOrId) {
    const handle = fds.get(fdOrId)
    if (!handle) return false
    await handle.close()
    return true
  }
})

export default fds
