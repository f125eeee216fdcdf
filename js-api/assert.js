/**
 * `oro:assert` (also `node:assert`) — Node's `assert`, from the `assert` npm package
 * (browserify's port of Node's assert; bundled as ESM into `vendor/assert.js`). Its messages
 * show values with Node's own `util.inspect` (oro:util), and `AssertionError`s carry
 * `code: 'ERR_ASSERTION'`, `actual`, `expected`, `operator` and `generatedMessage` as Node's do.
 *
 * ```js
 * import assert from 'node:assert'
 * assert.deepStrictEqual({ a: [1] }, { a: [1] })
 * await assert.rejects(fetch('ipc://missing'), { name: 'NotFoundError' })
 * ```
 * @module oro:assert
 */

import assert, { AssertionError, strict } from './vendor/assert.js'

export const {
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
} = assert

// Oro's `assert` module names the function itself too (`import { assert } from 'oro:assert'`).
export { AssertionError, assert, strict }
export default assert
