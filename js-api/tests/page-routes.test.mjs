// A route the page answers itself (oro-sw's serviceWorker.fetch): request() and send() ask it
// before the transport, with the call's body and signal; other routes still reach the bridge.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBridge } from './support/bridge-server.mjs'

const ipc = await import('../ipc.js')
const KEY = Symbol.for('oro.ipc.pageRoutes')

let bridge
before(async () => {
  bridge = await startBridge()
  globalThis.__args = { index: 3, origin: bridge.origin }
  Object.defineProperty(globalThis, KEY, { value: new Map(), configurable: true })
})
after(() => {
  delete globalThis[KEY]
  bridge.close()
})

test('a page route answers request() and send() without a request to the host', async () => {
  const seen = []
  globalThis[KEY].set('page.echo', async (params, options) => {
    seen.push({ params, body: options.body, aborted: options.signal.aborted })
    return { echoed: params.value }
  })
  bridge.requests.length = 0
  assert.deepEqual(await ipc.request('page.echo', { value: 'a' }, { body: 'raw' }), { echoed: 'a' })
  const result = await ipc.send('page.echo', { value: 'b' })
  assert.deepEqual(result.data, { echoed: 'b' })
  assert.equal(result.err, null)
  assert.deepEqual(seen, [
    { params: { value: 'a' }, body: 'raw', aborted: false },
    { params: { value: 'b' }, body: undefined, aborted: false }
  ])
  assert.equal(bridge.requests.length, 0)
  assert.equal(await ipc.request('ping'), 'pong')
  assert.equal(bridge.requests.length, 1)
})

test('a page route that throws is the call\'s failure, as a Result from send()', async () => {
  globalThis[KEY].set('page.fail', async () => {
    throw Object.assign(new TypeError('bad pathname'), { code: 'ERR_INVALID_ARG_VALUE' })
  })
  await assert.rejects(ipc.request('page.fail'), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  const { err } = await ipc.send('page.fail')
  assert.equal(err.code, 'ERR_INVALID_ARG_VALUE')
})
