/**
 * `oro:sqlite` — SQLite databases the host opens with Python's `sqlite3` (oro-sqlite), with the
 * Oro Runtime's API: `open`, `Database`, `Statement` and the `OPEN_*` flags. `open`, `exec`,
 * `prepare` and a statement's methods answer synchronously (the page waits for the host);
 * `execAsync`/`queryAsync` do not block; `execMany` runs one statement for many parameter sets
 * in one call. Integers come back as `Number` when safe, else `BigInt`;
 * blobs as `Buffer`. Files live where `[sqlite] roots` allows (only `:memory:` by default).
 * @module oro:sqlite
 */


/** Always false: oro-sqlite never loads an extension (cr-sqlite included). */
export function hasCRSQLite (): boolean
export function open (path: any, options?: { id?: any, flags?: number }): Database
export const OPEN_READONLY: number
export const OPEN_READWRITE: number
export const OPEN_CREATE: number
export const OPEN_URI: number
export const OPEN_MEMORY: number
export const OPEN_NOMUTEX: number
export const OPEN_FULLMUTEX: number
export const OPEN_SHAREDCACHE: number
export const OPEN_PRIVATECACHE: number
export const OPEN_DEFAULT: number

/** A column's name, declared type (always `""` here: sqlite3 does not expose it) and the type
 * of its value in the last row (`integer`, `float`, `text`, `blob` or `null`). */
export interface ColumnMeta {
  name: any
  declType: any
  type: any
}

/** A value a parameter takes: `bigint` for 64-bit integers, bytes for blobs. */
export type SQLiteParam = null | undefined | boolean | number | bigint | string | ArrayBuffer | ArrayBufferView | object

export interface ExecResult {
  rows: any[]
  columns: string[]
  columnsMeta: ColumnMeta[]
  changes: number
  lastInsertRowid: bigint
  mode: string
}

export interface StepResult extends ExecResult {
  done: boolean
}

export class Statement {
  constructor (database: any, descriptor?: {})
  get id (): string
  get closed (): boolean
  get columns (): any[]
  get columnsMeta (): any[]
  bind (params?: any[]): this
  step (options?: { limit?: number, mode?: string }): StepResult
  reset (): this
  run (params?: any[], options?: { mode?: string, batchSize?: number, reset?: boolean }): ExecResult
  all (params?: any[], options?: { mode?: string, batchSize?: number, reset?: boolean }): any[]
  iterate (params?: any[], options?: { mode?: string, batchSize?: number, reset?: boolean }): AsyncGenerator<any, void, unknown>
  finalize (): void
  _finalize (options?: { release?: boolean }): void
}

export class Database {
  constructor (path: any, options?: { id?: any, flags?: number })
  get id (): any
  get path (): string
  get flags (): number
  get closed (): boolean
  close (): void
  exec (sql: any, options?: { params?: SQLiteParam | SQLiteParam[], mode?: string }): ExecResult
  execAsync (sql: any, options?: { params?: SQLiteParam | SQLiteParam[], mode?: string }): Promise<ExecResult>
  query (sql: any, options?: { params?: SQLiteParam | SQLiteParam[], mode?: string }): any[]
  queryAsync (sql: any, options?: { params?: SQLiteParam | SQLiteParam[], mode?: string }): Promise<any[]>
  /** Run one statement once per parameter set, all or none; `changes` summed over the sets. */
  execMany (sql: any, paramSets: Iterable<SQLiteParam | SQLiteParam[]>): { changes: number, lastInsertRowid: bigint }
  execManyAsync (sql: any, paramSets: Iterable<SQLiteParam | SQLiteParam[]>): Promise<{ changes: number, lastInsertRowid: bigint }>
  prepare (sql: any): Statement
  _trackStatement (statement: any): void
  _releaseStatement (statement: any): void
  _releaseStatementById (id: any): void
}


declare const _default: Readonly<{
  Database: typeof Database
  Statement: typeof Statement
  open: typeof open
  hasCRSQLite: typeof hasCRSQLite
  OPEN_DEFAULT: number
  OPEN_READONLY: number
  OPEN_READWRITE: number
  OPEN_CREATE: number
  OPEN_URI: number
  OPEN_MEMORY: number
  OPEN_NOMUTEX: number
  OPEN_FULLMUTEX: number
  OPEN_SHAREDCACHE: number
  OPEN_PRIVATECACHE: number
}>
export default _default
