// The preload module of an `oro test` run. The first page that loads it asks the host for the
// test files, imports them, runs them with oro:test and sends every TAP line to the host, which
// prints it and exits with the run's status. It talks to the host only over IPC, so a run works
// alike in headless Chromium and in a real app window.
import { GLOBAL_TEST_RUNNER as runner } from 'oro:test'
import { request } from 'oro:ipc'

// Before the first await: the page's own modules may register tests once this module yields,
// and the run must wait for the test files instead of starting on a timer.
runner.autoRun = false

/** @type {string[]} */
let pending = []
/** @type {Promise<unknown>} */
let sent = Promise.resolve()

// Lines of one tick go in one request; requests go one after the other, so the host receives
// them in order.
function flush () {
  if (pending.length === 0) return sent
  const lines = pending
  pending = []
  sent = sent.then(() => request('test.report', undefined, { body: { lines } }))
  return sent
}

runner.report = (line) => {
  if (pending.length === 0) queueMicrotask(flush)
  pending.push(line)
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function describe (error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

async function main () {
  const settings = await request('test.start')
  if (!settings) return // another page of this run already has the tests
  globalThis.addEventListener('error', (event) => {
    if (!runner.completed) runner.failRun(`uncaught ${describe(event.error ?? event.message)}`, event.error ?? event.message)
  })
  globalThis.addEventListener('unhandledrejection', (event) => {
    if (!runner.completed) runner.failRun(`unhandled rejection ${describe(event.reason)}`, event.reason)
  })
  runner.match = settings.match ? new RegExp(settings.match) : null
  for (const file of settings.files) {
    try {
      await import(file)
    } catch (error) {
      runner.failRun(`cannot load ${file}: ${describe(error)}`, error)
    }
  }
  const registered = runner.length
  const result = await runner.run()
  await flush()
  await request('test.end', undefined, { body: { ...result, registered } })
}

main().catch(async (error) => {
  await flush().catch(() => {})
  await request('test.end', undefined, { body: { error: describe(error) } })
})
