// ipc:// URL mapping of bootstrap.js: the pure function, the wrappers on a stand-in global, and
// fetch('ipc://...') end to end against a real HTTP server.

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBridge } from './support/bridge-server.mjs'
import { FakeEventSource } from './support/fake-event-source.mjs'

const bootstrap = await import('../bootstrap.js')
const { toIPCURL, installURLMapping } = bootstrap

let bridge
before(async () => {
  bridge = await startBridge()
  globalThis.__args = { index: 2, origin: bridge.origin }
})
after(() => bridge.close())

describe('toIPCURL', () => {
  const origin = 'http://127.0.0.1:5'
  const cases = [
    ['ipc://ping', `${origin}/ipc/ping?index=0`],
    ['ipc://fs.stat?path=a%20b&x=1', `${origin}/ipc/fs.stat?path=a%20b&x=1&index=0`],
    ['ipc://window.show?index=3', `${origin}/ipc/window.show?index=3`],
    ['IPC://Ping?a=1#frag', `${origin}/ipc/Ping?a=1&index=0#frag`],
    ['ipc:ping?a=1', `${origin}/ipc/ping?a=1&index=0`],
    ['ipc://diagnostics.stream.sse?count=3', `${origin}/ipc/diagnostics.stream.sse?count=3&index=0`],
    ['ipc://ping/', `${origin}/ipc/ping?index=0`],
    ['  ipc://ping', `${origin}/ipc/ping?index=0`]
  ]
  for (const [input, expected] of cases) {
    test(`${input.trim()} → ${expected}`, () => {
      assert.equal(toIPCURL(input, { origin, index: 0 }), expected)
    })
  }

  test('URL objects and Request-likes are mapped', () => {
    assert.equal(toIPCURL(new URL('ipc://ping?x=1'), { origin, index: 1 }), `${origin}/ipc/ping?x=1&index=1`)
    assert.equal(toIPCURL({ url: 'ipc://ping' }, { origin, index: 1 }), `${origin}/ipc/ping?index=1`)
  })

  test('other URLs are not mapped', () => {
    for (const input of ['https://example.com/ipc://x', '/ipc/ping', 'ipcx://ping', 'data:text/plain,ipc://x', '', 42, null]) {
      assert.equal(toIPCURL(input), null, String(input))
    }
  })

  test('the window credential rides along as oro_window', () => {
    Object.defineProperty(globalThis, '__oroWindow', { value: '1.n-_.m', configurable: true })
    try {
      assert.equal(toIPCURL('ipc://ping', { origin, index: 1 }), `${origin}/ipc/ping?index=1&oro_window=1.n-_.m`)
    } finally {
      // The client takes the credential off globalThis; a null one takes it away again.
      globalThis.__oroWindow = null
    }
  })

  test('origin and index default to __args', () => {
    assert.equal(toIPCURL('ipc://ping'), `${bridge.origin}/ipc/ping?index=2`)
  })
})

describe('installURLMapping on a stand-in global', () => {
  function fakeGlobal () {
    const calls = []
    const opened = []
    class FakeXHR { open (method, url, async = true) { opened.push([method, String(url), async]) } }
    const target = {
      calls,
      opened,
      Request: globalThis.Request,
      fetch (input, init) { calls.push({ input, init }); return Promise.resolve('ok') },
      EventSource: FakeEventSource,
      XMLHttpRequest: FakeXHR
    }
    installURLMapping(target)
    return target
  }

  test('fetch(ipc://...) goes to /ipc/... with the session cookie; other URLs untouched', async () => {
    const target = fakeGlobal()
    assert.equal(await target.fetch('ipc://ping?x=1'), 'ok')
    assert.equal(target.calls[0].input, `${bridge.origin}/ipc/ping?x=1&index=2`)
    assert.equal(target.calls[0].init.credentials, 'same-origin')
    await target.fetch('ipc://echo', { method: 'POST', body: 'b', credentials: 'omit' })
    assert.equal(target.calls[1].init.method, 'POST')
    assert.equal(target.calls[1].init.credentials, 'omit', 'init wins')
    await target.fetch('https://example.com/a', { method: 'PUT' })
    assert.equal(target.calls[2].input, 'https://example.com/a')
    assert.equal(target.calls[2].init.method, 'PUT')
  })

  test('fetch(new Request(ipc://...)) keeps method, headers and body', async () => {
    const target = fakeGlobal()
    await target.fetch(new Request('ipc://echo?x=1', { method: 'POST', body: 'payload', headers: { 'x-test': '1' } }))
    const sent = target.calls[0].input
    assert.ok(sent instanceof Request)
    assert.equal(sent.url, `${bridge.origin}/ipc/echo?x=1&index=2`)
    assert.equal(sent.method, 'POST')
    assert.equal(sent.headers.get('x-test'), '1')
    assert.equal(await sent.text(), 'payload')
  })

  test('new EventSource(ipc://...) connects to /ipc/... and does not reconnect after the end', () => {
    const target = fakeGlobal()
    const source = new target.EventSource('ipc://diagnostics.stream.sse?count=3')
    assert.ok(source instanceof FakeEventSource)
    assert.equal(source.url, `${bridge.origin}/ipc/diagnostics.stream.sse?count=3&index=2`)
    let stateSeenByPage = null
    source.addEventListener('error', () => { stateSeenByPage = source.readyState })
    source.simulateOpen()
    source.simulateDrop()
    assert.equal(source.readyState, FakeEventSource.CLOSED)
    assert.equal(stateSeenByPage, FakeEventSource.CLOSED)
  })

  test('a plain EventSource URL is untouched and may reconnect', () => {
    const target = fakeGlobal()
    const source = new target.EventSource('/feed')
    assert.equal(source.url, '/feed')
    source.simulateOpen()
    source.simulateDrop()
    assert.equal(source.readyState, FakeEventSource.CONNECTING)
  })

  test('XMLHttpRequest.open(ipc://...) is mapped', () => {
    const target = fakeGlobal()
    const xhr = new target.XMLHttpRequest()
    xhr.open('GET', 'ipc://ping', false)
    xhr.open('GET', '/other')
    assert.deepEqual(target.opened, [['GET', `${bridge.origin}/ipc/ping?index=2`, false], ['GET', '/other', true]])
  })

  test('installing twice wraps once', async () => {
    const target = fakeGlobal()
    const wrapped = target.fetch
    installURLMapping(target)
    assert.equal(target.fetch, wrapped)
    await target.fetch('ipc://ping')
    assert.equal(target.calls.length, 1)
  })
})

describe('fetch(ipc://...) end to end', () => {
  test('reaches the route with the page window index', async () => {
    installURLMapping()
    const response = await fetch('ipc://echo?path=notes.txt')
    assert.equal(response.status, 200)
    const envelope = await response.json()
    assert.equal(envelope.source, 'echo')
    assert.equal(envelope.data.params.path, 'notes.txt')
    assert.equal(envelope.data.params.index, '2')
  })

  test('a Request object works too', async () => {
    const response = await fetch(new Request('ipc://ping'))
    assert.deepEqual((await response.json()).data, 'pong')
  })

  test('an SSE route can be read from the body incrementally', async () => {
    bridge.resetGate()
    const response = await fetch('ipc://sse?count=2')
    assert.match(response.headers.get('content-type'), /text\/event-stream/)
    const reader = response.body.getReader()
    const { value } = await reader.read()
    assert.match(new TextDecoder().decode(value), /"index":0/)
    bridge.open()
    await reader.cancel()
  })
})

describe('deliverHostEvent', () => {
  test('an event id seen before is dropped; events without id always pass', () => {
    const seen = []
    // Node's global object is no EventTarget: lend it one for the test.
    const events = new EventTarget()
    globalThis.dispatchEvent = events.dispatchEvent.bind(events)
    events.addEventListener('dedupetest', (event) => seen.push([event.type, event.detail]))
    try {
      assert.equal(bootstrap.deliverHostEvent('dedupetest', 1, '901'), true)
      assert.equal(bootstrap.deliverHostEvent('dedupetest', 1, 901), false)
      assert.equal(bootstrap.deliverHostEvent('dedupetest', 2, '902'), true)
      assert.equal(bootstrap.deliverHostEvent('dedupetest', 3), true)
      assert.equal(bootstrap.deliverHostEvent('dedupetest', 3, ''), true)
    } finally {
      delete globalThis.dispatchEvent
    }
    assert.deepEqual(seen, [['dedupetest', 1], ['dedupetest', 2], ['dedupetest', 3], ['dedupetest', 3]])
  })
})

describe('ApplicationURLEvent', () => {
  const detail = {
    url: 'web+notes://inbox/1?read=1',
    path: '/oro/protocol/web+notes/inbox/1?read=1',
    appURL: 'http://127.0.0.1:5/oro/protocol/web+notes/inbox/1?read=1'
  }

  function dispatched (name, payload) {
    const events = new EventTarget()
    const seen = []
    globalThis.dispatchEvent = events.dispatchEvent.bind(events)
    events.addEventListener(name, (event) => seen.push(event))
    try {
      bootstrap.dispatchHostEvent(name, payload)
    } finally {
      delete globalThis.dispatchEvent
    }
    assert.equal(seen.length, 1)
    return seen[0]
  }

  test('applicationurl arrives with Oro\'s url, source, data and isValid', () => {
    const event = dispatched('applicationurl', detail)
    assert.ok(event instanceof bootstrap.ApplicationURLEvent)
    assert.ok(event.url instanceof URL)
    assert.equal(event.url.protocol, 'web+notes:')
    assert.equal(event.url.pathname, '/1')
    assert.equal(event.url.host, 'inbox')
    assert.equal(event.source, detail.url)
    assert.equal(event.data, null)
    assert.equal(event.isValid, true)
    assert.equal(Object.prototype.toString.call(event), '[object ApplicationURLEvent]')
  })

  test('applicationurl keeps the host\'s detail, path and appURL', () => {
    const event = dispatched('applicationurl', detail)
    assert.ok(event instanceof CustomEvent)
    assert.deepEqual(event.detail, detail)
    assert.equal(event.path, detail.path)
    assert.equal(event.appURL, detail.appURL)
  })

  test('a URL that does not parse gives url null and isValid false', () => {
    const event = dispatched('applicationurl', { url: 'not a url', path: null })
    assert.equal(event.url, null)
    assert.equal(event.isValid, false)
    assert.equal(event.source, 'not a url')
    assert.equal(event.path, null)
  })

  test('other host events stay plain CustomEvents', () => {
    const event = dispatched('applicationpause', { reason: 'hidden' })
    assert.equal(event.constructor, CustomEvent)
    assert.equal(event.url, undefined)
  })
})
