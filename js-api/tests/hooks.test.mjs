// The host event channel of bootstrap.js and the hooks built on it, on a global object that
// behaves like a window (EventTarget methods, an EventSource stand-in).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FakeEventSource } from './support/fake-event-source.mjs'

// Make the Node global look like a page: an EventTarget with an EventSource.
const events = new EventTarget()
globalThis.addEventListener = events.addEventListener.bind(events)
globalThis.removeEventListener = events.removeEventListener.bind(events)
globalThis.dispatchEvent = events.dispatchEvent.bind(events)
globalThis.EventSource = FakeEventSource
globalThis.__args = {
  index: 1,
  origin: 'http://127.0.0.1:7',
  config: { meta_title: 'Demo' },
  version: '0.1.0',
  process: { primordials: { version: { full: '0.1.0 (abc)', short: '0.1.0', hash: 'abc' } } }
}

const bootstrap = await import('../bootstrap.js')
const hooks = await import('../hooks.js')
const application = await import('../application.js')

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

test('nothing is installed without isOroRuntime', () => {
  assert.equal(bootstrap.getState().installed, false)
  assert.equal(FakeEventSource.instances.length, 0)
})

let readyFired = 0
let initEvents = 0

test('install opens the event channel of this window and waits for it before runtimeinit', async () => {
  globalThis.addEventListener('runtimeinit', () => { initEvents += 1 })
  hooks.onReady(() => { readyFired += 1 })
  const state = bootstrap.install()
  assert.equal(bootstrap.install(), state, 'idempotent')
  assert.equal(FakeEventSource.instances.length, 1)
  const channel = FakeEventSource.instances[0]
  assert.equal(channel.url, 'http://127.0.0.1:7/oro/events?window=1')
  await tick()
  assert.equal(initEvents, 0, 'runtimeinit waits for the channel')
  channel.simulateOpen()
  await bootstrap.whenReady()
  await tick()
  assert.equal(bootstrap.isReady(), true)
  assert.equal(initEvents, 1)
  assert.equal(readyFired, 1)
})

test('onReady after init runs on a microtask; unsubscribe before it prevents the call', async () => {
  let calls = 0
  hooks.onReady(() => { calls += 1 })
  const cancel = hooks.onReady(() => { calls += 100 })
  cancel()
  assert.equal(calls, 0)
  await tick()
  assert.equal(calls, 1)
})

test('known host events are re-dispatched as CustomEvents with parsed detail', () => {
  const channel = FakeEventSource.instances[0]
  const seen = []
  const off = [
    hooks.onApplicationPause((event) => seen.push(['pause', event.detail])),
    hooks.onApplicationResume((event) => seen.push(['resume', event.detail]))
  ]
  channel.simulateEvent('applicationpause', { reason: 'minimized' })
  assert.equal(application.isPaused(), true)
  channel.simulateEvent('applicationresume', 'plain text')
  assert.equal(application.isPaused(), false)
  assert.ok(seen.length === 2)
  assert.deepEqual(seen, [['pause', { reason: 'minimized' }], ['resume', 'plain text']])
  assert.ok(globalThis.dispatchEvent instanceof Function)
  off.forEach((unsubscribe) => unsubscribe())
  channel.simulateEvent('applicationpause', {})
  assert.equal(seen.length, 2, 'unsubscribed')
})

test('a name the page listens for after bootstrap is subscribed on the channel', () => {
  const channel = FakeEventSource.instances[0]
  const details = []
  globalThis.addEventListener('myplugin.changed', (event) => details.push(event.detail))
  channel.simulateEvent('myplugin.changed', { n: 1 })
  const off = hooks.on('other.event', (event) => details.push(event.detail))
  channel.simulateEvent('other.event', [1, 2])
  off()
  channel.simulateEvent('other.event', [3])
  assert.deepEqual(details, [{ n: 1 }, [1, 2]])
})

test('unnamed messages {event, data} are dispatched by their event name', () => {
  const channel = FakeEventSource.instances[0]
  const details = []
  const off = hooks.on('fallback.name', (event) => details.push(event.detail))
  // Not subscribed on the EventSource by name: simulate the server sending it unnamed.
  channel.simulateEvent('message', { event: 'fallback.name', data: { ok: true } })
  channel.simulateEvent('message', 'not an event envelope')
  off()
  assert.deepEqual(details, [{ ok: true }])
})

test('once() fires a single time', () => {
  const channel = FakeEventSource.instances[0]
  let calls = 0
  hooks.once('applicationurl', () => { calls += 1 })
  channel.simulateEvent('applicationurl', { url: 'app://x' })
  channel.simulateEvent('applicationurl', { url: 'app://y' })
  assert.equal(calls, 1)
})

test('hooks refuse a non-function callback', () => {
  assert.throws(() => hooks.onApplicationStop('nope'), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('application.config and runtimeVersion come from __args', () => {
  assert.equal(application.config.meta_title, 'Demo')
  assert.ok(Object.isFrozen(application.config))
  // Oro's shape: ipc's primordials.version.
  assert.deepEqual(application.runtimeVersion, { full: '0.1.0 (abc)', short: '0.1.0', hash: 'abc' })
  // The default export is the module itself, read-only as Oro's.
  assert.equal(application.default.config, application.config)
  assert.throws(() => { application.default.debug = 1 }, TypeError)
  assert.equal(application.getCurrentWindowIndex(), 1)
})

test('applicationstop is dispatched, then the channel is closed (no reconnect loop)', () => {
  const channel = FakeEventSource.instances[0]
  let stopped = null
  hooks.onApplicationStop((event) => { stopped = event.detail })
  channel.simulateEvent('applicationstop', { code: 0 })
  assert.deepEqual(stopped, { code: 0 })
  assert.equal(channel.readyState, FakeEventSource.CLOSED)
})
