/**
 * `oro:module` (also `node:module`) — Node's `module` over Oro's CommonJS loader:
 * `createRequire`, `Module` (default), `builtinModules`, `isBuiltin` and Oro's `builtins`.
 * @module oro:module
 * @alias node:module
 */

export { builtins, builtinModules, isBuiltin } from './commonjs/builtins.js'
export { createRequire, Module, Module as default } from './commonjs/module.js'
export type { CreateRequireOptions, ModuleLoadOptions, ModuleOptions, ModuleResolver, RequireFunction } from './commonjs/module.js'
