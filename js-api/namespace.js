/**
 * `oro:index` (Oro's `socket:index`) — every module the host serves, one namespace each:
 * `import { fs, os } from 'oro:index'`, or the default export, an object holding them all
 * (`import socket from 'socket:index'; socket.fs`). Names are the modules' own, with a hyphen
 * turned into camel case (`protocolHandlers`, `secureStorage`). The file is `namespace.js`
 * because `index.d.ts` is the type bundle; its header decides the specifier.
 * @module oro:index
 */

import * as modules from './generated/modules.js'

export * from './generated/modules.js'

/** Every module's namespace by name, frozen. */
export default Object.freeze({ ...modules })
