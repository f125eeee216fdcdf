/**
 * `oro:commonjs` — CommonJS modules in a page: one name for each of `oro:commonjs/*`. A page
 * also gets `require`, `module`, `__filename` and `__dirname` as globals once it is idle after
 * `runtimeinit`.
 * @module oro:commonjs
 */

import builtins from './commonjs/builtins.js'
import Cache from './commonjs/cache.js'
import createRequire from './commonjs/require.js'
import Loader from './commonjs/loader.js'
import Module from './commonjs/module.js'
import Package from './commonjs/package.js'

export { builtins, Cache, createRequire, Loader, Module, Package }

declare const commonjs: {
  builtins: typeof builtins
  Cache: typeof Cache
  createRequire: typeof createRequire
  Loader: typeof Loader
  Module: typeof Module
  Package: typeof Package
}
/** The module's own namespace. */
export default commonjs
