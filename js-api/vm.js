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
 * @param {string} code
 * @param {object} contextObject
 * @param {string | RunOptions} [options]
 * @returns {any}
 */
export function runInContext (code, contextObject, options) {
  return new Script(code, options).runInContext(contextObject, runOptions(options))
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

export default {
  Script,
  compileFunction,
  createContext,
  isContext,
  measureMemory,
  runInContext,
  runInNewContext,
  runInThisContext
}
