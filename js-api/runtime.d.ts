/**
 * `oro:runtime` — Oro's early `socket:runtime` names over `oro:application` and `oro:window`.
 * @module oro:runtime
 * @plugin application
 */

import { config, debug, exit, getWindows } from './application.js'

export { config, debug, exit, getWindows }

/** The index of the window this page is. */
export const currentWindow: number
/** Send `event` with `value` to window `window` (default: this one). */
export function send (options: { event: string, value?: unknown, window?: number }): Promise<unknown>
/** Open `url` with the desktop's default application. */
export function openExternal (url: string): Promise<unknown>
/** Set this window's title. */
export function setTitle (title: string): Promise<unknown>
/** Reload this page. */
export function reload (): void

declare const runtime: {
  readonly currentWindow: number
  readonly config: typeof config
  readonly debug: typeof debug
  readonly exit: typeof exit
  readonly getWindows: typeof getWindows
  readonly send: typeof send
  readonly openExternal: typeof openExternal
  readonly setTitle: typeof setTitle
  readonly reload: typeof reload
}
export default runtime
