// The glue modules (timers, timers/promises, perf_hooks, async_hooks, vm, errno, constants)
// under Node, most of them checked against Node's own module on the same script.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as nodeTimers from 'node:timers'
import * as nodeTimersPromises from 'node:timers/promises'
import * as nodeAsyncHooks from 'node:async_hooks'
import * as nodePerfHooks from 'node:perf_hooks'
import nodeConstants from 'node:constants'
import os from 'node:os'
import util from 'node:util'
import * as timers from '../timers.js'
import * as timersPromises from '../timers/promises.js'
import * as asyncHooks from '../async_hooks.js'
import * as perfHooks from '../perf_hooks.js'
import * as vm from '../vm.js'
import * as errno from '../errno.js'
import constants from '../constants.js'

/**
 * The order in which callbacks run, as Node documents it for a script started in a timer:
 * microtasks after each callback, immediates before timers queued in the same callback.
 * @param {{ setTimeout: Function, setImmediate: Function, clearTimeout: Function }} t
 */
function callbackOrder (t) {
  return new Promise((resolve) => {
    const order = []
    t.setTimeout(() => {
      t.setTimeout(() => order.push('timeout in timer'), 0)
      t.setImmediate(() => {
        order.push('immediate in timer')
        queueMicrotask(() => order.push('microtask in immediate'))
      })
      queueMicrotask(() => order.push('microtask in timer'))
      Promise.resolve().then(() => order.push('promise in timer'))
      order.push('first timer')
    }, 0)
    t.setTimeout((a, b) => order.push(`second timer ${a} ${b}`), 0, 'x', 'y')
    const cancelled = t.setTimeout(() => order.push('cancelled'), 0)
    t.clearTimeout(Number(cancelled))
    t.setTimeout(() => t.setTimeout(() => resolve(order), 5), 2)
  })
}

test('timers run callbacks in the order Node runs them', async () => {
  // Where the second timer falls is Node's choice of the moment: two timers made across a
  // millisecond's edge may run in different turns of its loop. It runs, with its arguments.
  const [ours, node] = [await callbackOrder(timers), await callbackOrder(nodeTimers)]
  for (const order of [ours, node]) {
    assert.equal(order.filter((entry) => entry === 'second timer x y').length, 1)
  }
  /** @param {string[]} order */
  const ordered = (order) => order.filter((entry) => entry !== 'second timer x y')
  assert.deepEqual(ordered(ours), ordered(node))
})

test('a Timeout has Node\'s methods, its number, and its interval is `this`', async () => {
  const timer = timers.setTimeout(() => {}, 1000)
  assert.equal(typeof Number(timer), 'number')
  assert.equal(timer.hasRef(), true)
  assert.equal(timer.unref(), timer)
  assert.equal(timer.hasRef(), false)
  assert.equal(timer.ref().hasRef(), true)
  assert.equal(timer.refresh(), timer)
  timers.clearTimeout(timer)
  let count = 0
  await new Promise((resolve) => {
    timers.setInterval(function (step) {
      count += step
      if (count === 3) {
        timers.clearInterval(this)
        resolve()
      }
    }, 1, 1)
  })
  assert.equal(count, 3)
  const immediate = timers.setImmediate(() => assert.fail('cleared immediate ran'))
  assert.equal(immediate.hasRef(), true)
  timers.clearImmediate(immediate)
  await new Promise((resolve) => timers.setImmediate(resolve))
})

test('a refreshed timer fires again; a cleared one never does', async () => {
  let fired = 0
  const timer = timers.setTimeout(() => { fired++ }, 1)
  await new Promise((resolve) => timers.setTimeout(resolve, 3))
  timer.refresh()
  await new Promise((resolve) => timers.setTimeout(resolve, 3))
  timer.close()
  timer.refresh()
  await new Promise((resolve) => timers.setTimeout(resolve, 3))
  assert.equal(fired, 2)
})

test('timers refuse a callback that is not a function, as Node does', () => {
  for (const module of [timers, nodeTimers]) {
    assert.throws(() => module.setTimeout('x'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'The "callback" argument must be of type function. Received type string (\'x\')' })
    assert.throws(() => module.setImmediate(null), { code: 'ERR_INVALID_ARG_TYPE' })
  }
})

/** @param {typeof nodeTimersPromises} p */
async function promiseTimers (p) {
  const results = [await p.setTimeout(1, 'timeout'), await p.setImmediate('immediate'), await p.scheduler.wait(1), await p.scheduler.yield()]
  const seen = []
  for await (const value of p.setInterval(1, 'tick')) {
    seen.push(value)
    if (seen.length === 3) break
  }
  results.push(seen)
  const errors = []
  const before = new AbortController()
  before.abort('early')
  const during = new AbortController()
  for (const run of [
    () => p.setTimeout(1, 'x', { signal: before.signal }),
    () => p.setImmediate('x', { signal: before.signal }),
    () => { const pending = p.setTimeout(1000, 'x', { signal: during.signal }); during.abort(); return pending },
    async () => { for await (const _ of p.setInterval(1, 'x', { signal: before.signal })) assert.fail(_) }, // eslint-disable-line no-unused-vars
    () => p.setTimeout('1'),
    () => p.setTimeout(1, 'x', { signal: 'no' })
  ]) {
    try {
      await run()
      errors.push('resolved')
    } catch (error) {
      errors.push({ name: error.name, code: error.code, message: error.message, cause: error.cause instanceof Error ? error.cause.name : error.cause })
    }
  }
  results.push(errors)
  return results
}

test('timers/promises resolve and abort as Node\'s do', async () => {
  assert.deepEqual(await promiseTimers(timersPromises), await promiseTimers(nodeTimersPromises))
})

/** @param {{ timers: typeof nodeTimers, asyncHooks: typeof nodeAsyncHooks }} m */
async function storeFollowsCallbacks (m) {
  const storage = new m.asyncHooks.AsyncLocalStorage()
  const seen = []
  const done = new Promise((resolve) => {
    storage.run('outer', () => {
      seen.push(storage.getStore())
      storage.exit(() => seen.push(storage.getStore() ?? 'none'))
      storage.run('inner', () => seen.push(storage.getStore()))
      seen.push(storage.getStore())
      const bound = m.asyncHooks.AsyncLocalStorage.bind(() => storage.getStore())
      const snapshot = m.asyncHooks.AsyncLocalStorage.snapshot()
      const resource = new m.asyncHooks.AsyncResource('test')
      storage.run('other', () => {
        seen.push(bound(), snapshot(() => storage.getStore()), resource.runInAsyncScope(() => storage.getStore()))
      })
      m.timers.setTimeout(() => {
        seen.push(`timeout ${storage.getStore()}`)
        m.timers.setImmediate(() => {
          seen.push(`immediate ${storage.getStore()}`)
          resolve()
        })
      }, 1)
    })
  })
  seen.push(storage.getStore() ?? 'none')
  await done
  storage.enterWith('entered')
  seen.push(storage.getStore())
  storage.disable()
  seen.push(storage.getStore() ?? 'none')
  seen.push(typeof m.asyncHooks.executionAsyncId(), typeof m.asyncHooks.triggerAsyncId())
  const hook = m.asyncHooks.createHook({ init () {} })
  seen.push(hook.enable() === hook, hook.disable() === hook)
  return seen
}

test('AsyncLocalStorage holds in run(), bound functions and timer callbacks, as in Node', async () => {
  assert.deepEqual(await storeFollowsCallbacks({ timers, asyncHooks }), await storeFollowsCallbacks({ timers: nodeTimers, asyncHooks: nodeAsyncHooks }))
})

test('histograms give Node\'s statistics for the same values', () => {
  const values = []
  let seed = 7
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    values.push(1 + (seed % 10 ** (1 + (i % 10))))
  }
  for (const count of [0, 1, 7, 120, 500]) {
    const mine = perfHooks.createHistogram()
    const theirs = nodePerfHooks.createHistogram()
    for (const value of values.slice(0, count)) {
      mine.record(value)
      theirs.record(value)
    }
    assert.deepEqual(mine.toJSON(), theirs.toJSON())
    if (count) {
      for (const p of [0.1, 25, 50, 75, 99, 100]) assert.equal(mine.percentile(p), theirs.percentile(p))
    }
    assert.deepEqual([...mine.percentiles], [...theirs.percentiles])
    mine.reset()
    theirs.reset()
    assert.deepEqual(mine.toJSON(), theirs.toJSON())
  }
  for (const module of [perfHooks, nodePerfHooks]) {
    const histogram = module.createHistogram()
    assert.throws(() => histogram.record(0), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => histogram.record(1.5), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
    assert.throws(() => histogram.record('1'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => histogram.percentile(0), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
    histogram.recordDelta()
    histogram.recordDelta()
    assert.equal(histogram.count, 1)
  }
})

test('timerify calls the function and records into a histogram', () => {
  const histogram = perfHooks.createHistogram()
  const add = perfHooks.performance.timerify((a, b) => a + b, { histogram })
  assert.equal(add(2, 3), 5)
  assert.equal(add.name, 'timerified ')
  assert.equal(histogram.count, 1)
  assert.equal(typeof perfHooks.performance.now(), 'number')
  assert.throws(() => perfHooks.performance.eventLoopUtilization(), { code: 'ERR_METHOD_NOT_IMPLEMENTED' })
})

test('vm runs code in this realm; contexts need a page', () => {
  assert.equal(vm.runInThisContext('1 + 2'), 3)
  assert.equal(new vm.Script('var oroVmGlobal = 6; oroVmGlobal * 7').runInThisContext(), 42)
  assert.equal(globalThis.oroVmGlobal, 6)
  delete globalThis.oroVmGlobal
  assert.throws(() => new vm.Script('1 +'), SyntaxError)
  assert.throws(() => vm.createContext({}), { name: 'NotSupportedError', code: 'ERR_ORO_VM_NO_DOCUMENT' })
  assert.throws(() => vm.runInThisContext('1', { timeout: 5 }), { name: 'NotSupportedError' })
  assert.equal(vm.compileFunction('return a + b', ['a', 'b'])(1, 2), 3)
})

test('errno names the numbers of this platform as Node does', () => {
  for (const [name, number] of Object.entries(os.constants.errno)) {
    assert.equal(errno[name], number, name)
    // Aliases (EAGAIN, EWOULDBLOCK) share a number: getCode answers one of them.
    assert.equal(os.constants.errno[errno.getCode(number)], number, name)
    assert.equal(errno.getCode(-number), errno.getCode(number))
  }
  assert.equal(errno.getCode(-2), util.getSystemErrorName(-2))
  assert.equal(errno.getMessage(-2), 'No such file or directory')
  assert.equal(errno.getCode(999999), '')
  assert.equal(errno.getMessage(999999), '')
})

test('constants holds Node\'s errno, priority and dlopen names with Node\'s numbers', () => {
  const names = [...Object.keys(os.constants.errno), ...Object.keys(os.constants.priority), ...Object.keys(os.constants.dlopen)]
  for (const name of names) assert.equal(constants[name], nodeConstants[name], name)
  assert.ok(Object.isFrozen(constants))
})
