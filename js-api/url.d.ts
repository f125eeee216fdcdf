/**
 * `oro:url` (also `node:url`) — Node's `url`: WHATWG URL, the legacy parser (the `url` npm package), file URL helpers.
 * @module oro:url
 * @alias node:url
 */

export interface UrlObject {
  protocol?: string | null
  slashes?: boolean | null
  auth?: string | null
  host?: string | null
  port?: string | number | null
  hostname?: string | null
  hash?: string | null
  search?: string | null
  query?: string | null | Record<string, unknown>
  pathname?: string | null
  path?: string | null
  href?: string
}

export class Url implements UrlObject {
  protocol: string | null
  slashes: boolean | null
  auth: string | null
  host: string | null
  port: string | null
  hostname: string | null
  hash: string | null
  search: string | null
  query: string | null | Record<string, string | string[]>
  pathname: string | null
  path: string | null
  href: string
}

declare const URLClass: typeof globalThis.URL
declare const URLSearchParamsClass: typeof globalThis.URLSearchParams
export { URLClass as URL, URLSearchParamsClass as URLSearchParams }

export function parse (url: string, parseQueryString?: boolean, slashesDenoteHost?: boolean): Url
export function format (url: string | URL | UrlObject, options?: { auth?: boolean, fragment?: boolean, search?: boolean, unicode?: boolean }): string
export function resolve (from: string, to: string): string
export function resolveObject (from: string | UrlObject, to: string | UrlObject): Url
export function fileURLToPath (url: string | URL): string
export function pathToFileURL (path: string): URL
export function domainToASCII (domain: string): string
export function domainToUnicode (domain: string): string
export function urlToHttpOptions (url: URL): Record<string, unknown>

export interface URLPatternInit {
  protocol?: string
  username?: string
  password?: string
  hostname?: string
  port?: string
  pathname?: string
  search?: string
  hash?: string
  baseURL?: string
}
export interface URLPatternComponentResult { input: string, groups: Record<string, string | undefined> }
export interface URLPatternResult {
  inputs: Array<string | URLPatternInit>
  protocol: URLPatternComponentResult
  username: URLPatternComponentResult
  password: URLPatternComponentResult
  hostname: URLPatternComponentResult
  port: URLPatternComponentResult
  pathname: URLPatternComponentResult
  search: URLPatternComponentResult
  hash: URLPatternComponentResult
}
/** The page's `URLPattern` (as Oro exports it; TypeScript's DOM library has no type for it). */
export class URLPattern {
  constructor (input?: string | URLPatternInit, baseURL?: string, options?: { ignoreCase?: boolean })
  test (input?: string | URLPatternInit, baseURL?: string): boolean
  exec (input?: string | URLPatternInit, baseURL?: string): URLPatternResult | null
  readonly protocol: string
  readonly username: string
  readonly password: string
  readonly hostname: string
  readonly port: string
  readonly pathname: string
  readonly search: string
  readonly hash: string
  readonly hasRegExpGroups: boolean
}
/** A WHATWG URL record (whatwg-url's shape). */
export interface URLRecord {
  scheme: string
  username: string
  password: string
  host: string | null
  port: number | null
  /** Segments, or the opaque path of a URL such as `mailto:a@b.test`. */
  path: string[] | string
  query: string | null
  fragment: string | null
}
/** Oro's `parseURL`: the URL record of `input`, or null when it does not parse. */
export function parseURL (input: string, options?: { baseURL?: string | URL }): URLRecord | null
/** Known schemes (`'ipc:'`, `'https:'`..., the app's protocol handlers); `handlers` holds the
 * handlers' bare schemes. */
export const protocols: Set<string> & { handlers: Set<string> }

/** The page's `URL` constructor (Oro's default export), with Node's `url` functions as statics
 * (`parse` and `resolve` are Node's legacy ones). */
declare const url: {
  new (input: string | URL, base?: string | URL): URL
  prototype: URL
  canParse (input: string | URL, base?: string | URL): boolean
  createObjectURL (object: Blob | MediaSource): string
  revokeObjectURL (url: string): void
  URL: typeof globalThis.URL
  URLSearchParams: typeof globalThis.URLSearchParams
  URLPattern: typeof URLPattern
  Url: typeof Url
  domainToASCII: typeof domainToASCII
  domainToUnicode: typeof domainToUnicode
  fileURLToPath: typeof fileURLToPath
  format: typeof format
  parse: typeof parse
  parseURL: typeof parseURL
  protocols: typeof protocols
  pathToFileURL: typeof pathToFileURL
  resolve: typeof resolve
  resolveObject: typeof resolveObject
  urlToHttpOptions: typeof urlToHttpOptions
  legacy: { parse: typeof parse, format: typeof format, resolve: typeof resolve, resolveObject: typeof resolveObject, Url: typeof Url }
}
export default url
