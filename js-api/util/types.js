/**
 * `oro:util/types` (also `node:util/types`) — `util.types` as a module, and the predicates
 * Oro's `util/types` adds (`isArray`, `isPlainObject`, `isFunction`, `isIterator`...).
 * @module oro:util/types
 */

import { types } from '../util.js'

export const {
  isAnyArrayBuffer,
  isArgumentsObject,
  isArrayBuffer,
  isArrayBufferView,
  isAsyncFunction,
  isBigInt64Array,
  isBigIntObject,
  isBigUint64Array,
  isBooleanObject,
  isBoxedPrimitive,
  isCryptoKey,
  isDataView,
  isDate,
  isExternal,
  isFloat32Array,
  isFloat64Array,
  isGeneratorFunction,
  isGeneratorObject,
  isInt16Array,
  isInt32Array,
  isInt8Array,
  isKeyObject,
  isMap,
  isMapIterator,
  isModuleNamespaceObject,
  isNativeError,
  isNumberObject,
  isPromise,
  isProxy,
  isRegExp,
  isSet,
  isSetIterator,
  isSharedArrayBuffer,
  isStringObject,
  isSymbolObject,
  isTypedArray,
  isUint16Array,
  isUint32Array,
  isUint8Array,
  isUint8ClampedArray,
  isWeakMap,
  isWeakSet
} = types

const AsyncFunction = (async () => {}).constructor
const AsyncGeneratorFunction = (async function * () {}).constructor
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))
const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((async function * () {}).prototype))

/** `Array.isArray` (Oro's `isArray`). */
export const isArray = Array.isArray.bind(Array)

/**
 * Whether `input` is an object whose prototype is `Object.prototype` (not `null`, not a class's).
 * @param {unknown} input
 * @returns {boolean}
 */
export function isPlainObject (input) {
  return input !== null && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype
}

/**
 * Whether `input` is callable.
 * @param {unknown} input
 * @returns {boolean}
 */
export function isFunction (input) {
  return typeof input === 'function'
}

/**
 * Whether `input` is an object (not callable) that inherits from `Function.prototype`, as Oro
 * tells "function objects" from functions.
 * @param {unknown} input
 * @returns {boolean}
 */
export function isFunctionObject (input) {
  return input !== null && typeof input === 'object' && input instanceof Function
}

/**
 * Whether `input` is an object (not callable) that inherits from an async function's prototype.
 * @param {unknown} input
 * @returns {boolean}
 */
export function isAsyncFunctionObject (input) {
  return input !== null && typeof input === 'object' && input instanceof AsyncFunction
}

/**
 * Whether `input` is an `async function *`.
 * @param {unknown} input
 * @returns {boolean}
 */
export function isAsyncGeneratorFunction (input) {
  return input instanceof AsyncGeneratorFunction
}

/**
 * Whether `input` inherits from `%IteratorPrototype%` (array, map, set, string iterators,
 * generator objects, `Iterator.from` results).
 * @param {unknown} input
 * @returns {boolean}
 */
export function isIterator (input) {
  return input !== null && typeof input === 'object' && Object.prototype.isPrototypeOf.call(IteratorPrototype, input)
}

/**
 * Whether `input` inherits from `%AsyncIteratorPrototype%` (async generator objects).
 * @param {unknown} input
 * @returns {boolean}
 */
export function isAsyncIterator (input) {
  return input !== null && typeof input === 'object' && Object.prototype.isPrototypeOf.call(AsyncIteratorPrototype, input)
}

// Node's `util.types` plus Oro's additions; a copy, so `util.types` itself stays Node's.
export default Object.freeze({
  ...types,
  isArray,
  isAsyncFunctionObject,
  isAsyncGeneratorFunction,
  isAsyncIterator,
  isFunction,
  isFunctionObject,
  isIterator,
  isPlainObject
})
