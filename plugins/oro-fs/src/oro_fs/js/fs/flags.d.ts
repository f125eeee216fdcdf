/**
 * `oro:fs/flags` — Oro's `normalizeFlags`: open flags as strings (`'r'`, `'w+'`, `'ax'`...)
 * to the host's numeric `O_*` flags.
 * @module oro:fs/flags
 */

/**
 * The numeric open flags for `flags`: a number as is, `undefined` as `'r'`. Anything else
 * that is not a string (`null` too) throws a `TypeError` (`Expecting flags to be a string or
 * number: Got <type>`, as Oro's); an unknown string throws `ERR_INVALID_ARG_VALUE` (as
 * `fs.open` does; Oro answers `O_RDONLY`).
 */
export function normalizeFlags (flags?: string | number): number

declare const _default: { normalizeFlags: typeof normalizeFlags }
export default _default
