/**
 * `oro:assert/strict` (also `node:assert/strict`) — `assert.strict`.
 * @module oro:assert/strict
 * @alias node:assert/strict
 */

import type { AssertFunctions } from '../assert.js'
import { AssertionError } from '../assert.js'

declare const strict: AssertFunctions
export { AssertionError, strict }
export const ok: AssertFunctions['ok']
export const equal: AssertFunctions['strictEqual']
export const notEqual: AssertFunctions['notStrictEqual']
export const deepEqual: AssertFunctions['deepStrictEqual']
export const notDeepEqual: AssertFunctions['notDeepStrictEqual']
export const strictEqual: AssertFunctions['strictEqual']
export const notStrictEqual: AssertFunctions['notStrictEqual']
export const deepStrictEqual: AssertFunctions['deepStrictEqual']
export const notDeepStrictEqual: AssertFunctions['notDeepStrictEqual']
export const throws: AssertFunctions['throws']
export const doesNotThrow: AssertFunctions['doesNotThrow']
export const rejects: AssertFunctions['rejects']
export const doesNotReject: AssertFunctions['doesNotReject']
export const ifError: AssertFunctions['ifError']
export const match: AssertFunctions['match']
export const doesNotMatch: AssertFunctions['doesNotMatch']
export const fail: AssertFunctions['fail']
export default strict
