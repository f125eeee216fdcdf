/**
 * `oro:fs/fds` — Oro's descriptor table: the `fd` numbers `oro:fs`'s callback API handed out
 * (`fs.open(path, (err, fd) => ...)`) and the host descriptor id behind each.
 * @module oro:fs/fds
 */

import type { FileHandle } from 'oro:fs'

export interface FileDescriptors {
  /** How many descriptors are open. */
  readonly size: number
  /** True when `fdOrId` is an open descriptor number or the host id of one. */
  has (fdOrId: number | string): boolean
  /** The descriptor number of a descriptor number or host id. */
  fd (fdOrId: number | string): number | undefined
  /** The host id of a descriptor number. */
  id (fd: number): string | undefined
  /** The `FileHandle` behind a descriptor number or host id. */
  get (fdOrId: number | string): FileHandle | undefined
  /** `[fd, id]` of every open descriptor. */
  entries (): IterableIterator<[number, string]>
  /** Close a descriptor (as `fs.close(fd)`); false when it was not open. */
  release (fdOrId: number | string): Promise<boolean>
}

declare const fds: FileDescriptors
export default fds
