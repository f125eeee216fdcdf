/**
 * `oro:commonjs/module` — CommonJS modules in a page: `Module` loads one file by URL (a
 * synchronous request) and runs it in Node's module scope; `require()` follows Node's algorithm
 * in URL space (builtins, relative files, JSON, `#imports`, `node_modules` packages with `main`
 * or `exports`). A module's source runs through `eval`: a CSP without `'unsafe-eval'` makes it
 * throw an `EvalError` saying so; an ES module cannot be required (`ERR_REQUIRE_ESM`).
 * @module oro:commonjs/module
 */

import type { Loader } from './loader.js'
import type { Package, PackageOptions } from './package.js'
import type { RequireFunction, RequireOptions } from './require.js'

/** Oro's resolver hook: `next(name)` hands a name on, a non-string result answers `require()`. */
export type ModuleResolver = (specifier: string, module: Module, next: (specifier: string) => any) => any
export type ModuleLoaderFunction = (module: Module, filename?: any) => boolean | void
export type { RequireFunction, RequireOptions }

export interface CreateRequireOptions {
  builtins?: Record<string, any>
  resolvers?: ModuleResolver[]
}

export interface ModuleOptions {
  /** Who requires it (default `Module.main`). */
  parent?: Module | null
  resolvers?: ModuleResolver[]
  importmap?: ImportMap | { imports?: Record<string, string> }
  loader?: Loader | { origin?: string | URL, headers?: Record<string, string> }
  loaders?: Record<string, ModuleLoaderFunction>
  package?: Package | PackageOptions | null
  state?: State
}

export interface ModuleLoadOptions {
  extensions?: Record<string, ModuleLoaderFunction>
}

/** Node's module wrapper: the text before and after a module's source (`Module.wrap`). */
export const COMMONJS_WRAPPER: readonly string[]
/** Node's names of the builtin modules. */
export const builtinModules: string[]

/** The scope a module's code runs in (Oro's description of it; does nothing). */
export function CommonJSModuleScope (exports: object, require: RequireFunction, module: Module, filename: string, dirname: string, process: any, global: object): void

/** A `require()` for code at `url` (a URL, or a path of the page's origin). */
export function createRequire (url: string | URL, options?: (ModuleOptions & CreateRequireOptions) | null): RequireFunction

/** An import map's `imports`. */
export class ImportMap {
  get imports (): Record<string, string>
  set imports (imports: Record<string, string>)
  extend (importmap: ImportMap | { imports?: Record<string, string> } | null): this
}

/** A module's loading state. */
export class State {
  constructor (state?: { loading?: boolean, loaded?: boolean, error?: any } | null)
  loading: boolean
  loaded: boolean
  error: any
}

/** Oro's view of a module for its code. */
export class ModuleScope {
  constructor (module: Module)
  get id (): string
  get filename (): string
  get loaded (): boolean
  get children (): Module[]
  get exports (): any
  set exports (exports: any)
  toJSON (): { id: string, filename: string, children: Module[], exports: any }
}

/** Loads one kind of module file. */
export class ModuleLoader {
  static from (module: Module, options?: ModuleLoadOptions | null): ModuleLoader
  static load (module: Module, options?: ModuleLoadOptions | null): boolean
  load (module: Module, options?: ModuleLoadOptions | null): boolean
}
/** Runs a JavaScript file in a module scope. */
export class JavaScriptModuleLoader extends ModuleLoader {}
/** Parses a JSON file into `module.exports`. */
export class JSONModuleLoader extends ModuleLoader {}
/** Instantiates a WebAssembly file. */
export class WASMModuleLoader extends ModuleLoader {}

/** A CommonJS module: one file by URL. */
export class Module extends EventTarget {
  static Module: typeof Module
  static current: Module | null
  static previous: Module | null
  /** Every module made, by URL. */
  static cache: Map<string, Module>
  /** Resolvers every `require()` runs a name through first. */
  static resolvers: ModuleResolver[]
  static importmap: ImportMap
  static wrapper: readonly string[]
  /** Loaders by extension (Node's `require.extensions`). */
  static loaders: Record<string, ModuleLoaderFunction>
  static get _extensions (): Record<string, ModuleLoaderFunction>
  /** `require.cache`. */
  static get _cache (): Record<string, Module>
  static get builtins (): Record<string, any>
  static get builtinModules (): string[]
  static get globalPaths (): string[]
  /** The page's module. */
  static get main (): Module
  static isBuiltin (name: string): boolean
  static wrap (source: string): string
  static compile (source: string, options?: { url?: string | URL } | null): (exports: any, require: RequireFunction, module: any, filename: string, dirname: string, process?: any, global?: object) => any
  static from (url: string | URL | Module, options?: ModuleOptions | Module | null): Module
  static createRequire (url: string | URL, options?: (ModuleOptions & CreateRequireOptions) | null): RequireFunction
  static _load (request: string, parent?: Module | null, isMain?: boolean, options?: RequireOptions | null): any
  static _resolveFilename (request: string, parent?: Module | null, isMain?: boolean, options?: { paths?: string[], builtins?: Record<string, any> } | null): string
  static _nodeModulePaths (directory: string): string[]
  constructor (url: string | URL, options?: ModuleOptions | null)
  get id (): string
  get filename (): string
  get path (): string
  get paths (): string[]
  get main (): Module
  get parent (): Module | null
  get children (): Module[]
  get cache (): Record<string, Module>
  get package (): Package | null
  get importmap (): ImportMap
  get resolvers (): ModuleResolver[]
  get loading (): boolean
  get loaded (): boolean
  get error (): any
  get exports (): any
  set exports (exports: any)
  get scope (): ModuleScope
  get origin (): string
  get loader (): Loader
  get loaders (): Record<string, ModuleLoaderFunction>
  createRequire (options?: CreateRequireOptions | null): RequireFunction
  createModule (url: string | URL | Module, options?: ModuleOptions | null): Module
  require (request: string | URL, options?: RequireOptions | null): any
  load (options?: ModuleLoadOptions | null): boolean
  resolve (request: string): string
  _compile (content: string, filename?: string): any
  get [Symbol.toStringTag] (): string
}

export default Module
