/**
 * `oro:commonjs/cache` — the named in-memory caches the CommonJS loader keeps what it learnt in
 * (every `Cache` of one name shares its entries), snapshots of them, and a loader's collection.
 * @module oro:commonjs/cache
 */

export const CACHE_CHANNEL_MESSAGE_ID: 'id'
export const CACHE_CHANNEL_MESSAGE_REPLICATE: 'replicate'

/** A snapshot's data: one plain object per cache name. */
export class SnapshotData {
  constructor (data?: Record<string, Record<string, any>> | null)
  [name: string]: any
  toJSON (): Record<string, Record<string, any>>
}

/** The entries of every named cache when it was taken. */
export class Snapshot {
  static Data: typeof SnapshotData
  constructor ()
  get data (): SnapshotData
  toJSON (): Record<string, Record<string, any>>
}

/** A `Map`-like store shared by every `Cache` of its name. */
export class Cache {
  static types: Map<string, Function>
  static shared: Record<string, Map<string, any>>
  static Snapshot: typeof Snapshot
  static snapshot (): Snapshot
  constructor (name: string, options?: { types?: Record<string, Function>, loader?: object | null })
  get id (): string
  get name (): string
  get loader (): object | null
  get data (): Map<string, any>
  get size (): number
  get types (): Map<string, Function>
  /** Oro's replication channel: always `null` here. */
  get channel (): null
  snapshot (): Snapshot
  get (key: string): any
  set (key: string, value: any): this
  has (key: string): boolean
  delete (key: string): boolean
  keys (): IterableIterator<string>
  values (): IterableIterator<any>
  entries (): IterableIterator<[string, any]>
  clear (): void
  forEach (callback: (value: any, key: string, cache: Cache) => void): void
  /** Always `false`: a page's caches are its own. */
  replicate (): boolean
  destroy (): void
  restore (): this
  [Symbol.iterator] (): IterableIterator<[string, any]>
}

/** A loader's caches by name (`collection.get('status')`). */
export class CacheCollection {
  constructor (collection?: Record<string, Cache> | null)
  [name: string]: any
  add (name: string, cache?: Cache | null): this
  get (name: string): Cache | undefined
  restore (): this
  reset (): void
  clear (): void
}

export default Cache
