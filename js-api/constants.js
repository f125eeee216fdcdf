/**
 * `oro:constants` (also `node:constants`) — Node's deprecated `constants` module: one flat
 * object of `os.constants.dlopen`, `errno`, `priority` and `signals`, then `fs.constants` and
 * `crypto.constants` when the page has those modules (`oro:fs` comes from the oro-fs plugin).
 * Numbers are the host platform's (from `oro:errno` and `oro:os`); `dlopen` and `priority` are
 * Node's fixed values for the platform.
 * @module oro:constants
 */

import { constants as errno } from './errno.js'
import { constants as os, platform } from './os.js'

/** Node's `os.constants.priority` (the same numbers on every platform). */
const PRIORITY = {
  PRIORITY_LOW: 19,
  PRIORITY_BELOW_NORMAL: 10,
  PRIORITY_NORMAL: 0,
  PRIORITY_ABOVE_NORMAL: -7,
  PRIORITY_HIGH: -14,
  PRIORITY_HIGHEST: -20
}

/** Node's `os.constants.dlopen` by platform (none on Windows). */
const DLOPEN = /** @type {Record<string, Record<string, number>>} */ ({
  linux: { RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 256, RTLD_LOCAL: 0, RTLD_DEEPBIND: 8 },
  darwin: { RTLD_LAZY: 1, RTLD_NOW: 2, RTLD_GLOBAL: 8, RTLD_LOCAL: 4 }
})

/**
 * `constants` of an optional module, or nothing when the page does not have it.
 * @param {Promise<any>} loading
 * @returns {Promise<Record<string, unknown>>}
 */
async function optionalConstants (loading) {
  try {
    const module = await loading
    const found = module.constants ?? module.default?.constants ?? module.default ?? {}
    return typeof found === 'object' && found !== null ? found : {}
  } catch {
    return {}
  }
}

// Specifiers of the import map: a page without the plugin fails to resolve them (caught), and
// Node (the unit tests) refuses the scheme.
/** @type {(specifier: string) => Promise<any>} */
const load = (specifier) => import(specifier)
const fs = await optionalConstants(load('oro:fs/constants'))
const crypto = await optionalConstants(load('oro:crypto'))

/** @type {Readonly<Record<string, unknown>>} */
const constants = Object.freeze({
  ...(DLOPEN[platform()] ?? {}),
  ...errno,
  ...PRIORITY,
  ...os.signals,
  ...fs,
  ...crypto
})

export default constants
