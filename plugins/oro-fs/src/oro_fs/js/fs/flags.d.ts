/**
 * `oro:fs/flags` — Oro's `normalizeFlags`: open flags as strings (`'r'`, `'w+'`, `'ax'`...)
 * to the host's numeric `O_*` flags.
 * @module oro:fs/flags
 */

/**
 * The numeric open flags for `flags`: a number as is, `undefined`/`null` as `'r'`; an unknown
 * string throws `ERR_INVALID_ARG_VALUE` (as `fs.open` does).
 */
export function normalizeFlags (flags?: string | number | null): number

declare const _default: { normalizeFlags: typeof normalizeFlags }
export default _default
