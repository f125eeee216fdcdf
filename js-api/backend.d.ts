/**
 * `oro:backend` — the Oro Runtime's backend-process API; every call rejects with
 * `NotSupportedError` until the app's own backend exists (issue 43).
 * @module oro:backend
 */

/** Start the backend process: rejects with `NotSupportedError`. */
export function open (options?: { force?: boolean }): Promise<never>
/** Stop the backend process: rejects with `NotSupportedError`. */
export function close (): Promise<never>
/** Write to the backend process's standard input: rejects with `NotSupportedError`. */
export function sendToProcess (options?: unknown): Promise<never>

declare const backend: {
  readonly open: typeof open
  readonly close: typeof close
  readonly sendToProcess: typeof sendToProcess
}
export default backend
