/**
 * `oro:commonjs/require` — the `require()` a module's code gets, with `resolve`, `cache`,
 * `main`, `extensions` and Oro's `module`, `resolvers`, `meta`.
 * @module oro:commonjs/require
 */

import type { Module, ModuleResolver } from './module.js'

export type RequireResolver = ModuleResolver

export interface RequireOptions {
  /** Run before the module's own resolvers. */
  resolvers?: RequireResolver[]
  /** Extra builtins by name. */
  builtins?: Record<string, any>
  /** `false`: do not keep the module in `require.cache`. */
  cache?: boolean
}

export interface CreateRequireOptions {
  module: Module
  resolvers?: RequireResolver[]
  builtins?: Record<string, any>
  /** Oro's package folder name (`node_modules/`, the only one here). */
  prefix?: string
}

export interface RequireResolve {
  /** The URL `id` means (the name itself for a builtin); `paths`: directories to start from. */
  (id: string, options?: { paths?: string[] } | null): string
  /** Where `id` is looked for; `null` for a builtin. */
  paths (id: string): string[] | null
}

export interface RequireFunction {
  (id: string | URL, options?: RequireOptions | null): any
  resolve: RequireResolve
  /** Every loaded module by URL; delete an entry to load the module again. */
  cache: Record<string, Module>
  /** The page's module. */
  main: Module
  extensions: Record<string, (module: Module, filename?: any) => boolean | void>
  loaders: Record<string, (module: Module, filename?: any) => boolean | void>
  resolvers: RequireResolver[]
  module: Module
  meta: Meta
}

/** URLs searched for packages after a module's own `node_modules` folders. */
export const globalPaths: string[]

/** Oro's `require.meta`. */
export class Meta {
  constructor (module: Module)
  /** The URL of the module that required it. */
  get referrer (): string
  /** The module's URL. */
  get url (): string
}

/** A `require()` for `options.module`'s code. */
export function createRequire (options: CreateRequireOptions): RequireFunction
export default createRequire
