/**
 * `oro:commonjs` — CommonJS modules in a page: `createRequire`, `Module`, `Package`, `Loader`,
 * `Cache` and the `builtins`, one name for each of `oro:commonjs/*` (see `oro:module` for
 * Node's `module`). A page also gets `require`, `module`, `__filename` and `__dirname` as
 * globals once it is idle after `runtimeinit`, as Oro's pages do.
 * @module oro:commonjs
 */

import * as exports from './commonjs.js'
import builtins from './commonjs/builtins.js'
import Cache from './commonjs/cache.js'
import createRequire from './commonjs/require.js'
import Loader from './commonjs/loader.js'
import Module from './commonjs/module.js'
import Package from './commonjs/package.js'

export { builtins, Cache, createRequire, Loader, Module, Package }

/** The module's own namespace (as Oro's default export). */
export default exports
