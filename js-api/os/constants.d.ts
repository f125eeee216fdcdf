/**
 * `oro:os/constants` (also `node:os/constants`) — `os.constants` as a module: error and signal
 * numbers by name, and process priorities.
 * @module oro:os/constants
 * @alias node:os/constants
 * @plugin os
 */

/** Error numbers by name (empty while permission `device_info` is off). */
export const errno: Record<string, number>
/** Signal numbers by name (empty while permission `device_info` is off). */
export const signals: Record<string, number>
/** Same as `signals`. */
export const signal: Record<string, number>
export const priority: Readonly<Record<string, number>>
declare const constants: Readonly<{ errno: Record<string, number>, signals: Record<string, number>, priority: Readonly<Record<string, number>> }>
export default constants
