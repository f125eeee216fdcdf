/**
 * `oro:commonjs/package` — npm packages as `require()` sees them: a `Package` is a directory
 * URL with its `package.json` (read synchronously by a `Loader`), and `resolve(subpath)` finds
 * the file a name inside it means, as Node does: through `"exports"` when the package has them
 * (conditions `require`, `browser`, `default`, in the package's own order; `*` patterns;
 * anything else is `ERR_PACKAGE_PATH_NOT_EXPORTED`), else through `"main"` (or a `"browser"`
 * string), the file itself, `.js`/`.json` added, or the directory's `index`. A `"browser"`
 * object (browserify's field) maps the package's own files and the names it requires.
 * `Name` parses package names (`@org/name@1.2.3/sub/path`).
 * @module oro:commonjs/package
 */

import { Loader } from './loader.js'
import { ModuleNotFoundError, withCode } from '../errors.js'
import { isESMSource } from '../util.js'

/** @typedef {'commonjs' | 'module'} PackageType */

/**
 * @typedef {object} PackageOptions
 * @property {string | URL} [id] the package's directory URL (default: `<origin>/<prefix><name>/`)
 * @property {string | URL} [origin] the URL the prefix is relative to (default: the page's)
 * @property {string} [prefix] default `node_modules/`
 * @property {string} [manifest] default `package.json`
 * @property {Loader | { origin?: string | URL, headers?: Record<string, string> }} [loader]
 * @property {Record<string, any> | null} [info] the manifest, when already known
 * @property {PackageType} [type]
 * @property {any} [exports]
 * @property {Record<string, any>} [imports]
 * @property {string} [index] the entry when the manifest names none (default `index.js`)
 * @property {string} [version]
 * @property {string} [license]
 * @property {string} [description]
 * @property {Record<string, any>} [dependencies]
 */

/**
 * @typedef {object} PackageResolveOptions
 * @property {Iterable<string>} [conditions] export conditions (default `require`, `browser`, `default`)
 * @property {Iterable<string>} [extensions] extensions tried for a file named without one (default `.js`, `.json`)
 * @property {string} [referrer] who asks (for error messages)
 */

/** The default package index file. */
export const DEFAULT_PACKAGE_INDEX = 'index.js'
/** The manifest's file name. */
export const DEFAULT_PACKAGE_MANIFEST_FILE_NAME = 'package.json'
/** Where packages are installed, relative to a directory. */
export const DEFAULT_PACKAGE_PREFIX = 'node_modules/'
/** A package's version when its manifest has none. */
export const DEFAULT_PACKAGE_VERSION = '0.0.1'
/** A package's license when its manifest has none. */
export const DEFAULT_LICENSE = 'Unlicensed'

/** The conditions `require()` matches in `"exports"`/`"imports"` (the page is a browser). */
export const REQUIRE_CONDITIONS = Object.freeze(['require', 'browser', 'default'])

/**
 * Whether `source` looks like an ES module (has `import`/`export` statements).
 * @param {string} source
 * @returns {boolean}
 */
export function detectESMSource (source) {
  return isESMSource(source)
}

/** The page's URL. */
function baseURL () {
  return /** @type {any} */ (globalThis).location?.href ?? 'file:///'
}

/**
 * @typedef {object} ParsedPackageName
 * @property {string | null} organization `@org`, when scoped
 * @property {string} name `name` or `@org/name` (for a relative input: the path)
 * @property {string | null} version from `name@1.2.3`
 * @property {string | null} pathname `name/sub/path` (the name followed by the subpath)
 * @property {URL} url
 * @property {boolean} isRelative
 * @property {boolean} hasManifest the input ended with `/package.json`
 */

/**
 * A package name, with its organization, version and subpath.
 */
export class Name {
  /**
   * Parses `input` (`name`, `@org/name@1.0.0/sub`, a relative path, a URL); `null` when it is
   * no name.
   * @param {string | URL} input
   * @param {{ origin?: string | URL, manifest?: string } | null} [options]
   * @returns {ParsedPackageName | null}
   */
  static parse (input, options = null) {
    const text = typeof input === 'string' ? input.trim() : input instanceof URL ? input.href : ''
    if (!text) return null
    const manifest = options?.manifest ?? DEFAULT_PACKAGE_MANIFEST_FILE_NAME
    const origin = options?.origin ?? baseURL()
    const isRelative = text.startsWith('.') || text.startsWith('/')
    const isURL = input instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    let url
    try {
      url = new URL(isURL || isRelative ? text : `./${text}`, origin)
    } catch {
      return null
    }
    let path = isURL ? url.pathname : text
    const hasManifest = path === manifest || path.endsWith(`/${manifest}`)
    if (hasManifest) path = path.slice(0, -manifest.length).replace(/\/$/, '')
    if (isURL || isRelative) {
      return { organization: null, name: path, version: null, pathname: path, url, isRelative, hasManifest }
    }
    const parts = path.split('/')
    const scoped = parts[0].startsWith('@')
    if (scoped && parts.length < 2) return null
    const head = scoped ? parts[1] : parts[0]
    const at = head.indexOf('@', 1)
    const bare = at > 0 ? head.slice(0, at) : head
    const version = at > 0 ? head.slice(at + 1) || null : null
    if (!bare) return null
    const name = scoped ? `${parts[0]}/${bare}` : bare
    const rest = parts.slice(scoped ? 2 : 1).filter(Boolean)
    return {
      organization: scoped ? parts[0] : null,
      name,
      version,
      pathname: [name, ...rest].join('/'),
      url,
      isRelative,
      hasManifest
    }
  }

  /**
   * @param {string | URL} input
   * @param {{ origin?: string | URL, manifest?: string } | null} [options]
   * @returns {boolean}
   */
  static canParse (input, options = null) {
    return Name.parse(input, options) !== null
  }

  /**
   * @param {string | URL} input
   * @param {{ origin?: string | URL, manifest?: string } | null} [options]
   * @returns {Name}
   */
  static from (input, options = null) {
    return new Name(input, options)
  }

  /** @type {ParsedPackageName} */
  #parsed

  /**
   * @param {string | URL | Name | ParsedPackageName} name
   * @param {{ origin?: string | URL, manifest?: string } | null} [options]
   */
  constructor (name, options = null) {
    const parsed = name instanceof Name
      ? name.#parsed
      : typeof name === 'string' || name instanceof URL
        ? Name.parse(name, options)
        : name
    if (!parsed || typeof parsed !== 'object' || typeof parsed.name !== 'string') {
      throw new TypeError(`Invalid package name. Received: ${String(name)}`)
    }
    this.#parsed = parsed
  }

  /** The name with its subpath (`name/sub`). */
  get id () {
    return this.#parsed.pathname ?? this.#parsed.name
  }

  /** `name` or `@org/name`. */
  get name () {
    return this.#parsed.name
  }

  /** Oro's alias of `name`. */
  get value () {
    return this.#parsed.name
  }

  get origin () {
    return this.#parsed.url.origin
  }

  get version () {
    return this.#parsed.version
  }

  /** The subpath after the name, `.` when none (`./sub/path` otherwise). */
  get pathname () {
    const full = this.#parsed.pathname ?? this.#parsed.name
    if (this.#parsed.isRelative) return full
    const rest = full.slice(this.#parsed.name.length)
    return rest ? `.${rest}` : '.'
  }

  get organization () {
    return this.#parsed.organization
  }

  get isRelative () {
    return this.#parsed.isRelative
  }

  toString () {
    return this.#parsed.version ? `${this.#parsed.name}@${this.#parsed.version}` : this.#parsed.name
  }

  toJSON () {
    return {
      name: this.name,
      version: this.version,
      organization: this.organization,
      pathname: this.pathname,
      isRelative: this.isRelative
    }
  }
}

/**
 * A package's declared dependencies (`name` → `{ version }`), as its manifest lists them.
 */
export class Dependencies {
  /** @type {Map<string, { name: string, version: string | null, package: Package }>} */
  #map = new Map()
  #parent

  /**
   * @param {Package} parent
   * @param {object | null} [options]
   */
  constructor (parent, options = null) {
    void options
    this.#parent = parent
  }

  get map () {
    return this.#map
  }

  get origin () {
    return this.#parent.id
  }

  /**
   * @param {string} name
   * @param {{ version?: string | null } | null} [info]
   */
  add (name, info = null) {
    const dependency = {
      name,
      version: info?.version ?? null,
      package: new Package(name, { origin: this.#parent.id ?? undefined })
    }
    this.#map.set(name, dependency)
    return dependency
  }

  /**
   * @param {string} name
   * @param {object | null} [options]
   */
  get (name, options = null) {
    void options
    return this.#map.get(name) ?? null
  }

  entries () {
    return this.#map.entries()
  }

  keys () {
    return this.#map.keys()
  }

  values () {
    return this.#map.values()
  }

  /** Reads every dependency's manifest; `true` when all were found. */
  load () {
    let all = true
    for (const { package: pkg } of this.#map.values()) all = pkg.load() && all
    return all
  }
}

/**
 * `message` as Node's error of `code` (`TypeError` for the codes Node throws as one).
 * @param {string} code
 * @param {string} message
 */
function packageError (code, message) {
  const TYPE_ERRORS = ['ERR_INVALID_PACKAGE_TARGET', 'ERR_PACKAGE_IMPORT_NOT_DEFINED', 'ERR_INVALID_MODULE_SPECIFIER']
  return withCode(TYPE_ERRORS.includes(code) ? new TypeError(message) : new Error(message), code)
}

/** Parsed manifests by URL (`null`: none there), for the page's life. */
/** @type {Map<string, Record<string, any> | null>} */
const manifests = new Map()

/**
 * The parsed `package.json` at `url`, `null` when there is none.
 * @param {Loader} loader
 * @param {string} url
 * @returns {Record<string, any> | null}
 */
export function readManifest (loader, url) {
  if (manifests.has(url)) return manifests.get(url) ?? null
  const response = loader.load(url, null, { cache: false })
  let info = null
  if (response.ok) {
    try {
      info = JSON.parse(response.text)
    } catch (error) {
      throw withCode(
        new Error(`Invalid package config ${url}: ${/** @type {Error} */ (error).message}`, { cause: error }),
        'ERR_INVALID_PACKAGE_CONFIG'
      )
    }
    if (!info || typeof info !== 'object' || Array.isArray(info)) info = {}
  }
  manifests.set(url, info)
  return info
}

/**
 * Whether `exports` has only subpath keys (`.`, `./x`), Node's test for sugar.
 * @param {any} exports
 */
function isSubpathMap (exports) {
  if (!exports || typeof exports !== 'object' || Array.isArray(exports)) return false
  const keys = Object.keys(exports)
  const dotted = keys.filter((key) => key.startsWith('.'))
  if (dotted.length && dotted.length !== keys.length) {
    throw packageError('ERR_INVALID_PACKAGE_CONFIG', '"exports" cannot contain some keys starting with \'.\' and some not')
  }
  return dotted.length > 0
}

/**
 * Node's PACKAGE_TARGET_RESOLVE: a target (string, array, conditions object, `null`) as a URL,
 * `null` when nothing matches, `undefined` when the target excludes the path.
 * @param {string} packageURL the package directory, ending in `/`
 * @param {any} target
 * @param {string | null} patternMatch what `*` stands for
 * @param {boolean} isImports
 * @param {Set<string>} conditions
 * @returns {string | null | undefined}
 */
function resolveTarget (packageURL, target, patternMatch, isImports, conditions) {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) {
      if (isImports && !target.startsWith('../') && !target.startsWith('/')) {
        // A bare target of "imports" names another package.
        return `bare:${patternMatch === null ? target : target.replaceAll('*', patternMatch)}`
      }
      throw packageError('ERR_INVALID_PACKAGE_TARGET', `Invalid "${isImports ? 'imports' : 'exports'}" target "${target}" in ${packageURL}package.json`)
    }
    const resolved = patternMatch === null ? target : target.replaceAll('*', patternMatch)
    if (resolved.split(/[/\\]/).slice(1).some((segment) => segment === '..' || segment === '.' || segment === 'node_modules')) {
      throw packageError('ERR_INVALID_PACKAGE_TARGET', `Invalid target "${target}" in ${packageURL}package.json`)
    }
    return new URL(resolved, packageURL).href
  }
  if (Array.isArray(target)) {
    if (target.length === 0) return null
    /** @type {unknown} */
    let lastError = null
    for (const item of target) {
      try {
        const resolved = resolveTarget(packageURL, item, patternMatch, isImports, conditions)
        if (resolved === undefined) continue
        if (resolved !== null) return resolved
      } catch (error) {
        lastError = error
        if (/** @type {any} */ (error)?.code === 'ERR_INVALID_PACKAGE_TARGET') continue
        throw error
      }
    }
    if (lastError) throw lastError
    return null
  }
  if (target && typeof target === 'object') {
    for (const key of Object.keys(target)) {
      if (/^\d+$/.test(key)) {
        throw packageError('ERR_INVALID_PACKAGE_CONFIG', `"exports" cannot contain numeric property keys (${packageURL}package.json)`)
      }
    }
    for (const [key, value] of Object.entries(target)) {
      if (key === 'default' || conditions.has(key)) {
        const resolved = resolveTarget(packageURL, value, patternMatch, isImports, conditions)
        if (resolved === undefined) continue
        return resolved
      }
    }
    return undefined
  }
  if (target === null) return null
  throw packageError('ERR_INVALID_PACKAGE_TARGET', `Invalid target ${JSON.stringify(target)} in ${packageURL}package.json`)
}

/**
 * Node's PACKAGE_IMPORTS_EXPORTS_RESOLVE: `matchKey` (`./sub` or `#name`) in `matchObj`.
 * @param {string} matchKey
 * @param {Record<string, any>} matchObj
 * @param {string} packageURL
 * @param {boolean} isImports
 * @param {Set<string>} conditions
 * @returns {string | null | undefined}
 */
function resolveImportsExports (matchKey, matchObj, packageURL, isImports, conditions) {
  if (Object.hasOwn(matchObj, matchKey) && !matchKey.includes('*')) {
    return resolveTarget(packageURL, matchObj[matchKey], null, isImports, conditions)
  }
  // The longest pattern prefix wins (Node's PATTERN_KEY_COMPARE).
  const patterns = Object.keys(matchObj)
    .filter((key) => key.indexOf('*') !== -1 && key.indexOf('*') === key.lastIndexOf('*'))
    .sort((a, b) => {
      const baseA = a.indexOf('*')
      const baseB = b.indexOf('*')
      if (baseA !== baseB) return baseB - baseA
      return b.length - a.length
    })
  for (const key of patterns) {
    const star = key.indexOf('*')
    const base = key.slice(0, star)
    const trailer = key.slice(star + 1)
    if (matchKey.startsWith(base) && matchKey !== base &&
        (trailer === '' || (matchKey.endsWith(trailer) && matchKey.length >= key.length))) {
      const patternMatch = matchKey.slice(base.length, matchKey.length - trailer.length)
      return resolveTarget(packageURL, matchObj[key], patternMatch, isImports, conditions)
    }
  }
  return null
}

/**
 * A package: a directory URL and its manifest.
 */
export class Package {
  static Name = Name
  static Dependencies = Dependencies

  /**
   * A `Package` for `name` with its manifest read (see `loaded`).
   * @param {string | URL} name
   * @param {PackageOptions | null} [options]
   * @returns {Package}
   */
  static load (name, options = null) {
    const pkg = new Package(name, options)
    pkg.load()
    return pkg
  }

  #id
  #name
  /** @type {Record<string, any> | null} */
  #info = null
  #loaded = false
  #loader
  #manifest
  #options

  /**
   * @param {string | URL | Name} name a package name (`node_modules/<name>/` of `origin`), or
   *   the URL of its directory or manifest
   * @param {PackageOptions | null} [options]
   */
  constructor (name, options = null) {
    if (typeof name !== 'string' && !(name instanceof URL) && !(name instanceof Name)) {
      throw new TypeError(`Expecting 'name' to be a string or URL. Received: ${String(name)}`)
    }
    const opts = options ?? {}
    this.#options = opts
    this.#manifest = opts.manifest ?? DEFAULT_PACKAGE_MANIFEST_FILE_NAME
    this.#loader = opts.loader instanceof Loader ? opts.loader : new Loader(opts.loader ?? null)
    const origin = opts.origin ?? this.#loader.origin
    this.#name = name instanceof Name ? name : new Name(name, { origin, manifest: this.#manifest })
    let id = opts.id
    if (id === undefined) {
      const text = name instanceof Name ? '' : String(name)
      if (name instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.startsWith('.') || text.startsWith('/')) {
        // A directory or manifest URL.
        const url = new URL(text, origin)
        if (url.pathname.endsWith(`/${this.#manifest}`)) url.pathname = url.pathname.slice(0, -this.#manifest.length)
        id = url
      } else {
        id = new URL(`${opts.prefix ?? DEFAULT_PACKAGE_PREFIX}${this.#name.name}/`, origin)
      }
    }
    const href = new URL(id, baseURL()).href
    this.#id = href.endsWith('/') ? href : `${href}/`
    if (opts.info) {
      this.#info = opts.info
      this.#loaded = true
    }
  }

  /** The package's directory URL (ends with `/`). */
  get id () {
    return this.#id
  }

  get url () {
    return this.#id
  }

  get loader () {
    return this.#loader
  }

  /** Whether its manifest was found (or given). */
  get loaded () {
    return this.#loaded
  }

  /** The manifest, `null` when there is none. */
  get info () {
    return this.#info
  }

  get name () {
    return this.#info?.name ?? this.#name.name
  }

  get description () {
    return this.#info?.description ?? this.#options.description ?? ''
  }

  get organization () {
    return this.#name.organization
  }

  get license () {
    return this.#info?.license ?? this.#options.license ?? DEFAULT_LICENSE
  }

  get version () {
    return this.#info?.version ?? this.#options.version ?? this.#name.version ?? DEFAULT_PACKAGE_VERSION
  }

  get origin () {
    return new URL(this.#id).origin
  }

  /** @returns {PackageType} */
  get type () {
    const type = this.#info?.type ?? this.#options.type
    return type === 'module' ? 'module' : 'commonjs'
  }

  /** The manifest's `"exports"` (`undefined` when it has none). */
  get exports () {
    return this.#info?.exports ?? this.#options.exports
  }

  /** The manifest's `"imports"` (`#name` → target). */
  get imports () {
    return this.#info?.imports ?? this.#options.imports ?? {}
  }

  /** The manifest's `"browser"` field, when it is an object of replacements. */
  get browser () {
    const browser = this.#info?.browser
    return browser && typeof browser === 'object' && !Array.isArray(browser) ? browser : null
  }

  get dependencies () {
    const dependencies = new Dependencies(this)
    for (const [name, version] of Object.entries(this.#info?.dependencies ?? this.#options.dependencies ?? {})) {
      dependencies.add(name, { version: typeof version === 'string' ? version : null })
    }
    return dependencies
  }

  get main () {
    return this.entry
  }

  /** The URL `require(<package>)` loads, `null` when none is found. */
  get entry () {
    try {
      return this.resolve('.')
    } catch {
      return null
    }
  }

  /**
   * Reads the manifest (once; `{ force: true }` reads it again).
   * @param {string | URL | { force?: boolean } | null} [origin]
   * @param {{ force?: boolean } | null} [options]
   * @returns {boolean} whether it was found
   */
  load (origin = null, options = null) {
    if (origin && typeof origin === 'object' && !(origin instanceof URL)) options = origin
    if (this.#loaded && options?.force !== true) return true
    const url = `${this.#id}${this.#manifest}`
    if (options?.force === true) manifests.delete(url)
    const info = readManifest(this.#loader, url)
    this.#info = info ?? this.#info
    this.#loaded = info !== null
    return this.#loaded
  }

  /**
   * Whether `url` is a file this package's loader can read.
   * @param {string} url
   */
  exists (url) {
    return isFile(this.#loader, url)
  }

  /**
   * The URL a subpath of this package means for `require()`: `.` is the package itself.
   * @param {string} pathname `.`, `./sub/path` or `sub/path`
   * @param {PackageResolveOptions | null} [options]
   * @returns {string}
   * @throws {Error} `ERR_PACKAGE_PATH_NOT_EXPORTED`, `MODULE_NOT_FOUND` (code)
   */
  resolve (pathname, options = null) {
    this.load()
    const subpath = pathname === '.' || pathname === './' || pathname === ''
      ? '.'
      : pathname.startsWith('./') ? pathname : `./${pathname.replace(/^\/+/, '')}`
    const conditions = new Set(options?.conditions ?? REQUIRE_CONDITIONS)
    const extensions = [...(options?.extensions ?? ['.js', '.json'])]
    const exports = this.exports
    if (exports !== undefined && exports !== null) {
      const map = isSubpathMap(exports) ? exports : { '.': exports }
      const resolved = resolveImportsExports(subpath, map, this.#id, false, conditions)
      if (resolved === null || resolved === undefined || resolved.startsWith('bare:')) {
        throw packageError(
          'ERR_PACKAGE_PATH_NOT_EXPORTED',
          subpath === '.'
            ? `No "exports" main defined in ${this.#id}${this.#manifest}`
            : `Package subpath '${subpath}' is not defined by "exports" in ${this.#id}${this.#manifest}`
        )
      }
      if (!this.exists(resolved)) throw notFound(resolved, options?.referrer)
      return resolved
    }
    const target = new URL(subpath === '.' ? './' : subpath, this.#id).href
    const found = subpath === '.'
      ? resolveDirectory(this.#loader, target, extensions, this.#manifest)
      : resolveFile(this.#loader, target, extensions) ?? resolveDirectory(this.#loader, `${target}/`, extensions, this.#manifest)
    if (found === null) throw notFound(subpath === '.' ? this.#id : target, options?.referrer)
    return this.mapBrowserFile(found)
  }

  /**
   * The file `url` of this package stands for under its `"browser"` object (`false`: an empty
   * module, answered as the URL `about:blank`).
   * @param {string} url
   * @returns {string}
   */
  mapBrowserFile (url) {
    const browser = this.browser
    if (!browser || !url.startsWith(this.#id)) return url
    const value = browserTarget(browser, url.slice(this.#id.length))
    if (value === false) return 'about:blank'
    if (typeof value !== 'string') return url
    const target = new URL(value, this.#id).href
    return resolveFile(this.#loader, target, ['.js', '.json']) ?? target
  }

  /**
   * A `#name` of this package's `"imports"`: a URL, or `bare:<name>` for a target that names
   * another package.
   * @param {string} specifier
   * @param {PackageResolveOptions | null} [options]
   * @returns {string}
   */
  resolveImport (specifier, options = null) {
    this.load()
    const conditions = new Set(options?.conditions ?? REQUIRE_CONDITIONS)
    const imports = this.imports
    const resolved = specifier !== '#' && !specifier.startsWith('#/') && imports && typeof imports === 'object'
      ? resolveImportsExports(specifier, imports, this.#id, true, conditions)
      : null
    if (resolved === null || resolved === undefined) {
      throw packageError(
        'ERR_PACKAGE_IMPORT_NOT_DEFINED',
        `Package import specifier "${specifier}" is not defined in package ${this.#id}${this.#manifest}` +
        (options?.referrer ? ` imported from ${options.referrer}` : '')
      )
    }
    if (!resolved.startsWith('bare:') && !this.exists(resolved)) throw notFound(resolved, options?.referrer)
    return resolved
  }
}

/**
 * The replacement a `"browser"` object names for the package file `path` (relative to the
 * package, with or without `./`, `.js`, `.json` or `/index.js`), `undefined` when none.
 * @param {Record<string, any>} browser
 * @param {string} path
 * @returns {string | false | undefined}
 */
function browserTarget (browser, path) {
  const relative = `./${path.replace(/^\.?\//, '')}`
  for (const [key, value] of Object.entries(browser)) {
    if (!key.startsWith('.') && !key.includes('/')) continue
    const normal = `./${key.replace(/^\.?\//, '')}`
    if ([normal, `${normal}.js`, `${normal}.json`, `${normal}/index.js`].includes(relative) ||
        [relative, `${relative}.js`, `${relative}.json`].includes(normal)) {
      if (value === false || typeof value === 'string') return value
    }
  }
  return undefined
}

/**
 * Node's `MODULE_NOT_FOUND` for `what`.
 * @param {string} what
 * @param {string} [referrer]
 */
function notFound (what, referrer) {
  return new ModuleNotFoundError(`Cannot find module '${what}'${referrer ? ` imported from ${referrer}` : ''}`)
}

/**
 * Whether `url` is a file `loader` can read.
 * @param {Loader} loader
 * @param {string} url
 */
function isFile (loader, url) {
  return loader.status(url).ok
}

/**
 * Node's LOAD_AS_FILE: `url` itself, else with each extension; `null` when none is a file.
 * @param {Loader} loader
 * @param {string} url
 * @param {Iterable<string>} extensions
 * @returns {string | null}
 */
export function resolveFile (loader, url, extensions) {
  if (!url.endsWith('/') && isFile(loader, url)) return url
  for (const extension of extensions) {
    if (isFile(loader, url + extension)) return url + extension
  }
  return null
}

/**
 * Node's LOAD_AS_DIRECTORY for the directory `url` (ending in `/`): its manifest's `"browser"`
 * string or `"main"` (a file, or a directory's `index`), else its own `index`; `null` when none
 * is a file. `"exports"` play no part here, as in Node.
 * @param {Loader} loader
 * @param {string} url
 * @param {Iterable<string>} extensions
 * @param {string} [manifest]
 * @returns {string | null}
 */
export function resolveDirectory (loader, url, extensions, manifest = DEFAULT_PACKAGE_MANIFEST_FILE_NAME) {
  const info = readManifest(loader, `${url}${manifest}`)
  let main = typeof info?.browser === 'string' ? info.browser : info?.main
  // A "browser" object may replace the main file itself (`"./main.js": "./web.js"`).
  const replaced = typeof main === 'string' && info?.browser && typeof info.browser === 'object'
    ? browserTarget(info.browser, main)
    : undefined
  if (typeof replaced === 'string') main = replaced
  if (typeof main === 'string' && main !== '') {
    const target = new URL(main, url).href
    const found = resolveFile(loader, target, extensions) ?? resolveIndex(loader, `${target.replace(/\/$/, '')}/`, extensions)
    if (found !== null) return found
  }
  return resolveIndex(loader, url, extensions)
}

/**
 * Node's LOAD_INDEX.
 * @param {Loader} loader
 * @param {string} url ending in `/`
 * @param {Iterable<string>} extensions
 * @returns {string | null}
 */
function resolveIndex (loader, url, extensions) {
  for (const extension of extensions) {
    if (isFile(loader, `${url}index${extension}`)) return `${url}index${extension}`
  }
  return null
}

export default Package
