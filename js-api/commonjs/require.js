/**
 * `oro:commonjs/require` — the `require()` function a module's code gets: `require(id)` (see
 * `oro:commonjs/module` for what it finds), `require.resolve(id, { paths })` (the URL, or the
 * builtin's name) and `require.resolve.paths(id)`, `require.cache` (delete an entry to load the
 * module again), `require.main` (the page's module), `require.extensions`, and Oro's
 * `require.module`, `require.resolvers`, `require.meta` (`{ url, referrer }`).
 * @module oro:commonjs/require
 */

import { isBuiltin } from './builtins.js'
import { Module } from './module.js'

/** @typedef {(specifier: string, module: Module, next: (specifier: string) => any) => any} RequireResolver */
/**
 * @typedef {object} RequireOptions
 * @property {RequireResolver[]} [resolvers] run before the module's own
 * @property {Record<string, any>} [builtins] extra builtins by name
 * @property {boolean} [cache] `false`: do not keep the module in `require.cache`
 */
/**
 * @typedef {object} CreateRequireOptions
 * @property {Module} module the module whose code it is for
 * @property {RequireResolver[]} [resolvers]
 * @property {Record<string, any>} [builtins]
 * @property {string} [prefix] Oro's package folder name (`node_modules/`; the only one here)
 */
/**
 * @typedef {{
 *   (id: string | URL, options?: RequireOptions | null): any,
 *   resolve: ((id: string, options?: { paths?: string[] } | null) => string) & { paths: (id: string) => string[] | null },
 *   cache: Record<string, Module>,
 *   main: Module,
 *   extensions: Record<string, Function>,
 *   loaders: Record<string, Function>,
 *   resolvers: RequireResolver[],
 *   module: Module,
 *   meta: Meta
 * }} RequireFunction
 */

/**
 * URLs searched for packages after the `node_modules` folders above a module (Oro's: the
 * origin's own, which that walk reaches anyway).
 * @type {string[]}
 */
export const globalPaths = [
  new URL('/node_modules/', /** @type {any} */ (globalThis).location?.href ?? 'file:///').href
]

/**
 * Oro's `require.meta`: where the module is and who required it.
 */
export class Meta {
  #url
  #referrer

  /**
   * @param {Module} module
   */
  constructor (module) {
    this.#url = module.id
    this.#referrer = (module.parent ?? module.main).id
  }

  /** The URL of the module that required it. */
  get referrer () {
    return this.#referrer
  }

  /** The module's URL. */
  get url () {
    return this.#url
  }
}

/**
 * A `require()` for `options.module`'s code.
 * @param {CreateRequireOptions} options
 * @returns {RequireFunction}
 */
export function createRequire (options) {
  const { module } = options
  if (!(module instanceof Module)) {
    throw new TypeError(`Expecting 'options.module' to be a Module. Received: ${String(module)}`)
  }
  /**
   * @param {RequireOptions | null | undefined} callOptions
   * @returns {RequireOptions}
   */
  const merged = (callOptions) => ({
    ...callOptions,
    builtins: callOptions?.builtins ?? options.builtins,
    resolvers: [...(callOptions?.resolvers ?? []), ...(options.resolvers ?? [])]
  })

  /**
   * @param {string | URL} id
   * @param {RequireOptions | null} [callOptions]
   * @returns {any}
   */
  function require (id, callOptions = null) {
    return Module._load(/** @type {string} */ (id instanceof URL ? id.href : id), module, false, merged(callOptions))
  }

  /**
   * @param {string} id
   * @param {{ paths?: string[] } | null} [resolveOptions]
   * @returns {string}
   */
  function resolve (id, resolveOptions = null) {
    return Module._resolveFilename(id, module, false, { ...merged(null), paths: resolveOptions?.paths })
  }

  /**
   * Where a name is looked for: `null` for a builtin.
   * @param {string} id
   * @returns {string[] | null}
   */
  resolve.paths = function paths (id) {
    if (isBuiltin(id, { builtins: options.builtins })) return null
    if (/^\.\.?(\/|$)/.test(id)) return [module.path]
    return [...new Set([...module.paths, ...globalPaths.map((path) => path.replace(/\/$/, ''))])]
  }

  Object.defineProperties(require, {
    resolve: { value: resolve, enumerable: true, writable: true, configurable: true },
    cache: { get: () => Module._cache, enumerable: true, configurable: true },
    main: { get: () => Module.main, enumerable: true, configurable: true },
    extensions: { get: () => Module._extensions, enumerable: true, configurable: true },
    loaders: { get: () => module.loaders, enumerable: true, configurable: true },
    resolvers: { get: () => [...(options.resolvers ?? []), ...module.resolvers], enumerable: true, configurable: true },
    module: { value: module, enumerable: true, configurable: true },
    meta: { value: new Meta(module), enumerable: true, configurable: true }
  })
  return /** @type {RequireFunction} */ (/** @type {unknown} */ (require))
}

export default createRequire
