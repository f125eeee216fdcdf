/**
 * Internal to `oro:ipc`: the timeouts of the calls in flight, kept in one place so that they
 * cost one timer for all of them (`deadlines` below says why that matters).
 */

/**
 * @typedef {object} Deadline
 * @property {number} at `performance.now()` past which the call times out
 * @property {() => void} expire
 */

/**
 * Deadlines of the calls in flight, swept by one timer armed for the earliest of them. A
 * `setTimeout`/`clearTimeout` pair per call cost more page time than the rest of a Conduit
 * round trip's own work; calls with the default timeout end before their deadline and never
 * re-arm the timer.
 * @type {Set<Deadline>}
 */
const deadlines = new Set()
/** @type {ReturnType<typeof setTimeout> | undefined} */
let sweepTimer
let sweepAt = Infinity

/** @param {Deadline} deadline */
export function addDeadline (deadline) {
  deadlines.add(deadline)
  if (deadline.at < sweepAt) armSweep(deadline.at)
}

/** @param {number} at */
function armSweep (at) {
  if (sweepTimer !== undefined) clearTimeout(sweepTimer)
  sweepAt = at
  /** @type {any} */
  const timer = setTimeout(sweepDeadlines, Math.max(0, at - performance.now()))
  // Under Node a pending sweep must not keep the process alive once the calls are done.
  timer.unref?.()
  sweepTimer = timer
}

function sweepDeadlines () {
  sweepTimer = undefined
  sweepAt = Infinity
  const now = performance.now()
  let next = Infinity
  for (const deadline of [...deadlines]) {
    if (deadline.at <= now) {
      deadlines.delete(deadline)
      deadline.expire()
    } else if (deadline.at < next) {
      next = deadline.at
    }
  }
  if (next !== Infinity) armSweep(next)
}

/**
 * Forget `deadline`: its call ended before it.
 * @param {Deadline} deadline
 */
export function removeDeadline (deadline) {
  deadlines.delete(deadline)
}
