/**
 * `oro:test/fast-deep-equal` — `oro:test`'s structural equality, as Oro's test kit exports it.
 * @module oro:test/fast-deep-equal
 */

/** Whether `a` and `b` have the same structure and values (fast-deep-equal's rules). */
declare function equal (a: unknown, b: unknown): boolean
export default equal
