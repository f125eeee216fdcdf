/**
 * `oro:commonjs/builtins` — the modules `require()` answers without loading anything: every
 * module the host serves, by name. `require()` is synchronous and these are ES modules, so this
 * module imports them all up front (as Oro's does): `../generated/modules.js` holds each
 * top-level module the host serves (with the installed plugins'), `../generated/node-modules.js`
 * each Node name served as another module than Oro's of that name (`zlib` is `oro:zlib/node`).
 * Both are static imports: a top-level `await import()` here made WebKitGTK evaluate a module
 * before its imports when two imports of this module ran at once.
 *
 * Names as Oro gives them: Node's names (`fs`, `node:fs`, `fs/promises`...) and Oro's bare `test`
 * work as they are; Oro's own modules need their scheme (`socket:ipc`, `oro:window`), so that an
 * npm package of the same name is found instead (`runtimeModules` lists them). A Node module is
 * its default export where Node's is one value (`events`, `stream`, `assert`, `util`, `process`,
 * `console`, `test`, `vm`, `module`), else a plain copy of its exports; a subpath is the parent's
 * property (`require('fs/promises') === require('fs').promises`, as in Node) or its export.
 * @module oro:commonjs/builtins
 */

import * as served from '../generated/modules.js'
import * as elsewhere from '../generated/node-modules.js'
import * as commonjs from '../commonjs.js'
import * as cacheModule from './cache.js'
import * as loaderModule from './loader.js'
import * as moduleModule from './module.js'
import * as packageModule from './package.js'
import * as requireModule from './require.js'
import { ModuleNotFoundError, withCode } from '../errors.js'

/** Node's builtin module names (`require('node:module').builtinModules` of Node 22). */
const NODE_BUILTINS = Object.freeze([
  'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console',
  'constants', 'crypto', 'dgram', 'diagnostics_channel', 'dns', 'dns/promises', 'domain', 'events',
  'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector', 'inspector/promises', 'module', 'net',
  'os', 'path', 'path/posix', 'path/win32', 'perf_hooks', 'process', 'punycode', 'querystring',
  'readline', 'readline/promises', 'repl', 'stream', 'stream/consumers', 'stream/promises',
  'stream/web', 'string_decoder', 'sys', 'timers', 'timers/promises', 'tls', 'trace_events', 'tty',
  'url', 'util', 'util/types', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib'
])
/** Node's modules that exist only with the `node:` scheme. */
const NODE_PREFIX_ONLY = Object.freeze(['sea', 'sqlite', 'test', 'test/reporters'])
/** Names Oro also answers bare that Node does not. */
const ORO_BARE = Object.freeze(['test'])
const NODE_NAMES = new Set([...NODE_BUILTINS, ...NODE_PREFIX_ONLY])

/** Modules whose `require()` value is their default export (Node's is one value). */
const DEFAULT_EXPORTS = new Set(['assert', 'console', 'events', 'module', 'process', 'stream', 'sys', 'test', 'util', 'vm'])

/** Node's subpath modules: the parent's property of that name. */
const SUBPATHS = Object.freeze({
  'assert/strict': ['assert', 'strict'],
  'dns/promises': ['dns', 'promises'],
  'fs/promises': ['fs', 'promises'],
  'path/posix': ['path', 'posix'],
  'path/win32': ['path', 'win32'],
  'stream/promises': ['stream', 'promises'],
  'stream/web': ['stream', 'web'],
  'timers/promises': ['timers', 'promises'],
  'util/types': ['util', 'types']
})

/** Node names Oro answers with a module of another name. */
const ORO_ALIASES = Object.freeze({ diagnostics_channel: 'diagnostics' })

/**
 * A mapping of builtin modules: name → what `require()` answers (computed on first use).
 * @type {Record<string, any>}
 */
export const builtins = {}

/** Oro's modules whose name means another module to Node (`socket:zlib` is Oro's zlib). */
/** @type {Record<string, () => any>} */
const oroOnly = {}

/**
 * `namespace`'s exports as a plain object (a module namespace is frozen; Node's modules are not).
 * @param {Record<string, any>} namespace
 * @returns {Record<string, any>}
 */
function copyExports (namespace) {
  /** @type {Record<string, any>} */
  const copy = {}
  for (const key of Object.keys(namespace)) {
    if (key !== 'default') copy[key] = namespace[key]
  }
  return copy
}

/**
 * What `require(name)` answers for a module namespace.
 * @param {string} name
 * @param {Record<string, any>} namespace
 */
function exportsOf (name, namespace) {
  if (DEFAULT_EXPORTS.has(name) && namespace.default != null) return namespace.default
  return copyExports(namespace)
}

/**
 * A getter computing `get()` once: the modules this reads may not have run yet when this module
 * runs (they import it in turn), but have when `require()` does.
 * @param {() => any} get
 */
function once (get) {
  let done = false
  /** @type {any} */
  let value
  return () => {
    if (!done) {
      value = get()
      done = true
    }
    return value
  }
}

/**
 * @param {string} name
 * @param {() => any} get
 */
function defineLazy (name, get) {
  Object.defineProperty(builtins, name, { configurable: true, enumerable: true, get: once(get) })
}

/** `protocolHandlers` (a name `../generated/modules.js` exports) as `protocol-handlers`. */
const moduleName = (/** @type {string} */ exported) => exported.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** @type {Record<string, any>} */
const servedModules = served
for (const exported of Object.keys(servedModules)) {
  const name = moduleName(exported)
  if (name in elsewhere) {
    oroOnly[name] = once(() => copyExports(servedModules[exported]))
    defineLazy(name, () => exportsOf(name, /** @type {Record<string, any>} */ (elsewhere)[name]))
  } else {
    defineLazy(name, () => exportsOf(name, servedModules[exported]))
  }
}
for (const [name, [parent, property]] of Object.entries(SUBPATHS)) {
  // The parent's value's property (Node's identity), else its module's export of that name
  // (`stream/web`: Node's `stream` has no `web`).
  if (parent in builtins) defineLazy(name, () => builtins[parent]?.[property] ?? servedModules[parent]?.[property])
}
for (const [name, target] of Object.entries(ORO_ALIASES)) {
  if (target in builtins && !(name in builtins)) defineLazy(name, () => builtins[target])
}
// The CommonJS modules themselves, whether or not the host serves them (Node's unit tests).
defineLazy('module', () => moduleModule.Module)
defineLazy('commonjs', () => copyExports(commonjs))
defineLazy('commonjs/builtins', () => builtins)
defineLazy('commonjs/cache', () => copyExports(cacheModule))
defineLazy('commonjs/loader', () => copyExports(loaderModule))
defineLazy('commonjs/module', () => moduleModule.Module)
defineLazy('commonjs/package', () => copyExports(packageModule))
defineLazy('commonjs/require', () => copyExports(requireModule))

/**
 * The builtins that need a scheme (`socket:ipc`): Oro's own modules, whose names npm packages
 * may have too.
 * @type {Set<string>}
 */
export const runtimeModules = new Set(
  Object.keys(builtins).filter((name) => !NODE_BUILTINS.includes(name) && !ORO_BARE.includes(name))
)

/**
 * Node's `builtinModules`: the names `require()` answers bare, sorted.
 * @type {string[]}
 */
export const builtinModules = Object.keys(builtins).filter((name) => !runtimeModules.has(name)).sort()

/**
 * `name` without its scheme, and the scheme.
 * @param {string} name
 * @returns {{ scheme: string | null, bare: string }}
 */
function split (name) {
  const match = /^(node|socket|oro):(.*)$/.exec(name)
  return match ? { scheme: match[1], bare: match[2] } : { scheme: null, bare: name }
}

/**
 * Defines (or replaces) the builtin `name`: an object is copied (its `default` left out) unless
 * `copy` is false; a string naming another builtin makes an alias of it.
 * @param {string} name
 * @param {any} exports
 * @param {boolean} [copy]
 */
export function defineBuiltin (name, exports, copy = true) {
  /** @type {() => any} */
  let get
  if (exports && typeof exports === 'object' && copy) {
    const value = { ...exports }
    delete value.default
    get = () => value
  } else if (typeof exports === 'string' && exports in builtins) {
    get = () => builtins[exports]
  } else {
    get = () => exports
  }
  Object.defineProperty(builtins, name, { configurable: true, enumerable: true, get })
  delete oroOnly[name]
}

/**
 * Whether `require(name)` answers a builtin: a Node name (bare or `node:`), Oro's bare `test`,
 * a name given to `defineBuiltin`, or any served module with `oro:`/`socket:`.
 * @param {string} name
 * @param {{ builtins?: Record<string, any> } | null} [options] extra builtins by name
 * @returns {boolean}
 */
export function isBuiltin (name, options = null) {
  if (typeof name !== 'string') return false
  const { scheme, bare } = split(name)
  if (options?.builtins && typeof options.builtins === 'object' && bare in options.builtins) return true
  if (scheme === 'node') return NODE_NAMES.has(bare) && bare in builtins
  if (scheme !== null) return bare in builtins || bare in oroOnly
  return bare in builtins && !runtimeModules.has(bare)
}

/**
 * What `require(name)` answers for the builtin `name`.
 * @param {string} name
 * @param {{ builtins?: Record<string, any> } | null} [options] extra builtins by name
 * @returns {any}
 * @throws {ModuleNotFoundError} `name` is no builtin (`ERR_UNKNOWN_BUILTIN_MODULE` for `node:`)
 */
export function getBuiltin (name, options = null) {
  const { scheme, bare } = split(name)
  if (options?.builtins && typeof options.builtins === 'object' && bare in options.builtins) {
    return options.builtins[bare]
  }
  if (!isBuiltin(name)) {
    if (scheme === 'node') {
      throw withCode(new Error(`No such built-in module: ${name}`), 'ERR_UNKNOWN_BUILTIN_MODULE')
    }
    throw new ModuleNotFoundError(`Cannot find builtin module '${name}'`)
  }
  if ((scheme === 'socket' || scheme === 'oro') && bare in oroOnly) return oroOnly[bare]()
  return builtins[bare]
}

export default builtins
