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

declare const url: {
  URL: typeof globalThis.URL
  URLSearchParams: typeof globalThis.URLSearchParams
  Url: typeof Url
  domainToASCII: typeof domainToASCII
  domainToUnicode: typeof domainToUnicode
  fileURLToPath: typeof fileURLToPath
  format: typeof format
  parse: typeof parse
  pathToFileURL: typeof pathToFileURL
  resolve: typeof resolve
  resolveObject: typeof resolveObject
  urlToHttpOptions: typeof urlToHttpOptions
  legacy: { parse: typeof parse, format: typeof format, resolve: typeof resolve, resolveObject: typeof resolveObject, Url: typeof Url }
}
export default url
