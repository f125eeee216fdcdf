/**
 * `oro:fs/flags` — Oro's `normalizeFlags`: open flags as strings (`'r'`, `'w+'`, `'ax'`...)
 * to the host's numeric `O_*` flags.
 * @module oro:fs/flags
 */

import { describe, toFlags, typeError } from './internal/util.js'

/**
 * The numeric open flags for `flags`, as Oro computes them: a number is returned as is,
 * `undefined` means `'r'`; anything else that is not a string (`null` too) is a `TypeError`
 * `Expecting flags to be a string or number: Got <type>` (Oro's words). An unknown string is
 * Node's `ERR_INVALID_ARG_VALUE` (Oro answers `O_RDONLY` for it instead: a typo would open
 * the file read-only).
 * @param {string | number | undefined} [flags]
 * @returns {number}
 */
export function normalizeFlags (flags) {
  if (typeof flags === 'number') return toFlags(flags, 'r')
  if (flags !== undefined && typeof flags !== 'string') {
    throw Object.assign(
      typeError(`Expecting flags to be a string or number: Got ${typeof flags}`, 'ERR_INVALID_ARG_TYPE'),
      { received: describe(flags) }
    )
  }
  return toFlags(flags, 'r')
}

export default { normalizeFlags }
