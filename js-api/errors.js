/**
 * `oro:errors` — the error classes of the IPC bridge, and rehydration of the `err` object of a
 * result envelope into a real `Error`.
 *
 * The host answers an error as `{"source", "id", "err": {"type", "code", "message", ...}}`
 * (docs/design.md). `rehydrate(err)` picks the class from `err.type`, sets `name` to `err.type`,
 * copies `code`, `errno`, `syscall`, `path` and every other field, and keeps the JS stack.
 *
 * Plain ES module, no dependencies: it runs unchanged in a page, a worker and Node.
 * @module oro:errors
 */

export const ABORT_ERR = 'ABORT_ERR'
export const BAD_REQUEST_ERR = 'BAD_REQUEST_ERR'
export const ENCODING_ERR = 'ENCODING_ERR'
export const INTERNAL_ERR = 'INTERNAL_ERR'
export const INVALID_ACCESS_ERR = 'INVALID_ACCESS_ERR'
export const INVALID_STATE_ERR = 'INVALID_STATE_ERR'
export const NETWORK_ERR = 'NETWORK_ERR'
export const NOT_ALLOWED_ERR = 'NOT_ALLOWED_ERR'
export const NOT_FOUND_ERR = 'NOT_FOUND_ERR'
export const NOT_SUPPORTED_ERR = 'NOT_SUPPORTED_ERR'
export const OPERATION_ERR = 'OPERATION_ERR'
export const SECURITY_ERR = 'SECURITY_ERR'
export const TIMEOUT_ERR = 'TIMEOUT_ERR'
export const INDEX_SIZE_ERR = 'INDEX_SIZE_ERR'
export const ILLEGAL_CONSTRUCTOR_ERR = 'ILLEGAL_CONSTRUCTOR_ERR'
export const FINALIZATION_REGISTRY_CALLBACK_ERR = 'FINALIZATION_REGISTRY_CALLBACK_ERR'

/**
 * Defines an `Error` subclass whose prototype `name` is `name` and whose instances get `code`
 * (the constructor's `options.code`, else the class's default code).
 * @param {string} name
 * @param {string | undefined} defaultCode
 * @param {ErrorConstructor} [Base]
 */
function defineError (name, defaultCode, Base = Error) {
  const ErrorClass = {
    [name]: class extends Base {
      /**
       * @param {string} [message]
       * @param {{ cause?: unknown, code?: string | number }} [options]
       */
      constructor (message = '', options = undefined) {
        super(message, options && 'cause' in options ? { cause: options.cause } : undefined)
        /** @type {string | number | undefined} */
        this.code = options?.code ?? defaultCode
      }

      static get code () {
        return defaultCode
      }
    }
  }[name]
  Object.defineProperty(ErrorClass.prototype, 'name', {
    value: name, writable: true, enumerable: false, configurable: true
  })
  return ErrorClass
}

export const AbortError = defineError('AbortError', ABORT_ERR)
export const BadRequestError = defineError('BadRequestError', BAD_REQUEST_ERR)
export const EncodingError = defineError('EncodingError', ENCODING_ERR)
export const InternalError = defineError('InternalError', INTERNAL_ERR)
export const InvalidAccessError = defineError('InvalidAccessError', INVALID_ACCESS_ERR)
export const InvalidStateError = defineError('InvalidStateError', INVALID_STATE_ERR)
export const NetworkError = defineError('NetworkError', NETWORK_ERR)
export const NotAllowedError = defineError('NotAllowedError', NOT_ALLOWED_ERR)
export const NotFoundError = defineError('NotFoundError', NOT_FOUND_ERR)
export const NotSupportedError = defineError('NotSupportedError', NOT_SUPPORTED_ERR)
export const OperationError = defineError('OperationError', OPERATION_ERR)
export const SecurityError = defineError('SecurityError', SECURITY_ERR)
export const TimeoutError = defineError('TimeoutError', TIMEOUT_ERR)
/** An index or size out of the allowed range (the DOM's `IndexSizeError`). */
export const IndexSizeError = defineError('IndexSizeError', INDEX_SIZE_ERR)
/** A class constructed that must not be (a `TypeError`, as Oro's). */
export const IllegalConstructorError = defineError('IllegalConstructorError', ILLEGAL_CONSTRUCTOR_ERR, TypeError)
/** A `FinalizationRegistry` cleanup callback threw. */
export const FinalizationRegistryCallbackError = defineError('FinalizationRegistryCallbackError', FINALIZATION_REGISTRY_CALLBACK_ERR)

/** Where an `InternalError` also keeps its code (Oro's `kInternalErrorCode`). */
export const kInternalErrorCode = Symbol.for('oro.runtime.errors.kInternalErrorCode')
Object.defineProperty(InternalError.prototype, kInternalErrorCode, {
  get () { return this.code },
  set (code) { this.code = code },
  enumerable: false,
  configurable: true
})

/**
 * A module that an import or `require` could not find (a `NotFoundError`, code
 * `MODULE_NOT_FOUND` as in Node), with the chain of modules that asked for it.
 */
export class ModuleNotFoundError extends NotFoundError {
  /**
   * @param {string} [message]
   * @param {string[]} [requireStack]
   */
  constructor (message = '', requireStack = []) {
    super(message, { code: 'MODULE_NOT_FOUND' })
    /** @type {string[]} */
    this.requireStack = Array.isArray(requireStack) ? [...requireStack] : []
  }
}
Object.defineProperty(ModuleNotFoundError.prototype, 'name', {
  value: 'ModuleNotFoundError', writable: true, enumerable: false, configurable: true
})

/**
 * An operating-system error in Node's shape: `code` is the errno name (`ENOENT`), `errno` the
 * negative number, plus `syscall` and `path` when the host knows them.
 */
export class ErrnoError extends Error {
  /**
   * @param {string} [message]
   * @param {{ cause?: unknown, code?: string | number, errno?: number, syscall?: string, path?: string }} [options]
   */
  constructor (message = '', options = undefined) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined)
    /** @type {string | number | undefined} */
    this.code = options?.code ?? 'EIO'
    if (options?.errno !== undefined) this.errno = options.errno
    if (options?.syscall !== undefined) this.syscall = options.syscall
    if (options?.path !== undefined) this.path = options.path
  }

  static get code () {
    return 'EIO'
  }
}
Object.defineProperty(ErrnoError.prototype, 'name', {
  value: 'ErrnoError', writable: true, enumerable: false, configurable: true
})

/**
 * Classes by `err.type`. Built-in types (`TypeError`, `SyntaxError`, `RangeError`...) rehydrate
 * into the built-in classes, so `error instanceof TypeError` holds as in Node.
 * @type {Record<string, ErrorConstructor | (new (message?: string, options?: any) => Error)>}
 */
export const ERROR_CLASSES = Object.freeze({
  AbortError,
  BadRequestError,
  EncodingError,
  ErrnoError,
  Error,
  EvalError,
  FinalizationRegistryCallbackError,
  IllegalConstructorError,
  IndexSizeError,
  InternalError,
  InvalidAccessError,
  InvalidStateError,
  ModuleNotFoundError,
  NetworkError,
  NotAllowedError,
  NotFoundError,
  NotSupportedError,
  OperationError,
  RangeError,
  ReferenceError,
  SecurityError,
  SyntaxError,
  TimeoutError,
  TypeError,
  URIError
})

/**
 * `code` a rehydrated error gets when the host sent none (docs/design.md's table).
 * @type {Record<string, string>}
 */
export const DEFAULT_CODES = Object.freeze({
  AbortError: ABORT_ERR,
  BadRequestError: BAD_REQUEST_ERR,
  EncodingError: ENCODING_ERR,
  FinalizationRegistryCallbackError: FINALIZATION_REGISTRY_CALLBACK_ERR,
  IllegalConstructorError: ILLEGAL_CONSTRUCTOR_ERR,
  IndexSizeError: INDEX_SIZE_ERR,
  InternalError: INTERNAL_ERR,
  InvalidAccessError: INVALID_ACCESS_ERR,
  InvalidStateError: INVALID_STATE_ERR,
  ModuleNotFoundError: 'MODULE_NOT_FOUND',
  NetworkError: NETWORK_ERR,
  NotAllowedError: NOT_ALLOWED_ERR,
  NotFoundError: NOT_FOUND_ERR,
  NotSupportedError: NOT_SUPPORTED_ERR,
  OperationError: OPERATION_ERR,
  RangeError: 'ERR_OUT_OF_RANGE',
  SecurityError: SECURITY_ERR,
  SyntaxError: 'ERR_INVALID_JSON',
  TimeoutError: TIMEOUT_ERR,
  TypeError: 'ERR_INVALID_ARG_TYPE'
})

// Fields that must not be overwritten on the Error instance by copied `err` fields.
const RESERVED = new Set(['message', 'name', 'stack', 'constructor', '__proto__', 'prototype'])

/**
 * Turn the `err` object of an envelope into an `Error`.
 *
 * - the class comes from `err.type` (`ERROR_CLASSES`); an unknown type gives a plain `Error`
 *   whose `name` is still `err.type`;
 * - no `type` but a negative numeric `code` (a libuv errno, as the C++ runtime sends) gives an
 *   `ErrnoError` with `errno` set;
 * - `name` is `err.type`, `message` is `err.message`, `code` defaults per class, every other
 *   field (`errno`, `syscall`, `path`, `parameter`, ...) is copied onto the error.
 *
 * @param {unknown} err the `err` object (or a bare message string)
 * @param {{ status?: number, source?: string }} [context] HTTP status and route, for
 *   errors whose `err` carries no type (then the status picks the class, as `fromStatus` does)
 * @returns {Error}
 */
export function rehydrate (err, context = {}) {
  if (err instanceof Error) return err
  if (typeof err === 'string' || err === null || typeof err !== 'object') {
    const message = typeof err === 'string' ? err : 'Unknown error'
    return context.status ? fromStatus(context.status, message) : new InternalError(message)
  }
  const fields = /** @type {Record<string, unknown>} */ (err)
  const type = typeof fields.type === 'string' && fields.type ? fields.type : undefined
  const message = typeof fields.message === 'string' ? fields.message : ''
  /** @type {Error} */
  let error
  if (type === undefined) {
    if (typeof fields.code === 'number' && fields.code < 0) {
      error = new ErrnoError(message, { code: fields.code, errno: fields.code })
    } else if (context.status && context.status >= 400) {
      error = fromStatus(context.status, message)
    } else {
      error = new Error(message)
    }
  } else {
    const ErrorClass = Object.prototype.hasOwnProperty.call(ERROR_CLASSES, type)
      ? ERROR_CLASSES[type]
      : Error
    error = new ErrorClass(message)
    if (error.name !== type) {
      Object.defineProperty(error, 'name', {
        value: type, writable: true, enumerable: false, configurable: true
      })
    }
  }
  const anyError = /** @type {any} */ (error)
  for (const [key, value] of Object.entries(fields)) {
    if (RESERVED.has(key) || key === 'type') continue
    anyError[key] = value
  }
  if (anyError.code === undefined && type && DEFAULT_CODES[type]) anyError.code = DEFAULT_CODES[type]
  return error
}

/**
 * A `TypeError` with Node's code `ERR_INVALID_ARG_TYPE`, for invalid arguments.
 * @param {string} message
 * @returns {TypeError & { code: string }}
 */
export function invalidArgument (message) {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' })
}

/**
 * How Node names a value in its argument errors (`determineSpecificType`): `type number (5)`,
 * `an instance of Object`, `function f`, `undefined`.
 * @param {unknown} value
 * @returns {string}
 */
export function received (value) {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function' && value.name) return `function ${value.name}`
  if (typeof value === 'object') return `an instance of ${value.constructor?.name || 'Object'}`
  let inspected
  if (typeof value === 'string') inspected = value.includes("'") ? JSON.stringify(value) : `'${value}'`
  else if (typeof value === 'bigint') inspected = `${value}n`
  else if (Object.is(value, -0)) inspected = '-0'
  else inspected = String(value)
  if (inspected.length > 28) inspected = `${inspected.slice(0, 25)}...`
  return `type ${typeof value} (${inspected})`
}

/**
 * `error` with Node's `code` property.
 * @template {Error} E
 * @param {E} error
 * @param {string} code
 * @returns {E & { code: string }}
 */
export function withCode (error, code) {
  return Object.assign(error, { code })
}

/**
 * Node's `ERR_INVALID_ARG_TYPE`: `The "port" argument must be of type number. Received ...`.
 * A `name` with a dot is a property (`options.port`), else an argument.
 * @param {string} name
 * @param {string} expected e.g. 'of type number', 'one of type number or string'
 * @param {unknown} value
 * @returns {TypeError & { code: string }}
 */
export function invalidArgType (name, expected, value) {
  const kind = name.includes('.') ? 'property' : 'argument'
  return withCode(new TypeError(`The "${name}" ${kind} must be ${expected}. Received ${received(value)}`), 'ERR_INVALID_ARG_TYPE')
}

/** libuv's messages for the codes Node's `UVExceptionWithHostPort` names (`listen`, `bind`). */
const UV_MESSAGES = /** @type {Record<string, string>} */ ({
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available',
  EMFILE: 'too many open files',
  EINVAL: 'invalid argument'
})

/**
 * Node's `ExceptionWithHostPort` (`connect ECONNREFUSED 127.0.0.1:9`), or with `uv` its
 * `UVExceptionWithHostPort` (`listen EADDRINUSE: address already in use 127.0.0.1:80`), with
 * `errno`, `code`, `syscall`, `address` and `port` set as Node sets them.
 * @param {number} errno
 * @param {string} code
 * @param {string} syscall
 * @param {string | undefined} address
 * @param {number | undefined | null} port
 * @param {boolean} [uv]
 * @returns {Error & { errno: number, code: string, syscall: string, address?: string, port?: number }}
 */
export function exceptionWithHostPort (errno, code, syscall, address, port, uv = false) {
  let details = ''
  if (port && port > 0) details = ` ${address}:${port}`
  else if (address) details = ` ${address}`
  const head = uv ? `${syscall} ${code}: ${UV_MESSAGES[code] ?? code.toLowerCase()}` : `${syscall} ${code}`
  const error = /** @type {any} */ (new Error(`${head}${details}`))
  error.errno = errno
  error.code = code
  error.syscall = syscall
  error.address = address
  if (port) error.port = port
  return error
}

/**
 * The error for a reply that carries no envelope, chosen by HTTP status as the Oro Runtime
 * does: 400 BadRequestError, 403 InvalidAccessError, 404 NotFoundError, 408/504 TimeoutError,
 * 501 NotSupportedError, 502 NetworkError, other 4xx NotAllowedError, 5xx InternalError.
 * @param {number} status
 * @param {string} [message]
 * @returns {Error}
 */
export function fromStatus (status, message = '') {
  const text = message || `IPC request failed with HTTP status ${status}`
  /** @type {Error} */
  let error
  if (status === 400) error = new BadRequestError(text)
  else if (status === 403) error = new InvalidAccessError(text)
  else if (status === 404) error = new NotFoundError(text)
  else if (status === 408 || status === 504) error = new TimeoutError(text)
  else if (status === 501) error = new NotSupportedError(text)
  else if (status === 502) error = new NetworkError(text)
  else if (status >= 400 && status < 500) error = new NotAllowedError(text)
  else error = new InternalError(text)
  Object.assign(error, { status })
  return error
}

export default {
  ABORT_ERR,
  BAD_REQUEST_ERR,
  ENCODING_ERR,
  INTERNAL_ERR,
  INVALID_ACCESS_ERR,
  INVALID_STATE_ERR,
  NETWORK_ERR,
  NOT_ALLOWED_ERR,
  NOT_FOUND_ERR,
  NOT_SUPPORTED_ERR,
  OPERATION_ERR,
  SECURITY_ERR,
  TIMEOUT_ERR,
  INDEX_SIZE_ERR,
  ILLEGAL_CONSTRUCTOR_ERR,
  FINALIZATION_REGISTRY_CALLBACK_ERR,
  kInternalErrorCode,
  AbortError,
  FinalizationRegistryCallbackError,
  IllegalConstructorError,
  IndexSizeError,
  ModuleNotFoundError,
  BadRequestError,
  EncodingError,
  ErrnoError,
  InternalError,
  InvalidAccessError,
  InvalidStateError,
  NetworkError,
  NotAllowedError,
  NotFoundError,
  NotSupportedError,
  OperationError,
  SecurityError,
  TimeoutError,
  ERROR_CLASSES,
  DEFAULT_CODES,
  rehydrate,
  fromStatus,
  invalidArgument,
  invalidArgType,
  received,
  withCode,
  exceptionWithHostPort
}
