/**
 * `oro:backend` — the Oro Runtime's backend-process API (`open`, `close`, `sendToProcess`), as
 * Oro apps import it. Oro starts the app's own program from `[linux] cmd` and talks to it over
 * its standard input and output; oro runs no such process yet (the app's own backend is issue
 * 43), so every call rejects with `NotSupportedError` naming it. Until then an app's logic in
 * Python is a plugin (docs/writing-plugins.md), and a program of any kind runs under
 * `oro:child_process`.
 * @module oro:backend
 */

import { NotSupportedError } from './errors.js'

/**
 * @param {string} name
 * @returns {Promise<never>}
 */
function unsupported (name) {
  return Promise.reject(new NotSupportedError(
    `backend.${name}: the Oro Runtime's backend process is not supported yet (issue 43, the ` +
    "app's own backend); write the app's logic as a plugin (docs/writing-plugins.md) or run a " +
    'program with oro:child_process'
  ))
}

/**
 * Start the backend process (Oro: `[linux] cmd`); `force` restarts a running one.
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<never>}
 */
export function open (options = {}) {
  void options
  return unsupported('open')
}

/**
 * Stop the backend process.
 * @returns {Promise<never>}
 */
export function close () {
  return unsupported('close')
}

/**
 * Write to the backend process's standard input (Oro's `process.write` route).
 * @param {unknown} [options]
 * @returns {Promise<never>}
 */
export function sendToProcess (options = undefined) {
  void options
  return unsupported('sendToProcess')
}

export default Object.freeze({ open, close, sendToProcess })
