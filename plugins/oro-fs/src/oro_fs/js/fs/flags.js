/**
 * `oro:fs/flags` — Oro's `normalizeFlags`: open flags as strings (`'r'`, `'w+'`, `'ax'`...)
 * to the host's numeric `O_*` flags.
 * @module oro:fs/flags
 */

import { toFlags } from './internal/util.js'

/**
 * The numeric open flags for `flags`, as `fs.open` computes them: a number is returned as is,
 * `undefined`/`null` means `'r'`, an unknown string is Node's `ERR_INVALID_ARG_VALUE` (Oro
 * answers `O_RDONLY` for it instead).
 * @param {string | number | null | undefined} [flags]
 * @returns {number}
 */
export function normalizeFlags (flags) {
  return toFlags(flags, 'r')
}

export default { normalizeFlags }
