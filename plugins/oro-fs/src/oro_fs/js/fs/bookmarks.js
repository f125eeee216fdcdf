/**
 * `oro:fs/bookmarks` — Oro's map of paths granted outside the sandbox to the ids the platform
 * gave them. Here the host keeps a page's grants (the paths picked in a native file dialog,
 * see `oro:window`'s pickers) and checks every `oro:fs` call against them itself: the page
 * needs no ids, so `temporary` stays empty. It exists for code written against Oro.
 * @module oro:fs/bookmarks
 */

/** Paths granted outside the sandbox → platform ids; always empty (the host holds grants). */
export const temporary = new Map()

export default { temporary }
