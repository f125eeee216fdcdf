/**
 * `oro:test/fast-deep-equal` — the structural equality `oro:test`'s `deepEqual` uses, as Oro's
 * test kit exports it (`import deepEqual from 'socket:test/fast-deep-equal'`): same constructor,
 * same own enumerable keys, arrays, Maps, Sets, typed arrays, dates and regular expressions by
 * value.
 * @module oro:test/fast-deep-equal
 */

import { deepEqual } from '../test.js'

export default deepEqual
