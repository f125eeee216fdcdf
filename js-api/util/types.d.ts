/**
 * `oro:util/types` (also `node:util/types`) — `util.types` as a module.
 * @module oro:util/types
 * @alias node:util/types
 */

export function isAnyArrayBuffer (value: unknown): boolean
export function isArgumentsObject (value: unknown): boolean
export function isArrayBuffer (value: unknown): boolean
export function isArrayBufferView (value: unknown): boolean
export function isAsyncFunction (value: unknown): boolean
export function isBigInt64Array (value: unknown): boolean
export function isBigIntObject (value: unknown): boolean
export function isBigUint64Array (value: unknown): boolean
export function isBooleanObject (value: unknown): boolean
export function isBoxedPrimitive (value: unknown): boolean
export function isCryptoKey (value: unknown): boolean
export function isDataView (value: unknown): boolean
export function isDate (value: unknown): boolean
export function isExternal (value: unknown): boolean
export function isFloat32Array (value: unknown): boolean
export function isFloat64Array (value: unknown): boolean
export function isGeneratorFunction (value: unknown): boolean
export function isGeneratorObject (value: unknown): boolean
export function isInt16Array (value: unknown): boolean
export function isInt32Array (value: unknown): boolean
export function isInt8Array (value: unknown): boolean
export function isKeyObject (value: unknown): boolean
export function isMap (value: unknown): boolean
export function isMapIterator (value: unknown): boolean
export function isModuleNamespaceObject (value: unknown): boolean
export function isNativeError (value: unknown): boolean
export function isNumberObject (value: unknown): boolean
export function isPromise (value: unknown): boolean
export function isProxy (value: unknown): boolean
export function isRegExp (value: unknown): boolean
export function isSet (value: unknown): boolean
export function isSetIterator (value: unknown): boolean
export function isSharedArrayBuffer (value: unknown): boolean
export function isStringObject (value: unknown): boolean
export function isSymbolObject (value: unknown): boolean
export function isTypedArray (value: unknown): boolean
export function isUint16Array (value: unknown): boolean
export function isUint32Array (value: unknown): boolean
export function isUint8Array (value: unknown): boolean
export function isUint8ClampedArray (value: unknown): boolean
export function isWeakMap (value: unknown): boolean
export function isWeakSet (value: unknown): boolean

/** Oro's `util/types` additions: `Array.isArray`, a prototype-`Object.prototype` object, a callable,
 * a non-callable object inheriting from (async) `Function.prototype`, an `async function *`,
 * an object inheriting from `%IteratorPrototype%` / `%AsyncIteratorPrototype%`. */
export function isArray (value: unknown): boolean
export function isAsyncFunctionObject (value: unknown): boolean
export function isAsyncGeneratorFunction (value: unknown): boolean
export function isAsyncIterator (value: unknown): boolean
export function isFunction (value: unknown): boolean
export function isFunctionObject (value: unknown): boolean
export function isIterator (value: unknown): boolean
export function isPlainObject (value: unknown): boolean

declare const types: {
  isAnyArrayBuffer: typeof isAnyArrayBuffer
  isArgumentsObject: typeof isArgumentsObject
  isArrayBuffer: typeof isArrayBuffer
  isArrayBufferView: typeof isArrayBufferView
  isAsyncFunction: typeof isAsyncFunction
  isBigInt64Array: typeof isBigInt64Array
  isBigIntObject: typeof isBigIntObject
  isBigUint64Array: typeof isBigUint64Array
  isBooleanObject: typeof isBooleanObject
  isBoxedPrimitive: typeof isBoxedPrimitive
  isCryptoKey: typeof isCryptoKey
  isDataView: typeof isDataView
  isDate: typeof isDate
  isExternal: typeof isExternal
  isFloat32Array: typeof isFloat32Array
  isFloat64Array: typeof isFloat64Array
  isGeneratorFunction: typeof isGeneratorFunction
  isGeneratorObject: typeof isGeneratorObject
  isInt16Array: typeof isInt16Array
  isInt32Array: typeof isInt32Array
  isInt8Array: typeof isInt8Array
  isKeyObject: typeof isKeyObject
  isMap: typeof isMap
  isMapIterator: typeof isMapIterator
  isModuleNamespaceObject: typeof isModuleNamespaceObject
  isNativeError: typeof isNativeError
  isNumberObject: typeof isNumberObject
  isPromise: typeof isPromise
  isProxy: typeof isProxy
  isRegExp: typeof isRegExp
  isSet: typeof isSet
  isSetIterator: typeof isSetIterator
  isSharedArrayBuffer: typeof isSharedArrayBuffer
  isStringObject: typeof isStringObject
  isSymbolObject: typeof isSymbolObject
  isTypedArray: typeof isTypedArray
  isUint16Array: typeof isUint16Array
  isUint32Array: typeof isUint32Array
  isUint8Array: typeof isUint8Array
  isUint8ClampedArray: typeof isUint8ClampedArray
  isWeakMap: typeof isWeakMap
  isWeakSet: typeof isWeakSet
  isArray: typeof isArray
  isAsyncFunctionObject: typeof isAsyncFunctionObject
  isAsyncGeneratorFunction: typeof isAsyncGeneratorFunction
  isAsyncIterator: typeof isAsyncIterator
  isFunction: typeof isFunction
  isFunctionObject: typeof isFunctionObject
  isIterator: typeof isIterator
  isPlainObject: typeof isPlainObject
  [name: string]: (value: unknown) => boolean
}
export default types
