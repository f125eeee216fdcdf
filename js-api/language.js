/**
 * `oro:language` — ISO 639-1 language codes and names, and RFC 5646 language tags, as Oro's
 * module offers them: `lookup(query)` finds languages by code (`'fr'`), name (`'French'`) or tag
 * (`'fr-CA'`), `describe(tag)` names a tag (`'French (Canada)'`). Names and descriptions are the
 * page's own (`Intl.DisplayNames`, English), so no table of names travels with the module.
 *
 * ```js
 * import language from 'oro:language'
 * language.lookup('fr-CA')[0] // { code: 'FR', name: 'French', tags: ['fr-CA'] }
 * ```
 * @module oro:language
 */

import Enumeration from './enumeration.js'

// ISO 639-1, without the withdrawn `bh`, `in`, `iw`, `ji`, `jw`, `mo`, `sh`.
const ISO_639_1 = (
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da ' +
  'de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy ' +
  'hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg ' +
  'li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or ' +
  'os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta ' +
  'te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zu'
).split(' ')

// The regions a language is commonly tagged with (the locales desktop systems ship).
const REGIONS = /** @type {Record<string, string>} */ ({
  af: 'ZA', am: 'ET', ar: 'AE BH DZ EG IQ JO KW LB LY MA OM QA SA SY TN YE', as: 'IN', az: 'AZ',
  be: 'BY', bg: 'BG', bn: 'BD IN', bs: 'BA', ca: 'ES', cs: 'CZ', cy: 'GB', da: 'DK',
  de: 'AT CH DE LI LU', dv: 'MV', el: 'GR', en: 'AU BZ CA GB IE IN JM NZ PH SG TT US ZA ZW',
  es: 'AR BO CL CO CR DO EC ES GT HN MX NI PA PE PR PY SV US UY VE', et: 'EE', eu: 'ES',
  fa: 'IR', fi: 'FI', fo: 'FO', fr: 'BE CA CH FR LU MC', ga: 'IE', gl: 'ES', gu: 'IN', he: 'IL',
  hi: 'IN', hr: 'BA HR', hu: 'HU', hy: 'AM', id: 'ID', is: 'IS', it: 'CH IT', ja: 'JP', ka: 'GE',
  kk: 'KZ', km: 'KH', kn: 'IN', ko: 'KR', ky: 'KG', lb: 'LU', lo: 'LA', lt: 'LT', lv: 'LV',
  mi: 'NZ', mk: 'MK', ml: 'IN', mn: 'MN', mr: 'IN', ms: 'BN MY', mt: 'MT', my: 'MM', nb: 'NO',
  ne: 'NP', nl: 'BE NL', nn: 'NO', pa: 'IN', pl: 'PL', ps: 'AF', pt: 'BR PT', qu: 'BO EC PE',
  ro: 'RO', ru: 'RU', rw: 'RW', sa: 'IN', se: 'FI NO SE', si: 'LK', sk: 'SK', sl: 'SI', sq: 'AL',
  sr: 'BA ME RS', sv: 'FI SE', sw: 'KE', ta: 'IN', te: 'IN', tg: 'TJ', th: 'TH', tk: 'TM',
  tn: 'ZA', tr: 'TR', tt: 'RU', uk: 'UA', ur: 'PK', uz: 'UZ', vi: 'VN', xh: 'ZA', yo: 'NG',
  zh: 'CN HK MO SG TW', zu: 'ZA'
})

const displayNames = typeof Intl?.DisplayNames === 'function'
  ? new Intl.DisplayNames(['en'], { type: 'language', languageDisplay: 'standard', fallback: 'none' })
  : null

/**
 * The English name of a code or tag, or null when the page's `Intl` has none.
 * @param {string} tag
 * @returns {string | null}
 */
function displayName (tag) {
  try {
    return displayNames?.of(tag) ?? null
  } catch {
    return null
  }
}

const known = ISO_639_1.filter((code) => displayName(code) !== null)

/** The languages' ISO 639-1 codes, upper case (`'EN'`), in the order of `names`. */
export const codes = Enumeration.from(known.map((code) => code.toUpperCase()))
const codeList = known.map((code) => code.toUpperCase())
// Names by code position (two codes may share a name: the enumeration keeps it once).
const nameList = known.map((code) => /** @type {string} */ (displayName(code)))

/** The languages' English names (`'English'`), in the order of `codes`. */
export const names = Enumeration.from(nameList)

/** RFC 5646 tags: each language's code, then its regional tags (`'en'`, `'en-AU'`...). */
const tagList = known.flatMap((code) => [
  code, ...(REGIONS[code] ?? '').split(' ').filter(Boolean).map((region) => `${code}-${region}`)
])
export const tags = Enumeration.from(tagList)

/** The tags' English descriptions (`'English (Australia)'`), in the order of `tags`. */
const descriptionList = tagList.map((tag) => displayName(tag) ?? tag)
export const descriptions = Enumeration.from(descriptionList)

/** A language found by `lookup()`: its code (upper case), name and tags. */
export class LanguageQueryResult {
  #code
  #name
  #tags

  /**
   * @param {string} code
   * @param {string} name
   * @param {string[]} tags
   */
  constructor (code, name, tags) {
    this.#code = code.toUpperCase()
    this.#name = name
    this.#tags = Object.freeze([...tags])
  }

  /** @returns {string} */
  get code () { return this.#code }
  /** @returns {string} */
  get name () { return this.#name }
  /** @returns {string[]} */
  get tags () { return [...this.#tags] }

  toJSON () {
    return { code: this.code, name: this.name, tags: this.tags }
  }

  [Symbol.for('nodejs.util.inspect.custom')] () {
    return Object.assign(new (class LanguageQueryResult {})(), this.toJSON())
  }
}

/** A tag found by `describe()`: its language's code, the tag and its description. */
export class LanguageDescription {
  #code
  #tag
  #description

  /**
   * @param {string} code
   * @param {string} tag
   * @param {string} description
   */
  constructor (code, tag, description) {
    this.#code = code
    this.#tag = tag
    this.#description = description
  }

  /** @returns {string} */
  get code () { return this.#code }
  /** @returns {string} */
  get tag () { return this.#tag }
  /** @returns {string} */
  get description () { return this.#description }

  toJSON () {
    return { code: this.code, tag: this.tag, description: this.description }
  }

  [Symbol.for('nodejs.util.inspect.custom')] () {
    return Object.assign(new (class LanguageDescription {})(), this.toJSON())
  }
}

/**
 * Positions of `items` that `query` starts (case-insensitively), or equals when `strict`.
 * @param {Iterable<any>} items
 * @param {string} query
 * @param {boolean} strict
 * @returns {number[]}
 */
function matching (items, query, strict) {
  const wanted = query.toLowerCase()
  const found = []
  let position = 0
  for (const item of items) {
    const value = String(item).toLowerCase()
    if (strict ? value === wanted : value.startsWith(wanted)) found.push(position)
    position++
  }
  return found
}

/**
 * @param {unknown} query
 * @param {number} count
 * @returns {asserts query is string}
 */
function checkQuery (query, count) {
  const failed = 'Failed to lookup query: '
  if (count === 0) throw new TypeError(`${failed}1 argument required, but only 0 present.`)
  if (typeof query !== 'string') throw new TypeError(`${failed}Expecting string as first argument.`)
  if (query.length === 0) throw new TypeError(`${failed}Expecting string to not be empty.`)
  if (query.length < 2) throw new TypeError(`${failed}Expecting string to at least 2 characters.`)
}

/**
 * The languages `query` names: by code first (`'fr'`), else by tag (`'fr-CA'`: the language,
 * with the tags matched), else by name (`'Fren'`). With `strict`, codes and names must match
 * whole; tags are matched by prefix, as Oro matches them.
 * @param {string} query
 * @param {{ strict?: boolean }} [options]
 * @returns {LanguageQueryResult[]}
 */
export function lookup (query, options = { strict: false }) {
  checkQuery(query, arguments.length)
  const strict = Boolean(options?.strict)
  const taggedBy = matching(tagList, query, false).map((position) => tagList[position])
  let languages = matching(codeList, query, strict)
  let tagsOf = (/** @type {string} */ code) => {
    const own = tagList.filter((tag) => tag === code || tag.startsWith(`${code}-`))
    const chosen = own.filter((tag) => taggedBy.includes(tag))
    return chosen.length ? chosen : own
  }
  if (languages.length === 0 && taggedBy.length) {
    const prefixes = new Set(taggedBy.map((tag) => tag.split('-')[0].toUpperCase()))
    languages = codeList.flatMap((code, position) => prefixes.has(code) ? [position] : [])
    tagsOf = (code) => taggedBy.filter((tag) => tag === code || tag.startsWith(`${code}-`))
  }
  if (languages.length === 0) languages = matching(nameList, query, strict)
  return languages.map((position) => {
    const code = codeList[position]
    const own = tagsOf(code.toLowerCase())
    return new LanguageQueryResult(code, nameList[position], own.length ? own : [code.toLowerCase()])
  })
}

/**
 * Descriptions of the tags of the languages `query` names (`describe('fr-CA')`:
 * `[{ code: 'FR', tag: 'fr-CA', description: 'French (Canada)' }]`).
 * @param {string} query
 * @param {{ strict?: boolean }} [options]
 * @returns {LanguageDescription[]}
 */
export function describe (query, options = { strict: true }) {
  checkQuery(query, arguments.length)
  return lookup(query, options).flatMap((language) => language.tags.map((tag) => {
    const position = tagList.indexOf(tag)
    const description = position >= 0 ? descriptionList[position] : language.name
    return new LanguageDescription(language.code, tag, description)
  }))
}

export default {
  codes,
  describe,
  descriptions,
  lookup,
  names,
  tags
}
