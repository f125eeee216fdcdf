/**
 * `oro:tty` (also `node:tty`) — a page has no terminal: `isatty(fd)` is false for every
 * descriptor, and `ReadStream`/`WriteStream` throw `NotSupportedError` (the page's `console`
 * writes to the host's log; the host has no `stdin` for pages).
 * @module oro:tty
 */

import { NotSupportedError } from './errors.js'

/**
 * Whether `fd` is a terminal: never, in a page (Node's `isatty` is false for anything that is
 * not an open terminal descriptor, numbers or not).
 * @param {unknown} fd
 * @returns {boolean}
 */
export function isatty (fd) { // eslint-disable-line no-unused-vars
  return false
}

/**
 * @param {number} fd
 * @returns {never}
 */
export function ReadStream (fd) {
  throw new NotSupportedError(`tty.ReadStream: a page has no terminal (fd ${fd})`)
}

/**
 * @param {number} fd
 * @returns {never}
 */
export function WriteStream (fd) {
  throw new NotSupportedError(`tty.WriteStream: a page has no terminal (fd ${fd})`)
}

export default { ReadStream, WriteStream, isatty }
