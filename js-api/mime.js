/**
 * `oro:mime` — Oro's MIME databases over the host's table (`mime.table`): `lookup('png')`
 * answers `[{ name: 'png', mime: 'image/png', database }]`, `lookup('image/png')` the reverse;
 * one `Database` per top-level type (`application`, `audio`, `font`, `image`, `model`,
 * `multipart`, `text`, `video`). Names are the host's file extensions. Also Node's `util`
 * `MIMEType` and `MIMEParams` (WHATWG MIME type parsing).
 *
 * ```js
 * import mime from 'oro:mime'
 * const [result] = await mime.lookup('svg')      // { name: 'svg', mime: 'image/svg+xml', ... }
 * new mime.MIMEType('text/plain; charset=utf-8').params.get('charset') // 'utf-8'
 * ```
 * @module oro:mime
 */

import { request, sendSync } from './ipc.js'
import { invalidArgType, withCode } from './errors.js'

/** One match of a lookup: the name (extension) and the media type, and where it was found. */
export class DatabaseQueryResult {
  /**
   * @param {Database} database
   * @param {string} name
   * @param {string} mime
   */
  constructor (database, name, mime) {
    this.database = database
    this.name = name
    this.mime = mime
  }
}

/** The media types of one top-level type (`image/...`), loaded from the host once. */
export class Database {
  /** @type {Promise<void> | null} */
  #loading = null
  #loaded = false

  /** @param {string} name the top-level type, e.g. `image` */
  constructor (name) {
    if (typeof name !== 'string') throw invalidArgType('name', 'of type string', name)
    this.name = name
    /** Name (extension) → media type. @type {Map<string, string>} */
    this.map = new Map()
    /** Media type → the name lookups prefer for it. @type {Map<string, string>} */
    this.index = new Map()
  }

  /** `[name, mime]` of every entry (empty until loaded). */
  entries () {
    return this.map.entries()
  }

  /**
   * Fill the database from `[name, mime]` pairs (what the host answers).
   * @param {Iterable<[string, string]>} pairs
   */
  fill (pairs) {
    this.#loaded = true
    for (const [name, mime] of pairs) {
      this.map.set(name, mime)
      if (!this.index.has(mime.toLowerCase())) this.index.set(mime.toLowerCase(), name.toLowerCase())
    }
  }

  /** True once filled (from the host or by `fill`). */
  get loaded () {
    return this.#loaded
  }

  /** Load the entries from the host (once; later calls wait for the same load). */
  load () {
    if (this.#loaded) return Promise.resolve()
    if (!this.#loading) {
      this.#loading = request('mime.table', { type: this.name }).then((answer) => {
        this.fill(answer?.types ?? [])
      }, (error) => {
        this.#loading = null
        throw error
      })
    }
    return this.#loading
  }

  /** `load()` done synchronously (one synchronous call to the host), as Oro's `loadSync()`. */
  loadSync () {
    if (this.#loaded) return
    const { err, data } = sendSync('mime.table', { type: this.name })
    if (err) throw err
    this.fill(data?.types ?? [])
  }

  /**
   * `lookup()` answered synchronously, as Oro's `lookupSync()`.
   * @param {string} query
   * @returns {DatabaseQueryResult[]}
   */
  lookupSync (query) {
    checkQuery(query)
    this.loadSync()
    return this.query(query)
  }

  /**
   * Look `query` up once loaded.
   * @param {string} query a name (`png`), a media type (`image/png`) or a name prefix
   * @returns {Promise<DatabaseQueryResult[]>}
   */
  async lookup (query) {
    checkQuery(query)
    await this.load()
    return this.query(query)
  }

  /**
   * The entries matching `query` now, as Oro matches them: the exact name, the exact media
   * type (reverse lookup), or a name whose leading `+`-separated parts are the query's
   * (`ld` finds `ld+json`; `sv` finds nothing).
   * @param {string} query
   * @returns {DatabaseQueryResult[]}
   */
  query (query) {
    checkQuery(query)
    const wanted = query.toLowerCase()
    const wantedParts = wanted.split('+')
    const results = []
    for (const [key, value] of this.map) {
      const name = key.toLowerCase()
      const mime = value.toLowerCase()
      if (wanted === name || wanted === mime) {
        results.push(new DatabaseQueryResult(this, name, mime))
      } else if (name.startsWith(wanted)) {
        const nameParts = name.split('+')
        if (wantedParts.length <= nameParts.length && wantedParts.every((part, i) => part === nameParts[i])) {
          results.push(new DatabaseQueryResult(this, name, mime))
        }
      }
    }
    return results
  }
}

/** @param {unknown} query */
function checkQuery (query) {
  if (typeof query !== 'string') throw invalidArgType('query', 'of type string', query)
}

export const application = new Database('application')
export const audio = new Database('audio')
export const font = new Database('font')
export const image = new Database('image')
export const model = new Database('model')
export const multipart = new Database('multipart')
export const text = new Database('text')
export const video = new Database('video')

/** The databases `lookup` searches; push a `Database` to search another top-level type. */
export const databases = [application, audio, font, image, model, multipart, text, video]

/** @type {Promise<void> | null} */
let loadingAll = null

/** Load every built-in database with one request to the host. */
function loadAll () {
  if (!loadingAll) {
    loadingAll = request('mime.table', {}).then((answer) => {
      /** @type {Map<string, [string, string][]>} */
      const byType = new Map()
      for (const [name, mime] of answer?.types ?? []) {
        const top = mime.slice(0, mime.indexOf('/'))
        byType.set(top, [...(byType.get(top) ?? []), [name, mime]])
      }
      for (const database of [application, audio, font, image, model, multipart, text, video]) {
        if (!database.loaded) database.fill(byType.get(database.name) ?? [])
      }
    }, (error) => {
      loadingAll = null
      throw error
    })
  }
  return loadingAll
}

/**
 * Look a name (extension) or a media type up in every database.
 * @param {string} query
 * @returns {Promise<DatabaseQueryResult[]>}
 */
export async function lookup (query) {
  checkQuery(query)
  await loadAll()
  const results = []
  for (const database of databases) results.push(...await database.lookup(query))
  return results
}

/**
 * `lookup()` answered synchronously (a synchronous call to the host for each database not yet
 * loaded), as Oro's `lookupSync()`.
 * @param {string} query
 * @returns {DatabaseQueryResult[]}
 */
export function lookupSync (query) {
  checkQuery(query)
  return databases.flatMap((database) => database.lookupSync(query))
}

// Node's util.MIMEType/MIMEParams (WHATWG MIME Sniffing "parse a MIME type").
const NOT_TOKEN = /[^!#$%&'*+\-.^_`|~A-Za-z0-9]/
const NOT_QUOTED_STRING = /[^\t\u0020-~\u0080-\u00FF]/
const NOT_LEADING_WHITESPACE = /[^\r\n\t ]|$/
const TRAILING_WHITESPACE = /[\r\n\t ]*$/
const EQUALS_SEMICOLON_OR_END = /[;=]|$/
const QUOTED_VALUE = /^(?:([\\]$)|[\\][\s\S]|[^"])*(?:(")|$)/u

/** @param {string} value */
function asciiLower (value) {
  return value.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
}

/**
 * Node's `ERR_INVALID_MIME_SYNTAX`.
 * @param {string} production
 * @param {string} input
 * @param {number} at
 */
function syntaxError (production, input, at) {
  const where = at === -1 ? '' : ` at ${at}`
  return withCode(new TypeError(`The MIME syntax for a ${production} in "${input}" is invalid${where}`), 'ERR_INVALID_MIME_SYNTAX')
}

/** @param {string} value */
function unescapeQuoted (value) {
  let out = ''
  let i = 0
  for (; i < value.length - 1; i++) {
    if (value[i] === '\\') out += value[++i]
    else out += value[i]
  }
  if (i === value.length - 1) out += value[i]
  return out
}

/**
 * @param {Map<string, string>} data
 * @param {string} source
 */
function parseInto (data, source) {
  const end = source.search(TRAILING_WHITESPACE)
  let position = 0
  while (position < end) {
    position += source.slice(position).search(NOT_LEADING_WHITESPACE)
    const afterName = source.slice(position).search(EQUALS_SEMICOLON_OR_END) + position
    const name = asciiLower(source.slice(position, afterName))
    position = afterName
    if (position < end) {
      const terminator = source[position]
      position += 1
      if (terminator === ';') continue
    }
    if (position >= end) break
    let value
    if (source[position] === '"') {
      position += 1
      const match = /** @type {RegExpExecArray} */ (QUOTED_VALUE.exec(source.slice(position)))
      position += match[0].length
      const inside = match[1] || match[2] ? match[0].slice(0, -1) : match[0]
      value = unescapeQuoted(inside)
      if (match[1]) value += '\\'
    } else {
      const valueEnd = source.indexOf(';', position)
      const raw = valueEnd === -1 ? source.slice(position) : source.slice(position, valueEnd)
      position += raw.length
      value = raw.slice(0, raw.search(TRAILING_WHITESPACE))
      if (value === '') continue
    }
    if (name !== '' && !NOT_TOKEN.test(name) && !NOT_QUOTED_STRING.test(value) && !data.has(name)) {
      data.set(name, value)
    }
    position++
  }
}

/** @param {string} value */
function encodeValue (value) {
  if (value.length === 0) return '""'
  if (!NOT_TOKEN.test(value)) return value
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/**
 * Parse the parameters after `type/subtype;` into `params` (set by `MIMEParams`' static block,
 * which can reach its private map).
 * @type {(params: MIMEParams, source: string) => void}
 */
let parseParams

/** The parameters of a `MIMEType`: a map of lowercase names to values. */
export class MIMEParams {
  /** @type {Map<string, string>} */
  #data = new Map()

  static {
    parseParams = (params, source) => parseInto(params.#data, source)
  }

  /** @param {string} name */
  delete (name) {
    this.#data.delete(name)
  }

  /**
   * @param {string} name
   * @returns {string | null}
   */
  get (name) {
    return this.#data.get(name) ?? null
  }

  /** @param {string} name */
  has (name) {
    return this.#data.has(name)
  }

  /**
   * @param {string} name a token
   * @param {string} value
   */
  set (name, value) {
    name = `${name}`
    value = `${value}`
    const badName = name.search(NOT_TOKEN)
    if (name.length === 0 || badName !== -1) throw syntaxError('parameter name', name, badName)
    const badValue = value.search(NOT_QUOTED_STRING)
    if (badValue !== -1) throw syntaxError('parameter value', value, badValue)
    this.#data.set(name, value)
  }

  entries () {
    return this.#data.entries()
  }

  keys () {
    return this.#data.keys()
  }

  values () {
    return this.#data.values()
  }

  [Symbol.iterator] () {
    return this.#data.entries()
  }

  toString () {
    return [...this.#data].map(([key, value]) => `${key}=${encodeValue(value)}`).join(';')
  }

  toJSON () {
    return this.toString()
  }
}

/** Node's `util.MIMEType`: a parsed `type/subtype;name=value` string. */
export class MIMEType {
  #type
  #subtype
  #params = new MIMEParams()

  /** @param {string} input */
  constructor (input) {
    input = `${input}`
    let position = input.search(NOT_LEADING_WHITESPACE)
    const typeEnd = input.indexOf('/', position)
    const type = typeEnd === -1 ? input.slice(position) : input.slice(position, typeEnd)
    const badType = type.search(NOT_TOKEN)
    if (type === '' || badType !== -1 || typeEnd === -1) throw syntaxError('type', input, badType)
    position = typeEnd + 1
    const subtypeEnd = input.indexOf(';', position)
    const rawSubtype = subtypeEnd === -1 ? input.slice(position) : input.slice(position, subtypeEnd)
    position += rawSubtype.length
    if (subtypeEnd !== -1) position += 1
    const subtype = rawSubtype.slice(0, rawSubtype.search(TRAILING_WHITESPACE))
    const badSubtype = subtype.search(NOT_TOKEN)
    if (subtype === '' || badSubtype !== -1) throw syntaxError('subtype', input, badSubtype)
    this.#type = asciiLower(type)
    this.#subtype = asciiLower(subtype)
    parseParams(this.#params, input.slice(position))
  }

  get type () { return this.#type }
  set type (value) {
    value = `${value}`
    const bad = value.search(NOT_TOKEN)
    if (value.length === 0 || bad !== -1) throw syntaxError('type', value, bad)
    this.#type = asciiLower(value)
  }

  get subtype () { return this.#subtype }
  set subtype (value) {
    value = `${value}`
    const bad = value.search(NOT_TOKEN)
    if (value.length === 0 || bad !== -1) throw syntaxError('subtype', value, bad)
    this.#subtype = asciiLower(value)
  }

  /** `type/subtype` without parameters. */
  get essence () { return `${this.#type}/${this.#subtype}` }

  get params () { return this.#params }

  toString () {
    const params = this.#params.toString()
    return params ? `${this.essence};${params}` : this.essence
  }

  toJSON () {
    return this.toString()
  }
}

export default {
  Database,
  DatabaseQueryResult,
  MIMEParams,
  MIMEType,
  application,
  audio,
  databases,
  font,
  image,
  lookup,
  lookupSync,
  model,
  multipart,
  text,
  video
}
