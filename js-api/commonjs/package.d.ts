/**
 * `oro:commonjs/package` — npm packages as `require()` sees them: a `Package` is a directory
 * URL with its `package.json`; `resolve(subpath)` follows `"exports"` (conditions `require`,
 * `browser`, `default`) or `"main"`/`"browser"`/`index`, as Node does. `Name` parses names.
 * @module oro:commonjs/package
 */

import type { Loader } from './loader.js'

export type PackageType = 'commonjs' | 'module'

export interface PackageOptions {
  /** The package's directory URL (default: `<origin>/<prefix><name>/`). */
  id?: string | URL
  origin?: string | URL
  /** Default `node_modules/`. */
  prefix?: string
  /** Default `package.json`. */
  manifest?: string
  loader?: Loader | { origin?: string | URL, headers?: Record<string, string> }
  info?: Record<string, any> | null
  type?: PackageType
  exports?: any
  imports?: Record<string, any>
  index?: string
  version?: string
  license?: string
  description?: string
  dependencies?: Record<string, any>
}

export interface PackageResolveOptions {
  /** Export conditions (default `require`, `browser`, `default`). */
  conditions?: Iterable<string>
  /** Tried for a file named without one (default `.js`, `.json`). */
  extensions?: Iterable<string>
  /** Who asks (for error messages). */
  referrer?: string
}

export interface ParsedPackageName {
  organization: string | null
  name: string
  version: string | null
  pathname: string | null
  url: URL
  isRelative: boolean
  hasManifest: boolean
}

export const DEFAULT_PACKAGE_INDEX: string
export const DEFAULT_PACKAGE_MANIFEST_FILE_NAME: string
export const DEFAULT_PACKAGE_PREFIX: string
export const DEFAULT_PACKAGE_VERSION: string
export const DEFAULT_LICENSE: string
/** The conditions `require()` matches in `"exports"` and `"imports"`. */
export const REQUIRE_CONDITIONS: readonly string[]

/** Whether `source` has `import`/`export` statements. */
export function detectESMSource (source: string): boolean

/** The parsed `package.json` at `url` (read once per page), `null` when there is none. */
export function readManifest (loader: Loader, url: string): Record<string, any> | null

/** Node's LOAD_AS_FILE: `url`, else `url` with each extension; `null` when none is a file. */
export function resolveFile (loader: Loader, url: string, extensions: Iterable<string>): string | null

/** Node's LOAD_AS_DIRECTORY (`"browser"` string or `"main"`, then `index`); `null` when none is a file. */
export function resolveDirectory (loader: Loader, url: string, extensions: Iterable<string>, manifest?: string): string | null

/** A package name with its organization, version and subpath. */
export class Name {
  static parse (input: string | URL, options?: { origin?: string | URL, manifest?: string } | null): ParsedPackageName | null
  static canParse (input: string | URL, options?: { origin?: string | URL, manifest?: string } | null): boolean
  static from (input: string | URL, options?: { origin?: string | URL, manifest?: string } | null): Name
  constructor (name: string | URL | Name | ParsedPackageName, options?: { origin?: string | URL, manifest?: string } | null)
  get id (): string
  get name (): string
  get value (): string
  get origin (): string
  get version (): string | null
  /** `.`, or `./sub/path` after the name. */
  get pathname (): string
  get organization (): string | null
  get isRelative (): boolean
  toString (): string
  toJSON (): { name: string, version: string | null, organization: string | null, pathname: string, isRelative: boolean }
}

/** A package's declared dependencies. */
export class Dependencies {
  constructor (parent: Package, options?: object | null)
  get map (): Map<string, { name: string, version: string | null, package: Package }>
  get origin (): string
  add (name: string, info?: { version?: string | null } | null): { name: string, version: string | null, package: Package }
  get (name: string, options?: object | null): { name: string, version: string | null, package: Package } | null
  entries (): IterableIterator<[string, { name: string, version: string | null, package: Package }]>
  keys (): IterableIterator<string>
  values (): IterableIterator<{ name: string, version: string | null, package: Package }>
  load (): boolean
}

/** A package directory and its manifest. */
export class Package {
  static Name: typeof Name
  static Dependencies: typeof Dependencies
  static load (name: string | URL, options?: PackageOptions | null): Package
  constructor (name: string | URL | Name, options?: PackageOptions | null)
  /** The directory URL (ends with `/`). */
  get id (): string
  get url (): string
  get loader (): Loader
  get loaded (): boolean
  get info (): Record<string, any> | null
  get name (): string
  get description (): string
  get organization (): string | null
  get license (): string
  get version (): string
  get origin (): string
  get type (): PackageType
  get exports (): any
  get imports (): Record<string, any>
  get browser (): Record<string, string | false> | null
  get dependencies (): Dependencies
  get main (): string | null
  get entry (): string | null
  load (origin?: string | URL | { force?: boolean } | null, options?: { force?: boolean } | null): boolean
  exists (url: string): boolean
  /** The URL of a subpath (`.` is the package); throws `ERR_PACKAGE_PATH_NOT_EXPORTED` or `MODULE_NOT_FOUND`. */
  resolve (pathname: string, options?: PackageResolveOptions | null): string
  /** The file `url` stands for under the `"browser"` object (`about:blank` for `false`). */
  mapBrowserFile (url: string): string
  /** A `#name` of `"imports"`: a URL, or `bare:<name>` for another package. */
  resolveImport (specifier: string, options?: PackageResolveOptions | null): string
}

export default Package
