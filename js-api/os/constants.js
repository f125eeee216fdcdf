/**
 * `oro:os/constants` (also `node:os/constants`, as Oro serves it) — `os.constants` as a module:
 * this platform's error and signal numbers by name (handed to the page at load; empty while
 * permission `device_info` is off) and Node's process priorities.
 * @module oro:os/constants
 */

import { constants } from '../os.js'

/** Error numbers by name (`ENOENT`...). @type {Record<string, number>} */
export const errno = constants.errno

/** Signal numbers by name (`SIGINT`...). @type {Record<string, number>} */
export const signals = constants.signals

/** Same as `signals` (Oro's name). */
export const signal = signals

/** Node's process priorities (`PRIORITY_LOW`...). @type {Readonly<Record<string, number>>} */
export const priority = constants.priority

export default constants
