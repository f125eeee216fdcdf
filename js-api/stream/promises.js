/**
 * `oro:stream/promises` (also `node:stream/promises`) — `pipeline` and `finished` returning
 * promises, from `readable-stream` (oro:stream's `promises`).
 * @module oro:stream/promises
 */

import { promises } from '../stream.js'

export const pipeline = promises.pipeline
export const finished = promises.finished
export default promises
