/**
 * `oro:navigation` — the page's Navigation API (`navigation.navigate()`, `entries()`,
 * `currentEntry`, `navigate` events), as Oro re-exports it: the default export is the page's
 * `navigation`, or null where the engine has none (WebKitGTK before it ships the API).
 * @module oro:navigation
 */

const page = /** @type {any} */ (globalThis)

/** The page's `Navigation` class, or undefined. */
export const Navigation = page.Navigation
/** The page's `NavigationHistoryEntry` class, or undefined. */
export const NavigationHistoryEntry = page.NavigationHistoryEntry
/** The page's `NavigationDestination` class, or undefined. */
export const NavigationDestination = page.NavigationDestination

/** @type {any} */
const navigation = page.navigation ?? null
export default navigation
