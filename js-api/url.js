/**
 * `oro:url` (also `node:url`) — Node's `url`: the page's WHATWG `URL` and `URLSearchParams`,
 * the legacy `parse`/`format`/`resolve` from the `url` npm package (Node's legacy parser,
 * ported; bundled into `vendor/url.js`, its query parsing oro:querystring's as in Node), and
 * `fileURLToPath`/`pathToFileURL` (POSIX paths), `domainToASCII`/`domainToUnicode` and
 * `urlToHttpOptions` written here after Node's.
 *
 * ```js
 * import url from 'node:url'
 * url.parse('http://a.test/x?y=1', true).query  // { y: '1' }
 * url.fileURLToPath('file:///tmp/a%20b')         // '/tmp/a b'
 * ```
 * @module oro:url
 */

import legacy, { Url, format as formatLegacy, parse as parseLegacy, resolve, resolveObject, toUnicode } from './vendor/url.js'
import { resolve as resolvePath } from './path.js'
import { invalidArgType, withCode } from './errors.js'

const URLClass = globalThis.URL
const URLSearchParamsClass = globalThis.URLSearchParams
export { URLClass as URL, URLSearchParamsClass as URLSearchParams, Url, resolve, resolveObject }

/**
 * Node's legacy `url.parse`. Without a query, asked to parse it, Node gives `search: null` and
 * an empty prototype-less `query` (the url package gives `''` and `{}`).
 * @param {string} text
 * @param {boolean} [parseQueryString]
 * @param {boolean} [slashesDenoteHost]
 * @returns {Url}
 */
export function parse (text, parseQueryString, slashesDenoteHost) {
  const result = parseLegacy(text, parseQueryString, slashesDenoteHost)
  if (parseQueryString && result.search === '') {
    result.search = null
    result.query = Object.create(null)
  }
  return result
}

/** The platform Node would name in its messages. */
function platform () {
  const args = /** @type {any} */ (globalThis).__args
  return (args && args.os && args.os.platform) || 'linux'
}

/**
 * @param {unknown} value
 * @returns {URL}
 */
function toURL (value) {
  try {
    return new URL(/** @type {string} */ (value))
  } catch {
    const error = withCode(new TypeError('Invalid URL'), 'ERR_INVALID_URL')
    Object.defineProperty(error, 'input', { value, enumerable: true, writable: true, configurable: true })
    throw error
  }
}

/**
 * Node's `fileURLToPath` on POSIX: the decoded path of a `file:` URL (string or `URL`).
 * @param {string | URL} url
 * @returns {string}
 */
export function fileURLToPath (url) {
  if (typeof url === 'string') url = toURL(url)
  else if (!(url instanceof URL)) throw invalidArgType('path', 'of type string or an instance of URL', url)
  if (url.protocol !== 'file:') throw withCode(new TypeError('The URL must be of scheme file'), 'ERR_INVALID_URL_SCHEME')
  // WHATWG URL makes a file URL's `localhost` host empty; Chromium's parser keeps it.
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    throw withCode(new TypeError(`File URL host must be "localhost" or empty on ${platform()}`), 'ERR_INVALID_FILE_URL_HOST')
  }
  const pathname = url.pathname
  if (/%2f/i.test(pathname)) {
    throw withCode(new TypeError('File URL path must not include encoded / characters'), 'ERR_INVALID_FILE_URL_PATH')
  }
  return decodeURIComponent(pathname)
}

/**
 * Node's `pathToFileURL` on POSIX: `path` resolved (oro:path's working directory), a trailing
 * slash kept, and the characters a URL would misread percent-encoded.
 * @param {string} path
 * @returns {URL}
 */
export function pathToFileURL (path) {
  if (typeof path !== 'string') throw invalidArgType('path', 'of type string', path)
  let resolved = resolvePath(path)
  if (path.endsWith('/') && !resolved.endsWith('/')) resolved += '/'
  const encoded = resolved
    .replace(/%/g, '%25')
    .replace(/\\/g, '%5C')
    .replace(/\n/g, '%0A')
    .replace(/\r/g, '%0D')
    .replace(/\t/g, '%09')
    .replace(/\?/g, '%3F')
    .replace(/#/g, '%23')
  return new URL(`file://${encoded}`)
}

/**
 * Node's `domainToASCII`: the IDNA (punycode) form of `domain`, `''` when it is not a valid
 * domain. The page's own URL parser does the IDNA processing.
 * @param {string} domain
 * @returns {string}
 */
export function domainToASCII (domain) {
  if (arguments.length < 1) throw withCode(new TypeError('The "domain" argument must be specified'), 'ERR_MISSING_ARGS')
  const text = `${domain}`
  if (text === '' || /[\s/?#@:\\[\]%<>^|]/.test(text)) return ''
  try {
    return new URL(`ws://${text}`).hostname
  } catch {
    return ''
  }
}

/**
 * Node's `domainToUnicode`: the Unicode form of `domain`, `''` when it is not valid.
 * @param {string} domain
 * @returns {string}
 */
export function domainToUnicode (domain) {
  if (arguments.length < 1) throw withCode(new TypeError('The "domain" argument must be specified'), 'ERR_MISSING_ARGS')
  const ascii = domainToASCII(domain)
  return ascii === '' ? '' : toUnicode(ascii)
}

/**
 * Node's `urlToHttpOptions(url)`: the options object `http.request` takes.
 * @param {URL} url
 * @returns {Record<string, unknown>}
 */
export function urlToHttpOptions (url) {
  const { hostname, pathname, port, username, password, search } = url
  /** @type {Record<string, unknown>} */
  const options = {
    __proto__: null,
    ...url,
    protocol: url.protocol,
    hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search,
    pathname,
    path: `${pathname || ''}${search || ''}`,
    href: url.href
  }
  if (port !== '') options.port = Number(port)
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`
  return options
}

/**
 * Node's `format`: a legacy URL object or string as `url.format` of the `url` package; a WHATWG
 * `URL` as its href, less what `options` leave out (`auth`, `fragment`, `search`; `unicode`
 * shows the host in Unicode).
 * @param {string | URL | Record<string, any>} urlObject
 * @param {{ auth?: boolean, fragment?: boolean, search?: boolean, unicode?: boolean }} [options]
 * @returns {string}
 */
export function format (urlObject, options) {
  if (urlObject instanceof URL) {
    const { auth = true, fragment = true, search = true, unicode = false } = options ?? {}
    let out = urlObject.protocol
    const hasHost = urlObject.host !== '' || urlObject.href.startsWith(`${urlObject.protocol}//`)
    if (hasHost) {
      out += '//'
      if (auth && (urlObject.username || urlObject.password)) {
        out += urlObject.username
        if (urlObject.password) out += `:${urlObject.password}`
        out += '@'
      }
      out += unicode ? domainToUnicode(urlObject.hostname) : urlObject.hostname
      if (urlObject.port) out += `:${urlObject.port}`
    }
    out += urlObject.pathname
    if (search) out += urlObject.search
    if (fragment) out += urlObject.hash
    return out
  }
  if (urlObject === null || (typeof urlObject !== 'string' && typeof urlObject !== 'object')) {
    throw invalidArgType('urlObject', 'of type string or an instance of Object', urlObject)
  }
  return formatLegacy(urlObject)
}

/**
 * The page's `URLPattern` (Oro exports its own polyfill; Chromium has the standard class).
 * `undefined` where the engine has none (Node 20).
 * @type {any}
 */
export const URLPattern = /** @type {any} */ (globalThis).URLPattern

/**
 * @typedef {object} URLRecord
 * @property {string} scheme
 * @property {string} username
 * @property {string} password
 * @property {string | null} host
 * @property {number | null} port
 * @property {string[] | string} path segments, or the opaque path of `mailto:a@b`-like URLs
 * @property {string | null} query without `?`; null when the URL has none
 * @property {string | null} fragment without `#`; null when the URL has none
 */

/**
 * The WHATWG URL record of `input` (Oro's `parseURL`, from whatwg-url's basic URL parser), or
 * `null` when it does not parse.
 * @param {string} input
 * @param {{ baseURL?: string | URL }} [options]
 * @returns {URLRecord | null}
 */
export function parseURL (input, options = {}) {
  let url
  try {
    url = new URLClass(String(input), options.baseURL)
  } catch {
    return null
  }
  // `search`/`hash` are '' both for no part and for an empty one; the href tells them apart.
  const href = url.href
  const hashAt = href.indexOf('#')
  const beforeHash = hashAt === -1 ? href : href.slice(0, hashAt)
  const opaque = !href.slice(url.protocol.length).startsWith('/') && url.host === ''
  return {
    scheme: url.protocol.slice(0, -1),
    username: url.username,
    password: url.password,
    host: url.host === '' && !href.startsWith(`${url.protocol}//`) ? null : url.hostname,
    port: url.port === '' ? null : Number(url.port),
    path: opaque ? url.pathname : url.pathname.split('/').slice(1),
    query: beforeHash.includes('?') ? url.search.slice(1) : null,
    fragment: hashAt === -1 ? null : url.hash.slice(1)
  }
}

/**
 * Schemes this runtime knows (each with its `:`), as Oro's `protocols`: `ipc:` (the bridge),
 * `node:`, the web's reserved schemes, and the app's protocol handlers, whose bare schemes are
 * also in `protocols.handlers`.
 * @type {Set<string> & { handlers: Set<string> }}
 */
export const protocols = Object.assign(new Set([
  'ipc:', 'node:', 'npm:', 'bitcoin:', 'file:', 'ftp:', 'ftps:', 'geo:', 'git:', 'http:',
  'https:', 'im:', 'ipfs:', 'irc:', 'ircs:', 'magnet:', 'mailto:', 'matrix:', 'mms:', 'news:',
  'nntp:', 'openpgp4fpr:', 'sftp:', 'sip:', 'sms:', 'smsto:', 'ssh:', 'tel:', 'urn:', 'webcal:',
  'wtai:', 'xmpp:'
]), { handlers: new Set() })
for (const scheme of Object.keys(/** @type {any} */ (globalThis).__args?.protocolHandlers ?? {})) {
  protocols.add(`${scheme}:`)
  protocols.handlers.add(scheme)
}

/**
 * The default export is the page's `URL` constructor, as Oro's `socket:url` default export
 * (`new url(href, base)` makes a `URL`, every `URL` is `instanceof` it, `url.canParse`,
 * `url.createObjectURL`), carrying Node's `url` functions as a Node default export does
 * (`url.parse` and `url.resolve` are Node's legacy ones, `url.fileURLToPath`...).
 * @param {string | URL} input
 * @param {string | URL} [base]
 * @returns {URL}
 */
function DefaultURL (input, base) {
  if (!new.target) throw new TypeError("Failed to construct 'URL': Please use the 'new' operator")
  return arguments.length < 2 ? new URLClass(input) : new URLClass(input, base)
}
Object.defineProperties(DefaultURL, {
  name: { value: 'URL' },
  prototype: { value: URLClass.prototype }
})
/** @type {any} */
const statics = URLClass
for (const name of ['canParse', 'createObjectURL', 'revokeObjectURL']) {
  if (typeof statics[name] === 'function') {
    Object.defineProperty(DefaultURL, name, {
      value: (/** @type {any[]} */ ...args) => statics[name](...args), writable: true, configurable: true
    })
  }
}
Object.assign(DefaultURL, {
  URL: URLClass,
  URLPattern,
  URLSearchParams: URLSearchParamsClass,
  Url,
  domainToASCII,
  domainToUnicode,
  fileURLToPath,
  format,
  parse,
  parseURL,
  pathToFileURL,
  protocols,
  resolve,
  resolveObject,
  urlToHttpOptions,
  legacy
})

export default DefaultURL
