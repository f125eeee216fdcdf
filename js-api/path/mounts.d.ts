/**
 * `oro:path/mounts` — the app's navigator mounts (`[webview.navigator_mounts]`): URL path of
 * the page's origin → the host folder served there, read-only.
 * @module oro:path/mounts
 */

/** The mount serving `pathname`, with the file's host path, or `null`. */
export function resolve (pathname: string | URL): { path: string, folder: string, filename: string } | null
declare const mounts: Readonly<Record<string, string>>
export default mounts
