/**
 * `oro:assert/strict` (also `node:assert/strict`) — `assert.strict`: `equal` is `strictEqual`,
 * `deepEqual` is `deepStrictEqual`, and so on.
 * @module oro:assert/strict
 */

import { strict } from '../assert.js'

export const {
  AssertionError,
  deepEqual,
  deepStrictEqual,
  doesNotMatch,
  doesNotReject,
  doesNotThrow,
  equal,
  fail,
  ifError,
  match,
  notDeepEqual,
  notDeepStrictEqual,
  notEqual,
  notStrictEqual,
  ok,
  rejects,
  strictEqual,
  throws
} = strict

export { strict }
export default strict
