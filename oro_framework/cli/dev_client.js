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
 *   same overlay, and removes it on the next `devproblem` without one (the fix saved).
 * @module oro:dev
 */

import { getState } from 'oro:bootstrap'

export const RELOAD_EVENT = 'devreload'
/** ms between two polls of the host while it restarts. */
export const POLL_INTERVAL = 100
export const OVERLAY_ID = 'oro-dev-overlay'
export const PROBLEM_EVENT = 'devproblem'

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
  if (target.__args?.devProblem) showProblem(target.__args.devProblem)
  target.addEventListener('applicationstop', () => { waitForHost() })
  getState().channel?.addEventListener('error', () => { waitForHost({ sameHostIsEnough: true }) })
}

if (/** @type {any} */ (globalThis).isOroRuntime === true) install()

export default { RELOAD_EVENT, POLL_INTERVAL, OVERLAY_ID, PROBLEM_EVENT }
