// oro:test (js-api/test.js): the TAP it writes, line for line, run under Node with a runner of
// its own (the global runner is left alone: it would start a run by itself).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { TestRunner, deepEqual, toJSON, formatAssertion } from '../test.js'
import fastDeepEqual from '../test/fast-deep-equal.js'

const THIS_FILE = fileURLToPath(import.meta.url)

/** A runner that collects its lines, with no timer of its own. */
function collecting () {
  const lines = []
  const runner = new TestRunner((line) => lines.push(line))
  runner.autoRun = false
  return { runner, lines }
}

test('a passing run: version, one line per assertion, plan and summary', async () => {
  const { runner, lines } = collecting()
  runner.add('first', (t) => { t.ok(true); t.equal(1, '1', 'loose equality') }, false)
  runner.add('second', async (t) => { await null; t.deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }) }, false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 3, success: 3, fail: 0 })
  assert.deepEqual(lines, [
    'TAP version 13',
    '# first',
    'ok 1 should be truthy',
    'ok 2 loose equality',
    '# second',
    'ok 3 should be equivalent',
    '',
    '1..3',
    '# tests 3',
    '# pass  3',
    '',
    '# ok'
  ])
})

test('a failing assertion has a YAML block: operator, expected, actual, at this file', async () => {
  const { runner, lines } = collecting()
  runner.add('numbers', (t) => { t.equal(1, 2, 'one is two') }, false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 1, success: 0, fail: 1 })
  assert.equal(lines[2], 'not ok 1 one is two')
  assert.deepEqual(lines.slice(3, 7), ['  ---', '    operator: equal', '    expected: 2', '    actual:   1'])
  assert.match(lines[7], /^ {4}at: {7}.*test-module\.test\.mjs:\d+:\d+\)?$/)
  assert.ok(lines[7].includes(THIS_FILE), lines[7])
  assert.ok(lines.includes('  ...'))
  assert.deepEqual(lines.slice(-3), ['# tests 1', '# pass  0', '# fail  1'])
})

test('long values are block scalars; undefined stays visible', () => {
  const lines = formatAssertion({ pass: false, id: 4, description: 'd', operator: 'deepEqual', actual: { a: undefined }, expected: { a: 1 } })
  assert.deepEqual(lines.slice(0, 3), ['not ok 4 d', '  ---', '    operator: deepEqual'])
  assert.deepEqual(lines.slice(3, 9), ['    expected: |-', '      {', '        "a": 1', '      }', '    actual:   |-', '      {'])
  assert.equal(lines[9], '        "a": undefined')
  assert.equal(toJSON(undefined), 'undefined')
  assert.equal(toJSON(10n), '10n')
})

test('a test that throws or rejects fails once and the run goes on', async () => {
  const { runner, lines } = collecting()
  runner.add('throws', () => { throw new TypeError('bad input') }, false)
  runner.add('rejects', async () => { throw new RangeError('too far') }, false)
  runner.add('after', (t) => { t.pass('still runs') }, false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 3, success: 1, fail: 2 })
  assert.ok(lines.includes('not ok 1 throws: TypeError: bad input'))
  assert.ok(lines.includes('not ok 2 rejects: RangeError: too far'))
  assert.ok(lines.includes('    operator: error'))
  assert.ok(lines.includes('    actual:   "bad input"'))
  assert.ok(lines.includes('ok 3 still runs'))
})

test('plan: fewer assertions than planned fail the test when it ends, more fail at once', async () => {
  const { runner, lines } = collecting()
  runner.add('short', (t) => { t.plan(2); t.ok(1) }, false)
  runner.add('long', (t) => { t.plan(1); t.ok(1); t.ok(1) }, false)
  const result = await runner.run()
  assert.equal(result.fail, 2)
  assert.ok(lines.includes('not ok 2 short: planned 2 assertions, ran 1'))
  assert.ok(lines.some((line) => /^not ok \d+ long: Error: More tests than planned in TEST \*long\*$/.test(line)), lines.join('\n'))
})

test('only, skip and match pick the tests that run, in registration order', async () => {
  const { runner, lines } = collecting()
  runner.add('not only', (t) => t.fail(), false)
  runner.add('only one', (t) => t.pass(), true)
  runner.add('skipped only', (t) => t.fail(), true, true)
  runner.add('only two', (t) => t.pass(), true)
  runner.match = /one|skipped/
  const result = await runner.run()
  assert.deepEqual(result, { total: 1, success: 1, fail: 0 })
  assert.deepEqual(lines.slice(0, 5), ['TAP version 13', '# only one', 'ok 1 pass called', '# SKIP skipped only', '# SKIP only two (does not match /one|skipped/)'])
})

test('t.throws, t.notOk, t.notEqual, t.notDeepEqual, t.ifError, t.comment', async () => {
  const { runner, lines } = collecting()
  runner.add('all', (t) => {
    t.throws(() => { throw new Error('nope 42') }, /42/)
    t.throws(() => { throw new Error('nope') }, /42/, 'wrong message')
    t.throws(() => {}, 'does not throw')
    t.notOk(0)
    t.notEqual(1, 2)
    t.notDeepEqual([1], [2])
    t.ifError(null)
    t.ifError(new Error('io'), 'an error')
    t.comment('two\nlines')
  }, false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 8, success: 5, fail: 3 })
  assert.ok(lines.includes('ok 1 should throw'))
  assert.ok(lines.includes('not ok 2 wrong message'))
  assert.ok(lines.includes('not ok 3 does not throw'))
  assert.ok(lines.includes('not ok 8 an error'))
  assert.ok(lines.includes('# two') && lines.includes('# lines'))
})

test('t.throws takes every form Socket\'s and tape\'s apps write; doesNotThrow and rejects', async () => {
  const { runner, lines } = collecting()
  class ParseError extends Error {}
  const boom = () => { throw new ParseError('bad input') }
  runner.add('forms', async (t) => {
    t.throws(boom, null, 'null expectation')
    t.throws(boom, undefined, 'undefined expectation')
    t.throws(boom, ParseError, 'error class')
    t.throws(() => { throw new Error('x') }, ParseError, 'another class')
    t.throws(boom, (error) => error instanceof ParseError, 'validation function')
    t.throws(boom, { message: /bad/, name: 'Error' }, 'properties')
    t.throws(boom, class Other {}, 'a class that is no Error')
    t.doesNotThrow(() => {}, 'quiet')
    t.doesNotThrow(boom, 'loud')
    await t.rejects(Promise.reject(new ParseError('late')), /late/, 'rejected')
    await t.rejects(async () => {}, 'resolved')
    t.ok(true, 'later assertions run')
  }, false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 12, success: 8, fail: 4 })
  for (const line of ['ok 1 null expectation', 'ok 2 undefined expectation', 'ok 3 error class', 'not ok 4 another class',
    'ok 5 validation function', 'ok 6 properties', 'not ok 7 a class that is no Error', 'ok 8 quiet', 'not ok 9 loud',
    'ok 10 rejected', 'not ok 11 resolved', 'ok 12 later assertions run', '# tests 12', '# pass  8', '# fail  4']) {
    assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`)
  }
})

test('strict mode wants a message on every assertion', async () => {
  const { runner, lines } = collecting()
  runner.strict = true
  runner.add('strict', (t) => { t.ok(true) }, false)
  await runner.run()
  assert.ok(lines.includes('not ok 1 strict: Error: tapzero msg required'))
})

test('a failure outside any test (failRun) comes after the version line and counts', async () => {
  const { runner, lines } = collecting()
  runner.failRun('cannot load /test/x.js: SyntaxError: Unexpected token', new SyntaxError('Unexpected token'))
  runner.add('fine', (t) => t.pass(), false)
  const result = await runner.run()
  assert.deepEqual(result, { total: 2, success: 1, fail: 1 })
  assert.deepEqual(lines.slice(0, 2), ['TAP version 13', 'not ok 1 cannot load /test/x.js: SyntaxError: Unexpected token'])
  assert.equal(lines.filter((line) => line === 'TAP version 13').length, 1)
})

test('abandon() ends a test that cannot end: the run goes on, its later assertions are not counted', async () => {
  const { runner, lines } = collecting()
  let stalled
  runner.add('stalled', (t) => {
    stalled = t
    t.pass('before')
    return new Promise(() => {})
  }, false)
  runner.add('next', (t) => t.pass('after'), false)
  const running = runner.run()
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.equal(runner.current, stalled)
  stalled.abandon('an error escaped it')
  stalled.abandon('twice is once')
  const result = await running
  stalled.pass('too late')
  assert.equal(stalled.abandoned, true)
  assert.equal(runner.current, null)
  assert.deepEqual(result, { total: 2, success: 2, fail: 0 })
  assert.deepEqual(lines.slice(0, 6), [
    'TAP version 13', '# stalled', 'ok 1 before', '# stalled: ended, an error escaped it', '# next', 'ok 2 after'
  ])
})

test('deepEqual compares structure as fast-deep-equal does', () => {
  const equal = [
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
    [new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])],
    [new Set([1, 2]), new Set([2, 1])],
    [new Uint8Array([1, 2]), new Uint8Array([1, 2])],
    [new Date(5), new Date(5)],
    [/a/g, /a/g],
    [NaN, NaN]
  ]
  const different = [
    [{ a: 1 }, { a: 1, b: undefined }],
    [[1, 2], [2, 1]],
    [{ a: 1 }, [1]],
    [new Date(5), new Date(6)],
    [/a/g, /a/i],
    [1, '1'],
    [new Uint8Array([1]), new Uint16Array([1])]
  ]
  for (const [a, b] of equal) assert.equal(deepEqual(a, b), true, `${toJSON(a)} ~ ${toJSON(b)}`)
  for (const [a, b] of different) assert.equal(deepEqual(a, b), false, `${toJSON(a)} !~ ${toJSON(b)}`)
  // oro:test/fast-deep-equal, what Oro's own fs tests import, is the same function.
  assert.equal(fastDeepEqual, deepEqual)
})

test('a test cannot be added once the run completed', async () => {
  const { runner } = collecting()
  await runner.run()
  assert.throws(() => runner.add('late', () => {}, false), /after tests completed/)
})
