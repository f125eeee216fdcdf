/**
 * `oro:dev` — what `oro dev` adds to every page (a preload module; not served by `oro run`).
 *
 * - reloads the page on the host event `devreload` (the app's files changed);
 * - when the host goes away (`applicationstop`, or the event channel closing), polls `dev.boot`
 *   until a host answers with another boot id than the one that served the page, then reloads:
 *   the page's session cookie stays valid across `oro dev` restarts;
 * - while `oro dev` serves an error instead (a broken `oro.toml` or plugin), shows it in an
 *   overlay over the page;
 * - on the host event `devproblem` (a saved backend.py that does not import, a saved `oro.toml`
 *   that is invalid: the host keeps running, the page keeps its state), shows the error in the
 *   same overlay, and removes it on the next `devproblem` without one (the fix saved);
 * - writes the host's log records (the host event `devlog`) to the console: `console.debug`,
 *   `info`, `warn` or `error` by level, each line starting with the logger's name in brackets.
 * @module oro:dev
 */

import { getState } from 'oro:bootstrap'

export const RELOAD_EVENT = 'devreload'
/** ms between two polls of the host while it restarts. */
export const POLL_INTERVAL = 100
export const OVERLAY_ID = 'oro-dev-overlay'
export const PROBLEM_EVENT = 'devproblem'
export const LOG_EVENT = 'devlog'

/**
 * The console method of each level a log record has.
 * @type {Map<string, 'debug' | 'info' | 'warn' | 'error'>}
 */
const CONSOLE_METHODS = new Map([['debug', 'debug'], ['info', 'info'], ['warning', 'warn'], ['error', 'error']])

/** The boot id of the host process that served this page. */
function pageBoot () {
  return /** @type {any} */ (globalThis).__args?.devBoot ?? null
}

/**
 * What answers on the port now: `{ boot }` from a host, `{ error }` from `oro dev`'s error
 * page, `null` when nothing does.
 * @returns {Promise<{ boot?: string, error?: string } | null>}
 */
async function probe () {
  try {
    const response = await fetch('ipc://dev.boot', { cache: 'no-store' })
    const body = await response.json()
    if (response.headers.get('x-oro-dev') === 'error') return { error: String(body?.err?.message ?? '') }
    return response.ok ? { boot: body?.data?.boot } : null
  } catch {
    return null
  }
}

/**
 * @param {string} text
 * @param {string} [heading]
 * @param {string} [hint]
 */
function showOverlay (text, heading = 'oro dev: the app failed to start',
  hint = 'Fix it and save: the page reloads.') {
  const document = /** @type {any} */ (globalThis).document
  if (!document?.body) {
    // A preload runs before the body exists: show it once there is one.
    document?.addEventListener?.('DOMContentLoaded', () => showOverlay(text, heading, hint), { once: true })
    return
  }
  let overlay = document.getElementById(OVERLAY_ID)
  if (!overlay) {
    overlay = document.createElement('div')
    overlay.id = OVERLAY_ID
    overlay.setAttribute('role', 'alert')
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(24,24,24,.94);color:#fff;font:14px/1.4 ui-monospace,monospace;padding:2em'
    const title = document.createElement('h2')
    title.style.color = '#ff6b6b'
    const pre = document.createElement('pre')
    pre.style.whiteSpace = 'pre-wrap'
    overlay.append(title, pre, document.createElement('p'))
    document.body.append(overlay)
  }
  overlay.querySelector('h2').textContent = heading
  overlay.querySelector('pre').textContent = text
  overlay.querySelector('p').textContent = hint
}

function hideOverlay () {
  /** @type {any} */ (globalThis).document?.getElementById(OVERLAY_ID)?.remove()
}

/** @param {string | null | undefined} problem what the host says is broken, or nothing. */
function showProblem (problem) {
  if (problem) {
    showOverlay(problem, 'oro dev: the app is broken', 'Fix it and save: this page keeps its state.')
  } else {
    hideOverlay()
  }
}

/**
 * Write the host's log records to the console. `'%s'` first: a record's text is never read as
 * a format (a `%c` in it styles nothing).
 * @param {{ records?: Array<{ level?: string, logger?: string, message?: string }>, dropped?: number } | undefined} detail
 */
function showLogs (detail) {
  for (const record of Array.isArray(detail?.records) ? detail.records : []) {
    const method = CONSOLE_METHODS.get(String(record?.level)) ?? 'log'
    console[method]('%s', `[${record?.logger}] ${record?.message}`)
  }
  const dropped = Number(detail?.dropped)
  if (dropped > 0) {
    console.warn('%s', `[oro dev] ${dropped} host log record(s) dropped: more came at once than a page is sent`)
  }
}

let waiting = false

/**
 * Poll until another host answers, then reload. With `sameHostIsEnough` (the channel dropped
 * but the host may still be the same), stop polling when this page's host answers.
 * @param {{ sameHostIsEnough?: boolean }} [options]
 */
async function waitForHost (options = {}) {
  if (waiting) return
  waiting = true
  for (;;) {
    const answer = await probe()
    if (answer?.error !== undefined) {
      showOverlay(answer.error)
    } else if (answer?.boot) {
      if (answer.boot !== pageBoot()) {
        globalThis.location.reload()
        return
      }
      if (options.sameHostIsEnough) break
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL))
  }
  waiting = false
}

function install () {
  const target = /** @type {any} */ (globalThis)
  if (typeof target.addEventListener !== 'function' || !target.location) return
  target.addEventListener(RELOAD_EVENT, () => target.location.reload())
  target.addEventListener(PROBLEM_EVENT, (/** @type {any} */ event) => showProblem(event.detail?.error))
  target.addEventListener(LOG_EVENT, (/** @type {any} */ event) => showLogs(event.detail))
  if (target.__args?.devProblem) showProblem(target.__args.devProblem)
  target.addEventListener('applicationstop', () => { waitForHost() })
  getState().channel?.addEventListener('error', () => { waitForHost({ sameHostIsEnough: true }) })
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default { RELOAD_EVENT, POLL_INTERVAL, OVERLAY_ID, PROBLEM_EVENT, LOG_EVENT }
