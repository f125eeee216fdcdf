// oro:sqlite: SQLite databases the host opens (oro-sqlite), with the Oro Runtime's API.
//   import { open } from 'oro:sqlite'
//   const db = open(':memory:')
//   db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
//   db.exec('INSERT INTO notes (body) VALUES (?)', { params: ['hello'] })
//   const { rows } = db.exec('SELECT * FROM notes')
// As in Oro, open/exec/prepare and a statement's methods answer synchronously (oro:ipc's
// sendSync: the page waits for the host); execAsync/queryAsync do not block the page. Every
// check of SQL, parameters and paths is the host's; this file encodes values and shapes answers.
import { request, sendSync } from 'oro:ipc'
import { Buffer } from 'oro:buffer'

export const OPEN_READONLY = 0x00000001
export const OPEN_READWRITE = 0x00000002
export const OPEN_CREATE = 0x00000004
export const OPEN_URI = 0x00000040
export const OPEN_MEMORY = 0x00000080
export const OPEN_NOMUTEX = 0x00008000
export const OPEN_FULLMUTEX = 0x00010000
export const OPEN_SHAREDCACHE = 0x00020000
export const OPEN_PRIVATECACHE = 0x00040000
export const OPEN_DEFAULT = OPEN_READWRITE | OPEN_CREATE | OPEN_FULLMUTEX

const ARRAY = 'array'
const OBJECT = 'object'
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)

/**
 * The answer of a synchronous call, or its error thrown.
 * @param {string} route
 * @param {Record<string, unknown>} fields
 * @returns {any}
 */
function call (route, fields) {
  const { err, data } = sendSync(route, undefined, { body: fields, method: 'POST' })
  if (err) throw err
  return data
}

/**
 * @param {string} route
 * @param {Record<string, unknown>} fields
 * @returns {Promise<any>}
 */
async function callAsync (route, fields) {
  return await request(route, undefined, { body: fields, method: 'POST' })
}

/**
 * A page value as the host binds it (Oro's encoding: 64-bit integers and bytes tagged).
 * @param {unknown} value
 * @returns {unknown}
 */
function encodeValue (value) {
  if (value === undefined || value === null) return null
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() }
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    return { encoding: 'base64', data: bytes.toString('base64') }
  }
  if (value instanceof ArrayBuffer) {
    return { encoding: 'base64', data: Buffer.from(new Uint8Array(value)).toString('base64') }
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('statement parameters must be finite numbers')
    return value
  }
  if (typeof value === 'boolean' || typeof value === 'string') return value
  const object = /** @type {any} */ (value)
  if (object && typeof object === 'object' && typeof object.toJSON === 'function') return object.toJSON()
  return JSON.parse(JSON.stringify(value))
}

/**
 * @param {unknown} params
 * @returns {unknown[]}
 */
function encodeParams (params) {
  if (params === undefined) return []
  if (!Array.isArray(params)) return [encodeValue(params)]
  return params.map(encodeValue)
}

/**
 * A column value as the page gets it: an integer a `Number` when it is safe, else a `BigInt`;
 * bytes a `Buffer`.
 * @param {any} value
 * @returns {any}
 */
function decodeValue (value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  if (value.encoding === 'base64') {
    return Buffer.from(typeof value.data === 'string' ? value.data : '', 'base64')
  }
  if (value.type === 'integer') {
    const big = BigInt(String(value.value ?? 0))
    return big <= MAX_SAFE && big >= MIN_SAFE ? Number(big) : big
  }
  if (value.type === 'float') return value.value === '-Infinity' ? -Infinity : Infinity
  return value
}

/**
 * @param {any} rows
 * @param {string} mode
 * @returns {any[]}
 */
function decodeRows (rows, mode) {
  if (!Array.isArray(rows)) return []
  if (mode === ARRAY) return rows.map((row) => (Array.isArray(row) ? row.map(decodeValue) : row))
  return rows.map((row) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) return row
    /** @type {Record<string, any>} */
    const decoded = {}
    for (const [key, value] of Object.entries(row)) decoded[key] = decodeValue(value)
    return decoded
  })
}

/**
 * @param {any} columns
 * @returns {string[]}
 */
function decodeColumns (columns) {
  return Array.isArray(columns) ? columns.map((column) => String(column)) : []
}

/**
 * @param {any} meta
 * @returns {{ name: any, declType: any, type: any }[]}
 */
function decodeColumnsMeta (meta) {
  if (!Array.isArray(meta)) return []
  return meta.map((entry) => ({
    name: typeof entry?.name === 'string' ? entry.name : '',
    declType: typeof entry?.declType === 'string' ? entry.declType : '',
    type: typeof entry?.type === 'string' ? entry.type : 'null'
  }))
}

/**
 * @param {any} data
 * @param {string} mode
 */
function decodeResult (data, mode) {
  const changes = Number.parseInt(data?.changes ?? 0, 10)
  let lastInsertRowid = 0n
  try {
    lastInsertRowid = BigInt(data?.lastInsertRowid ?? 0)
  } catch {}
  return {
    rows: decodeRows(data?.rows, mode),
    columns: decodeColumns(data?.columns),
    columnsMeta: decodeColumnsMeta(data?.columnsMeta),
    changes: Number.isNaN(changes) ? 0 : changes,
    lastInsertRowid,
    mode
  }
}

/** @param {any} options */
function modeOf (options) {
  return options?.mode === ARRAY ? ARRAY : OBJECT
}

/** @param {any} options */
function batchOf (options) {
  return typeof options?.batchSize === 'number' && options.batchSize > 0
    ? Math.trunc(options.batchSize)
    : undefined
}

/**
 * A 64-bit random id as decimal text (what Oro's `rand64()` gives).
 * @returns {string}
 */
function randomId () {
  const words = crypto.getRandomValues(new Uint32Array(2))
  return ((BigInt(words[0]) << 32n) | BigInt(words[1])).toString()
}

// Handles a page drops without closing are closed once collected, as Oro's gc.ref does.
const databases = new FinalizationRegistry((/** @type {{ id: string | null, closed: boolean }} */ held) => {
  if (!held.closed && held.id) callAsync('sqlite.close', { id: held.id }).catch(() => {})
})
const statements = new FinalizationRegistry((/** @type {{ id: string, closed: boolean }} */ held) => {
  if (!held.closed) callAsync('sqlite.statement.finalize', { id: held.id }).catch(() => {})
})

/**
 * Whether databases open with the cr-sqlite extension loaded. oro-sqlite never loads an
 * extension (a page must not reach native code), so this is always false.
 * @returns {boolean}
 */
export function hasCRSQLite () {
  return false
}

export class Statement {
  /** @type {Database | null} */
  #database
  #id = ''
  #closed = false
  /** @type {string[]} */
  #columns = []
  /** @type {{ name: any, declType: any, type: any }[]} */
  #columnsMeta = []
  /** @type {{ id: string, closed: boolean }} */
  #held

  /**
   * @param {any} database
   * @param {any} [descriptor] what `sqlite.prepare` answered
   */
  constructor (database, descriptor = {}) {
    if (!database || typeof descriptor?.id === 'undefined') {
      throw new TypeError('Invalid statement descriptor')
    }
    this.#database = database
    this.#id = String(descriptor.id)
    this.#columns = decodeColumns(descriptor.columns)
    this.#columnsMeta = decodeColumnsMeta(descriptor.columnsMeta)
    this.#held = { id: this.#id, closed: false }
    statements.register(this, this.#held, this)
  }

  get id () { return this.#id }
  get closed () { return this.#closed }
  get columns () { return this.#columns.slice() }
  get columnsMeta () { return this.#columnsMeta.map((entry) => ({ ...entry })) }

  #assertOpen () {
    if (this.#closed) throw new Error('Statement has been finalized')
  }

  /**
   * Reset the statement and bind `params` (by position) for its next run.
   * @param {any[]} [params]
   */
  bind (params = []) {
    this.#assertOpen()
    call('sqlite.statement.bind', { id: this.#id, params: encodeParams(params) })
    return this
  }

  /**
   * Up to `limit` (default 128) more rows; `done` once the statement has run to its end.
   * @param {{ limit?: number, mode?: string }} [options]
   */
  step (options = {}) {
    this.#assertOpen()
    const mode = modeOf(options)
    /** @type {Record<string, unknown>} */
    const fields = { id: this.#id, mode }
    if (typeof options?.limit === 'number' && Number.isFinite(options.limit) && options.limit > 0) {
      fields.limit = Math.trunc(options.limit)
    }
    const data = call('sqlite.statement.step', fields)
    const chunk = { ...decodeResult(data, mode), done: Boolean(data?.done) }
    this.#columns = chunk.columns
    this.#columnsMeta = chunk.columnsMeta
    return chunk
  }

  reset () {
    this.#assertOpen()
    call('sqlite.statement.reset', { id: this.#id })
    this.#columnsMeta = this.#columnsMeta.map((entry) => ({ ...entry, type: 'null' }))
    return this
  }

  /**
   * Bind `params`, step to the end and reset (unless `options.reset === false`).
   * @param {any[]} [params]
   * @param {{ mode?: string, batchSize?: number, reset?: boolean }} [options]
   */
  run (params = [], options = {}) {
    const mode = modeOf(options)
    const limit = batchOf(options)
    if (params !== undefined) this.bind(params)
    /** @type {any[]} */
    const rows = []
    let chunk
    do {
      chunk = this.step({ limit, mode })
      rows.push(...chunk.rows)
    } while (!chunk.done)
    if (options?.reset !== false) {
      try { this.reset() } catch {}
    }
    return {
      rows,
      columns: chunk.columns,
      columnsMeta: chunk.columnsMeta,
      changes: chunk.changes,
      lastInsertRowid: chunk.lastInsertRowid,
      mode: chunk.mode
    }
  }

  /**
   * @param {any[]} [params]
   * @param {{ mode?: string, batchSize?: number, reset?: boolean }} [options]
   */
  all (params = [], options = {}) {
    return this.run(params, options).rows
  }

  /**
   * The rows one at a time, fetched `batchSize` at a time.
   * @param {any[]} [params]
   * @param {{ mode?: string, batchSize?: number, reset?: boolean }} [options]
   * @returns {AsyncGenerator<any, void, unknown>}
   */
  iterate (params = [], options = {}) {
    const statement = this
    const mode = modeOf(options)
    const limit = batchOf(options)
    return (async function * () {
      if (params !== undefined) statement.bind(params)
      let done = false
      try {
        while (!done) {
          const chunk = statement.step({ limit, mode })
          done = chunk.done
          for (const row of chunk.rows) {
            await Promise.resolve()
            yield row
          }
        }
      } finally {
        if (options?.reset !== false) {
          try { statement.reset() } catch {}
        }
      }
    })()
  }

  finalize () {
    this.#finalize(false, true)
  }

  /** @param {{ release?: boolean }} [options] */
  _finalize (options = {}) {
    this.#finalize(true, options?.release !== false)
  }

  /**
   * @param {boolean} quiet
   * @param {boolean} release
   */
  #finalize (quiet, release) {
    if (this.#closed) return
    try {
      call('sqlite.statement.finalize', { id: this.#id })
    } catch (error) {
      if (!quiet) throw error
    } finally {
      this.#closed = true
      this.#held.closed = true
      statements.unregister(this)
      if (release) this.#database?._releaseStatementById(this.#id)
      this.#database = null
    }
  }
}

export class Database {
  /** @type {{ id: string | null, closed: boolean }} */
  #state = { id: null, closed: true }
  #path = ''
  #flags = OPEN_DEFAULT
  /** @type {Map<string, WeakRef<Statement>>} */
  #statements = new Map()

  /**
   * Open `path` (`:memory:`, a path in the app's sandbox, or a `file:` URI).
   * @param {any} path
   * @param {{ id?: any, flags?: number }} [options]
   */
  constructor (path, options = {}) {
    if (typeof path !== 'string' || path.length === 0) {
      throw new TypeError('path must be a non-empty string')
    }
    this.#state.id = String(options?.id !== undefined ? options.id : randomId())
    this.#path = path
    this.#flags = typeof options?.flags === 'number' ? options.flags : OPEN_DEFAULT
    call('sqlite.open', { id: this.#state.id, path, flags: this.#flags })
    this.#state.closed = false
    databases.register(this, this.#state, this)
  }

  get id () { return this.#state.id }
  get path () { return this.#path }
  get flags () { return this.#flags }
  get closed () { return this.#state.closed }

  #assertOpen () {
    if (this.closed) throw new Error('Database connection is closed')
  }

  close () {
    if (this.closed) return
    for (const [, ref] of this.#statements) {
      try { ref.deref()?._finalize({ release: false }) } catch {}
    }
    this.#statements.clear()
    call('sqlite.close', { id: this.#state.id })
    this.#state.closed = true
    this.#state.id = null
    databases.unregister(this)
  }

  /**
   * @param {any} sql
   * @param {any} options
   */
  #fields (sql, options) {
    this.#assertOpen()
    if (typeof sql !== 'string' || sql.length === 0) {
      throw new TypeError('sql must be a non-empty string')
    }
    /** @type {Record<string, unknown>} */
    const fields = { id: this.#state.id, sql, mode: modeOf(options) }
    if (options && Object.prototype.hasOwnProperty.call(options, 'params')) {
      fields.params = encodeParams(options.params)
    }
    return fields
  }

  /**
   * Run every statement of `sql` (each with `options.params`); the rows of the last one that
   * has columns.
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  exec (sql, options = {}) {
    const fields = this.#fields(sql, options)
    return decodeResult(call('sqlite.exec', fields), modeOf(options))
  }

  /**
   * `exec` without blocking the page.
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  async execAsync (sql, options = {}) {
    const fields = this.#fields(sql, options)
    return decodeResult(await callAsync('sqlite.exec', fields), modeOf(options))
  }

  /**
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  query (sql, options = {}) {
    return this.exec(sql, options).rows
  }

  /**
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  async queryAsync (sql, options = {}) {
    return (await this.execAsync(sql, options)).rows
  }

  /**
   * Compile the first statement of `sql`.
   * @param {any} sql
   */
  prepare (sql) {
    this.#assertOpen()
    if (typeof sql !== 'string' || sql.length === 0) {
      throw new TypeError('sql must be a non-empty string')
    }
    const data = call('sqlite.prepare', { id: this.#state.id, sql }) ?? {}
    const statement = new Statement(this, data)
    this._trackStatement(statement)
    return statement
  }

  /** @param {Statement} statement */
  _trackStatement (statement) {
    this.#statements.set(statement.id, new WeakRef(statement))
  }

  /** @param {Statement | null | undefined} statement */
  _releaseStatement (statement) {
    if (statement) this._releaseStatementById(statement.id)
  }

  /** @param {any} id */
  _releaseStatementById (id) {
    if (id !== undefined) this.#statements.delete(String(id))
  }
}

/**
 * @param {any} path
 * @param {{ id?: any, flags?: number }} [options]
 */
export function open (path, options) {
  return new Database(path, options)
}

export default Object.freeze({
  Database,
  Statement,
  open,
  hasCRSQLite,
  OPEN_DEFAULT,
  OPEN_READONLY,
  OPEN_READWRITE,
  OPEN_CREATE,
  OPEN_URI,
  OPEN_MEMORY,
  OPEN_NOMUTEX,
  OPEN_FULLMUTEX,
  OPEN_SHAREDCACHE,
  OPEN_PRIVATECACHE
})
