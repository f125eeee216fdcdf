/**
 * `oro:stream/promises` (also `node:stream/promises`) — `pipeline` and `finished` as promises.
 * @module oro:stream/promises
 * @alias node:stream/promises
 */

import { promises } from '../stream.js'

export const pipeline: typeof promises.pipeline
export const finished: typeof promises.finished
export default promises
