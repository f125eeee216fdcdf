// oro:application's update API: which routes it calls with which params, and how download's
// onProgress sees the host's updateprogress events (which travel apart from the reply). Calls go
// through a recording transport installed with ipc.setTransport.

import { afterEach, test } from 'node:test'
import assert from 'node:assert/strict'

// Make the Node global look like a page: an EventTarget.
const events = new EventTarget()
globalThis.addEventListener = events.addEventListener.bind(events)
globalThis.removeEventListener = events.removeEventListener.bind(events)
globalThis.dispatchEvent = events.dispatchEvent.bind(events)
globalThis.__args = { index: 0, origin: 'http://127.0.0.1:7' }

const ipc = await import('../ipc.js')
const { update } = await import('../application.js')

const progress = (downloaded, total) =>
  globalThis.dispatchEvent(new CustomEvent('updateprogress', { detail: { downloaded, total } }))

/** A transport answering `reply` to every call, after `during()` ran; records the calls. */
function transport (reply, during = () => {}, options = []) {
  const calls = []
  ipc.setTransport({
    async request (route, params, given) {
      calls.push([route, params])
      options.push(given)
      during()
      return reply
    }
  })
  return calls
}

afterEach(() => ipc.setTransport(null))

test('check, download and install call their routes with the options given', async () => {
  const calls = transport({})
  await update.check({ manifestUrl: 'https://u.example/update.json', channel: 'beta' })
  await update.download({ artifactUrl: 'https://u.example/a.tar.gz', hash: 'ab', length: 3 })
  await update.install()
  assert.deepEqual(calls, [
    ['application.update.check', { manifestUrl: 'https://u.example/update.json', channel: 'beta' }],
    ['application.update.download', { artifactUrl: 'https://u.example/a.tar.gz', hash: 'ab', length: 3 }],
    ['application.update.install', undefined]
  ])
})

test('download hands onProgress the events that arrive during it, and nothing to the route', async () => {
  const seen = []
  const calls = transport({ version: '1.1.0', size: 10, sha256: 'ab' }, () => {
    progress(4, 10)
    progress(10, 10)
  })
  await update.download({ onProgress: (step) => seen.push(step) })
  progress(10, 10) // after the reply: no longer listened to
  assert.deepEqual(seen, [{ downloaded: 4, total: 10 }, { downloaded: 10, total: 10 }])
  assert.deepEqual(calls, [['application.update.download', {}]])
})

test('download reports the whole archive once when its last event comes after the reply', async () => {
  const seen = []
  transport({ version: '1.1.0', size: 10, sha256: 'ab' }, () => progress(4, 10))
  await update.download({ onProgress: (step) => seen.push(step) })
  assert.deepEqual(seen, [{ downloaded: 4, total: 10 }, { downloaded: 10, total: 10 }])
})

test('download and install wait as long as their routes may take', async () => {
  const options = []
  transport({ size: 0 }, () => {}, options)
  await update.download()
  await update.install()
  await update.check()
  assert.deepEqual(options.map((given) => given.timeout), [3_600_000, 600_000, 32_000])
})

test('aborting the signal given to download fails it with AbortError', async () => {
  const seen = []
  ipc.setTransport({
    request (route, params, given) {
      return new Promise((resolve, reject) => {
        given.signal.addEventListener('abort', () => { seen.push(route); reject(given.signal.reason) })
      })
    }
  })
  const controller = new AbortController()
  const download = update.download({ signal: controller.signal })
  controller.abort()
  await assert.rejects(download, { name: 'AbortError', code: 'ABORT_ERR' })
  assert.deepEqual(seen, ['application.update.download'])
})
