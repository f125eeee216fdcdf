// The preload module of an `oro test` run. The first page that loads it asks the host for the
// test files, imports them, runs them with oro:test and sends every TAP line to the host, which
// prints it and exits with the run's status. It talks to the host only over IPC, so a run works
// alike in headless Chromium and in a real app window.
import { GLOBAL_TEST_RUNNER as runner } from 'oro:test'
import { request } from 'oro:ipc'
import { whenReady } from 'oro:bootstrap'

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

/**
 * Whether a test threw `error` on purpose: Oro's test kit leaves alone an error with `ignore`
 * set or its `socket.runtime.test.error.ignore` symbol (tests of global error handling throw
 * those).
 * @param {unknown} error
 * @returns {boolean}
 */
function ignored (error) {
  const value = /** @type {any} */ (error)
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    Boolean(value.ignore || value[Symbol.for('socket.runtime.test.error.ignore')])
}

/**
 * Resolves once the page has loaded (`load`) and the runtime is initialised (`runtimeinit`):
 * Oro runs a test script in a page where both happened, and tests read that state.
 * @returns {Promise<void>}
 */
async function pageReady () {
  const document = globalThis.document
  if (document && document.readyState !== 'complete') {
    await new Promise((resolve) => globalThis.addEventListener('load', resolve, { once: true }))
  }
  await whenReady()
}

/** How long a test may still run after an error escaped it before the run ends it. */
const STALLED_MS = 5000

/**
 * A test during which an error escaped (a callback that threw outside the test's promise) may
 * never end: its promise waits for that callback. Unless it ends by itself within
 * `STALLED_MS`, end it (its failure is recorded already) so that the tests after it still run;
 * Oro's runner would wait for the run's timeout, hiding every test after it.
 */
function endIfStalled () {
  const test = runner.current
  if (!test) return
  setTimeout(() => {
    if (runner.current === test && !test.done) test.abandon(`still running ${STALLED_MS} ms after an error escaped it`)
  }, STALLED_MS)
}

async function main () {
  const settings = await request('test.start')
  if (!settings) return // another page of this run already has the tests
  globalThis.addEventListener('error', (event) => {
    const error = event.error ?? event.message
    if (runner.completed || ignored(error)) return
    runner.failRun(`uncaught ${describe(error)}`, error)
    endIfStalled()
  })
  globalThis.addEventListener('unhandledrejection', (event) => {
    if (runner.completed || ignored(event.reason)) return
    runner.failRun(`unhandled rejection ${describe(event.reason)}`, event.reason)
    endIfStalled()
  })
  await pageReady()
  runner.match = settings.match ? new RegExp(settings.match) : null
  for (const file of settings.files) {
    try {
      await import(file)
    } catch (error) {
      runner.failRun(`cannot load ${file}: ${describe(error)}`, error)
    }
  }
  const registered = runner.length
  // The run ends here, with the host's status: an app's own onFinish() (Socket's test-context.js
  // template calls `process.exit(0)` in it) would end the app before the host has the result.
  runner._onFinishCallback = undefined
  const result = await runner.run()
  await flush()
  await request('test.end', undefined, { body: { ...result, registered } })
}

main().catch(async (error) => {
  await flush().catch(() => {})
  await request('test.end', undefined, { body: { error: describe(error) } })
})
