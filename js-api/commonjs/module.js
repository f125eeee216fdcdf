/**
 * `oro:commonjs/module` — CommonJS modules in a page, as Node runs them and with Oro's names:
 * a `Module` is one file, by URL, loaded on `require()` with a synchronous request
 * (`oro:commonjs/loader`) and run in Node's module scope (`exports`, `require`, `module`,
 * `__filename` and `__dirname` — the module's URL and its directory's — plus `process`, `global`,
 * `Buffer`, `setImmediate`, `clearImmediate`). JSON files are parsed, `.wasm` files instantiated.
 *
 * `require(x)` follows Node's algorithm in URL space: builtins first (`oro:commonjs/builtins`),
 * then relative and absolute paths (the file, with `.js`/`.json`/`.wasm` added, or a directory's
 * `package.json` `main` or `index`), `#imports` of the nearest `package.json`, and for a name the
 * `node_modules` folders from the module's directory up to the origin's root (a package's
 * `"exports"` when it has them, see `oro:commonjs/package`). `Module.resolvers` (Oro's hooks)
 * see every name first: `(specifier, module, next) => next(other)` maps a name, returning a
 * non-string value answers it. Modules are cached by URL in `require.cache` (`Module._cache`)
 * and `Module.cache`; a module that throws while loading is dropped from both, as in Node.
 *
 * A module's source runs through the page's `eval`: a Content-Security-Policy without
 * `'unsafe-eval'` makes loading one throw an `EvalError` that says so. An ES module (`import`/
 * `export`) cannot be required (`ERR_REQUIRE_ESM`): `import()` it.
 * @module oro:commonjs/module
 */

import { builtinModules as builtinNames, builtins, getBuiltin, isBuiltin } from './builtins.js'
import { Loader } from './loader.js'
import { Package, REQUIRE_CONDITIONS, resolveDirectory, resolveFile } from './package.js'
import { createRequire as createRequireFunction, globalPaths } from './require.js'
import { ModuleNotFoundError, withCode } from '../errors.js'
import { isESMSource } from '../util.js'

/** @typedef {(specifier: string, module: Module, next: (specifier: string) => any) => any} ModuleResolver */
/** @typedef {import('./require.js').RequireFunction} RequireFunction */
/** @typedef {import('./require.js').RequireOptions} RequireOptions */
/** @typedef {import('./package.js').PackageOptions} PackageOptions */
/**
 * @typedef {object} CreateRequireOptions
 * @property {Record<string, any>} [builtins] extra builtins by name
 * @property {ModuleResolver[]} [resolvers] resolvers of this `require()` only
 */
/**
 * @typedef {object} ModuleOptions
 * @property {Module | null} [parent] who requires it (default: `Module.main`)
 * @property {ModuleResolver[]} [resolvers] this module's own resolvers
 * @property {ImportMap | { imports?: Record<string, string> }} [importmap]
 * @property {Loader | { origin?: string | URL, headers?: Record<string, string> }} [loader]
 * @property {Record<string, ModuleLoaderFunction>} [loaders] by extension, added to `Module.loaders`
 * @property {Package | PackageOptions | null} [package] the package it belongs to
 * @property {State} [state]
 */
/** @typedef {{ extensions?: Record<string, ModuleLoaderFunction> }} ModuleLoadOptions */
/** @typedef {(module: Module, filename?: any) => boolean | void} ModuleLoaderFunction */

/** The names a module's code sees, as Node gives them. */
const SCOPE_NAMES = Object.freeze(['exports', 'require', 'module', '__filename', '__dirname'])
/** Node's globals a page lacks, given to each module around its scope. */
const SCOPE_GLOBALS = Object.freeze(['process', 'global', 'Buffer', 'setImmediate', 'clearImmediate'])

/** Node's module wrapper (`Module.wrap`). */
export const COMMONJS_WRAPPER = Object.freeze([
  `(function (${SCOPE_NAMES.join(', ')}) { `,
  '\n});'
])

/**
 * The scope a module's code runs in, Oro's description of it: the module's code is the body of
 * a function of these parameters (`Module.compile` makes one; `Module.wrapper` is Node's text).
 * @param {object} exports `module.exports`
 * @param {RequireFunction} require the module's `require`
 * @param {Module} module the module
 * @param {string} filename `__filename`: the module's URL
 * @param {string} dirname `__dirname`: its directory's URL
 * @param {any} process `process` (the builtin)
 * @param {object} global `global` (`globalThis`)
 * @returns {void}
 */
export function CommonJSModuleScope (exports, require, module, filename, dirname, process, global) {
  void exports, void require, void module, void filename, void dirname, void process, void global
}

/** The page's URL without its fragment: the main module's id. */
function pageURL () {
  const href = /** @type {any} */ (globalThis).location?.href ?? 'file:///'
  return href.split('#')[0]
}

/**
 * A URL's directory (no trailing slash, as Node's `path.dirname`).
 * @param {string} url
 */
function dirname (url) {
  const end = url.lastIndexOf('/')
  return end > url.indexOf('//') + 1 ? url.slice(0, end) : url
}

/**
 * An import map's `imports`, held for modules (Oro reads the page's into `Module.importmap`).
 */
export class ImportMap {
  /** @type {Record<string, string>} */
  #imports = {}

  /** @returns {Record<string, string>} */
  get imports () {
    return this.#imports
  }

  set imports (imports) {
    if (imports && typeof imports === 'object' && !Array.isArray(imports)) this.#imports = { ...imports }
  }

  /**
   * Adds `importmap`'s imports (theirs win).
   * @param {ImportMap | { imports?: Record<string, string> } | null} importmap
   * @returns {this}
   */
  extend (importmap) {
    this.imports = { ...this.#imports, ...importmap?.imports }
    return this
  }
}

/** A module's loading state. */
export class State {
  loading = false
  loaded = false
  /** @type {any} */
  error = null

  /**
   * @param {{ loading?: boolean, loaded?: boolean, error?: any } | null} [state]
   */
  constructor (state = null) {
    if (typeof state?.loading === 'boolean') this.loading = state.loading
    if (typeof state?.loaded === 'boolean') this.loaded = state.loaded
    if (state?.error) this.error = state.error
  }
}

/**
 * Oro's view of a module for its code: `id`, `filename`, `loaded`, `children`, `exports` (the
 * module's own, read and written through).
 */
export class ModuleScope {
  #module

  /**
   * @param {Module} module
   */
  constructor (module) {
    this.#module = module
    Object.freeze(this)
  }

  get id () {
    return this.#module.id
  }

  get filename () {
    return this.#module.filename
  }

  get loaded () {
    return this.#module.loaded
  }

  get children () {
    return this.#module.children
  }

  get exports () {
    return this.#module.exports
  }

  set exports (exports) {
    this.#module.exports = exports
  }

  toJSON () {
    return { id: this.id, filename: this.filename, children: this.children, exports: this.exports }
  }
}

/** Loads one kind of module file (Oro's loader classes; `Module.loaders` uses them). */
export class ModuleLoader {
  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {ModuleLoader}
   */
  static from (module, options = null) {
    void module, void options
    return new this()
  }

  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  static load (module, options = null) {
    return this.from(module, options).load(module, options)
  }

  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  load (module, options = null) {
    void module, void options
    return false
  }
}

/**
 * The module's source from its loader, read once (a later load, after `delete require.cache[id]`,
 * asks again).
 * @param {Module} module
 * @param {boolean} [binary]
 */
function readSource (module, binary = false) {
  // A probe read the file as text, without the module loader's own headers: then ask again.
  const again = binary || [...module.loader.headers.keys()].length > 0
  const response = module.loader.load(module.id, null, again ? { binary, cache: false } : null)
  module.loader.cache.get('response')?.delete(module.id)
  if (!response.ok) {
    throw new ModuleNotFoundError(`Cannot find module '${module.id}'`, requireStack(module.parent))
  }
  return response
}

/** Runs a JavaScript file in a module scope. */
export class JavaScriptModuleLoader extends ModuleLoader {
  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  load (module, options = null) {
    void options
    module._compile(readSource(module).text, module.id)
    return true
  }
}

/** Parses a JSON file into `module.exports`. */
export class JSONModuleLoader extends ModuleLoader {
  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  load (module, options = null) {
    void options
    const text = readSource(module).text
    try {
      module.exports = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
    } catch (error) {
      const failure = /** @type {Error} */ (error)
      failure.message = `${module.id}: ${failure.message}`
      throw failure
    }
    return true
  }
}

/** Instantiates a WebAssembly file; `module.exports` are its exports. */
export class WASMModuleLoader extends ModuleLoader {
  /**
   * @param {Module} module
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  load (module, options = null) {
    void options
    const bytes = readSource(module, true).buffer ?? new ArrayBuffer(0)
    module.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports
    return true
  }
}

/**
 * `require.cache`: every loaded module by URL (Node's `Module._cache`).
 * @type {Record<string, Module>}
 */
const requireCache = Object.create(null)

/** One loader for every request: its caches are the page's anyway. */
/** @type {Loader | null} */
let sharedLoader = null
const loader = () => (sharedLoader ??= new Loader())

/** Packages by directory URL. */
/** @type {Map<string, Package>} */
const packages = new Map()

/**
 * @param {string} url a package directory, ending in `/`
 */
function packageAt (url) {
  let pkg = packages.get(url)
  if (!pkg) {
    pkg = new Package(url, { loader: loader() })
    packages.set(url, pkg)
  }
  return pkg
}

/**
 * The `node_modules` package `url` is a file of (its root is the folder after the last
 * `node_modules/`), when that folder has a `package.json`.
 * @param {string} url
 * @returns {Package | null}
 */
function installedPackageOf (url) {
  const marker = url.lastIndexOf('/node_modules/')
  if (marker === -1) return null
  const rest = url.slice(marker + '/node_modules/'.length).split('/')
  const depth = rest[0]?.startsWith('@') ? 2 : 1
  if (rest.length <= depth) return null
  const pkg = packageAt(url.slice(0, marker + '/node_modules/'.length) + rest.slice(0, depth).join('/') + '/')
  return pkg.load() ? pkg : null
}

/**
 * The nearest `package.json` above `url` (Node's package scope), not past a `node_modules`.
 * @param {string} url
 * @returns {Package | null}
 */
function packageScopeOf (url) {
  let directory = new URL('./', url)
  while (true) {
    if (directory.pathname.endsWith('/node_modules/')) return null
    const pkg = packageAt(directory.href)
    if (pkg.load()) return pkg
    if (directory.pathname === '/') return null
    directory = new URL('../', directory)
  }
}

/**
 * The URLs of the modules that required `module`, nearest first (Node's "Require stack").
 * @param {Module | null} module
 * @returns {string[]}
 */
function requireStack (module) {
  const stack = []
  for (let current = module; current && current !== mainModule; current = current.parent) {
    stack.push(current.id)
  }
  return stack
}

/**
 * Node's "Cannot find module" error, with the require stack.
 * @param {string} request
 * @param {Module | null} parent
 */
function notFound (request, parent) {
  const stack = requireStack(parent)
  const detail = stack.length ? `\nRequire stack:\n- ${stack.join('\n- ')}` : ''
  return new ModuleNotFoundError(`Cannot find module '${request}'${detail}`, stack)
}

/**
 * @param {string} request
 */
function isPathLike (request) {
  return request === '.' || request === '..' || request.startsWith('./') || request.startsWith('../') ||
    request.startsWith('/') || /^(https?|blob|file):/i.test(request)
}

/**
 * `name` and `./subpath` of a bare specifier (`@org/pkg/sub` → `@org/pkg`, `./sub`).
 * @param {string} request
 * @returns {{ name: string, subpath: string } | null}
 */
function splitSpecifier (request) {
  const parts = request.split('/')
  const size = request.startsWith('@') ? 2 : 1
  if (parts.length < size || parts.slice(0, size).some((part) => part === '')) return null
  const name = parts.slice(0, size).join('/')
  if (name.startsWith('.') || name.includes('\\') || name.includes('%')) return null
  const rest = parts.slice(size).join('/')
  return { name, subpath: rest ? `./${rest}` : '.' }
}

/**
 * What an installed package's `"browser"` object makes of a name its files require (a builtin's
 * too, as bundlers do: `"fs": false` is an empty module): `about:blank` for `false`, the
 * replacement's URL or name, or `request` itself.
 * @param {string} request
 * @param {Module | null} parent
 * @returns {string}
 */
function browserReplacement (request, parent) {
  if (!parent || isPathLike(request)) return request
  const pkg = installedPackageOf(parent.id)
  const browser = pkg?.browser
  if (!pkg || !browser || !Object.hasOwn(browser, request)) return request
  const replacement = browser[request]
  if (replacement === false) return 'about:blank'
  if (typeof replacement !== 'string' || replacement === request) return request
  return replacement.startsWith('.') ? new URL(replacement, pkg.id).href : replacement
}

/**
 * Node's resolution of `request` from the file at `referrer`; `null` when nothing is found.
 * @param {string} request
 * @param {string} referrer
 * @param {Module | null} parent
 * @returns {string | null}
 */
function resolveFrom (request, referrer, parent) {
  const extensions = Object.keys(Module._extensions)
  const conditions = REQUIRE_CONDITIONS
  if (request.startsWith('#')) {
    const scope = packageScopeOf(referrer)
    if (!scope) {
      throw withCode(
        new TypeError(`Package import specifier "${request}" is not defined imported from ${referrer}`),
        'ERR_PACKAGE_IMPORT_NOT_DEFINED'
      )
    }
    const target = scope.resolveImport(request, { conditions, referrer })
    return target.startsWith('bare:') ? resolveFrom(target.slice(5), referrer, parent) : target
  }
  if (isPathLike(request)) {
    let url = new URL(request, referrer).href
    // A path an installed package's "browser" object replaces, before looking for it.
    const mapped = installedPackageOf(url)?.mapBrowserFile(url) ?? url
    if (mapped === 'about:blank') return mapped
    url = mapped
    const directoryOnly = url.endsWith('/') || /(^|\/)\.\.?$/.test(request)
    const directory = url.endsWith('/') ? url : `${url}/`
    const found = directoryOnly
      ? resolveDirectory(loader(), directory, extensions)
      : resolveFile(loader(), url, extensions) ?? resolveDirectory(loader(), directory, extensions)
    return found === null ? null : (installedPackageOf(found)?.mapBrowserFile(found) ?? found)
  }
  const specifier = splitSpecifier(request)
  if (specifier === null) return null
  const lookups = new Set([...Module._nodeModulePaths(dirname(referrer)), ...globalPaths.map((path) => path.replace(/\/$/, ''))])
  for (const directory of lookups) {
    const pkg = packageAt(`${directory}/${specifier.name}/`)
    if (pkg.load() && pkg.exports !== undefined && pkg.exports !== null) {
      return pkg.resolve(specifier.subpath, { conditions, extensions, referrer })
    }
    const target = `${directory}/${request}`
    const found = resolveFile(loader(), target, extensions) ?? resolveDirectory(loader(), `${target}/`, extensions)
    if (found !== null) return installedPackageOf(found)?.mapBrowserFile(found) ?? found
  }
  return null
}

/** @type {Module | null} */
let mainModule = null

/**
 * A CommonJS module: one file by URL, its exports and its place among the others.
 */
export class Module extends EventTarget {
  /**
   * The module whose code is running (Oro's).
   * @type {Module | null}
   */
  static current = null

  /**
   * The module that ran before it.
   * @type {Module | null}
   */
  static previous = null

  /**
   * Every module made, by URL (Oro's; `require.cache` holds the loaded ones, as Node's).
   * @type {Map<string, Module>}
   */
  static cache = new Map()

  /**
   * Resolvers every `require()` runs a name through first (see the module's text).
   * @type {ModuleResolver[]}
   */
  static resolvers = []

  /** Imports shared by every module (Oro reads the page's import map into it). */
  static importmap = new ImportMap()

  /** Node's module wrapper, the two halves of `Module.wrap`. */
  static wrapper = COMMONJS_WRAPPER

  /**
   * Loaders by extension (Node's `require.extensions`): a name without an extension is tried
   * with each, in this order; a file whose extension has none loads as JavaScript.
   * @type {Record<string, ModuleLoaderFunction>}
   */
  static loaders = Object.assign(Object.create(null), {
    '.js' (/** @type {Module} */ module) {
      return JavaScriptModuleLoader.load(module)
    },
    '.json' (/** @type {Module} */ module) {
      return JSONModuleLoader.load(module)
    },
    '.wasm' (/** @type {Module} */ module) {
      return WASMModuleLoader.load(module)
    }
  })

  /** Node's name of `Module.loaders`. */
  static get _extensions () {
    return Module.loaders
  }

  /** Node's name of `require.cache`. */
  static get _cache () {
    return requireCache
  }

  /** The builtin modules by name (`oro:commonjs/builtins`). */
  static get builtins () {
    return builtins
  }

  /** Node's names of the builtin modules. */
  static get builtinModules () {
    return builtinNames
  }

  /** URLs searched for packages after a module's own `node_modules` folders. */
  static get globalPaths () {
    return globalPaths
  }

  /**
   * Node's test: whether `name` is a builtin module.
   * @param {string} name
   */
  static isBuiltin (name) {
    return isBuiltin(name)
  }

  /**
   * The page's module (Node's `require.main`): loaded, at the page's URL, with the app's
   * `package.json` when its root has one.
   * @returns {Module}
   */
  static get main () {
    if (!mainModule) {
      mainModule = new Module(pageURL(), { parent: null, state: new State({ loaded: true }) })
    }
    return mainModule
  }

  /**
   * Node's wrapper text around `source`.
   * @param {string} source
   * @returns {string}
   */
  static wrap (source) {
    return `${COMMONJS_WRAPPER[0]}${source}${COMMONJS_WRAPPER[1]}`
  }

  /**
   * A module's source as a function of its scope:
   * `(exports, require, module, __filename, __dirname, process?, global?)`.
   * @param {string} source
   * @param {{ url?: string | URL } | null} [options] `url` names it in stack traces
   * @returns {(exports: any, require: RequireFunction, module: any, filename: string, dirname: string, process?: any, global?: object) => any}
   * @throws {EvalError} the page's Content-Security-Policy forbids `eval`
   * @throws {Error} `ERR_REQUIRE_ESM`: the source is an ES module
   */
  static compile (source, options = null) {
    const url = String(options?.url ?? '<anonymous>')
    let body = String(source ?? '')
    if (body.charCodeAt(0) === 0xfeff) body = body.slice(1)
    // A hashbang line stays a line (a comment), so the module's line numbers stay true.
    if (body.startsWith('#!')) body = `//${body.slice(2)}`
    const text = `(function (${SCOPE_GLOBALS.join(', ')}) { return function (${SCOPE_NAMES.join(', ')}) {${body}\n} })\n//# sourceURL=${url}`
    /** @type {(...scope: any[]) => (...names: any[]) => any} */
    let factory
    try {
      factory = (0, eval)(text)
    } catch (error) {
      throw compileError(/** @type {Error} */ (error), body, url)
    }
    return function (exports, require, module, filename, dirname, process = scopeProcess(), global = globalThis) {
      const run = factory(process, global, scopeBuffer(), scopeTimer('setImmediate'), scopeTimer('clearImmediate'))
      return run.call(exports, exports, require, module, filename, dirname)
    }
  }

  /**
   * The module at `url` (made with `options` unless one is cached).
   * @param {string | URL | Module} url
   * @param {ModuleOptions | Module | null} [options] or the parent
   * @returns {Module}
   */
  static from (url, options = null) {
    if (url instanceof Module) return url
    const opts = options instanceof Module ? { parent: options } : { ...options }
    const parent = opts.parent === undefined ? Module.main : opts.parent
    const id = Loader.resolve(url, parent?.id ?? pageURL())
    return Module.cache.get(id) ?? new Module(id, opts)
  }

  /**
   * A `require()` for code at `url` (a URL, or a path of the page's origin).
   * @param {string | URL} url
   * @param {ModuleOptions & CreateRequireOptions | null} [options]
   * @returns {RequireFunction}
   */
  static createRequire (url, options = null) {
    if (typeof url !== 'string' && !(url instanceof URL)) {
      throw withCode(new TypeError(`The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received ${String(url)}`), 'ERR_INVALID_ARG_VALUE')
    }
    return Module.from(url, options).createRequire(options)
  }

  /**
   * Node's `Module._load`: what `require(request)` answers in `parent`.
   * @param {string} request
   * @param {Module | null} [parent]
   * @param {boolean} [isMain]
   * @param {RequireOptions | null} [options]
   * @returns {any}
   */
  static _load (request, parent = null, isMain = false, options = null) {
    void isMain
    const asked = applyResolvers(request, parent ?? Module.main, /** @type {ModuleResolver[] | undefined} */ (options?.resolvers))
    if (typeof asked !== 'string') return asked
    const name = browserReplacement(asked.startsWith('npm:') ? asked.slice(4) : asked, parent)
    if (name === 'about:blank') return {}
    // `node:` names only builtins (an unknown one is `ERR_UNKNOWN_BUILTIN_MODULE`, as in Node).
    if (isBuiltin(name, options) || name.startsWith('node:')) return getBuiltin(name, options)
    const filename = Module._resolveFilename(name, parent, false, options)
    if (filename === 'about:blank') return {}
    const cached = requireCache[filename]
    if (cached) {
      if (parent && !parent.children.includes(cached)) parent.children.push(cached)
      return cached.exports
    }
    const module = new Module(filename, { parent: parent ?? Module.main })
    if (options?.cache !== false) requireCache[filename] = module
    let loaded = false
    try {
      module.load()
      loaded = true
    } finally {
      if (!loaded) {
        delete requireCache[filename]
        Module.cache.delete(filename)
        const siblings = parent?.children
        if (siblings?.includes(module)) siblings.splice(siblings.indexOf(module), 1)
      }
    }
    return module.exports
  }

  /**
   * Node's `Module._resolveFilename`: the URL `require(request)` loads in `parent` (the name
   * itself for a builtin).
   * @param {string} request
   * @param {Module | null} [parent]
   * @param {boolean} [isMain]
   * @param {{ paths?: string[], builtins?: Record<string, any> } | null} [options]
   * @returns {string}
   * @throws {ModuleNotFoundError} `MODULE_NOT_FOUND`
   */
  static _resolveFilename (request, parent = null, isMain = false, options = null) {
    void isMain
    request = browserReplacement(request, parent)
    if (request === 'about:blank' || isBuiltin(request, options)) return request
    if (request.startsWith('node:')) getBuiltin(request, options)
    const referrer = parent?.id ?? Module.main.id
    const starts = Array.isArray(options?.paths)
      ? options.paths.map((path) => new URL(`${String(path).replace(/\/$/, '')}/_`, referrer).href)
      : [referrer]
    for (const start of starts) {
      const found = resolveFrom(request, start, parent)
      if (found !== null) return found
    }
    throw notFound(request, parent)
  }

  /**
   * Node's `Module._nodeModulePaths`: the `node_modules` folders searched from `directory` (a
   * URL), nearest first, up to the origin's root.
   * @param {string} directory
   * @returns {string[]}
   */
  static _nodeModulePaths (directory) {
    let url
    try {
      url = new URL(directory.endsWith('/') ? directory : `${directory}/`)
    } catch {
      return []
    }
    if (!/^(https?|file):$/.test(url.protocol)) return []
    const paths = []
    while (true) {
      if (!url.pathname.endsWith('/node_modules/')) paths.push(`${url.href}node_modules`)
      if (url.pathname === '/') break
      url = new URL('../', url)
    }
    return paths
  }

  #id
  /** @type {Module | null} */
  #parent
  /** @type {Module[]} */
  #children = []
  /** @type {any} */
  #exports = {}
  #state
  #scope
  #loader
  /** @type {Package | null | undefined} */
  #package
  #importmap = new ImportMap()
  /** @type {ModuleResolver[]} */
  #resolvers = []
  /** @type {Record<string, ModuleLoaderFunction>} */
  #loaders
  /** @type {RequireFunction | null} */
  #require = null

  /**
   * @param {string | URL} url
   * @param {ModuleOptions | null} [options]
   */
  constructor (url, options = null) {
    super()
    const opts = options ?? {}
    this.#parent = opts.parent === undefined ? Module.main : opts.parent
    this.#id = Loader.resolve(url, this.#parent?.id ?? pageURL())
    this.#state = opts.state instanceof State ? opts.state : new State()
    this.#scope = new ModuleScope(this)
    this.#loader = opts.loader instanceof Loader
      ? opts.loader
      : new Loader({ origin: this.#id, headers: opts.loader?.headers })
    this.#package = opts.package instanceof Package
      ? opts.package
      : opts.package ? new Package(this.#id, { ...opts.package, loader: this.#loader }) : undefined
    this.#importmap.extend(Module.importmap)
    if (opts.importmap) this.#importmap.extend(opts.importmap)
    for (const resolver of opts.resolvers ?? []) {
      if (typeof resolver === 'function') this.#resolvers.push(resolver)
    }
    this.#loaders = Object.assign(Object.create(null), opts.loaders)
    Module.cache.set(this.#id, this)
  }

  /** The module's URL. */
  get id () {
    return this.#id
  }

  /** The module's URL (`__filename`). */
  get filename () {
    return this.#id
  }

  /** Its directory's URL (`__dirname`). */
  get path () {
    return dirname(this.#id)
  }

  /** The `node_modules` folders its names are looked up in. */
  get paths () {
    return Module._nodeModulePaths(this.path)
  }

  get main () {
    return Module.main
  }

  /** @returns {Module | null} */
  get parent () {
    return this.#parent
  }

  /** @returns {Module[]} */
  get children () {
    return this.#children
  }

  /** `require.cache`, shared by every module. */
  get cache () {
    return requireCache
  }

  /**
   * The package it belongs to: the installed package it is a file of, else the app's
   * (`package.json` at the origin's root; `null` when there is none).
   * @returns {Package | null}
   */
  get package () {
    if (this.#package === undefined) {
      if (this === mainModule) {
        const url = new URL(this.#id)
        const root = /^(https?|file):$/.test(url.protocol) ? packageAt(new URL('/', url).href) : null
        this.#package = root?.load() ? root : null
      } else {
        this.#package = installedPackageOf(this.#id) ?? Module.main.package
      }
    }
    return this.#package ?? null
  }

  get importmap () {
    return this.#importmap
  }

  /** Every resolver its names go through: `Module.resolvers`, then its own. */
  get resolvers () {
    return [...new Set([...Module.resolvers, ...this.#resolvers])]
  }

  get loading () {
    return this.#state.loading
  }

  get loaded () {
    return this.#state.loaded
  }

  get error () {
    return this.#state.error
  }

  /** `module.exports`. */
  get exports () {
    return this.#exports
  }

  set exports (exports) {
    this.#exports = exports
  }

  /** Oro's view of the module for its code. */
  get scope () {
    return this.#scope
  }

  get origin () {
    return this.#loader.origin
  }

  get loader () {
    return this.#loader
  }

  /** Loaders by extension: `Module.loaders` and the module's own. */
  get loaders () {
    return Object.assign(Object.create(null), Module.loaders, this.#loaders)
  }

  /**
   * A `require()` for this module's code.
   * @param {CreateRequireOptions | null} [options]
   * @returns {RequireFunction}
   */
  createRequire (options = null) {
    if (options === null && this.#require) return this.#require
    const made = createRequireFunction(/** @type {any} */ ({ ...options, module: this }))
    if (options === null) this.#require = made
    return made
  }

  /**
   * A module at `url` (relative to this one) with this one as its parent.
   * @param {string | URL | Module} url
   * @param {ModuleOptions | null} [options]
   * @returns {Module}
   */
  createModule (url, options = null) {
    return Module.from(url, { parent: this, ...options })
  }

  /**
   * `require(request)` in this module.
   * @param {string | URL} request
   * @param {RequireOptions | null} [options]
   * @returns {any}
   */
  require (request, options = null) {
    return this.createRequire().call(null, request, options)
  }

  /**
   * Loads the module's file once: its loader by extension runs it.
   * @param {ModuleLoadOptions | null} [options]
   * @returns {boolean}
   */
  load (options = null) {
    if (this.#state.loaded) return true
    const extension = findExtension(this.#id, { ...this.loaders, ...options?.extensions })
    if (extension === '.mjs') throw requireESMError(this.#id)
    const load = { ...this.loaders, ...options?.extensions }[extension]
    this.#state.loading = true
    const previous = Module.current
    Module.previous = previous
    Module.current = this
    try {
      load(this, this.#id)
      if (this.#parent && !this.#parent.children.includes(this)) this.#parent.children.push(this)
      this.#state.loaded = true
    } catch (error) {
      this.#state.error = error
      dispatchError(this, error)
      throw error
    } finally {
      this.#state.loading = false
      Module.current = previous
    }
    return this.#state.loaded
  }

  /**
   * The URL `request` means in this module.
   * @param {string} request
   * @returns {string}
   */
  resolve (request) {
    return Module._resolveFilename(request, this)
  }

  /**
   * Node's `module._compile`: runs `content` as this module's code.
   * @param {string} content
   * @param {string} [filename]
   * @returns {any}
   */
  _compile (content, filename = this.#id) {
    const run = Module.compile(content, { url: filename })
    return run.call(this.#exports, this.#exports, this.createRequire(), this, filename, dirname(filename))
  }

  get [Symbol.toStringTag] () {
    return 'Module'
  }
}

Object.defineProperty(Module, 'Module', { value: Module, enumerable: false })

/**
 * The extension of the loader for `url`: the longest registered one its file name ends with
 * (`.js` when none: Node loads `.cjs` and unknown extensions as JavaScript).
 * @param {string} url
 * @param {Record<string, ModuleLoaderFunction>} loaders
 */
function findExtension (url, loaders) {
  const name = new URL(url).pathname.split('/').pop() ?? ''
  for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1)) {
    const extension = name.slice(dot)
    if (extension === '.mjs' || typeof loaders[extension] === 'function') return extension
  }
  return '.js'
}

/**
 * @param {string} url
 */
function requireESMError (url) {
  return withCode(
    new Error(`ES Module ${url} cannot be required: load it with a dynamic import() instead, which CommonJS modules have too`),
    'ERR_REQUIRE_ESM'
  )
}

/**
 * What evaluating a module's source threw, said for the module.
 * @param {Error} error
 * @param {string} body
 * @param {string} url
 */
function compileError (error, body, url) {
  if (error?.name === 'EvalError') {
    return new EvalError(
      `cannot run the CommonJS module ${url}: the page's Content-Security-Policy does not allow ` +
      "'unsafe-eval' (script-src), which running a module's source needs",
      { cause: error }
    )
  }
  if (error?.name === 'SyntaxError' && isESMSource(body)) return requireESMError(url)
  if (error && typeof error.message === 'string') error.message = `${error.message} (${url})`
  return error
}

/**
 * Tells the module (and the main module) a load failed, as Oro's modules do.
 * @param {Module} module
 * @param {unknown} error
 */
function dispatchError (module, error) {
  const make = () => typeof ErrorEvent === 'function'
    ? new ErrorEvent('error', { error })
    : Object.assign(new Event('error'), { error })
  module.dispatchEvent(make())
  if (mainModule && module !== mainModule) mainModule.dispatchEvent(make())
}

/**
 * Runs `request` through the resolvers: Oro's hooks, each calling `next(name)` for the rest.
 * @param {string | URL} request
 * @param {Module} module
 * @param {ModuleResolver[]} [extra] the call's own, run first
 * @returns {any}
 */
function applyResolvers (request, module, extra = []) {
  if (request instanceof URL) request = request.href
  if (typeof request !== 'string') {
    throw withCode(new TypeError(`The "id" argument must be of type string. Received ${typeof request}`), 'ERR_INVALID_ARG_TYPE')
  }
  if (request === '') {
    throw withCode(new TypeError("The argument 'id' must be a non-empty string. Received ''"), 'ERR_INVALID_ARG_VALUE')
  }
  const chain = [...extra, ...module.resolvers].filter((resolver) => typeof resolver === 'function')
  /**
   * @param {number} index
   * @param {string} specifier
   * @returns {any}
   */
  const next = (index, specifier) => index < chain.length
    ? chain[index](specifier, module, (/** @type {string} */ other) => next(index + 1, other))
    : specifier
  return next(0, request)
}

/** The `process` a module sees: the builtin's (Node's own under Node). */
function scopeProcess () {
  return isBuiltin('process') ? getBuiltin('process') : /** @type {any} */ (globalThis).process
}

/** The `Buffer` a module sees. */
function scopeBuffer () {
  return isBuiltin('buffer') ? getBuiltin('buffer').Buffer : /** @type {any} */ (globalThis).Buffer
}

/**
 * `setImmediate`/`clearImmediate` from `oro:timers` (a page has neither).
 * @param {'setImmediate' | 'clearImmediate'} name
 */
function scopeTimer (name) {
  return isBuiltin('timers') ? getBuiltin('timers')[name] : /** @type {any} */ (globalThis)[name]
}

/**
 * A `require()` for code at `url` (Node's `createRequire`).
 * @param {string | URL} url
 * @param {ModuleOptions & CreateRequireOptions | null} [options]
 * @returns {RequireFunction}
 */
export function createRequire (url, options = null) {
  return Module.createRequire(url, options)
}

export { builtinNames as builtinModules }

export default Module
