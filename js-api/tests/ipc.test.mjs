// End-to-end tests of ipc.js against a real HTTP server that answers like the bridge.

import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ERROR_TABLE, startBridge } from './support/bridge-server.mjs'

const ipc = await import('../ipc.js')
const errors = await import('../errors.js')

let bridge
before(async () => {
  bridge = await startBridge()
  globalThis.__args = { index: 3, origin: bridge.origin }
})
after(() => bridge.close())
beforeEach(() => {
  bridge.resetGate()
  bridge.resetDisconnected()
  ipc.setTransport(null)
})

describe('request', () => {
  test('carries the window credential the preload keeps, and nothing when there is none', async () => {
    bridge.requests.length = 0
    await ipc.request('ping')
    assert.equal(bridge.requests.at(-1).headers['x-oro-window'], undefined)
    Object.defineProperty(globalThis, '__oroWindow', { value: '3.nonce.mac', configurable: true })
    try {
      await ipc.request('ping')
      assert.equal(bridge.requests.at(-1).headers['x-oro-window'], '3.nonce.mac')
    } finally {
      // The client takes the credential off globalThis; a null one takes it away again.
      globalThis.__oroWindow = null
    }
  })

  test('returns the envelope data', async () => {
    assert.equal(await ipc.request('ping'), 'pong')
  })

  test('sends params, seq=R<n> and the window index in the query', async () => {
    const data = await ipc.request('echo', { path: 'a b+c.txt', options: { flag: true }, n: 1 })
    assert.equal(data.params.path, 'a b+c.txt')
    assert.equal(data.params.options, '{"flag":true}')
    assert.equal(data.params.n, '1')
    assert.match(data.params.seq, /^R\d+$/)
    assert.equal(data.params.index, '3')
    assert.equal(data.method, 'GET')
    const raw = bridge.requests.at(-1).url
    assert.match(raw, /path=a%20b%2Bc\.txt/)
  })

  test('seq counts up per call', async () => {
    const first = Number((await ipc.request('echo')).params.seq.slice(1))
    const second = Number((await ipc.request('echo')).params.seq.slice(1))
    assert.equal(second, first + 1)
  })

  test('a bare value is sent as `value`', async () => {
    assert.equal((await ipc.request('echo', 'index.html')).params.value, 'index.html')
  })

  test('send answers an Oro Result: the data, or the error instead of a rejection', async () => {
    const ok = await ipc.send('ping')
    assert.ok(ok instanceof ipc.Result)
    assert.deepEqual([ok.err, ok.data, ok.source], [null, 'pong', 'ping'])
    const failed = await ipc.send('no.such.route')
    assert.equal(failed.data, null)
    assert.equal(failed.err.name, 'NotFoundError')
    const [err, data] = failed
    assert.deepEqual([err, data], [failed.err, null])
  })

  test("the default object's request and write answer Oro's Result, the data as it is", async () => {
    // Oro's `ipc.request`/`ipc.write` (api/ipc.js:1362, 1485), which ported code calls as
    // `import ipc from 'socket:ipc'; const { err, data } = await ipc.request(...)`.
    const ok = await ipc.default.request('echo', { value: 'a' })
    assert.ok(ok instanceof ipc.Result)
    assert.deepEqual([ok.err, ok.data.params.value, ok.source], [null, 'a', 'echo'])
    // Data that holds an `id` is not read back as an envelope.
    assert.equal((await ipc.default.request('echo', { id: 'x' })).data.params.id, 'x')
    const failed = await ipc.default.request('no.such.route')
    assert.deepEqual([failed.err.name, failed.data], ['NotFoundError', null])
    const refused = await ipc.default.request('bad route')
    assert.equal(refused.err.code, 'ERR_INVALID_ARG_TYPE')
    const written = await ipc.default.write('echo', { path: 'x' }, new TextEncoder().encode('b'))
    assert.deepEqual([written.err, written.data.method, written.data.body], [null, 'POST', 'b'])
    assert.equal((await ipc.default.write('no.such.route', {}, 'b')).err.name, 'NotFoundError')
    // The named exports still answer the data.
    assert.equal(await ipc.request('ping'), 'pong')
  })

  test('octet-stream replies are Uint8Array, text/* replies strings', async () => {
    const bytes = await ipc.write('echo.bytes', {}, new Uint8Array([1, 2, 255]))
    assert.ok(bytes instanceof Uint8Array)
    assert.deepEqual([...bytes], [1, 2, 255])
    assert.equal(await ipc.request('text'), 'plain text')
  })

  test('write POSTs the raw bytes', async () => {
    const data = await ipc.write('echo', { path: 'x' }, new TextEncoder().encode('héllo'))
    assert.equal(data.method, 'POST')
    assert.equal(data.contentType, 'application/octet-stream')
    assert.equal(data.body, 'héllo')
    assert.equal(data.params.path, 'x')
  })

  test('an object body is sent as JSON', async () => {
    const data = await ipc.request('echo', {}, { body: { a: 1 } })
    assert.equal(data.method, 'POST')
    assert.equal(data.contentType, 'application/json')
    assert.deepEqual(JSON.parse(data.body), { a: 1 })
  })

  test('refuses a bad route name', async () => {
    await assert.rejects(ipc.request('bad route'), (error) => error instanceof TypeError && error.code === 'ERR_INVALID_ARG_TYPE')
  })
})

describe('errors', () => {
  const builtins = { TypeError, SyntaxError, RangeError }
  for (const [type, [status, code]] of Object.entries(ERROR_TABLE)) {
    test(`${type} (${status}) is rehydrated with name and code`, async () => {
      const error = await ipc.request('fail', { type }).then(() => assert.fail('no error'), (e) => e)
      assert.ok(error instanceof Error)
      assert.equal(error.name, type)
      assert.equal(error.code, code)
      assert.equal(error.message, `${type} from fail`)
      if (builtins[type]) assert.ok(error instanceof builtins[type])
      else assert.ok(error instanceof errors[type], `instanceof ${type}`)
      if (type === 'ErrnoError') {
        assert.equal(error.errno, -2)
        assert.equal(error.syscall, 'open')
        assert.equal(error.path, 'a.txt')
      } else {
        assert.equal(error.parameter, 'path')
      }
    })
  }

  test('unknown route gives NotFoundError NOT_FOUND_ERR', async () => {
    await assert.rejects(ipc.request('no.such.route'), { name: 'NotFoundError', code: 'NOT_FOUND_ERR' })
  })

  const statuses = {
    400: 'BadRequestError',
    403: 'InvalidAccessError',
    404: 'NotFoundError',
    408: 'TimeoutError',
    413: 'NotAllowedError',
    500: 'InternalError',
    501: 'NotSupportedError',
    502: 'NetworkError',
    504: 'TimeoutError'
  }
  for (const [status, name] of Object.entries(statuses)) {
    test(`an empty ${status} reply gives ${name}`, async () => {
      await assert.rejects(ipc.request('empty', { status }), (error) => {
        assert.equal(error.name, name)
        assert.equal(error.status, Number(status))
        return true
      })
    })
  }

  test('timeout gives TimeoutError TIMEOUT_ERR and drops the request', async () => {
    const started = Date.now()
    await assert.rejects(ipc.request('slow', {}, { timeout: 50 }), { name: 'TimeoutError', code: 'TIMEOUT_ERR' })
    assert.ok(Date.now() - started < 2000)
    assert.equal(await bridge.disconnected, 'slow')
  })

  test('each call times out on its own deadline whatever the others in flight', async () => {
    // One timer serves every deadline: a short one added after a long one must re-arm it,
    // and a deadline past must not take the calls that still have time with it.
    const started = Date.now()
    const long = ipc.request('slow', {}, { timeout: 1000 })
    let longSettled = false
    long.then(() => { longSettled = true }, () => { longSettled = true })
    const outcomes = await Promise.allSettled([
      ipc.request('slow', {}, { timeout: 120 }),
      ipc.request('slow', {}, { timeout: 40 }),
      // A call with time left when the sweeps run: its deadline is far, whatever the load.
      ipc.request('ping', {}, { timeout: 5000 })
    ])
    const elapsed = Date.now() - started
    assert.deepEqual(outcomes.map(({ status }) => status), ['rejected', 'rejected', 'fulfilled'])
    for (const outcome of outcomes.slice(0, 2)) {
      assert.equal(/** @type {PromiseRejectedResult} */ (outcome).reason.name, 'TimeoutError')
    }
    assert.ok(elapsed >= 100 && elapsed < 2000, `took ${elapsed} ms`)
    // The shorter deadlines have passed and their sweeps have run: the long call is untouched.
    assert.equal(longSettled, false)
    await assert.rejects(long, { name: 'TimeoutError' })
    assert.ok(Date.now() - started >= 950)
  })

  test("the caller's AbortSignal gives AbortError ABORT_ERR", async () => {
    const controller = new AbortController()
    const pending = ipc.request('slow', {}, { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await assert.rejects(pending, (error) => {
      assert.ok(error instanceof errors.AbortError)
      assert.equal(error.name, 'AbortError')
      assert.equal(error.code, 'ABORT_ERR')
      return true
    })
    assert.equal(await bridge.disconnected, 'slow')
  })

  test('an already aborted signal fails at once', async () => {
    await assert.rejects(ipc.request('ping', {}, { signal: AbortSignal.abort() }), { name: 'AbortError', code: 'ABORT_ERR' })
  })

  test('an unreachable host gives NetworkError', async () => {
    const saved = globalThis.__args
    globalThis.__args = { index: 0, origin: 'http://127.0.0.1:1' }
    try {
      await assert.rejects(ipc.request('ping'), { name: 'NetworkError', code: 'NETWORK_ERR' })
    } finally {
      globalThis.__args = saved
    }
  })
})

describe('streams', () => {
  test('an SSE reply is an async iterator delivered incrementally', async () => {
    const stream = await ipc.request('sse', { count: 3 })
    assert.ok(stream instanceof ipc.IPCStream)
    assert.equal(stream.kind, 'events')
    // The server holds every event after the first until we open the gate: receiving the first
    // one proves it was not buffered until the end of the stream.
    const first = await stream.next()
    assert.deepEqual(first, { done: false, value: { index: 0, count: 3 } })
    bridge.open()
    const rest = await stream.toArray()
    assert.deepEqual(rest, [{ index: 1, count: 3 }, { index: 2, count: 3 }])
  })

  test('stream() yields the data of each event; events: true yields {event, data, id}', async () => {
    bridge.open()
    const lazy = ipc.stream('sse', { count: 2 })
    const items = await lazy.toArray()
    assert.equal(lazy.kind, 'events')
    assert.match(lazy.contentType, /text\/event-stream/)
    assert.deepEqual(items, [{ index: 0, count: 2 }, { index: 1, count: 2 }])
    const events = await ipc.stream('sse', { count: 2 }, { events: true }).toArray()
    assert.deepEqual(events, [
      { event: 'tick', data: { index: 0, count: 2 }, id: '0' },
      { event: 'tick', data: { index: 1, count: 2 }, id: '1' }
    ])
  })

  test('stream() of an unknown route throws NotFoundError from the first next()', async () => {
    const stream = ipc.stream('no.such.route')
    await assert.rejects(stream.next(), { name: 'NotFoundError' })
  })

  test('a failure after the stream started (`event: error` with the err object) is thrown', async () => {
    bridge.open()
    const stream = ipc.stream('sse', { count: 1, fail: 1 })
    assert.deepEqual(await stream.next(), { done: false, value: { index: 0, count: 1 } })
    await assert.rejects(stream.next(), (error) => {
      assert.ok(error instanceof RangeError)
      assert.equal(error.code, 'ERR_OUT_OF_RANGE')
      assert.equal(error.parameter, 'count')
      return true
    })
    assert.equal(stream.closed, true)
    const enveloped = ipc.stream('sse', { count: 1, fail: 'envelope' })
    await enveloped.next()
    await assert.rejects(enveloped.next(), { name: 'NotFoundError', message: 'gone' })
  })

  test('an `error` event that carries no error is data', async () => {
    const response = new Response('event: error\ndata: {"level":"warn"}\n\ndata: 2\n\n', {
      headers: { 'content-type': 'text/event-stream' }
    })
    const stream = await ipc.readReply('x', response)
    assert.deepEqual(await stream.toArray(), [{ level: 'warn' }, 2])
  })

  test('breaking out of for-await cancels the request on the server', async () => {
    let seen = 0
    for await (const item of ipc.stream('sse', { count: 5, hold: 1 })) {
      assert.equal(item.index, 0)
      seen += 1
      break
    }
    assert.equal(seen, 1)
    assert.equal(await bridge.disconnected, 'sse')
  })

  test('aborting the signal ends the stream with AbortError', async () => {
    const controller = new AbortController()
    const stream = ipc.stream('sse', { count: 5, hold: 1 }, { signal: controller.signal })
    await stream.next()
    const pending = stream.next()
    controller.abort()
    await assert.rejects(pending, { name: 'AbortError', code: 'ABORT_ERR' })
    assert.equal(await bridge.disconnected, 'sse')
  })

  test('the timeout does not cut a stream that has started', async () => {
    // The deadline leaves a loaded machine time to start the stream; the wait goes past it.
    const stream = await ipc.request('sse', { count: 2 }, { timeout: 400 })
    await stream.next()
    await new Promise((resolve) => setTimeout(resolve, 500))
    bridge.open()
    assert.deepEqual(await stream.next(), { done: false, value: { index: 1, count: 2 } })
    assert.equal((await stream.next()).done, true)
  })

  test("responseType 'stream' gives byte chunks as they arrive", async () => {
    const stream = await ipc.request('chunks', {}, { responseType: 'stream' })
    assert.equal(stream.kind, 'chunks')
    const first = await stream.next()
    assert.deepEqual([...first.value], [0x5a, 0x5a, 0x5a, 0x5a])
    bridge.open()
    const rest = await stream.toArray()
    assert.deepEqual([...rest[0]], [0x5b, 0x5b, 0x5b, 0x5b])
  })

  test('stream() of a byte stream yields its chunks', async () => {
    bridge.open()
    const chunks = ipc.stream('chunks')
    const items = await chunks.toArray()
    assert.equal(chunks.kind, 'chunks')
    assert.ok(items.every((chunk) => chunk instanceof Uint8Array))
    assert.equal(items.reduce((total, chunk) => total + chunk.length, 0), 8)
  })

  test('a chunked reply without responseType is read whole', async () => {
    bridge.open()
    const bytes = await ipc.request('chunks')
    assert.ok(bytes instanceof Uint8Array)
    assert.equal(bytes.length, 8)
  })

  test('stream() of a plain reply yields its value once', async () => {
    assert.deepEqual(await ipc.stream('ping').toArray(), ['pong'])
  })
})

describe('transports', () => {
  test('the fetch transport is the default', () => {
    assert.equal(ipc.getTransport(), ipc.fetchTransport)
    assert.equal(ipc.fetchTransport.name, 'fetch')
  })

  test('setTransport routes every call through the installed transport', async () => {
    const calls = []
    const previous = ipc.setTransport({
      name: 'test',
      async request (route, params, options) {
        calls.push({ route, params, seq: options.seq, index: options.index, signal: options.signal })
        return { route }
      }
    })
    assert.equal(previous, ipc.fetchTransport)
    assert.deepEqual(await ipc.request('fs.stat', { path: 'a' }), { route: 'fs.stat' })
    assert.deepEqual((await ipc.createBinding('fs').promises.readFile({ path: 'b' })).data, { route: 'fs.promises.readFile' })
    assert.equal(calls.length, 2)
    assert.deepEqual(calls[0].params, { path: 'a' })
    assert.match(calls[0].seq, /^R\d+$/)
    assert.equal(calls[0].index, 3)
    assert.ok(calls[0].signal instanceof AbortSignal)
    ipc.setTransport(null)
    assert.equal(ipc.getTransport(), ipc.fetchTransport)
  })

  test('the timeout applies to any transport, even one that ignores the signal', async () => {
    ipc.setTransport({ request: () => new Promise(() => {}) })
    await assert.rejects(ipc.request('x', {}, { timeout: 20 }), { name: 'TimeoutError', code: 'TIMEOUT_ERR' })
  })

  test('a transport error passes through unchanged', async () => {
    const failure = new errors.SecurityError('denied')
    ipc.setTransport({ request: async () => { throw failure } })
    await assert.rejects(ipc.request('x'), (error) => error === failure)
  })

  test('setTransport refuses an object without request()', () => {
    assert.throws(() => ipc.setTransport({}), TypeError)
  })

  test('a binding is not thenable', async () => {
    const binding = ipc.createBinding('fs')
    assert.equal(binding.then, undefined)
  })
})

// --------------------------------------------------------------------------------------------
// Oro's Message, Result, sendSync, primordials
// --------------------------------------------------------------------------------------------

describe('Message', () => {
  test('is a URL parsed as ipc://command?params, in each of the inputs Oro accepts', () => {
    assert.ok(ipc.Message.prototype instanceof URL)
    const inputs = [
      ipc.Message.from('test', { foo: 'bar' }),
      ipc.Message.from(new TextEncoder().encode('test'), { foo: 'bar' }),
      ipc.Message.from({ protocol: 'ipc:', command: 'test' }, { foo: 'bar' }),
      ipc.Message.from(ipc.Message.from('ipc://test?foo=bar'))
    ]
    for (const message of inputs) {
      assert.equal(message.protocol, 'ipc:')
      assert.equal(message.command, 'test')
      assert.deepEqual(message.params, { foo: 'bar' })
    }
    assert.ok(ipc.Message.isValidInput('ipc://test'))
    assert.ok(!ipc.Message.isValidInput('test'))
    assert.ok(!ipc.Message.isValidInput('foo://test'))
    assert.throws(() => new ipc.Message('foo://test'), TypeError)
  })

  test('reads seq, index and value, JSON-parsing parameters where they parse', () => {
    const message = ipc.Message.from('ipc://fs.stat?value=%7B%22a%22%3A1%7D&seq=R7&index=2&n=3&s=x')
    assert.equal(message.command, 'fs.stat')
    assert.equal(message.seq, 'R7')
    assert.equal(message.index, 2)
    assert.deepEqual(message.value, { a: 1 })
    assert.deepEqual(message.json, { a: 1 })
    assert.equal(message.get('n'), 3)
    assert.equal(message.get('s'), 'x')
    assert.equal(message.get('missing', 'fallback'), 'fallback')
    assert.equal(ipc.Message.from('x').index, -1)
  })

  test('set, has, delete and toString', () => {
    const message = ipc.Message.from('ping')
    message.set('options', { flag: true })
    message.set('n', 1)
    assert.ok(message.has('options'))
    assert.deepEqual(message.get('options'), { flag: true })
    assert.equal(message.toString(), 'ipc://ping?options=%7B%22flag%22%3Atrue%7D&n=1')
    assert.equal(message.delete('n'), true)
    assert.equal(message.delete('n'), false)
    assert.deepEqual(message.keys(), ['options'])
  })
})

describe('Result', () => {
  test('from an envelope, an error object, an Error and bare data', () => {
    const ok = ipc.Result.from({ data: { a: 1 }, source: 'fs.stat' })
    assert.deepEqual([ok.err, ok.data, ok.source], [null, { a: 1 }, 'fs.stat'])
    const [err, data, source] = ok
    assert.deepEqual([err, data, source], [null, { a: 1 }, 'fs.stat'])
    assert.equal(ok[1], ok.data)

    const failed = ipc.Result.from({ err: { type: 'NotFoundError', message: 'Not found' } }, null, 'test')
    assert.ok(failed.err instanceof Error)
    assert.equal(failed.err.name, 'NotFoundError')
    assert.equal(failed.err.code, 'NOT_FOUND_ERR')
    assert.equal(failed.data, null)
    assert.equal(failed.source, 'test')

    const thrown = new TypeError('bad')
    assert.equal(ipc.Result.from(thrown).err, thrown)
    assert.equal(ipc.Result.from('bare').data, 'bare')
    assert.equal(ipc.Result.from({ x: 1 }, 'route').source, 'route', 'a string as second argument is the source')
    assert.deepEqual(ipc.Result.from({ x: 1 }, 'route').data, { x: 1 })
  })

  test('headers from the text getAllResponseHeaders gives; toJSON', () => {
    const result = new ipc.Result('R1', null, 1, 'ping', 'Content-Type: application/json\r\nX-A: b\r\n')
    assert.deepEqual(result.headers, { 'content-type': 'application/json', 'x-a': 'b' })
    assert.deepEqual(result.toJSON(), { headers: result.headers, source: 'ping', data: 1, err: null })
  })
})

describe('sendSync', () => {
  test('goes through the installed sync transport with seq and index, and gives a Result', () => {
    const seen = []
    const previous = ipc.setSyncTransport({
      request (route, params, options) {
        seen.push({ route, params, seq: options.seq, index: options.index })
        return { data: { echoed: params }, headers: { 'X-Seq': options.seq } }
      }
    })
    try {
      assert.equal(previous, ipc.xhrTransport)
      const result = ipc.sendSync('echo', { a: 1 })
      assert.ok(result instanceof ipc.Result)
      assert.deepEqual(result.data, { echoed: { a: 1 } })
      assert.equal(result.err, null)
      assert.equal(result.source, 'echo')
      assert.equal(result.headers['x-seq'], seen[0].seq)
      assert.match(seen[0].seq, /^R\d+$/)
      assert.equal(seen[0].index, 3)
    } finally {
      ipc.setSyncTransport(null)
    }
    assert.equal(ipc.getSyncTransport(), ipc.xhrTransport)
  })

  test('never throws: a transport error or a bad route is the Result\'s err', () => {
    ipc.setSyncTransport({ request () { throw errors.rehydrate({ type: 'NotFoundError', message: 'Not found' }) } })
    try {
      const { err, data } = ipc.sendSync('test', { foo: 'bar' })
      assert.equal(String(err), 'NotFoundError: Not found')
      assert.equal(err.code, 'NOT_FOUND_ERR')
      assert.equal(data, null)
      assert.equal(ipc.sendSync('bad route!').err.code, 'ERR_INVALID_ARG_TYPE')
    } finally {
      ipc.setSyncTransport(null)
    }
    assert.throws(() => ipc.setSyncTransport({}), TypeError)
  })

  test('without XMLHttpRequest the XHR transport fails with NetworkError', () => {
    assert.equal(typeof globalThis.XMLHttpRequest, 'undefined')
    assert.equal(ipc.sendSync('ping').err.name, 'NetworkError')
  })
})

describe('xhrTransport', () => {
  /** A stand-in for the browser's XMLHttpRequest that answers at once, as a synchronous one. */
  function fakeXHR (status, contentType, body) {
    const opened = []
    class FakeXMLHttpRequest {
      open (method, url, async) { opened.push({ method, url, async, headers: {} }) }
      overrideMimeType (type) { opened.at(-1).mime = type }
      setRequestHeader (name, value) { opened.at(-1).headers[name] = value }
      send (requestBody) {
        opened.at(-1).body = requestBody
        this.status = status
        // What x-user-defined decoding gives: one char per byte.
        this.responseText = String.fromCharCode(...(typeof body === 'string' ? new TextEncoder().encode(body) : body))
      }

      getResponseHeader (name) { return name.toLowerCase() === 'content-type' ? contentType : null }
      getAllResponseHeaders () { return `content-type: ${contentType}\r\n` }
    }
    return { FakeXMLHttpRequest, opened }
  }

  function withXHR (status, contentType, body, run) {
    const { FakeXMLHttpRequest, opened } = fakeXHR(status, contentType, body)
    globalThis.XMLHttpRequest = FakeXMLHttpRequest
    try {
      return run(opened)
    } finally {
      delete globalThis.XMLHttpRequest
    }
  }

  test('a synchronous GET to the same /ipc URL as fetch, the envelope data as result', () => {
    withXHR(200, 'application/json', JSON.stringify({ id: 'R1', data: { uptime: 5 } }), (opened) => {
      const result = ipc.sendSync('os.uptime', { a: 'b c' })
      assert.deepEqual(result.data, { uptime: 5 })
      assert.equal(result.headers['content-type'], 'application/json')
      assert.equal(opened[0].method, 'GET')
      assert.equal(opened[0].async, false)
      assert.match(opened[0].url, new RegExp(`^${bridge.origin}/ipc/os\\.uptime\\?a=b%20c&seq=R\\d+&index=3$`))
      assert.equal(opened[0].mime, 'text/plain; charset=x-user-defined')
    })
  })

  test('the host error envelope becomes the Result\'s err with the host\'s type', () => {
    withXHR(404, 'application/json', JSON.stringify({ err: { type: 'NotFoundError', message: 'Not found', url: 'x' } }), () => {
      const { err } = ipc.sendSync('test', { foo: 'bar' })
      assert.equal(err.name, 'NotFoundError')
      assert.equal(err.code, 'NOT_FOUND_ERR')
      assert.equal(err.url, 'x')
    })
  })

  test('bytes, UTF-8 text and a finished event stream', () => {
    withXHR(200, 'application/octet-stream', new Uint8Array([0, 255, 128, 7]), () => {
      assert.deepEqual(ipc.sendSync('fs.read').data, new Uint8Array([0, 255, 128, 7]))
    })
    withXHR(200, 'text/plain; charset=utf-8', 'héllo ✓', () => {
      assert.equal(ipc.sendSync('text').data, 'héllo ✓')
    })
    withXHR(200, 'text/event-stream', 'data: {"n":1}\n\ndata: 2\n\n', () => {
      assert.deepEqual(ipc.sendSync('diagnostics.stream.sse').data, [{ n: 1 }, 2])
    })
  })

  test('a body is POSTed, objects as JSON', () => {
    withXHR(200, 'application/json', '{"data":null}', (opened) => {
      ipc.sendSync('fs.write', { path: 'a' }, { body: { x: 1 } })
      assert.equal(opened[0].method, 'POST')
      assert.equal(opened[0].body, '{"x":1}')
      assert.equal(opened[0].headers['content-type'], 'application/json')
    })
  })
})

describe('primordials', () => {
  test('frozen, from what the host handed at load (none here: no keys beyond what __args had)', () => {
    assert.ok(Object.isFrozen(ipc.primordials))
    assert.equal(ipc.default.primordials, ipc.primordials)
  })
})

describe('createBinding', () => {
  test('binding.foo.bar(params) calls route ns.foo.bar with the params', async () => {
    const seen = []
    ipc.setTransport({ async request (route, params) { seen.push([route, params]); return 'ok' } })
    const ai = ipc.createBinding('ai')
    assert.equal((await ai.llm.model.load({ path: 'm' })).data, 'ok')
    assert.equal((await ipc.createBinding('fs').stat('/x')).data, 'ok')
    assert.deepEqual(seen, [['ai.llm.model.load', { path: 'm' }], ['fs.stat', '/x']])
    assert.equal(ai.then, undefined, 'not a thenable')
  })
})
