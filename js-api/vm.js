/**
 * `oro:vm` (also `node:vm`) — Node's `vm` as far as a page can honour it. `runInThisContext`
 * is a global (indirect) `eval`; a context is a fresh realm, the global of a hidden same-origin
 * `<iframe>`: its own `Object`, `Array`..., with the context object's properties copied in as
 * globals before each run and the globals the code sets copied back after it, as Node's
 * contextified objects show them. The realm is a window (it has `document`, `window`...), not
 * Node's bare global. Code runs only where the page's Content-Security-Policy allows `eval`
 * (the bridge sends none by default; a `webview.csp` without `'unsafe-eval'` makes every run
 * throw the browser's `EvalError`). `timeout` and `breakOnSigint` cannot interrupt a page's
 * script and are refused; modules (`SourceTextModule`) are not offered.
 * @module oro:vm
 */

import { NotSupportedError, invalidArgType } from './errors.js'

const host = /** @type {any} */ (globalThis)

/**
 * @typedef {object} RunOptions
 * @property {string} [filename] shown in stack traces (`//# sourceURL`)
 * @property {number} [timeout] refused: a page cannot interrupt a running script
 * @property {boolean} [breakOnSigint] refused
 * @property {boolean} [displayErrors]
 */

/**
 * @typedef {object} Realm
 * @property {any} global the iframe's window
 * @property {Set<string>} baseline the realm's own globals before any run
 */

/** @type {WeakMap<object, Realm>} */
const realms = new WeakMap()

/** Removes a context's iframe once its context object is collected. */
const cleanup = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((/** @type {HTMLIFrameElement} */ frame) => frame.remove())
  : undefined

/**
 * @param {unknown} options
 * @returns {RunOptions}
 */
function runOptions (options) {
  if (typeof options === 'string') return { filename: options }
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const checked = /** @type {RunOptions} */ (options)
  if (checked.timeout !== undefined || checked.breakOnSigint) {
    throw new NotSupportedError('vm: timeout and breakOnSigint cannot interrupt a script in a page')
  }
  return checked
}

/**
 * @param {string} code
 * @param {string | undefined} filename
 */
function withSourceURL (code, filename) {
  return filename ? `${code}\n//# sourceURL=${filename.replace(/\s/g, '%20')}` : code
}

/**
 * Makes `contextObject` a context: a fresh realm tied to it.
 * @template {object} T
 * @param {T} [contextObject]
 * @param {object} [options] Node's options (`name`, `codeGeneration`...) are accepted and ignored
 * @returns {T}
 */
export function createContext (contextObject = /** @type {T} */ ({}), options) {
  if (contextObject === null || (typeof contextObject !== 'object' && typeof contextObject !== 'function')) {
    throw invalidArgType('contextObject', 'of type object', contextObject)
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw invalidArgType('options', 'of type object', options)
  }
  if (realms.has(contextObject)) return contextObject
  const document = host.document
  if (!document?.documentElement) {
    throw new NotSupportedError('vm contexts need a page with a document (a fresh realm is a hidden iframe)', { code: 'ERR_ORO_VM_NO_DOCUMENT' })
  }
  const frame = /** @type {HTMLIFrameElement} */ (document.createElement('iframe'))
  frame.style.display = 'none'
  frame.setAttribute('aria-hidden', 'true')
  frame.dataset.oroVmContext = ''
  document.documentElement.appendChild(frame)
  const realmGlobal = /** @type {any} */ (frame.contentWindow)
  realms.set(contextObject, { global: realmGlobal, baseline: new Set(Object.getOwnPropertyNames(realmGlobal)) })
  cleanup?.register(contextObject, frame)
  return contextObject
}

/**
 * True when `object` was given to `createContext`.
 * @param {unknown} object
 * @returns {boolean}
 */
export function isContext (object) {
  if (object === null || typeof object !== 'object') throw invalidArgType('object', 'of type object', object)
  return realms.has(object)
}

/**
 * Runs `code` in `contextObject`'s realm: its properties are globals there, and the globals the
 * code sets become its properties.
 * @param {string} code
 * @param {object} contextObject
 * @param {string | RunOptions} [options]
 * @returns {any}
 */
function evaluateIn (code, contextObject, options) {
  const realm = realms.get(contextObject)
  if (!realm) {
    throw invalidArgType('contextifiedObject', 'an vm.Context', contextObject)
  }
  const { filename } = runOptions(options)
  const { global: realmGlobal, baseline } = realm
  const source = /** @type {Record<string, any>} */ (contextObject)
  for (const key of Object.keys(source)) realmGlobal[key] = source[key]
  try {
    return realmGlobal.eval(withSourceURL(code, filename))
  } finally {
    for (const key of Object.getOwnPropertyNames(realmGlobal)) {
      if (!baseline.has(key) || Object.prototype.hasOwnProperty.call(source, key)) {
        if (source[key] !== realmGlobal[key]) source[key] = realmGlobal[key]
      }
    }
  }
}

/** Node's `vm.Script`: code compiled once, run in this realm or in contexts. */
export class Script {
  #code
  #filename

  /**
   * @param {string} code
   * @param {string | { filename?: string }} [options]
   */
  constructor (code, options) {
    if (typeof code !== 'string') throw invalidArgType('code', 'of type string', code)
    const filename = typeof options === 'string' ? options : options?.filename
    this.#code = String(code)
    this.#filename = filename ?? 'evalmachine.<anonymous>'
    // Early syntax errors, as Node's constructor throws them. A function body accepts a few
    // things a script does not (`return`); those throw when the script runs.
    Function(this.#code) // eslint-disable-line no-new-func
  }

  /**
   * Runs the script in the page's own global scope and answers its completion value.
   * @param {RunOptions} [options]
   * @returns {any}
   */
  runInThisContext (options) {
    runOptions(options)
    return (0, eval)(withSourceURL(this.#code, this.#filename)) // eslint-disable-line no-eval
  }

  /**
   * Runs the script in `contextObject`'s realm.
   * @param {object} contextObject
   * @param {RunOptions} [options]
   * @returns {any}
   */
  runInContext (contextObject, options) {
    return evaluateIn(this.#code, contextObject, { filename: this.#filename, ...runOptions(options) })
  }

  /**
   * Runs the script in a new context made from `contextObject`.
   * @param {object} [contextObject]
   * @param {RunOptions} [options]
   * @returns {any}
   */
  runInNewContext (contextObject, options) {
    return this.runInContext(createContext(contextObject), options)
  }

  /** Node's code cache: a page has none. @returns {never} */
  createCachedData () {
    throw new NotSupportedError('vm: a page has no code cache')
  }
}

/**
 * @param {string} code
 * @param {string | RunOptions} [options]
 * @returns {any}
 */
export function runInThisContext (code, options) {
  return new Script(code, options).runInThisContext(runOptions(options))
}

/**
 * Node's `runInContext(code, contextifiedObject, options)`, and Oro's form
 * `runInContext(source, { context }?)`: `source` a script, an expression (`'{ n: 1 }'` is an
 * object), an ES module (its namespace) or a function (the function, runnable in the context);
 * `context` an object whose properties are the globals (made a context on first use; the
 * globals the source sets come back to it). Oro's form answers a promise, and values cross
 * back as Oro's do between its context window and the page: data is copied into this realm,
 * functions and objects holding functions stay references whose results cross the same way.
 * @param {string | Function} code
 * @param {object} [contextObject]
 * @param {string | RunOptions} [options]
 * @returns {any}
 */
export function runInContext (code, contextObject, options) {
  if (typeof code === 'function' || contextObject === undefined ||
      (contextObject !== null && typeof contextObject === 'object' && !realms.has(contextObject))) {
    return runInOroContext(code, /** @type {{ context?: object } | undefined} */ (contextObject))
  }
  return new Script(/** @type {string} */ (code), options).runInContext(contextObject, runOptions(options))
}

const esmSyntax = /(?:^|[\n;])\s*(?:export\s+(?:\{|\*|default\b|async\b|function\b|class\b|const\b|let\b|var\b)|import\s*(?:[\w{*'"]))/

/**
 * @param {string | Function} source
 * @param {{ context?: object } | undefined} options
 * @returns {Promise<any>}
 */
async function runInOroContext (source, options) {
  const contextObject = createContext(options?.context ?? {})
  const realmGlobal = /** @type {Realm} */ (realms.get(contextObject)).global
  if (typeof source === 'function') {
    return fromRealm(evaluateIn(`(${String(source)})`, contextObject), realmGlobal)
  }
  if (typeof source !== 'string') throw invalidArgType('source', 'of type string or function', source)
  if (esmSyntax.test(source)) {
    const body = moduleAsFunctionBody(source)
    if (body !== null) return fromRealm(evaluateIn(`(function () {\n${body}\n})()`, contextObject), realmGlobal)
    // With imports: a real module, where the page's Content-Security-Policy allows blob: scripts.
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
    try {
      return fromRealm(await evaluateIn(`import(${JSON.stringify(url)})`, contextObject), realmGlobal)
    } finally {
      URL.revokeObjectURL(url)
    }
  }
  let result
  try {
    // An expression first, so that '{ n: 1 }' is an object, as Oro answers it, not a block.
    realmGlobal.Function(`return (\n${source}\n)`) // eslint-disable-line no-new-func
    result = evaluateIn(`(\n${source}\n)`, contextObject)
  } catch (error) {
    if (!(error instanceof realmGlobal.SyntaxError)) throw error
    result = evaluateIn(source, contextObject)
  }
  return fromRealm(result, realmGlobal)
}

const exportedDeclaration = /(^|[\n;])(\s*)export\s+((?:async\s+)?function\s*\*?\s*([\w$]+)|class\s+([\w$]+)|(?:const|let|var)\s+([\w$]+))/g
const exportedList = /(^|[\n;])\s*export\s*\{([^}]*)\}\s*;?/g
const exportedDefault = /(^|[\n;])(\s*)export\s+default\s+/

/**
 * An ES module without imports as the body of a function answering its exports (a page's
 * Content-Security-Policy may refuse a `blob:` module but allow `eval`), or null when it
 * imports.
 * @param {string} source
 * @returns {string | null}
 */
function moduleAsFunctionBody (source) {
  if (/(^|[\n;])\s*import\s*[\w{*'"]/.test(source)) return null
  /** @type {Array<[string, string]>} exported name, local name */
  const exports = []
  let body = source.replace(exportedDeclaration, (_, start, space, declaration, fn, cls, variable) => {
    const name = fn ?? cls ?? variable
    exports.push([name, name])
    return `${start}${space}${declaration}`
  })
  body = body.replace(exportedList, (_, start, list) => {
    for (const item of list.split(',').map((/** @type {string} */ part) => part.trim()).filter(Boolean)) {
      const [local, exported = local] = item.split(/\s+as\s+/)
      exports.push([exported, local])
    }
    return start
  })
  if (exportedDefault.test(body)) {
    body = body.replace(exportedDefault, '$1$2const __default__ = ')
    exports.push(['default', '__default__'])
  }
  // Getters, so that the exports are live bindings, as a module namespace's are.
  const namespace = exports.map(([name, local]) => `get ${JSON.stringify(name)} () { return ${local} }`)
  return `${body}\n;return Object.freeze(Object.setPrototypeOf({ ${namespace.join(', ')} }, null))`
}

/** @type {WeakMap<object, object>} */
const references = new WeakMap()
/** @type {WeakMap<object, object>} */
const referenced = new WeakMap()

/**
 * A value of a context's realm as this realm sees it: data copied in (`structuredClone`), a
 * promise followed, functions and other objects behind a reference whose results cross too.
 * @param {any} value
 * @param {any} realmGlobal
 * @returns {any}
 */
function fromRealm (value, realmGlobal) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value
  if (referenced.has(value)) return value
  if (value instanceof realmGlobal.Promise) return Promise.resolve(value).then((settled) => fromRealm(settled, realmGlobal))
  const prototype = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined
  if (prototype === null || prototype === realmGlobal.Object.prototype || prototype === realmGlobal.Array.prototype) {
    try {
      return structuredClone(value)
    } catch {} // it holds functions: a reference
  }
  const known = references.get(value)
  if (known) return known
  /** @param {any} self */
  const target = (self) => referenced.get(self) ?? self
  const reference = new Proxy(value, {
    get: (object, key) => {
      const found = Reflect.get(object, key, object)
      return typeof found === 'function' ? fromRealm(found, realmGlobal) : found
    },
    apply: (fn, self, args) => fromRealm(Reflect.apply(fn, target(self), args), realmGlobal),
    construct: (fn, args) => fromRealm(Reflect.construct(fn, args), realmGlobal)
  })
  references.set(value, reference)
  referenced.set(reference, value)
  return reference
}

/**
 * @param {string} code
 * @param {object} [contextObject]
 * @param {string | RunOptions} [options]
 * @returns {any}
 */
export function runInNewContext (code, contextObject, options) {
  return new Script(code, options).runInNewContext(contextObject, runOptions(options))
}

/**
 * Node's `compileFunction`: a function of `params` whose body is `code`, in `contextObject`'s
 * realm when given (else this one).
 * @param {string} code
 * @param {string[]} [params]
 * @param {{ parsingContext?: object, contextExtensions?: object[] }} [options]
 * @returns {Function}
 */
export function compileFunction (code, params = [], options = {}) {
  if (typeof code !== 'string') throw invalidArgType('code', 'of type string', code)
  if (!Array.isArray(params)) throw invalidArgType('params', 'an instance of Array', params)
  if (options.contextExtensions?.length) {
    throw new NotSupportedError('vm.compileFunction: contextExtensions are not supported in a page')
  }
  const realm = options.parsingContext ? realms.get(options.parsingContext) : undefined
  const FunctionOfRealm = realm ? realm.global.Function : Function
  return new FunctionOfRealm(...params, code)
}

/**
 * Node measures a context's memory; a page cannot.
 * @returns {never}
 */
export function measureMemory () {
  throw new NotSupportedError('vm.measureMemory is not available in a page')
}

/**
 * The global names a script's context may not replace, as Oro's vm lists them: the page's own
 * (`window`, `self`, `top`...) and the language's intrinsics (`Array`, `Promise`, `JSON`...).
 * @type {readonly string[]}
 */
export const RESERVED_GLOBAL_INTRINSICS = Object.freeze([
  '__args', '__globals', 'top', 'self', 'this', 'window', 'webkit', 'chrome', 'external',
  'postMessage', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat',
  'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  'AggregateError', 'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array',
  'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry',
  'Float32Array', 'Float64Array', 'Function', 'Int8Array', 'Int16Array', 'Int32Array', 'Map',
  'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'RegExp', 'Set',
  'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'Uint8Array',
  'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'URIError', 'WeakMap', 'WeakRef', 'WeakSet',
  'JSON', 'Math', 'Reflect'
])

/**
 * The reserved global `value` is, or whose instance it is: `[name, intrinsic]`, or null.
 * @param {unknown} value
 * @returns {[string, unknown] | null}
 */
function findIntrinsic (value) {
  const scope = /** @type {any} */ (globalThis)
  for (const name of RESERVED_GLOBAL_INTRINSICS) {
    // `this` names no global; `undefined` is handled by the callers.
    if (name === 'this' || name === 'undefined' || !(name in scope)) continue
    const intrinsic = scope[name]
    if (Object.is(intrinsic, value)) return [name, intrinsic]
    if (typeof intrinsic === 'function' && value !== null && typeof value === 'object' &&
        Object.getPrototypeOf(value) === intrinsic.prototype) return [name, intrinsic]
  }
  return null
}

/**
 * Whether `value` is `undefined`, one of `RESERVED_GLOBAL_INTRINSICS` (`Array`, `JSON`...) or a
 * direct instance of one (`[]`, `new Map()`, and so any plain object, an `Object`'s), as Oro's
 * `isIntrinsic`.
 * @param {unknown} value
 * @returns {boolean}
 */
export function isIntrinsic (value) {
  if (value === undefined) return true
  return findIntrinsic(value) !== null
}

/**
 * The intrinsic `value` is or is a direct instance of (`Array` and `[]` → `Array`; an object whose
 * prototype is `Object.prototype`, `Math` and `JSON` too, → `Object`, the list's order), `null`
 * for `null`, else `undefined` (Oro's `getIntrinsicType`).
 * @param {unknown} value
 * @returns {unknown}
 */
export function getIntrinsicType (value) {
  if (value === null) return null
  if (value === undefined) return undefined
  return findIntrinsic(value)?.[1]
}

/**
 * The name of the intrinsic `value` is or is a direct instance of (`[]` → `'Array'`),
 * `'undefined'` for `undefined`, else `null` (Oro's `getIntrinsicTypeString`).
 * @param {unknown} value
 * @returns {string | null}
 */
export function getIntrinsicTypeString (value) {
  if (value === null) return null
  if (value === undefined) return 'undefined'
  return findIntrinsic(value)?.[0] ?? null
}

/**
 * Adds to `transfers` each transferable value in `object`'s hierarchy (the buffers of typed
 * arrays and views, `ArrayBuffer`s, `MessagePort`s), each once, and answers `transfers`
 * (Oro's `findMessageTransfers`): the transfer list for `postMessage(object, transfers)`.
 * @param {unknown[]} transfers
 * @param {unknown} object
 * @returns {unknown[]}
 */
export function findMessageTransfers (transfers, object) {
  const seen = new Set()
  /** @param {unknown} value */
  const add = (value) => { if (!transfers.includes(value)) transfers.push(value) }
  /** @param {any} value */
  const visit = (value) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) add(value.buffer)
    else if (value instanceof ArrayBuffer) add(value)
    else if (typeof MessagePort === 'function' && value instanceof MessagePort) add(value)
    else if (Array.isArray(value)) value.forEach(visit)
    else for (const key in value) visit(value[key])
  }
  visit(object)
  return transfers
}

/**
 * Every transferable value in `object`'s hierarchy (Oro's `getTransferables`).
 * @param {unknown} object
 * @returns {unknown[]}
 */
export function getTransferables (object) {
  return findMessageTransfers([], object)
}

export default {
  RESERVED_GLOBAL_INTRINSICS,
  Script,
  findMessageTransfers,
  getIntrinsicType,
  getIntrinsicTypeString,
  getTransferables,
  isIntrinsic,
  compileFunction,
  createContext,
  isContext,
  measureMemory,
  runInContext,
  runInNewContext,
  runInThisContext
}
