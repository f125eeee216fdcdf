/**
 * `oro:window/constants` — the Oro Runtime's window status numbers.
 * @module oro:window/constants
 * @plugin application
 */

export const WINDOW_ERROR: -1
export const WINDOW_NONE: 0
export const WINDOW_CREATING: 10
export const WINDOW_CREATED: 11
export const WINDOW_HIDING: 20
export const WINDOW_HIDDEN: 21
export const WINDOW_SHOWING: 30
export const WINDOW_SHOWN: 31
export const WINDOW_CLOSING: 40
export const WINDOW_CLOSED: 41
export const WINDOW_EXITING: 50
export const WINDOW_EXITED: 51
export const WINDOW_KILLING: 60
export const WINDOW_KILLED: 61

declare const constants: {
  WINDOW_ERROR: -1
  WINDOW_NONE: 0
  WINDOW_CREATING: 10
  WINDOW_CREATED: 11
  WINDOW_HIDING: 20
  WINDOW_HIDDEN: 21
  WINDOW_SHOWING: 30
  WINDOW_SHOWN: 31
  WINDOW_CLOSING: 40
  WINDOW_CLOSED: 41
  WINDOW_EXITING: 50
  WINDOW_EXITED: 51
  WINDOW_KILLING: 60
  WINDOW_KILLED: 61
}
export default constants
