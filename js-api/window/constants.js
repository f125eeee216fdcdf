/**
 * `oro:window/constants` — the Oro Runtime's window status numbers (`ApplicationWindow#status`).
 *
 * ```js
 * import { WINDOW_SHOWN } from 'oro:window/constants'
 * if ((await application.getCurrentWindow()).status === WINDOW_SHOWN) { ... }
 * ```
 *
 * The host reports a status by name (`created`, `shown`, `hidden`, `closing`, `closed`); the
 * transitional ones (`WINDOW_CREATING`, `WINDOW_SHOWING`, `WINDOW_HIDING`, `WINDOW_EXITING`,
 * `WINDOW_KILLING`...) never happen here: an operation answers once it is done.
 * @module oro:window/constants
 */

export const WINDOW_ERROR = -1
export const WINDOW_NONE = 0
export const WINDOW_CREATING = 10
export const WINDOW_CREATED = 11
export const WINDOW_HIDING = 20
export const WINDOW_HIDDEN = 21
export const WINDOW_SHOWING = 30
export const WINDOW_SHOWN = 31
export const WINDOW_CLOSING = 40
export const WINDOW_CLOSED = 41
export const WINDOW_EXITING = 50
export const WINDOW_EXITED = 51
export const WINDOW_KILLING = 60
export const WINDOW_KILLED = 61

export default {
  WINDOW_ERROR,
  WINDOW_NONE,
  WINDOW_CREATING,
  WINDOW_CREATED,
  WINDOW_HIDING,
  WINDOW_HIDDEN,
  WINDOW_SHOWING,
  WINDOW_SHOWN,
  WINDOW_CLOSING,
  WINDOW_CLOSED,
  WINDOW_EXITING,
  WINDOW_EXITED,
  WINDOW_KILLING,
  WINDOW_KILLED
}
