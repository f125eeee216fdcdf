/**
 * `oro:tty` (also `node:tty`) — a page has no terminal: `isatty()` is false; the stream
 * classes throw `NotSupportedError`.
 * @module oro:tty
 * @alias node:tty
 */

export function isatty (fd: unknown): false
export function ReadStream (fd: number): never
export function WriteStream (fd: number): never

declare const tty: {
  ReadStream: typeof ReadStream
  WriteStream: typeof WriteStream
  isatty: typeof isatty
}
export default tty
