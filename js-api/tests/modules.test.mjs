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
// What the process plugin hands it (permission runtime on).
const PROCESS_FACTS = {
  argv: ['/usr/bin/python3', '/usr/bin/oro', 'run'],
  execPath: '/usr/bin/python3',
  pid: 4242,
  ppid: 4241,
  title: 'notes',
  versions: { oro: '0.1.0', 'oro-framework': '0.1.0.dev3', python: '3.11.9' },
  release: { name: 'oro-framework' },
  cwd: '/work/app',
  uptime: 30,
  primordials: { arch: 'x86_64', cwd: '/work/app', platform: 'linux', version: { full: '0.1.0.dev3', short: '0.1.0', hash: '' }, 'host-operating-system': 'Linux' }
}
globalThis.__args = {
  index: 2,
  origin: 'http://127.0.0.1:7',
  os: OS_FACTS,
  env: { APP_MODE: 'dev' },
  argv: PROCESS_FACTS.argv,
  process: PROCESS_FACTS
}

const ipc = await import('../ipc.js')
const os = await import('../os.js')
const windows = await import('../window.js')
const application = await import('../application.js')
const diagnostics = await import('../diagnostics.js')
const processModule = await import('../process.js')
const proc = processModule.default
const wellKnown = await import('../path/well-known.js')
const osConstants = await import('../os/constants.js')

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

const SYNC_REPLIES = {
  'os.uptime': 12.5,
  'os.availableMemory': 1024,
  'os.totalMemory': 4096,
  'os.loadavg': [0.5, 0.25, 0.125],
  'os.networkInterfaces': { lo: [] },
  'os.userInfo': { uid: 1000, gid: 1000, username: 'u', homedir: '/home/u', shell: '/bin/sh' },
  'process.memoryUsage': { rss: 2048 }
}

let calls
let syncCalls
beforeEach(() => {
  calls = []
  syncCalls = []
  ipc.setSyncTransport({
    request (route, params, options) {
      syncCalls.push({ route, params, options })
      if (route === 'os.denied') throw Object.assign(new Error('Permission device_info is off'), { name: 'NotAllowedError', code: 'NOT_ALLOWED_ERR' })
      return { data: SYNC_REPLIES[route] ?? null, headers: { 'content-type': 'application/json' } }
    }
  })
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
afterEach(() => {
  ipc.setTransport(null)
  ipc.setSyncTransport(null)
})

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
  assert.deepEqual(os.constants.errno, OS_FACTS.constants.errno)
  assert.deepEqual(os.constants.signals, OS_FACTS.constants.signals)
  assert.equal(os.constants.priority.PRIORITY_LOW, 19)
  assert.equal(os.availableParallelism(), 1)
  assert.equal(os.devNull, '/dev/null')
  os.cpus()[0].model = 'changed by the caller'
  assert.equal(os.cpus()[0].model, 'cpu', 'each call gets its own copy')
  assert.deepEqual(calls, [], 'no IPC')
  assert.deepEqual(syncCalls, [], 'no synchronous IPC either')
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

test('os: live values are asked synchronously each time and returned as values', async () => {
  assert.equal(os.uptime(), 12.5)
  assert.equal(os.uptime(), 12.5)
  assert.equal(os.availableMemory(), 1024n)
  assert.equal(os.freemem(), 1024)
  assert.equal(os.totalmem(), 4096)
  assert.deepEqual(os.loadavg(), [0.5, 0.25, 0.125])
  assert.deepEqual(os.networkInterfaces(), { lo: [] })
  assert.equal(os.userInfo().username, 'u')
  assert.deepEqual(syncCalls.map((call) => call.route), [
    'os.uptime', 'os.uptime', 'os.availableMemory', 'os.availableMemory', 'os.totalMemory', 'os.loadavg', 'os.networkInterfaces', 'os.userInfo'
  ])
  assert.ok(syncCalls.every((call) => call.options.index === 2 && /^R\d+$/.test(call.options.seq)))
  assert.deepEqual(await os.getConstants(), OS_FACTS.constants)
  assert.deepEqual(calls.map((call) => call.route), ['os.constants'])
})

test('os: a live value the host refuses is thrown, as Node throws', () => {
  ipc.setSyncTransport({ request () { throw Object.assign(new Error('Permission device_info is off'), { name: 'NotAllowedError', code: 'NOT_ALLOWED_ERR' }) } })
  assert.throws(() => os.uptime(), { name: 'NotAllowedError', code: 'NOT_ALLOWED_ERR' })
  assert.throws(() => os.userInfo({ encoding: 'buffer' }), { code: 'ERR_INVALID_ARG_VALUE' })
})

test('os/constants: the same numbers as os.constants', () => {
  assert.equal(osConstants.default, os.constants)
  assert.deepEqual(osConstants.errno, { ENOENT: 2 })
  assert.deepEqual(osConstants.signals, { SIGINT: 2 })
  assert.equal(osConstants.signal, osConstants.signals)
  assert.equal(osConstants.priority.PRIORITY_HIGHEST, -20)
})

test('path/well-known: Oro names for the paths handed at load, null for the missing', () => {
  assert.equal(wellKnown.HOME, '/home/u')
  assert.equal(wellKnown.TMP, '/tmp/app')
  assert.equal(wellKnown.DOCUMENTS, null)
  assert.equal(wellKnown.default.HOME, '/home/u')
})

test('process: facts handed at load answer at once', () => {
  assert.deepEqual(proc.env, { APP_MODE: 'dev' })
  assert.deepEqual(proc.argv, PROCESS_FACTS.argv)
  assert.equal(proc.argv0, '/usr/bin/python3')
  assert.deepEqual(proc.execArgv, [])
  assert.equal(proc.execPath, '/usr/bin/python3')
  assert.equal(proc.cwd(), '/work/app')
  assert.equal(proc.pid, 4242)
  assert.equal(proc.ppid, 4241)
  assert.equal(proc.title, 'notes')
  assert.equal(proc.platform, 'linux')
  assert.equal(proc.arch, 'x64')
  assert.equal(proc.version, 'v0.1.0')
  assert.equal(proc.versions.python, '3.11.9')
  assert.equal(proc.release.name, 'oro-framework')
  assert.ok(proc.uptime() >= 30)
  assert.equal(processModule.cwd(), '/work/app')
  assert.equal(processModule.env, proc.env)
  assert.equal(globalThis.process.versions.node !== undefined, true, 'Node keeps its own global process')
  assert.deepEqual(calls, [])
  assert.deepEqual(syncCalls, [])
})

test('process: chdir is Node\'s unsupported-operation error; bad hrtime arguments are Node\'s errors', () => {
  assert.throws(() => proc.chdir('/tmp'), { code: 'ERR_WORKER_UNSUPPORTED_OPERATION' })
  assert.throws(() => proc.chdir(1), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => proc.hrtime(1), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => proc.hrtime([1]), { code: 'ERR_OUT_OF_RANGE' })
  assert.throws(() => proc.nextTick(1), { code: 'ERR_INVALID_ARG_TYPE' })
  const [seconds, nanoseconds] = proc.hrtime()
  assert.ok(Number.isInteger(seconds) && nanoseconds < 1e9)
  assert.equal(typeof proc.hrtime.bigint(), 'bigint')
})

test('process: memoryUsage asks the host for rss synchronously', () => {
  const usage = proc.memoryUsage()
  assert.equal(usage.rss, 2048)
  assert.deepEqual(Object.keys(usage).sort(), ['arrayBuffers', 'external', 'heapTotal', 'heapUsed', 'rss'])
  assert.equal(proc.memoryUsage.rss(), 2048)
  assert.deepEqual(syncCalls.map((call) => call.route), ['process.memoryUsage', 'process.memoryUsage'])
})

test('process: nextTick callbacks run before promise callbacks and queued microtasks, nested ticks too', async () => {
  const order = []
  proc.nextTick(() => { order.push('tick1'); proc.nextTick(() => order.push('nested')) })
  Promise.resolve().then(() => order.push('promise'))
  queueMicrotask(() => order.push('microtask'))
  proc.nextTick((a, b) => order.push(`tick2:${a}${b}`), 'x', 'y')
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.deepEqual(order, ['tick1', 'tick2:xy', 'nested', 'promise', 'microtask'])
})

test('process: emitWarning emits warning on a later tick', async () => {
  const warnings = []
  proc.on('warning', (warning) => warnings.push(warning))
  proc.emitWarning('careful', 'DeprecationWarning', 'DEP0001')
  assert.equal(warnings.length, 0)
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.equal(warnings[0].name, 'DeprecationWarning')
  assert.equal(warnings[0].code, 'DEP0001')
  assert.equal(warnings[0].message, 'careful')
})

test('process: stdout writes whole lines to the console', () => {
  const lines = []
  const saved = console.log
  console.log = (line) => lines.push(line)
  try {
    proc.stdout.write('a\nb')
    proc.stdout.write('c\n')
  } finally {
    console.log = saved
  }
  assert.deepEqual(lines, ['a', 'bc'])
})

test('process: exit emits exit once with the code, then calls application.exit', async () => {
  const codes = []
  proc.on('exit', (code) => codes.push(code))
  proc.exit(3)
  assert.deepEqual(codes, [3], 'emitted before the host is asked')
  assert.equal(proc.exitCode, 3)
  await new Promise((resolve) => setTimeout(resolve, 0))
  assert.deepEqual(calls.map((call) => [call.route, call.params]), [['application.exit', { value: 3 }]])
  proc.exit(4)
  assert.deepEqual(codes, [3], 'never twice')
})

test('os: EOL and hrtime are synchronous; hrtime is Oro\'s bigint', () => {
  assert.equal(os.EOL, '\n')
  const start = os.hrtime()
  assert.equal(typeof start, 'bigint')
  assert.ok(start > 0n && os.hrtime() >= start)
  const a = os.hrtime.bigint()
  const b = os.hrtime.bigint()
  assert.equal(typeof a, 'bigint')
  assert.ok(b >= a)
})

test('window: each method calls its route with targetWindowIndex (Oro api/window.d.ts)', async () => {
  const win = windows.getCurrentWindow()
  assert.equal(win.index, 2)
  assert.equal(win.getTitle(), undefined, 'no state before a method answers')
  await win.setTitle('T')
  await win.setSize({ width: 800, height: 600 })
  await win.setPosition({ x: -5, y: '10%' })
  await win.show()
  await win.hide()
  await win.maximize()
  await win.minimize()
  await win.restore()
  await win.focus()
  await win.blur()
  await win.setAlwaysOnTop(true)
  await win.setBackgroundColor({ red: 1, green: 2, blue: 3 })
  await win.navigate('/settings.html')
  await win.eval('1 + 1')
  await win.ready()
  await win.close()
  await windows.getWindow(0).show()
  assert.deepEqual(calls.map(({ route, params }) => [route, params]), [
    ['window.setTitle', { value: 'T', targetWindowIndex: 2 }],
    ['window.setSize', { width: 800, height: 600, targetWindowIndex: 2 }],
    ['window.setPosition', { x: -5, y: '10%', targetWindowIndex: 2 }],
    ['window.show', { targetWindowIndex: 2 }],
    ['window.hide', { targetWindowIndex: 2 }],
    ['window.maximize', { targetWindowIndex: 2 }],
    ['window.minimize', { targetWindowIndex: 2 }],
    ['window.restore', { targetWindowIndex: 2 }],
    ['window.focus', { targetWindowIndex: 2 }],
    ['window.blur', { targetWindowIndex: 2 }],
    ['window.setAlwaysOnTop', { value: true, targetWindowIndex: 2 }],
    ['window.setBackgroundColor', { red: 1, green: 2, blue: 3, alpha: 1, targetWindowIndex: 2 }],
    ['window.navigate', { url: new URL('/settings.html', globalThis.location?.href ?? 'http://localhost/').href, targetWindowIndex: 2 }],
    ['window.eval', { value: '1 + 1', targetWindowIndex: 2 }],
    ['window.ready', { targetWindowIndex: 2 }],
    ['window.close', { targetWindowIndex: 2 }],
    ['window.show', { targetWindowIndex: 0 }]
  ])
  assert.equal(calls[0].options.index, 2, 'the calling window is sent as index')
})

test('window: bad arguments are TypeErrors', async () => {
  await assert.rejects(windows.getCurrentWindow().setSize({ width: 1.5 }), { code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(windows.getCurrentWindow().setSize({}), { code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(windows.getCurrentWindow().setPosition({ x: 'left' }), { code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(windows.getCurrentWindow().setBackgroundColor({ red: 'x' }), { code: 'ERR_INVALID_ARG_TYPE' })
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
