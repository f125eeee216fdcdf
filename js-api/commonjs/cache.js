/**
 * `oro:commonjs/cache` — the named caches the CommonJS loader keeps what it learnt in: a
 * `Cache` is a `Map`-like store whose entries every `Cache` of the same name shares
 * (`Cache.shared[name]`), so every `Loader` of the page answers from one status cache and one
 * response cache. `Snapshot` copies all of them; `CacheCollection` names a loader's caches.
 *
 * The caches live in the page's memory, for the page's life: Oro also persists them to
 * IndexedDB and replicates them between windows (its `Storage` class, left out here).
 * @module oro:commonjs/cache
 */

/** Oro's replication message fields (kept as names; nothing is replicated here). */
export const CACHE_CHANNEL_MESSAGE_ID = 'id'
export const CACHE_CHANNEL_MESSAGE_REPLICATE = 'replicate'

/**
 * Every named cache's entries: `Cache.shared[name]` is the `Map` all caches of that name use.
 * @type {Record<string, Map<string, any>>}
 */
const shared = Object.create(null)

/** A snapshot's data: one plain object per cache name, `{ [key]: value }`. */
export class SnapshotData {
  /**
   * @param {Record<string, Record<string, any>> | null} [data]
   */
  constructor (data = null) {
    Object.assign(this, data)
  }

  toJSON () {
    return { ...this }
  }
}

/** The entries of every named cache at the moment it is taken. */
export class Snapshot {
  static Data = SnapshotData

  #data

  constructor () {
    /** @type {Record<string, Record<string, any>>} */
    const data = {}
    for (const name of Object.keys(shared)) {
      data[name] = Object.fromEntries(shared[name])
    }
    this.#data = new SnapshotData(data)
  }

  /** @returns {SnapshotData} */
  get data () {
    return this.#data
  }

  toJSON () {
    return this.#data.toJSON()
  }
}

/**
 * A `Map`-like store of `name`; every `Cache` of one name sees the same entries.
 */
export class Cache {
  /**
   * Classes whose instances a cache holds, by name (Oro restores entries with them).
   * @type {Map<string, Function>}
   */
  static types = new Map()

  /** Every named cache's entries (see the module's text). */
  static shared = shared

  static Snapshot = Snapshot

  /**
   * The entries of every named cache.
   * @returns {Snapshot}
   */
  static snapshot () {
    return new Snapshot()
  }

  #name
  #loader
  /** @type {Map<string, Function>} */
  #types = new Map()

  /**
   * @param {string} name
   * @param {{ types?: Record<string, Function>, loader?: object | null }} [options]
   */
  constructor (name, options = {}) {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`Expecting 'name' to be a non-empty string. Received: ${String(name)}`)
    }
    this.#name = name
    this.#loader = options?.loader ?? null
    for (const [key, type] of Object.entries(options?.types ?? {})) {
      this.#types.set(key, type)
      Cache.types.set(key, type)
    }
    shared[name] ??= new Map()
  }

  /** @returns {string} */
  get id () {
    return this.#name
  }

  /** @returns {string} */
  get name () {
    return this.#name
  }

  /** The loader this cache serves, if any. */
  get loader () {
    return this.#loader
  }

  /** @returns {Map<string, any>} */
  get data () {
    return shared[this.#name] ??= new Map()
  }

  /** @returns {number} */
  get size () {
    return this.data.size
  }

  /** @returns {Map<string, Function>} */
  get types () {
    return this.#types
  }

  /** Oro's replication channel: none here. */
  get channel () {
    return null
  }

  /** @returns {Snapshot} */
  snapshot () {
    return new Snapshot()
  }

  /**
   * @param {string} key
   * @returns {any}
   */
  get (key) {
    return this.data.get(key)
  }

  /**
   * @param {string} key
   * @param {any} value
   * @returns {this}
   */
  set (key, value) {
    this.data.set(key, value)
    return this
  }

  /**
   * @param {string} key
   * @returns {boolean}
   */
  has (key) {
    return this.data.has(key)
  }

  /**
   * @param {string} key
   * @returns {boolean}
   */
  delete (key) {
    return this.data.delete(key)
  }

  keys () {
    return this.data.keys()
  }

  values () {
    return this.data.values()
  }

  entries () {
    return this.data.entries()
  }

  clear () {
    this.data.clear()
  }

  /**
   * @param {(value: any, key: string, cache: Cache) => void} callback
   */
  forEach (callback) {
    for (const [key, value] of this.data) callback(value, key, this)
  }

  /**
   * Oro sends the entries to its other windows; a page's caches here are its own.
   * @returns {boolean}
   */
  replicate () {
    return false
  }

  /** Drops every entry of this name. */
  destroy () {
    this.clear()
    delete shared[this.#name]
  }

  /** Oro restores persisted entries; these caches start empty with the page. */
  restore () {
    return this
  }

  [Symbol.iterator] () {
    return this.data.entries()
  }
}

/**
 * A loader's caches by name (`collection.status`, `collection.response`).
 */
export class CacheCollection {
  /** @type {Record<string, Cache>} */
  #caches = {}

  /**
   * @param {Record<string, Cache> | null} [collection]
   */
  constructor (collection = null) {
    for (const [name, cache] of Object.entries(collection ?? {})) this.add(name, cache)
  }

  /**
   * Adds `cache` (or a new `Cache` named `name`) as `collection[name]`.
   * @param {string} name
   * @param {Cache | null} [cache]
   * @returns {this}
   */
  add (name, cache = null) {
    const value = cache instanceof Cache ? cache : new Cache(name)
    this.#caches[name] = value
    Object.defineProperty(this, name, { configurable: true, enumerable: true, get: () => this.#caches[name] })
    return this
  }

  /**
   * @param {string} name
   * @returns {Cache | undefined}
   */
  get (name) {
    return this.#caches[name]
  }

  /** Oro restores persisted entries; nothing is persisted here. */
  restore () {
    return this
  }

  /** Empties every cache of the collection. */
  reset () {
    for (const cache of Object.values(this.#caches)) cache.clear()
  }

  clear () {
    this.reset()
  }
}

export default Cache
