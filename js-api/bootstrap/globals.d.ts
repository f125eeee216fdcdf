/**
 * `oro:bootstrap/globals` — the Oro Runtime's page globals (`Buffer`, its event classes and
 * pickers, the CommonJS globals), installed on import; loaded in every page when
 * `webview.oro_globals` is on.
 * @module oro:bootstrap/globals
 */

/** Globals a page may already have its own of (a `Buffer` polyfill): that one is kept. */
export const GLOBALS: Readonly<Record<string, unknown>>
/** Globals that replace the page's own (Oro's pickers fall back on the page's). */
export const REPLACED: Readonly<Record<string, unknown>>
export function defineGlobals (globals: Record<string, unknown>, options?: { target?: any, replace?: boolean }): void
export function installGlobals (target?: any): void
export function scheduleCommonJSGlobals (target?: any): void
/** Report the window's page ready (`window.ready`) once its document is complete, as Oro hands a window its waiting deep links then. */
export function reportReadyOnLoad (target?: any): void
