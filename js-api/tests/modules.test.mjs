// os, window, application and diagnostics: which route each call makes with which params, and
// how the results are shaped. Calls go through a recording transport installed with
// ipc.setTransport (the same slot the Conduit plugin uses).

import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'

// What the host's os plugin hands a page at load (oro_page_args).
const OS_FACTS = {
  platform: 'linux',
  arch: 'x86_64',
  uname: { sysname: 'Linux', nodename: 'box', release: '6.1', version: '#1 SMP', machine: 'x86_64' },
  cpus: [{ model: 'cpu', speed: 1000, times: { user: 1, nice: 0, sys: 1, idle: 1, irq: 0 } }],
  paths: { home: '/home/u', temp: '/tmp/app' },
  constants: { errno: { ENOENT: 2 }, signals: { SIGINT: 2 } },
  endianness: 'LE'
}
globalThis.__args = { index: 2, origin: 'http://127.0.0.1:7', os: OS_FACTS }

const ipc = await import('../ipc.js')
const os = await import('../os.js')
const windows = await import('../window.js')
const application = await import('../application.js')
const diagnostics = await import('../diagnostics.js')

const REPLIES = {
  'platform.primordials': { arch: 'x86_64', platform: 'linux' },
  'os.uname': { sysname: 'Linux', nodename: 'box', release: '6.1', version: '#1 SMP', machine: 'x86_64' },
  'os.cpus': [{ model: 'cpu', speed: 1000, times: { user: 1, nice: 0, sys: 1, idle: 1, irq: 0 } }],
  'os.networkInterfaces': { lo: [] },
  'os.uptime': 12.5,
  'os.availableMemory': 1024,
  'os.paths': { home: '/home/u', temp: '/tmp/app' },
  'os.constants': { errno: { ENOENT: 2 }, signals: { SIGINT: 2 } },
  'application.getWindows': [{ index: 1, title: 'B', status: 'SHOWN' }, { index: 0, title: 'A', status: 'SHOWN', getTitle: 'shadow' }],
  'diagnostics.query': { routes: { count: 3 } },
  'diagnostics.capabilities': { streaming: { sseIncremental: true, chunkedIncremental: true } },
  'window.getTitle': 'Title'
}

let calls
beforeEach(() => {
  calls = []
  ipc.setTransport({
    async request (route, params, options) {
      calls.push({ route, params, options })
      if (route === 'diagnostics.stream.sse') {
        async function * events () { yield { index: 0, count: 1 } }
        return new ipc.IPCStream(events(), { route })
      }
      return REPLIES[route] ?? null
    }
  })
})
afterEach(() => ipc.setTransport(null))

test('os: the facts handed at load answer at once, with Node names', () => {
  assert.equal(os.platform(), 'linux')
  assert.equal(os.arch(), 'x64')
  assert.equal(os.type(), 'Linux')
  assert.equal(os.release(), '6.1')
  assert.equal(os.hostname(), 'box')
  assert.equal(os.machine(), 'x86_64')
  assert.equal(os.version(), '#1 SMP')
  assert.equal(os.isWindows(), false)
  assert.equal(os.endianness(), 'LE')
  assert.equal(os.homedir(), '/home/u')
  assert.equal(os.tmpdir(), '/tmp/app')
  assert.equal(os.cpus().length, 1)
  assert.deepEqual(os.constants, OS_FACTS.constants)
  os.cpus()[0].model = 'changed by the caller'
  assert.equal(os.cpus()[0].model, 'cpu', 'each call gets its own copy')
  assert.deepEqual(calls, [], 'no IPC')
})

test('os: a fact the host did not hand out is NotAllowedError, not a wrong value', () => {
  const saved = globalThis.__args.os
  globalThis.__args.os = { platform: 'linux', arch: 'x86_64' } // device_info off
  try {
    assert.equal(os.platform(), 'linux')
    assert.throws(() => os.tmpdir(), { name: 'NotAllowedError', code: 'ERR_ORO_OS_FACT_UNAVAILABLE' })
    assert.throws(() => os.hostname(), { name: 'NotAllowedError' })
  } finally {
    globalThis.__args.os = saved
  }
})

test('os: live values are asked each time', async () => {
  assert.equal(await os.uptime(), 12.5)
  assert.equal(await os.uptime(), 12.5)
  assert.equal(await os.availableMemory(), 1024)
  assert.equal(os.freemem, os.availableMemory)
  assert.deepEqual(await os.networkInterfaces(), { lo: [] })
  assert.deepEqual(await os.getConstants(), OS_FACTS.constants)
  const routes = calls.map((call) => call.route)
  assert.deepEqual(routes, ['os.uptime', 'os.uptime', 'os.availableMemory', 'os.networkInterfaces', 'os.constants'])
})

test('os: EOL and hrtime are synchronous', () => {
  assert.equal(os.EOL, '\n')
  const [seconds, nanoseconds] = os.hrtime()
  assert.ok(Number.isInteger(seconds) && Number.isInteger(nanoseconds) && nanoseconds < 1e9)
  const start = os.hrtime()
  const delta = os.hrtime(start)
  assert.ok(delta[0] >= 0 && delta[1] >= 0)
  const a = os.hrtime.bigint()
  const b = os.hrtime.bigint()
  assert.equal(typeof a, 'bigint')
  assert.ok(b >= a)
})

test('window: each method calls its route with targetWindowIndex', async () => {
  const win = windows.getCurrentWindow()
  assert.equal(win.index, 2)
  assert.equal(await win.getTitle(), 'Title')
  await win.setTitle('T')
  await win.setSize({ width: 800, height: 600 })
  await win.show()
  await win.hide()
  await win.navigate('/settings.html')
  await win.eval('1 + 1')
  await win.getSize()
  await win.ready()
  await win.close()
  await windows.getWindow(0).show()
  assert.deepEqual(calls.map(({ route, params }) => [route, params]), [
    ['window.getTitle', { targetWindowIndex: 2 }],
    ['window.setTitle', { value: 'T', targetWindowIndex: 2 }],
    ['window.setSize', { width: 800, height: 600, targetWindowIndex: 2 }],
    ['window.show', { targetWindowIndex: 2 }],
    ['window.hide', { targetWindowIndex: 2 }],
    ['window.navigate', { url: '/settings.html', targetWindowIndex: 2 }],
    ['window.eval', { value: '1 + 1', targetWindowIndex: 2 }],
    ['window.getSize', { targetWindowIndex: 2 }],
    ['window.ready', { targetWindowIndex: 2 }],
    ['window.close', { targetWindowIndex: 2 }],
    ['window.show', { targetWindowIndex: 0 }]
  ])
  assert.equal(calls[0].options.index, 2, 'the calling window is sent as index')
})

test('window: bad arguments are TypeErrors', async () => {
  await assert.rejects(windows.getCurrentWindow().setSize({ width: 1 }), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => windows.getWindow(1.5), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('application: getWindows gives ApplicationWindows sorted by index', async () => {
  const list = await application.getWindows()
  assert.deepEqual(list.map((win) => [win.index, win.title]), [[0, 'A'], [1, 'B']])
  assert.ok(list[0] instanceof windows.ApplicationWindow)
  assert.equal(typeof list[0].getTitle, 'function', 'a reported field never shadows a method')
  assert.deepEqual((await application.getWindows([1])).map((win) => win.index), [1])
  assert.equal((await application.getWindow(1)).title, 'B')
  assert.equal(await application.getWindow(5), undefined)
  assert.equal((await application.getCurrentWindow()).index, 2)
  assert.equal(application.ApplicationWindow, windows.ApplicationWindow)
})

test('application: getWindows accepts {windows: [...]} and objects keyed by index', async () => {
  REPLIES['application.getWindows'] = { windows: [{ index: 3 }] }
  assert.deepEqual((await application.getWindows()).map((win) => win.index), [3])
  REPLIES['application.getWindows'] = { 0: { title: 'zero' }, 4: { title: 'four' } }
  assert.deepEqual((await application.getWindows()).map((win) => [win.index, win.title]), [[0, 'zero'], [4, 'four']])
})

test('application.exit sends the code as value', async () => {
  await application.exit(3)
  await application.exit()
  assert.deepEqual(calls.map(({ route, params }) => [route, params]), [
    ['application.exit', { value: 3 }],
    ['application.exit', { value: 0 }]
  ])
  await assert.rejects(application.exit(1.5), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('diagnostics: query, capabilities, reference streams', async () => {
  assert.deepEqual(await diagnostics.query(), { routes: { count: 3 } })
  assert.equal((await diagnostics.capabilities()).streaming.sseIncremental, true)
  assert.deepEqual(await diagnostics.sse({ count: 1 }).toArray(), [{ index: 0, count: 1 }])
  const last = calls.at(-1)
  assert.equal(last.route, 'diagnostics.stream.sse')
  assert.deepEqual(last.params, { count: 1 })
  assert.equal(last.options.responseType, 'stream')
})
