/**
 * `oro:i18n` — the app's translated messages, as Oro (and WebExtensions) give them:
 * `getMessage('greeting', ['Ada'], { locale: 'fr' })`. A locale's `messages.json`
 * (`{ "greeting": { "message": "Bonjour {0}", "placeholders": { ... } } }`) is found through
 * `[i18n.locales]` in the app's config (`en = "i18n/locales/en"`, relative to the app's
 * resources), else in `<[i18n.locales] default, or i18n/locales>/<tag>/` or `_locales/<tag>/`,
 * and read synchronously from the app's own origin, once per file. The locale is the page's
 * language (`navigator.language`) unless `options.locale` names one; a tag (`fr-CA`) tries its
 * own file before its language's (`fr`).
 *
 * Substitutions: `{0}`, `$0` and `$0$` are the first, and so on; a placeholder `{name}`,
 * `$name` or `$NAME$` (case-insensitive) is its `content`, itself substituted.
 * @module oro:i18n
 */

import Enumeration from './enumeration.js'
import language from './language.js'

const config = /** @type {Record<string, unknown>} */ (/** @type {any} */ (globalThis).__args?.config ?? {})

/** The folder holding one folder per tag when `[i18n.locales]` names none. */
export const DEFAULT_LOCALES_LOCATION = typeof config.i18n_locales_default === 'string' && config.i18n_locales_default
  ? config.i18n_locales_default
  : 'i18n/locales'

/**
 * @typedef {object} LocaleMessages
 * @property {string} locale the tag whose file it is
 * @property {Record<string, { message: string, description?: string, placeholders?: Record<string, { content?: string } | string> }>} messages
 */

/** The files read so far by URL (`null`: there is none), as Oro's `cache`. */
export const cache = new Map()

/** Every language tag `oro:language` knows, as an enumeration. */
export const LanguageCode = Enumeration.from(language.tags)

/**
 * The page's preferred languages (`navigator.languages`).
 * @returns {string[]}
 */
export function getAcceptLanguages () {
  return [...(globalThis.navigator?.languages ?? [])]
}

/**
 * The page's language (`navigator.language`), or null.
 * @returns {string | null}
 */
export function getUILanguage () {
  return globalThis.navigator?.language ?? null
}

/**
 * The tags to try for `locale`, most specific first: the tag as given, the tags `oro:language`
 * matches that the config names, then the language alone.
 * @param {string} locale
 * @returns {string[]}
 */
function tagsFor (locale) {
  let known = /** @type {string[]} */ ([])
  try {
    known = language.lookup(locale).flatMap((found) => found.tags)
  } catch {}
  const exact = known.find((tag) => tag.toLowerCase() === locale.toLowerCase()) ?? locale
  const configured = known.filter((tag) => configuredSource(tag) !== null)
  return [...new Set([exact, ...configured, exact.split(/[-_]/)[0]])]
}

/**
 * @param {string} tag
 * @returns {string | null}
 */
function configuredSource (tag) {
  // Flattened as Oro keeps them (`fr-FR`) and as this host flattens them (`fr_FR`).
  const names = [tag, tag.toLowerCase()].flatMap((name) => [name, name.replace(/-/g, '_')])
  for (const key of names.flatMap((name) => [`i18n_locales_${name}_source`, `i18n_locales_${name}`])) {
    const value = config[key]
    if (typeof value === 'string' && value) return value
  }
  return null
}

/**
 * @param {string} folder
 * @returns {LocaleMessages['messages'] | null}
 */
function read (folder) {
  const base = globalThis.location?.origin && globalThis.location.origin !== 'null' ? globalThis.location.origin : globalThis.location?.href
  const url = String(new URL('messages.json', new URL(folder.endsWith('/') ? folder : `${folder}/`, `${base}/`)))
  if (cache.has(url)) return cache.get(url)
  let messages = null
  try {
    const request = new XMLHttpRequest()
    request.open('GET', url, false)
    request.send(null)
    if (request.status === 200) messages = JSON.parse(request.responseText)
  } catch {}
  const found = messages !== null && typeof messages === 'object' ? messages : null
  cache.set(url, found)
  return found
}

/**
 * The message files of `locale`, most specific first (each read once, synchronously).
 * @param {string} locale
 * @returns {LocaleMessages[]}
 */
export function getMessagesForLocale (locale) {
  const results = []
  for (const tag of tagsFor(String(locale))) {
    const configured = configuredSource(tag)
    const folders = configured !== null ? [configured] : [`${DEFAULT_LOCALES_LOCATION}/${tag}`, `_locales/${tag}`]
    for (const folder of folders) {
      const messages = read(folder)
      if (messages) {
        results.push({ locale: tag, messages })
        break
      }
    }
  }
  return results
}

/**
 * `text` with `{i}`, `$i` and `$i$` replaced by `substitutions[i]`.
 * @param {string} text
 * @param {unknown[]} substitutions
 * @returns {string}
 */
function substitute (text, substitutions) {
  return text.replace(/\{(\d+)\}|\$(\d+)\$?/g, (whole, braced, dollar) => {
    const index = Number(braced ?? dollar)
    return index < substitutions.length ? String(substitutions[index]) : whole
  })
}

/**
 * @param {unknown[] | { locale?: string | null }} [substitutions]
 * @param {{ locale?: string | null }} [options]
 * @returns {[unknown[], string | null]}
 */
function callArguments (substitutions, options) {
  if (substitutions && typeof substitutions === 'object' && !Array.isArray(substitutions)) {
    return [[], substitutions.locale ?? getUILanguage()]
  }
  const list = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions]
  return [list, options?.locale ?? getUILanguage()]
}

/**
 * The message `messageName` in `options.locale` (else the page's language), substituted; null
 * when no file of the locale has it.
 * @param {string} messageName
 * @param {unknown[] | { locale?: string | null }} [substitutions]
 * @param {{ locale?: string | null }} [options]
 * @returns {string | null}
 */
export function getMessage (messageName, substitutions = [], options = { locale: null }) {
  const [list, locale] = callArguments(substitutions, options)
  if (!locale) return null
  for (const { messages } of getMessagesForLocale(locale)) {
    const entry = Object.hasOwn(messages, messageName) ? messages[messageName] : undefined
    if (!entry || typeof entry.message !== 'string') continue
    let text = substitute(entry.message, list)
    for (const [name, placeholder] of Object.entries(entry.placeholders ?? {})) {
      const content = substitute(typeof placeholder === 'string' ? placeholder : String(placeholder?.content ?? ''), list)
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      text = text.replace(new RegExp(`\\{${escaped}\\}|\\$${escaped}\\$?`, 'gi'), () => content)
    }
    return text
  }
  return null
}

/**
 * The description of the message `messageName` in `options.locale`, or null.
 * @param {string} messageName
 * @param {{ locale?: string | null }} [options]
 * @returns {string | null}
 */
export function getMessageDescription (messageName, options = { locale: null }) {
  const locale = options?.locale ?? getUILanguage()
  if (!locale) return null
  for (const { messages } of getMessagesForLocale(locale)) {
    const entry = Object.hasOwn(messages, messageName) ? messages[messageName] : undefined
    if (entry) return typeof entry.description === 'string' && entry.description ? entry.description : null
  }
  return null
}

export default {
  LanguageCode,
  getAcceptLanguages,
  getMessage,
  getMessageDescription,
  getMessagesForLocale,
  getUILanguage
}
