/**
 * `oro:mime` — Oro's MIME databases over the host's table (`lookup('png')`, reverse lookups,
 * one `Database` per top-level type) and Node's `util.MIMEType`/`MIMEParams`.
 * @module oro:mime
 * @plugin platform
 */

/** One match of a lookup. */
export class DatabaseQueryResult {
  constructor (database: Database, name: string, mime: string)
  database: Database
  /** The name: a file extension of the host's table (`png`). */
  name: string
  /** The media type (`image/png`). */
  mime: string
}

/** The media types of one top-level type, loaded from the host once. */
export class Database {
  constructor (name: string)
  /** The top-level type (`image`). */
  name: string
  /** Name → media type. */
  map: Map<string, string>
  /** Media type → preferred name. */
  index: Map<string, string>
  /** True once filled (from the host or by `fill`). */
  readonly loaded: boolean
  entries (): IterableIterator<[string, string]>
  /** Add `[name, mime]` pairs. */
  fill (pairs: Iterable<[string, string]>): void
  load (): Promise<void>
  /** `load()` with one synchronous call to the host. */
  loadSync (): void
  lookup (query: string): Promise<DatabaseQueryResult[]>
  /** `lookup()` answered synchronously. */
  lookupSync (query: string): DatabaseQueryResult[]
  /** Matches among the loaded entries: exact name, exact media type, or leading `+` parts. */
  query (query: string): DatabaseQueryResult[]
}

export const application: Database
export const audio: Database
export const font: Database
export const image: Database
export const model: Database
export const multipart: Database
export const text: Database
export const video: Database
/** The databases `lookup` searches; push a `Database` to search another top-level type. */
export const databases: Database[]

/** Look a name (extension) or a media type up in every database. */
export function lookup (query: string): Promise<DatabaseQueryResult[]>
/** `lookup()` answered synchronously (one synchronous call a database not yet loaded). */
export function lookupSync (query: string): DatabaseQueryResult[]

/** Node's `util.MIMEParams`. */
export class MIMEParams implements Iterable<[string, string]> {
  delete (name: string): void
  get (name: string): string | null
  has (name: string): boolean
  set (name: string, value: string): void
  entries (): IterableIterator<[string, string]>
  keys (): IterableIterator<string>
  values (): IterableIterator<string>
  [Symbol.iterator] (): IterableIterator<[string, string]>
  toString (): string
  toJSON (): string
}

/** Node's `util.MIMEType`. Bad syntax throws `TypeError` `ERR_INVALID_MIME_SYNTAX`. */
export class MIMEType {
  constructor (input: string | { toString (): string })
  type: string
  subtype: string
  readonly essence: string
  readonly params: MIMEParams
  toString (): string
  toJSON (): string
}

declare const _default: {
  Database: typeof Database
  DatabaseQueryResult: typeof DatabaseQueryResult
  MIMEParams: typeof MIMEParams
  MIMEType: typeof MIMEType
  application: Database
  audio: Database
  databases: Database[]
  font: Database
  image: Database
  lookup: typeof lookup
  lookupSync: typeof lookupSync
  model: Database
  multipart: Database
  text: Database
  video: Database
}
export default _default
