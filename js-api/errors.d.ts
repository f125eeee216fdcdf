/**
 * `oro:errors` — the error classes of the IPC bridge, and rehydration of the `err` object of a
 * result envelope into a real `Error`.
 * @module oro:errors
 */

export const ABORT_ERR: 'ABORT_ERR'
export const BAD_REQUEST_ERR: 'BAD_REQUEST_ERR'
export const ENCODING_ERR: 'ENCODING_ERR'
export const INTERNAL_ERR: 'INTERNAL_ERR'
export const INVALID_ACCESS_ERR: 'INVALID_ACCESS_ERR'
export const INVALID_STATE_ERR: 'INVALID_STATE_ERR'
export const NETWORK_ERR: 'NETWORK_ERR'
export const NOT_ALLOWED_ERR: 'NOT_ALLOWED_ERR'
export const NOT_FOUND_ERR: 'NOT_FOUND_ERR'
export const NOT_SUPPORTED_ERR: 'NOT_SUPPORTED_ERR'
export const OPERATION_ERR: 'OPERATION_ERR'
export const SECURITY_ERR: 'SECURITY_ERR'
export const TIMEOUT_ERR: 'TIMEOUT_ERR'
export const INDEX_SIZE_ERR: 'INDEX_SIZE_ERR'
export const ILLEGAL_CONSTRUCTOR_ERR: 'ILLEGAL_CONSTRUCTOR_ERR'
export const FINALIZATION_REGISTRY_CALLBACK_ERR: 'FINALIZATION_REGISTRY_CALLBACK_ERR'
/** Where an `InternalError` also keeps its code (Oro's `kInternalErrorCode`). */
export const kInternalErrorCode: unique symbol

/** Options of the error constructors. */
export interface OroErrorOptions {
  cause?: unknown
  /** Overrides the class's default code. */
  code?: string | number
}

/** The fields an IPC error may carry besides `name` and `message`. */
export interface IPCErrorFields {
  /** `NOT_FOUND_ERR`, `ERR_INVALID_ARG_TYPE`, `ENOENT`... */
  code?: string | number
  /** Negative errno, for OS errors. */
  errno?: number
  syscall?: string
  path?: string
  /** HTTP status, for errors built from a reply without envelope. */
  status?: number
  /** Any other field the host sent (`parameter`, `permission`, `hostname`...). */
  [field: string]: unknown
}

/** An error thrown by an IPC call: an `Error` (or `TypeError`...) with the host's fields. */
export type IPCError = Error & IPCErrorFields

/** The `err` object of a result envelope. */
export interface EnvelopeError {
  type?: string
  code?: string | number
  message?: string
  [field: string]: unknown
}

/** Base shape shared by the error classes below (a type only: not exported at run time). */
declare class OroErrorBase extends Error {
  constructor (message?: string, options?: OroErrorOptions)
  code: string | number | undefined
  [field: string]: unknown
  /** The class's default code. */
  static readonly code: string
}

export class AbortError extends OroErrorBase {}
export class BadRequestError extends OroErrorBase {}
export class EncodingError extends OroErrorBase {}
export class InternalError extends OroErrorBase {}
export class InvalidAccessError extends OroErrorBase {}
export class InvalidStateError extends OroErrorBase {}
export class NetworkError extends OroErrorBase {}
export class NotAllowedError extends OroErrorBase {}
export class NotFoundError extends OroErrorBase {}
export class NotSupportedError extends OroErrorBase {}
export class OperationError extends OroErrorBase {}
export class SecurityError extends OroErrorBase {}
export class TimeoutError extends OroErrorBase {}
/** An index or size out of range (the DOM's `IndexSizeError`). */
export class IndexSizeError extends OroErrorBase {}
/** A class constructed that must not be; a `TypeError`. */
export class IllegalConstructorError extends TypeError {
  constructor (message?: string, options?: OroErrorOptions)
  code: string | number | undefined
  static readonly code: string
}
/** A `FinalizationRegistry` cleanup callback threw. */
export class FinalizationRegistryCallbackError extends OroErrorBase {}
/** A module an import or `require` could not find (code `MODULE_NOT_FOUND`). */
export class ModuleNotFoundError extends NotFoundError {
  constructor (message?: string, requireStack?: string[])
  requireStack: string[]
}

/** An operating-system error in Node's shape (`code` `ENOENT`, negative `errno`, `syscall`, `path`). */
export class ErrnoError extends OroErrorBase {
  constructor (message?: string, options?: OroErrorOptions & { errno?: number, syscall?: string, path?: string })
  errno?: number
  syscall?: string
  path?: string
}

/** Classes by `err.type` (built-in `TypeError`, `SyntaxError`, `RangeError`... included). */
export const ERROR_CLASSES: Readonly<Record<string, new (message?: string, options?: any) => Error>>

/** `code` a rehydrated error gets when the host sent none. */
export const DEFAULT_CODES: Readonly<Record<string, string>>

/**
 * Turn the `err` object of an envelope into an `Error`: class by `err.type`, `name` = `err.type`,
 * every other field copied.
 */
export function rehydrate (err: unknown, context?: { status?: number, source?: string }): IPCError

/** The error for a reply without envelope, by HTTP status (as the Oro Runtime maps them). */
export function fromStatus (status: number, message?: string): IPCError

/** A `TypeError` with code `ERR_INVALID_ARG_TYPE`. */
export function invalidArgument (message: string): TypeError & { code: string }
/** How Node names a value in its argument errors (`type number (5)`, `an instance of Object`). */
export function received (value: unknown): string
/** `error` with Node's `code` property. */
export function withCode<E extends Error> (error: E, code: string): E & { code: string }
/** Node's `ERR_INVALID_ARG_TYPE` (a `name` with a dot is a property). */
export function invalidArgType (name: string, expected: string, value: unknown): TypeError & { code: string }
/** Node's `ExceptionWithHostPort` (`connect ECONNREFUSED 127.0.0.1:9`); with `uv`, its `UVExceptionWithHostPort`. */
export function exceptionWithHostPort (errno: number, code: string, syscall: string, address: string | undefined, port: number | undefined | null, uv?: boolean): Error & { errno: number, code: string, syscall: string, address?: string, port?: number }

declare const errors: {
  ABORT_ERR: typeof ABORT_ERR
  BAD_REQUEST_ERR: typeof BAD_REQUEST_ERR
  ENCODING_ERR: typeof ENCODING_ERR
  INTERNAL_ERR: typeof INTERNAL_ERR
  INVALID_ACCESS_ERR: typeof INVALID_ACCESS_ERR
  INVALID_STATE_ERR: typeof INVALID_STATE_ERR
  NETWORK_ERR: typeof NETWORK_ERR
  NOT_ALLOWED_ERR: typeof NOT_ALLOWED_ERR
  NOT_FOUND_ERR: typeof NOT_FOUND_ERR
  NOT_SUPPORTED_ERR: typeof NOT_SUPPORTED_ERR
  OPERATION_ERR: typeof OPERATION_ERR
  SECURITY_ERR: typeof SECURITY_ERR
  TIMEOUT_ERR: typeof TIMEOUT_ERR
  INDEX_SIZE_ERR: typeof INDEX_SIZE_ERR
  ILLEGAL_CONSTRUCTOR_ERR: typeof ILLEGAL_CONSTRUCTOR_ERR
  FINALIZATION_REGISTRY_CALLBACK_ERR: typeof FINALIZATION_REGISTRY_CALLBACK_ERR
  kInternalErrorCode: typeof kInternalErrorCode
  FinalizationRegistryCallbackError: typeof FinalizationRegistryCallbackError
  IllegalConstructorError: typeof IllegalConstructorError
  IndexSizeError: typeof IndexSizeError
  ModuleNotFoundError: typeof ModuleNotFoundError
  AbortError: typeof AbortError
  BadRequestError: typeof BadRequestError
  EncodingError: typeof EncodingError
  ErrnoError: typeof ErrnoError
  InternalError: typeof InternalError
  InvalidAccessError: typeof InvalidAccessError
  InvalidStateError: typeof InvalidStateError
  NetworkError: typeof NetworkError
  NotAllowedError: typeof NotAllowedError
  NotFoundError: typeof NotFoundError
  NotSupportedError: typeof NotSupportedError
  OperationError: typeof OperationError
  SecurityError: typeof SecurityError
  TimeoutError: typeof TimeoutError
  ERROR_CLASSES: typeof ERROR_CLASSES
  DEFAULT_CODES: typeof DEFAULT_CODES
  rehydrate: typeof rehydrate
  fromStatus: typeof fromStatus
  invalidArgument: typeof invalidArgument
  received: typeof received
  withCode: typeof withCode
  invalidArgType: typeof invalidArgType
  exceptionWithHostPort: typeof exceptionWithHostPort
}
export default errors
