// The same script under `node` and in a page (tests/browser/test_modules_worker_threads.py): the
// page runs it as a module, its workers import it again as their script. Under node it prints
// what it saw as JSON; in a page it leaves it in `globalThis.workerThreadsResult`.
import {
  MessageChannel, SHARE_ENV, Worker, getEnvironmentData, isMainThread, parentPort, setEnvironmentData,
  threadId, workerData
} from 'node:worker_threads'
import process from 'node:process'

/** Start a worker of this script and collect its events until it exits. */
function run (options, afterStart = () => {}) {
  return new Promise((resolve) => {
    const seen = []
    const worker = new Worker(new URL(import.meta.url), options)
    const id = worker.threadId
    let terminated = null
    worker.on('online', () => seen.push(['online']))
    worker.on('message', (value) => {
      seen.push(['message', value])
      if (value === 'spinning' || (value && value.echoed)) {
        terminated = worker.terminate().then((code) => seen.push(['terminated', code]))
      }
    })
    worker.on('error', (error) => seen.push(['error', error.constructor.name, error.name, error.message]))
    // Done once it exited and, when it was terminated, terminate() has answered too.
    worker.on('exit', (code) => Promise.resolve(terminated).then(() => resolve({ threadId: id, seen, code })))
    afterStart(worker)
  })
}

async function main () {
  setEnvironmentData('greeting', 'hello')
  const result = { isMainThread, threadId, workerData, shareEnv: typeof SHARE_ENV }
  result.echo = await run({ workerData: { mode: 'echo', list: [1, 'two', { three: 3 }] } }, (worker) => {
    worker.postMessage({ ping: 1 })
  })
  result.exit = await run({ workerData: { mode: 'exit' } })
  result.thrown = await run({ workerData: { mode: 'throw' } })
  result.spin = await run({ workerData: { mode: 'spin' } })
  const { port1, port2 } = new MessageChannel()
  const overPort = new Promise((resolve) => port1.once('message', resolve))
  result.port = await run({ workerData: { mode: 'port', port: port2 }, transferList: [port2] })
  result.portMessage = await overPort
  port1.close()
  try {
    // eslint-disable-next-line no-new
    new Worker(42)
  } catch (error) {
    result.badFilename = [error.constructor.name, error.code, error.message]
  }
  try {
    // eslint-disable-next-line no-new
    new Worker(new URL(import.meta.url), { workerData: { mode: 'echo', fn () {} } })
  } catch (error) {
    result.uncloneable = error.name
  }
  return result
}

function work () {
  const { mode } = workerData
  if (mode === 'echo') {
    parentPort.postMessage({ threadId, isMainThread, greeting: getEnvironmentData('greeting'), list: workerData.list })
    parentPort.on('message', (value) => parentPort.postMessage({ echoed: value }))
  } else if (mode === 'exit') {
    process.exit(3)
  } else if (mode === 'throw') {
    throw new TypeError('thrown in the worker')
  } else if (mode === 'spin') {
    parentPort.postMessage('spinning')
    for (;;) { /* never ends: terminate() must end it */ }
  } else if (mode === 'port') {
    workerData.port.postMessage('over the port')
    workerData.port.close()
    process.exit(0)
  }
}

if (isMainThread) {
  const result = await main()
  if (globalThis.window) globalThis.workerThreadsResult = result
  else console.log(JSON.stringify(result))
} else {
  work()
}
