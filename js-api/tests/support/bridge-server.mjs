// A tiny real HTTP server that answers like the host's bridge (envelopes, statuses, SSE,
// chunked bytes), for end-to-end tests of ipc.js and bootstrap.js under Node's fetch.

import http from 'node:http'

const ERRORS = {
  NotFoundError: [404, 'NOT_FOUND_ERR'],
  TypeError: [400, 'ERR_INVALID_ARG_TYPE'],
  SyntaxError: [400, 'ERR_INVALID_JSON'],
  SecurityError: [403, 'SECURITY_ERR'],
  NotAllowedError: [403, 'NOT_ALLOWED_ERR'],
  RangeError: [413, 'ERR_OUT_OF_RANGE'],
  TimeoutError: [408, 'TIMEOUT_ERR'],
  AbortError: [499, 'ABORT_ERR'],
  NotSupportedError: [501, 'NOT_SUPPORTED_ERR'],
  InternalError: [500, 'INTERNAL_ERR'],
  ErrnoError: [404, 'ENOENT']
}

export const ERROR_TABLE = ERRORS

function deferred () {
  let resolve
  const promise = new Promise((r) => { resolve = r })
  return { promise, resolve }
}

/**
 * Start the server. `server.requests` records every request (`url`, `method`, `headers`, `body`).
 * `server.gate()` returns a promise the SSE/chunk routes wait on between their first and second
 * item; `server.open()` lets them go on. `server.disconnected` resolves when a streaming or slow
 * request's client went away.
 */
export async function startBridge () {
  const requests = []
  let gate = deferred()
  let disconnected = deferred()
  const server = http.createServer(async (request, response) => {
    const chunks = []
    for await (const chunk of request) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const url = new URL(request.url, 'http://x')
    requests.push({ url: request.url, method: request.method, headers: request.headers, body })
    const seq = url.searchParams.get('seq') ?? '0'
    const route = decodeURIComponent(url.pathname.replace(/^\/ipc\//, ''))
    const json = (status, payload) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(payload))
    }
    const reply = (data) => json(200, { source: route, id: seq, data })
    const fail = (type, extra = {}) => {
      const [status, code] = ERRORS[type]
      json(status, { source: route, id: seq, err: { type, code, message: `${type} from ${route}`, ...extra } })
    }
    response.on('close', () => { if (!response.writableFinished) disconnected.resolve(route) })

    if (url.pathname === '/oro/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      response.write(': hello\n\n')
      return
    }
    if (!url.pathname.startsWith('/ipc/')) return json(404, {})
    const params = Object.fromEntries(url.searchParams)
    switch (route) {
      case 'ping': return reply('pong')
      case 'echo': return reply({ params, method: request.method, contentType: request.headers['content-type'] ?? null, body: body.toString('utf8') })
      case 'echo.bytes':
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
        return response.end(body)
      case 'text':
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        return response.end('plain text')
      case 'fail': return fail(params.type, params.type === 'ErrnoError' ? { errno: -2, syscall: 'open', path: 'a.txt' } : { parameter: 'path' })
      case 'empty':
        response.writeHead(Number(params.status))
        return response.end()
      case 'slow': return // never answers; the client times out or aborts
      case 'sse': {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' })
        const count = Number(params.count ?? 3)
        response.write(`event: tick\nid: 0\ndata: {"index":0,"count":${count}}\n\n`)
        await gate.promise
        for (let index = 1; index < count && !response.destroyed; index += 1) {
          response.write(`event: tick\nid: ${index}\ndata: {"index":${index},"count":${count}}\n\n`)
        }
        // The host's shape: `event: error` with the err object; an envelope-shaped one works too.
        if (params.fail === 'envelope') response.write('event: error\ndata: {"err":{"type":"NotFoundError","code":"NOT_FOUND_ERR","message":"gone"}}\n\n')
        else if (params.fail) response.write('event: error\ndata: {"type":"RangeError","code":"ERR_OUT_OF_RANGE","message":"too much","parameter":"count"}\n\n')
        if (params.hold) return // stays open
        return response.end()
      }
      case 'chunks': {
        response.writeHead(200, { 'content-type': 'application/octet-stream' })
        response.write(Buffer.alloc(4, 0x5a))
        await gate.promise
        response.write(Buffer.alloc(4, 0x5b))
        return response.end()
      }
      default:
        return json(404, { source: route, id: seq, err: { type: 'NotFoundError', code: 'NOT_FOUND_ERR', message: `Not found: ${route}` } })
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    requests,
    open () { gate.resolve() },
    resetGate () { gate = deferred() },
    get disconnected () { return disconnected.promise },
    resetDisconnected () { disconnected = deferred() },
    close () {
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(resolve))
    }
  }
}
