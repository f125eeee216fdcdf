/**
 * `oro:navigation` — the page's Navigation API (null where the engine has none).
 * @module oro:navigation
 */

export const Navigation: any
export const NavigationHistoryEntry: any
export const NavigationDestination: any
declare const navigation: any
export default navigation
