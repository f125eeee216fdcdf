/**
 * Node's `fs.Stats` and `fs.Dirent`, built from the host's answers.
 * @module oro:fs/internal/stats (internal)
 */

import { constants } from 'oro:fs/constants'

/**
 * @typedef {object} StatsRecord the `data` of `fs.stat`/`fs.lstat`/`fs.fstat`
 * @property {number} dev
 * @property {number} ino
 * @property {number} mode
 * @property {number} nlink
 * @property {number} uid
 * @property {number} gid
 * @property {number} rdev
 * @property {number} size
 * @property {number} blksize
 * @property {number} blocks
 * @property {number} atimeMs
 * @property {number} mtimeMs
 * @property {number} ctimeMs
 * @property {number} birthtimeMs
 */

/** @param {number} mode @param {string} type */
function isType (mode, type) {
  return (mode & constants.S_IFMT) === constants[type]
}

/** Information about a file: Node's `fs.Stats` (numbers, `*Ms` floats and `Date` fields). */
export class Stats {
  /**
   * @param {Partial<StatsRecord>} record
   */
  constructor (record = {}) {
    const number = (/** @type {keyof StatsRecord} */ key) => {
      const value = record[key]
      return typeof value === 'number' && Number.isFinite(value) ? value : 0
    }
    this.dev = number('dev')
    this.ino = number('ino')
    this.mode = number('mode')
    this.nlink = number('nlink')
    this.uid = number('uid')
    this.gid = number('gid')
    this.rdev = number('rdev')
    this.size = number('size')
    this.blksize = number('blksize')
    this.blocks = number('blocks')
    this.atimeMs = number('atimeMs')
    this.mtimeMs = number('mtimeMs')
    this.ctimeMs = number('ctimeMs')
    this.birthtimeMs = typeof record.birthtimeMs === 'number' ? record.birthtimeMs : this.ctimeMs
    // Rounded to the millisecond as Node's dateFromMs does (new Date() would truncate).
    this.atime = new Date(Math.round(this.atimeMs))
    this.mtime = new Date(Math.round(this.mtimeMs))
    this.ctime = new Date(Math.round(this.ctimeMs))
    this.birthtime = new Date(Math.round(this.birthtimeMs))
  }

  isFile () { return isType(this.mode, 'S_IFREG') }
  isDirectory () { return isType(this.mode, 'S_IFDIR') }
  isSymbolicLink () { return isType(this.mode, 'S_IFLNK') }
  isFIFO () { return isType(this.mode, 'S_IFIFO') }
  isSocket () { return isType(this.mode, 'S_IFSOCK') }
  isCharacterDevice () { return isType(this.mode, 'S_IFCHR') }
  isBlockDevice () { return isType(this.mode, 'S_IFBLK') }
}

/** `fs.readdir` entry types (libuv's `UV_DIRENT_*` numbering, as the host sends them). */
export const DIRENT_TYPES = Object.freeze({
  UNKNOWN: 0, FILE: 1, DIR: 2, LINK: 3, FIFO: 4, SOCKET: 5, CHAR: 6, BLOCK: 7
})

/** A directory entry: Node's `fs.Dirent` (`withFileTypes: true`, `Dir.read()`). */
/** Oro's key of a `Dirent`'s type number (`Symbol.for`, as Oro's). */
export const kType = Symbol.for('fs.Dirent.type')

export class Dirent {
  #type

  // Oro's type numbers (the `UV_DIRENT_*` values).
  static get UNKNOWN () { return DIRENT_TYPES.UNKNOWN }
  static get FILE () { return DIRENT_TYPES.FILE }
  static get DIR () { return DIRENT_TYPES.DIR }
  static get LINK () { return DIRENT_TYPES.LINK }
  static get FIFO () { return DIRENT_TYPES.FIFO }
  static get SOCKET () { return DIRENT_TYPES.SOCKET }
  static get CHAR () { return DIRENT_TYPES.CHAR }
  static get BLOCK () { return DIRENT_TYPES.BLOCK }

  /**
   * Oro's `Dirent.from`: from `{ name, type, parentPath? }`, or a name and a type number.
   * @param {string | { name: string, type?: number | string, parentPath?: string }} name
   * @param {number | string} [type]
   * @returns {Dirent}
   */
  static from (name, type = undefined) {
    if (name !== null && typeof name === 'object') {
      return new Dirent(name.name, Number.parseInt(String(name.type ?? DIRENT_TYPES.UNKNOWN)), name.parentPath ?? '')
    }
    return new Dirent(name, Number.parseInt(String(type ?? DIRENT_TYPES.UNKNOWN)), '')
  }

  /**
   * @param {string} name
   * @param {number} type one of `DIRENT_TYPES`
   * @param {string} parentPath the directory the entry was read from
   */
  constructor (name, type, parentPath) {
    this.name = name
    this.parentPath = parentPath
    /** Same as `parentPath` (Node 20's older name). */
    this.path = parentPath
    this.#type = type
  }

  /** The type number (Oro's; Node keeps it under a symbol too). */
  get type () { return this.#type }
  get [kType] () { return this.#type }

  isFile () { return this.#type === DIRENT_TYPES.FILE }
  isDirectory () { return this.#type === DIRENT_TYPES.DIR }
  isSymbolicLink () { return this.#type === DIRENT_TYPES.LINK }
  isFIFO () { return this.#type === DIRENT_TYPES.FIFO }
  isSocket () { return this.#type === DIRENT_TYPES.SOCKET }
  isCharacterDevice () { return this.#type === DIRENT_TYPES.CHAR }
  isBlockDevice () { return this.#type === DIRENT_TYPES.BLOCK }
}

/**
 * Join a directory and a name the way Node's `path.join` would for these simple cases.
 * @param {string} directory
 * @param {string} name
 */
export function joinPath (directory, name) {
  if (directory === '' || directory === '.') return name
  return directory.endsWith('/') ? `${directory}${name}` : `${directory}/${name}`
}

/**
 * `readdir`'s walk, whatever answers `fs.readdir`: yields each directory to list (`root`
 * first, then, with `recursive`, each subdirectory in the order found), is given back that
 * directory's entries, and returns the names (relative to `root`) or `Dirent`s. The async
 * `readdir` and `readdirSync` drive it with their own call.
 * @param {string} root
 * @param {{ withFileTypes: boolean, recursive: boolean }} options
 * @returns {Generator<string, Array<string | Dirent>, unknown>}
 */
export function * walkDirectory (root, { withFileTypes, recursive }) {
  /** @type {Array<string | Dirent>} */
  const result = []
  /** @type {string[]} */
  const pending = ['']
  while (pending.length) {
    const relative = /** @type {string} */ (pending.shift())
    const directory = relative ? joinPath(root, relative) : root
    const entries = yield directory
    for (const entry of Array.isArray(entries) ? entries : []) {
      const name = relative ? joinPath(relative, entry.name) : entry.name
      result.push(withFileTypes ? new Dirent(entry.name, entry.type, directory) : name)
      if (recursive && entry.type === 2) pending.push(name)
    }
  }
  return result
}
