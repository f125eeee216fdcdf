// The wire protocol of `@socketsupply/socket-node` (Socket's npm/packages/@socketsupply/
// socket-node/index.js, 0.6.0-rc.8), written from its source for the tests: that package is on
// no registry these tests can reach, and a copy of it would be a vendored package. Same lines
// both ways: stdin `ipc://<name>?event=<e>&value=<JSON>` lines become events (index.js:119-167);
// `send({ window, event, value })` writes `ipc://send?event=&index=&value=` with `%20` for
// spaces and an object value as its JSON (index.js:191-215); other stdout and stderr text goes
// as `ipc://stdout?value=` / `ipc://stderr?value=` (index.js:39-63); the exit is
// `ipc://process.exit?value=<code>` (index.js:26-31).
import { EventEmitter } from 'node:events'

const emitter = new EventEmitter()
const writeOut = process.stdout.write.bind(process.stdout)
let pending = ''

function write (line) {
  if (line.includes('\n')) throw new Error('invalid write()')
  return new Promise((resolve) => writeOut(line + '\n', resolve))
}

function parse (line) {
  const params = Object.fromEntries(new URL(line).searchParams)
  emitter.emit(params.event || '', params.value ? JSON.parse(params.value) : '')
}

process.stdin.setEncoding('utf8')
process.stdin.on('data', (data) => {
  const lines = (pending + data).split('\n')
  pending = lines.pop()
  for (const line of lines) parse(line)
})
process.on('exit', (code) => { writeOut(`ipc://process.exit?value=${code}\n`) })
process.on('uncaughtException', (error) => {
  write(`ipc://stderr?value=${encodeURIComponent(error.stack || String(error))}`)
})
// Bytes go to the stream as they are; text becomes a line of its own on stdout (stderr's too).
const wrap = (name, stream) => {
  const original = stream.write.bind(stream)
  return (data) => typeof data !== 'string'
    ? original(data)
    : write(data.startsWith('ipc://') ? data : `ipc://${name}?value=` + encodeURIComponent(data))
}
process.stdout.write = wrap('stdout', process.stdout)
process.stderr.write = wrap('stderr', process.stderr)

export default {
  async send (options) {
    const o = JSON.parse(JSON.stringify(options))
    if (typeof o.value === 'object') o.value = JSON.stringify(o.value)
    const query = new URLSearchParams({ event: o.event, index: o.window.toString(), value: o.value })
    return await write(`ipc://send?${query.toString().replace(/\+/g, '%20')}`)
  },
  async heartbeat () { return await write('ipc://heartbeat') },
  on (event, listener) { emitter.on(event, listener) }
}
