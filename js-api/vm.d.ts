/**
 * `oro:vm` (also `node:vm`) — Node's `vm` where a page can honour it: contexts are fresh realms
 * (hidden same-origin iframes); needs a CSP that allows `eval`.
 * @module oro:vm
 * @alias node:vm
 */

export interface RunOptions {
  filename?: string
  /** Refused (`NotSupportedError`): a page cannot interrupt a running script. */
  timeout?: number
  breakOnSigint?: boolean
  displayErrors?: boolean
}

export class Script {
  constructor (code: string, options?: string | { filename?: string })
  runInThisContext (options?: RunOptions): any
  runInContext (contextObject: object, options?: RunOptions): any
  runInNewContext (contextObject?: object, options?: RunOptions): any
  createCachedData (): never
}

export function createContext<T extends object = {}> (contextObject?: T, options?: object): T
export function isContext (object: object): boolean
export function runInThisContext (code: string, options?: string | RunOptions): any
export function runInContext (code: string, contextObject: object, options?: string | RunOptions): any
/** Oro's form: a promise of the completion value, module namespace or function, in a context made from `options.context`. */
export function runInContext (source: string | ((...args: any[]) => any), options?: { context?: object }): Promise<any>
export function runInNewContext (code: string, contextObject?: object, options?: string | RunOptions): any
export function compileFunction (code: string, params?: string[], options?: { parsingContext?: object, contextExtensions?: object[] }): Function
export function measureMemory (): never

/** The global names a script's context may not replace (Oro's list). */
export const RESERVED_GLOBAL_INTRINSICS: readonly string[]
/** `undefined`, a reserved global (`Array`, `JSON`...) or a direct instance of one. */
export function isIntrinsic (value: unknown): boolean
/** The intrinsic `value` is or is a direct instance of; `null` for null, else undefined. */
export function getIntrinsicType (value: unknown): unknown
/** Its name (`'Array'`); `'undefined'` for undefined, else null. */
export function getIntrinsicTypeString (value: unknown): string | null
/** Adds each transferable in `object` (buffers, `MessagePort`s) to `transfers`, once; answers it. */
export function findMessageTransfers (transfers: unknown[], object: unknown): unknown[]
/** Every transferable value in `object`'s hierarchy: a transfer list for `postMessage`. */
export function getTransferables (object: unknown): Array<ArrayBuffer | MessagePort>

declare const vm: {
  RESERVED_GLOBAL_INTRINSICS: typeof RESERVED_GLOBAL_INTRINSICS
  isIntrinsic: typeof isIntrinsic
  getIntrinsicType: typeof getIntrinsicType
  getIntrinsicTypeString: typeof getIntrinsicTypeString
  findMessageTransfers: typeof findMessageTransfers
  getTransferables: typeof getTransferables
  Script: typeof Script
  compileFunction: typeof compileFunction
  createContext: typeof createContext
  isContext: typeof isContext
  measureMemory: typeof measureMemory
  runInContext: typeof runInContext
  runInNewContext: typeof runInNewContext
  runInThisContext: typeof runInThisContext
}
export default vm
