// oro:sqlite: SQLite databases the host opens (oro-sqlite), with the Oro Runtime's API.
//   import { open } from 'oro:sqlite'
//   const db = open(':memory:')
//   db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
//   db.exec('INSERT INTO notes (body) VALUES (?)', { params: ['hello'] })
//   const { rows } = db.exec('SELECT * FROM notes')
// As in Oro, open/exec/prepare and a statement's methods answer synchronously (oro:ipc's
// sendSync: the page waits for the host); execAsync/queryAsync do not block the page. Every
// check of SQL, parameters and paths is the host's; this file encodes values and shapes answers.
// exec and execMany travel as bytes (the host's oro_sqlite/binary.py is the specification):
// SQL, parameters and rows in one binary body, a blob as its bytes, many parameter sets in one
// call, laid out column by column so that the host decodes a column at a time.
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

const NULL = 0
const INTEGER = 1
const FLOAT = 2
const TEXT = 3
const BLOB = 4
const JSON_VALUE = 5
const MIXED = 0xff
const VALUE_TAGS = [INTEGER, FLOAT, TEXT, BLOB, JSON_VALUE]
const REQUEST_MAGIC = [0x4f, 0x53, 0x51, 0x01] // "OSQ\x01"
const ROWS_MAGIC = [0x4f, 0x53, 0x52, 0x01] // "OSR\x01"
const INT64_MIN = -(2 ** 63)
const INT64_END = 2 ** 63
const INT64_MIN_BIG = -(1n << 63n)
const INT64_END_BIG = 1n << 63n
const HIGH_WORD = 2 ** 32
/** A high word within ±2^21: the integer is within ±2^53 and a Number holds it exactly. */
const SAFE_HIGH = 2 ** 21
/** Values one execMany request carries at most (the host's `[sqlite] max_batch_values` is 4M). */
const BATCH_VALUES = 1_000_000
/** Bytes one execMany request aims at; a batch past it is split (ipc.max_body_bytes is 16 MiB). */
const BATCH_BYTES = 8 * 1024 * 1024
/** The share of `BATCH_BYTES` a batch is sized for, from the bytes its sets took before. */
const BATCH_FILL = 0.9
/** The parameter sets encoded first to tell a set's bytes. */
const SAMPLE_SETS = 256
const MANY_SAVEPOINT = 'oro_sqlite_js_exec_many'
const GROUP_VALUES = 65_536
const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/

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
 * A synchronous call with a binary body; its answer (bytes or JSON data).
 * @param {string} route
 * @param {Uint8Array} body
 * @returns {any}
 */
function callBinary (route, body) {
  const { err, data } = sendSync(route, undefined, { body, method: 'POST' })
  if (err) throw err
  return data
}

/**
 * @param {string} route
 * @param {Uint8Array} body
 * @returns {Promise<any>}
 */
async function callBinaryAsync (route, body) {
  return await request(route, undefined, { body, method: 'POST' })
}

/** @param {string} text */
function wellFormed (text) {
  const native = /** @type {any} */ (text).isWellFormed
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text)
}

/** A growing buffer the request body is written into. */
class Writer {
  constructor (size = 256) {
    this.bytes = new Uint8Array(size)
    this.view = new DataView(this.bytes.buffer)
    this.length = 0
  }

  /**
   * Room for `size` more bytes; where they start.
   * @param {number} size
   */
  reserve (size) {
    const at = this.length
    const needed = at + size
    if (needed > this.bytes.length) {
      const bytes = new Uint8Array(Math.max(needed, this.bytes.length * 2))
      bytes.set(this.bytes.subarray(0, at))
      this.bytes = bytes
      this.view = new DataView(bytes.buffer)
    }
    this.length = needed
    return at
  }

  // Each reserves first: `this.bytes[this.reserve(1)]` would read `this.bytes` before a
  // growing reserve replaced it, and write into the old buffer.
  /** @param {number} value */
  u8 (value) {
    const at = this.reserve(1)
    this.bytes[at] = value
  }

  /** @param {number} value */
  u16 (value) {
    const at = this.reserve(2)
    this.view.setUint16(at, value, true)
  }

  /** @param {number} value */
  u32 (value) {
    const at = this.reserve(4)
    this.view.setUint32(at, value, true)
  }

  /** @param {ArrayLike<number>} bytes */
  raw (bytes) {
    const at = this.reserve(bytes.length)
    this.bytes.set(bytes, at)
  }

  /**
   * `text` as UTF-8; how many bytes it took.
   * @param {string} text
   */
  text (text) {
    const at = this.reserve(text.length * 3)
    const { written } = textEncoder.encodeInto(text, this.bytes.subarray(at))
    this.length = at + /** @type {number} */ (written)
    return /** @type {number} */ (written)
  }

  finish () { return this.bytes.subarray(0, this.length) }
}

/**
 * The tag of a page value as the host binds it (the JSON route's rules), its wire form put in
 * `out[index]`: integers of 64 bits and booleans INTEGER, other finite numbers FLOAT, text
 * TEXT, bytes BLOB; a BigInt beyond 64 bits binds as its decimal text, and anything else (an
 * object, text with a lone surrogate) travels as its JSON text for the host to bind as the JSON
 * route would.
 * @param {unknown} value
 * @param {any[]} out
 * @param {number} index
 * @returns {number}
 */
function prepareValue (value, out, index) {
  if (value === undefined || value === null) {
    out[index] = null
    return NULL
  }
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('statement parameters must be finite numbers')
      out[index] = value
      return Number.isInteger(value) && value >= INT64_MIN && value < INT64_END ? INTEGER : FLOAT
    case 'string':
      if (wellFormed(value)) {
        out[index] = value
        return TEXT
      }
      out[index] = JSON.stringify(value)
      return JSON_VALUE
    case 'boolean':
      out[index] = value ? 1 : 0
      return INTEGER
    case 'bigint':
      if (value >= INT64_MIN_BIG && value < INT64_END_BIG) {
        out[index] = value
        return INTEGER
      }
      out[index] = value.toString()
      return TEXT
  }
  if (ArrayBuffer.isView(value)) {
    out[index] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    return BLOB
  }
  if (value instanceof ArrayBuffer) {
    out[index] = new Uint8Array(value)
    return BLOB
  }
  const object = /** @type {any} */ (value)
  const plain = object && typeof object === 'object' && typeof object.toJSON === 'function'
    ? object.toJSON()
    : JSON.parse(/** @type {string} */ (JSON.stringify(value)))
  const text = JSON.stringify(plain)
  out[index] = text === undefined ? null : text
  return text === undefined ? NULL : JSON_VALUE
}

/**
 * @param {DataView} view
 * @param {number} at
 * @param {number | bigint} value
 */
function writeInteger (view, at, value) {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const high = Math.floor(value / HIGH_WORD)
    view.setUint32(at, value - high * HIGH_WORD, true)
    view.setInt32(at + 4, high, true)
  } else {
    view.setBigInt64(at, BigInt(value), true)
  }
}

/**
 * Rows of a group: about 65,536 values, at least one row (the host's `group_rows`).
 * @param {number} width
 */
function groupRows (width) {
  return Math.max(1, Math.floor(GROUP_VALUES / Math.max(1, width)))
}

/**
 * The values of `tag` among `values[first..end)`.
 * @param {any[]} values
 * @param {Uint8Array | null} tags one per value, `null`: all are `tag`
 * @param {number} tag
 * @param {number} first
 * @param {number} end
 */
function valuesOf (values, tags, tag, first, end) {
  // Read only by the callers: all of them are `values` itself, not a copy.
  if (tags === null) return first === 0 && end === values.length ? values : values.slice(first, end)
  const chosen = []
  for (let index = first; index < end; index++) if (tags[index] === tag) chosen.push(values[index])
  return chosen
}

/**
 * The values of one tag in a column: their wire form (the host's binary.py).
 * @param {Writer} writer
 * @param {number} tag
 * @param {any[]} values
 * @param {Uint8Array | null} tags one per value, `null`: all are `tag`
 * @param {number} count
 * @param {number} size rows of a group
 */
function writeSection (writer, tag, values, tags, count, size) {
  if (tag === INTEGER || tag === FLOAT) {
    const chosen = valuesOf(values, tags, tag, 0, count)
    let at = writer.reserve(8 * chosen.length)
    const view = writer.view
    for (const value of chosen) {
      if (tag === INTEGER) writeInteger(view, at, value)
      else view.setFloat64(at, value, true)
      at += 8
    }
    return
  }
  const joined = tag !== BLOB && valuesOf(values, tags, tag, 0, count).every((text) => text.indexOf('\0') === -1)
  if (tag !== BLOB) writer.u8(joined ? 1 : 0)
  if (joined) {
    // One encode per group of rows: the host splits each group's text on NUL in one call.
    for (let first = 0; first < count; first += size) {
      const lengthAt = writer.reserve(4)
      const written = writer.text(valuesOf(values, tags, tag, first, Math.min(count, first + size)).join('\0'))
      writer.view.setUint32(lengthAt, written, true)
    }
    return
  }
  const chosen = valuesOf(values, tags, tag, 0, count)
  let lengths = writer.reserve(4 * chosen.length)
  for (const value of chosen) {
    let written
    if (tag === BLOB) {
      written = value.byteLength
      writer.raw(value)
    } else {
      written = writer.text(value)
    }
    writer.view.setUint32(lengths, written, true)
    lengths += 4
  }
}

/**
 * `sets[first..end)` as a block: count, width, then each column.
 * @param {Writer} writer
 * @param {unknown[]} sets each an array of values (or a bare value: a set of one)
 * @param {number} first
 * @param {number} end
 * @param {number} width
 */
function writeBlock (writer, sets, first, end, width) {
  const count = end - first
  writer.u32(count)
  writer.u32(width)
  const size = groupRows(width)
  const values = new Array(count)
  const tags = new Uint8Array(count)
  for (let column = 0; column < width; column++) {
    let uniform = NULL
    for (let index = 0; index < count; index++) {
      const set = sets[first + index]
      // A set as `asSet` has it (a bare value is a set of one), read in place: no copy.
      const value = Array.isArray(set) ? set[column] : column === 0 ? set : undefined
      const tag = prepareValue(value, values, index)
      tags[index] = tag
      if (index === 0) uniform = tag
      else if (tag !== uniform) uniform = MIXED
    }
    writer.u8(uniform)
    if (uniform === MIXED) writer.raw(tags)
    for (const tag of VALUE_TAGS) {
      if (uniform === tag) writeSection(writer, tag, values, null, count, size)
      else if (uniform === MIXED && tags.subarray(0, count).includes(tag)) writeSection(writer, tag, values, tags, count, size)
    }
  }
}

/**
 * A request body: database id, SQL, the row mode and parameter sets `first..end` of `sets`.
 * @param {string} id
 * @param {string} sql
 * @param {string} mode
 * @param {unknown[]} sets
 * @param {number} first
 * @param {number} end
 * @param {number} width
 */
function encodeRequest (id, sql, mode, sets, first, end, width) {
  const writer = new Writer(64 + sql.length * 3)
  writer.raw(REQUEST_MAGIC)
  writer.u8(mode === ARRAY ? 1 : 0)
  const idBytes = textEncoder.encode(id)
  writer.u16(idBytes.length)
  writer.raw(idBytes)
  const sqlLength = writer.reserve(4)
  const sqlBytes = writer.text(sql)
  writer.view.setUint32(sqlLength, sqlBytes, true)
  writeBlock(writer, sets, first, end, width)
  return writer.finish()
}

/**
 * A parameter set as an array (a bare value is a set of one, `undefined` none), as `params`.
 * @param {unknown} params
 * @returns {unknown[]}
 */
function asSet (params) {
  if (params === undefined) return []
  return Array.isArray(params) ? params : [params]
}

/**
 * The values of one tag in a column of an answer.
 * @param {Uint8Array} bytes
 * @param {DataView} view
 * @param {{ offset: number }} at
 * @param {number} tag
 * @param {Uint8Array | null} tags one per row, `null`: all are `tag`
 * @param {number} count rows
 * @param {number} size rows of a group
 * @returns {any[]}
 */
function readSection (bytes, view, at, tag, tags, count, size) {
  /** @param {number} first @param {number} end */
  const among = (first, end) => {
    if (tags === null) return end - first
    let number = 0
    for (let index = first; index < end; index++) if (tags[index] === tag) number++
    return number
  }
  const number = among(0, count)
  const values = new Array(number)
  if (tag === NULL) return values.fill(null)
  if (tag === INTEGER || tag === FLOAT) {
    let offset = at.offset
    for (let index = 0; index < number; index++, offset += 8) {
      if (tag === FLOAT) {
        values[index] = view.getFloat64(offset, true)
        continue
      }
      const high = view.getInt32(offset + 4, true)
      const value = high * HIGH_WORD + view.getUint32(offset, true)
      values[index] = high >= -SAFE_HIGH && high < SAFE_HIGH && Number.isSafeInteger(value)
        ? value
        : view.getBigInt64(offset, true)
    }
    at.offset = offset
    return values
  }
  const layout = tag === BLOB ? 0 : bytes[at.offset++]
  if (layout === 1) {
    let index = 0
    for (let first = 0; first < count; first += size) {
      const length = view.getUint32(at.offset, true)
      const text = textDecoder.decode(bytes.subarray(at.offset + 4, at.offset + 4 + length))
      at.offset += 4 + length
      if (among(first, Math.min(count, first + size)) === 0) continue
      for (const piece of text.split('\0')) values[index++] = piece
    }
    return values
  }
  let lengths = at.offset
  let offset = lengths + 4 * number
  for (let index = 0; index < number; index++, lengths += 4) {
    const length = view.getUint32(lengths, true)
    const slice = bytes.subarray(offset, offset + length)
    values[index] = tag === BLOB ? Buffer.from(slice) : textDecoder.decode(slice)
    offset += length
  }
  at.offset = offset
  return values
}

/**
 * Each column of a block of `count` rows.
 * @param {Uint8Array} bytes
 * @param {DataView} view
 * @param {{ offset: number }} at
 * @param {number} count
 * @param {number} width
 * @returns {any[][]}
 */
function readColumns (bytes, view, at, count, width) {
  const size = groupRows(width)
  const columns = []
  for (let column = 0; column < width; column++) {
    const uniform = bytes[at.offset++]
    if (uniform !== MIXED) {
      columns.push(readSection(bytes, view, at, uniform, null, count, size))
      continue
    }
    const tags = bytes.subarray(at.offset, at.offset + count)
    at.offset += count
    /** @type {Map<number, any[]>} */
    const sections = new Map()
    for (const tag of [NULL, ...VALUE_TAGS]) {
      if (tags.includes(tag)) sections.set(tag, readSection(bytes, view, at, tag, tags, count, size))
    }
    /** @type {Map<number, number>} */
    const taken = new Map()
    const values = new Array(count)
    for (let index = 0; index < count; index++) {
      const tag = tags[index]
      const next = taken.get(tag) ?? 0
      taken.set(tag, next + 1)
      values[index] = /** @type {any[]} */ (sections.get(tag))[next]
    }
    columns.push(values)
  }
  return columns
}

/**
 * A `sqlite.execBinary` answer as `exec` answers: rows as objects or arrays.
 * @param {any} data the answer's bytes
 * @param {string} mode
 */
function decodeBinaryResult (data, mode) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.length < 8 || ROWS_MAGIC.some((byte, index) => bytes[index] !== byte)) {
    throw new TypeError('oro:sqlite: the host answered something that is not rows')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = view.getUint32(4, true)
  const header = JSON.parse(textDecoder.decode(bytes.subarray(8, 8 + headerLength)))
  const at = { offset: 8 + headerLength }
  const count = view.getUint32(at.offset, true)
  const width = view.getUint32(at.offset + 4, true)
  at.offset += 8
  const columns = readColumns(bytes, view, at, count, width)
  const names = decodeColumns(header?.columns)
  const rows = new Array(count)
  for (let index = 0; index < count; index++) {
    if (mode === ARRAY) {
      const row = new Array(width)
      for (let column = 0; column < width; column++) row[column] = columns[column][index]
      rows[index] = row
      continue
    }
    /** @type {Record<string, any>} */
    const row = {}
    for (let column = 0; column < width; column++) {
      const name = names[column] ?? String(column)
      if (name === '__proto__') {
        Object.defineProperty(row, name, { value: columns[column][index], enumerable: true, writable: true, configurable: true })
      } else {
        row[name] = columns[column][index]
      }
    }
    rows[index] = row
  }
  return { ...decodeResult({ ...header, rows: [] }, mode), rows }
}

/**
 * The requests of an execMany: parameter sets in batches of at most `BATCH_VALUES` values and,
 * as far as one set allows, `BATCH_BYTES` bytes.
 * @param {string} id
 * @param {string} sql
 * @param {unknown} paramSets
 * @returns {Generator<Uint8Array, void, unknown>}
 */
function * manyRequests (id, sql, paramSets) {
  if (paramSets === null || typeof paramSets !== 'object' || typeof (/** @type {any} */ (paramSets))[Symbol.iterator] !== 'function') {
    throw new TypeError('paramSets must be an array (or iterable) of parameter arrays')
  }
  // The page's array of sets copied (not each set): a copy per set cost more than encoding.
  const sets = Array.isArray(paramSets) ? paramSets.slice() : Array.from(/** @type {Iterable<unknown>} */ (paramSets))
  let width = 0
  for (const set of sets) {
    const length = Array.isArray(set) ? set.length : set === undefined ? 0 : 1
    if (length > width) width = length
  }
  const most = Math.max(1, Math.floor(BATCH_VALUES / Math.max(1, width)))
  // A batch's size in sets, from the bytes a set took in the last body (first a sample's):
  // a block is laid out column by column, so a body too big is encoded again, smaller.
  const fitting = (/** @type {number} */ count, /** @type {number} */ bytes) =>
    Math.max(1, Math.min(most, Math.floor(count * BATCH_FILL * BATCH_BYTES / Math.max(1, bytes))))
  const sample = Math.min(sets.length, SAMPLE_SETS)
  let size = sets.length > sample
    ? fitting(sample, encodeRequest(id, sql, OBJECT, sets, 0, sample, width).length)
    : most
  let first = 0
  do {
    const end = Math.min(sets.length, first + size)
    const body = encodeRequest(id, sql, OBJECT, sets, first, end, width)
    if (body.length > BATCH_BYTES && end - first > 1) {
      size = Math.min(end - first - 1, fitting(end - first, body.length))
      continue
    }
    yield body
    size = fitting(end - first, body.length)
    first = end
  } while (first < sets.length)
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
    return this.#step(options, {})
  }

  /**
   * `step` with the host's extra fields: `params` to bind first, `reset` once done.
   * @param {{ limit?: number, mode?: string }} options
   * @param {Record<string, unknown>} extra
   */
  #step (options, extra) {
    this.#assertOpen()
    const mode = modeOf(options)
    /** @type {Record<string, unknown>} */
    const fields = { ...extra, id: this.#id, mode }
    if (typeof options?.limit === 'number' && Number.isFinite(options.limit) && options.limit > 0) {
      fields.limit = Math.trunc(options.limit)
    }
    const data = call('sqlite.statement.step', fields)
    const chunk = { ...decodeResult(data, mode), done: Boolean(data?.done) }
    this.#columns = chunk.columns
    this.#columnsMeta = chunk.columnsMeta
    if (extra.reset && chunk.done) {
      this.#columnsMeta = this.#columnsMeta.map((entry) => ({ ...entry, type: 'null' }))
    }
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
    const reset = options?.reset !== false
    // The first step binds and, when it is the last, resets too: a run of a statement that
    // answers one page of rows (an INSERT, a lookup) is one call to the host, not three.
    /** @type {Record<string, unknown>} */
    const first = { reset }
    if (params !== undefined) first.params = encodeParams(params)
    /** @type {any[]} */
    const rows = []
    let chunk = this.#step({ limit, mode }, first)
    const resetByHost = chunk.done
    rows.push(...chunk.rows)
    while (!chunk.done) {
      chunk = this.step({ limit, mode })
      rows.push(...chunk.rows)
    }
    if (reset && !resetByHost) {
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
   * The binary body of an exec.
   * @param {any} sql
   * @param {any} options
   */
  #execBody (sql, options) {
    const fields = this.#fields(sql, {})
    const set = Object.prototype.hasOwnProperty.call(options ?? {}, 'params') ? asSet(options.params) : []
    // The parameters as one column, a row each: one column decodes in a few calls on the host.
    const rows = set.map((value) => [value])
    return encodeRequest(String(fields.id), /** @type {string} */ (fields.sql), modeOf(options), rows, 0, rows.length, rows.length > 0 ? 1 : 0)
  }

  /**
   * Run every statement of `sql` (each with `options.params`); the rows of the last one that
   * has columns.
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  exec (sql, options = {}) {
    const body = this.#execBody(sql, options)
    return decodeBinaryResult(callBinary('sqlite.execBinary', body), modeOf(options))
  }

  /**
   * `exec` without blocking the page.
   * @param {any} sql
   * @param {{ params?: any, mode?: string }} [options]
   */
  async execAsync (sql, options = {}) {
    const body = this.#execBody(sql, options)
    return decodeBinaryResult(await callBinaryAsync('sqlite.execBinary', body), modeOf(options))
  }

  /**
   * Run the one statement of `sql` once for each parameter set of `paramSets` (an array of
   * `params` arrays), as Python's `executemany`: all of them or, on an error, none (a savepoint
   * inside the page's transaction, if one is open). Many sets cost one call to the host (a few
   * for very many), not one each. `changes` counts the rows every set changed.
   * @param {any} sql
   * @param {Iterable<any>} paramSets
   * @returns {{ changes: number, lastInsertRowid: bigint }}
   */
  execMany (sql, paramSets) {
    const bodies = [...this.#manyBodies(sql, paramSets)]
    if (bodies.length === 1) return manyResult([callBinary('sqlite.execMany', bodies[0])])
    this.exec(`SAVEPOINT ${MANY_SAVEPOINT}`)
    try {
      const answers = bodies.map((body) => callBinary('sqlite.execMany', body))
      this.exec(`RELEASE ${MANY_SAVEPOINT}`)
      return manyResult(answers)
    } catch (error) {
      try { this.exec(`ROLLBACK TO ${MANY_SAVEPOINT}`); this.exec(`RELEASE ${MANY_SAVEPOINT}`) } catch {}
      throw error
    }
  }

  /**
   * `execMany` without blocking the page.
   * @param {any} sql
   * @param {Iterable<any>} paramSets
   * @returns {Promise<{ changes: number, lastInsertRowid: bigint }>}
   */
  async execManyAsync (sql, paramSets) {
    const bodies = [...this.#manyBodies(sql, paramSets)]
    if (bodies.length === 1) return manyResult([await callBinaryAsync('sqlite.execMany', bodies[0])])
    await this.execAsync(`SAVEPOINT ${MANY_SAVEPOINT}`)
    try {
      const answers = []
      for (const body of bodies) answers.push(await callBinaryAsync('sqlite.execMany', body))
      await this.execAsync(`RELEASE ${MANY_SAVEPOINT}`)
      return manyResult(answers)
    } catch (error) {
      try {
        await this.execAsync(`ROLLBACK TO ${MANY_SAVEPOINT}`)
        await this.execAsync(`RELEASE ${MANY_SAVEPOINT}`)
      } catch {}
      throw error
    }
  }

  /**
   * @param {any} sql
   * @param {any} paramSets
   */
  #manyBodies (sql, paramSets) {
    const fields = this.#fields(sql, {})
    return manyRequests(String(fields.id), /** @type {string} */ (fields.sql), paramSets)
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
 * What execMany answers for its requests' answers: changes summed, the last rowid.
 * @param {any[]} answers
 */
function manyResult (answers) {
  let changes = 0
  let lastInsertRowid = 0n
  for (const answer of answers) {
    changes += Number.parseInt(answer?.changes ?? 0, 10) || 0
    try {
      lastInsertRowid = BigInt(answer?.lastInsertRowid ?? 0)
    } catch {}
  }
  return { changes, lastInsertRowid }
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
