/**
 * `oro:fs/bookmarks` — Oro's map of paths granted outside the sandbox to the ids the platform
 * gave them. Here the host keeps a page's grants itself, so `temporary` stays empty.
 * @module oro:fs/bookmarks
 */

/** Paths granted outside the sandbox → platform ids; always empty (the host holds grants). */
export const temporary: Map<string, string>

declare const _default: { temporary: typeof temporary }
export default _default
