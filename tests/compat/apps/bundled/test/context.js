// The shape of the test context older Socket templates put beside test/index.js: the app ends
// itself when its tests end, and on an error that escapes them.
import { GLOBAL_TEST_RUNNER } from 'socket:test'
import process from 'socket:process'

globalThis.addEventListener('error', onerror)
globalThis.addEventListener('unhandledrejection', onerror)

function onerror (err) {
  console.error(err.stack ?? err.reason ?? err.message ?? err)
  process.exit(1)
}

GLOBAL_TEST_RUNNER.onFinish(() => process.exit(0))
