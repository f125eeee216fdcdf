/**
 * `oro:index` (Oro's `socket:index`) — every module the host serves as a named namespace
 * (`fs`, `os`, `protocolHandlers`...), and all of them as the default export.
 * @module oro:index
 */

/** Every module's namespace by name (those of the installed plugins only). */
declare const modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>
export default modules
