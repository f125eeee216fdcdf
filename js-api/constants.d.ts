/**
 * `oro:constants` (also `node:constants`) — Node's deprecated flat `constants`: dlopen, errno,
 * priority, signals, and fs/crypto constants where the page has those modules.
 * @module oro:constants
 * @alias node:constants
 */

declare const constants: Readonly<Record<string, unknown>>
export default constants
