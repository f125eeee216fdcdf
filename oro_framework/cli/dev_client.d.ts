/**
 * `oro:dev` — what `oro dev` adds to every page: reload on `devreload`, reconnect after a host
 * restart, an overlay showing a broken
 * backend.py, config or plugin, the host's log in the console. Served only under `oro dev`.
 * @module oro:dev
 */

/** The host event that reloads the page (the app's files changed). */
export const RELOAD_EVENT: 'devreload'
/** ms between two polls of the host while it restarts. */
export const POLL_INTERVAL: number
/** The id of the element showing a host error over the page. */
export const OVERLAY_ID: 'oro-dev-overlay'
/** The host event saying what is broken (`{ error: string | null }`): a backend.py that does
 * not import, an invalid oro.toml; shown over the page, removed once fixed. */
export const PROBLEM_EVENT: 'devproblem'
/** The host event carrying the host's log records (`{ records: Array<{ level, logger,
 * message }>, dropped: number }`), written to the console. */
export const LOG_EVENT: 'devlog'

declare const _default: {
  RELOAD_EVENT: typeof RELOAD_EVENT
  POLL_INTERVAL: typeof POLL_INTERVAL
  OVERLAY_ID: typeof OVERLAY_ID
  PROBLEM_EVENT: typeof PROBLEM_EVENT
  LOG_EVENT: typeof LOG_EVENT
}
export default _default
