/**
 * `oro:commonjs/builtins` — the modules `require()` answers without loading a file: every module
 * the host serves (Node's names bare or with `node:`, Oro's own with `oro:`/`socket:`).
 * @module oro:commonjs/builtins
 */

/** Builtin modules by name: what `require(name)` answers. */
export const builtins: Record<string, any>
/** The builtins that need a scheme (`socket:ipc`). */
export const runtimeModules: Set<string>
/** Node's `builtinModules`: the names answered bare, sorted. */
export const builtinModules: string[]
/** Defines or replaces a builtin (an object is copied without `default` unless `copy` is false; a builtin's name makes an alias). */
export function defineBuiltin (name: string, exports: any, copy?: boolean): void
/** Whether `require(name)` answers a builtin. */
export function isBuiltin (name: string, options?: { builtins?: Record<string, any> } | null): boolean
/** The builtin `name`; throws `MODULE_NOT_FOUND` (`ERR_UNKNOWN_BUILTIN_MODULE` for `node:`). */
export function getBuiltin (name: string, options?: { builtins?: Record<string, any> } | null): any
export default builtins
