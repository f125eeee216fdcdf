// Rehydration of envelope errors (errors.js).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as errors from '../errors.js'

const { rehydrate, fromStatus } = errors

// docs/design.md: err.type, code
const TABLE = [
  ['NotFoundError', 'NOT_FOUND_ERR'],
  ['TypeError', 'ERR_INVALID_ARG_TYPE'],
  ['TypeError', 'ERR_MISSING_ARGS'],
  ['SyntaxError', 'ERR_INVALID_JSON'],
  ['SecurityError', 'SECURITY_ERR'],
  ['SecurityError', 'EPERM'],
  ['NotAllowedError', 'NOT_ALLOWED_ERR'],
  ['RangeError', 'ERR_OUT_OF_RANGE'],
  ['TimeoutError', 'TIMEOUT_ERR'],
  ['AbortError', 'ABORT_ERR'],
  ['NotSupportedError', 'NOT_SUPPORTED_ERR'],
  ['InternalError', 'INTERNAL_ERR'],
  ['ErrnoError', 'ENOENT']
]

for (const [type, code] of TABLE) {
  test(`${type}/${code} keeps name, code and message`, () => {
    const error = rehydrate({ type, code, message: 'boom' })
    assert.ok(error instanceof Error)
    assert.equal(error.name, type)
    assert.equal(error.code, code)
    assert.equal(error.message, 'boom')
    assert.ok(error instanceof (globalThis[type] ?? errors[type]))
    assert.equal(String(error), `${type}: boom`)
    assert.equal(Object.keys(error).includes('name'), false, 'name is not an own enumerable field')
    assert.ok(typeof error.stack === 'string')
  })
}

test('errno, syscall, path and any other field are copied', () => {
  const error = rehydrate({ type: 'ErrnoError', code: 'ENOENT', errno: -2, syscall: 'open', path: 'a.txt', message: "ENOENT: no such file or directory, open 'a.txt'", extra: { x: 1 } })
  assert.ok(error instanceof errors.ErrnoError)
  assert.equal(error.errno, -2)
  assert.equal(error.syscall, 'open')
  assert.equal(error.path, 'a.txt')
  assert.deepEqual(error.extra, { x: 1 })
})

test('a missing code gets the class default', () => {
  assert.equal(rehydrate({ type: 'NotFoundError', message: 'x' }).code, 'NOT_FOUND_ERR')
  assert.equal(rehydrate({ type: 'TypeError', message: 'x' }).code, 'ERR_INVALID_ARG_TYPE')
  assert.equal(rehydrate({ type: 'SecurityError', message: 'x' }).code, 'SECURITY_ERR')
})

test('an unknown type is a plain Error named after it', () => {
  const error = rehydrate({ type: 'GeolocationPositionError', code: 'X', message: 'm' })
  assert.equal(Object.getPrototypeOf(error), Error.prototype)
  assert.equal(error.name, 'GeolocationPositionError')
  assert.equal(error.code, 'X')
})

test('message, name and stack cannot be overwritten by fields', () => {
  const error = rehydrate({ type: 'NotFoundError', message: 'm', stack: 'fake', name: 'Evil', __proto__x: 1 })
  assert.equal(error.name, 'NotFoundError')
  assert.notEqual(error.stack, 'fake')
})

test('no type and a negative numeric code is an ErrnoError (C++ runtime shape)', () => {
  const error = rehydrate({ code: -2, message: 'no such file or directory' })
  assert.ok(error instanceof errors.ErrnoError)
  assert.equal(error.errno, -2)
})

test('no type uses the HTTP status; a bare message string works', () => {
  assert.equal(rehydrate({ message: 'x' }, { status: 404 }).name, 'NotFoundError')
  assert.equal(rehydrate('text', { status: 501 }).name, 'NotSupportedError')
  assert.equal(rehydrate({ message: 'x' }).name, 'Error')
  assert.equal(rehydrate(null).name, 'InternalError')
})

test('fromStatus maps like the Oro Runtime', () => {
  const table = { 400: 'BadRequestError', 401: 'NotAllowedError', 403: 'InvalidAccessError', 404: 'NotFoundError', 408: 'TimeoutError', 409: 'NotAllowedError', 500: 'InternalError', 501: 'NotSupportedError', 502: 'NetworkError', 503: 'InternalError', 504: 'TimeoutError' }
  for (const [status, name] of Object.entries(table)) {
    const error = fromStatus(Number(status))
    assert.equal(error.name, name, status)
    assert.equal(error.status, Number(status))
    assert.match(error.message, new RegExp(status))
  }
})

test('local classes: code option, default code, cause', () => {
  const cause = new Error('inner')
  const error = new errors.AbortError('stopped', { cause })
  assert.equal(error.code, 'ABORT_ERR')
  assert.equal(error.cause, cause)
  assert.equal(errors.AbortError.code, 'ABORT_ERR')
  assert.equal(new errors.TimeoutError('t', { code: 'X' }).code, 'X')
  assert.equal(new errors.ErrnoError('e', { code: 'EEXIST', errno: -17, path: 'p' }).path, 'p')
})

test('invalidArgument is a TypeError with ERR_INVALID_ARG_TYPE', () => {
  const error = errors.invalidArgument('bad')
  assert.ok(error instanceof TypeError)
  assert.equal(error.code, 'ERR_INVALID_ARG_TYPE')
})
