/**
 * `oro:module` (also `node:module`) — Node's `module` over Oro's CommonJS loader:
 * `createRequire(import.meta.url)` gives an ES module a `require()` (relative files, JSON,
 * `node_modules` packages with `main`/`exports`, the builtin modules), `Module` (the default
 * export) with `Module.main`, `Module.cache`, `Module.resolvers`, `Module.wrap`,
 * `Module.createRequire`..., `builtinModules` (Node's list of the names served here),
 * `isBuiltin`, and Oro's `builtins` (name → module). See `oro:commonjs/module`.
 * @module oro:module
 */

export { builtins, builtinModules, isBuiltin } from './commonjs/builtins.js'
export { createRequire, Module, Module as default } from './commonjs/module.js'
