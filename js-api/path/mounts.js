/**
 * `oro:path/mounts` — the app's navigator mounts (`[webview.navigator_mounts]`, Oro's
 * `webview_navigator_mounts_*`): each URL path of the page's own origin that serves a host
 * folder, read-only, with that folder. Handed to the page at load (`__args.mounts`); empty in a
 * page the host did not serve. Oro's `path.mounts` is this module's namespace.
 *
 * ```js
 * import mounts from 'oro:path/mounts'
 * mounts['/docs'] // '/home/me/Documents'
 * const text = await (await fetch('/docs/notes.txt')).text()
 * ```
 * @module oro:path/mounts
 */

/** @type {unknown} */
const given = /** @type {any} */ (globalThis).__args?.mounts

/**
 * URL path → host folder, frozen.
 * @type {Readonly<Record<string, string>>}
 */
const mounts = Object.freeze(Object.fromEntries(
  Object.entries(given && typeof given === 'object' ? given : {})
    .filter(([where, folder]) => where.startsWith('/') && typeof folder === 'string')
))

/**
 * The mount that serves `pathname` (a URL path of the page's origin, or a URL), as
 * `{ path, folder, filename }`, or `null` when none does; `filename` is the file's host path.
 * The longest mount path wins, segments compared whole (`/docsx` is not under `/docs`).
 * @param {string | URL} pathname
 * @returns {{ path: string, folder: string, filename: string } | null}
 */
export function resolve (pathname) {
  const url = new URL(String(pathname), globalThis.location?.href ?? 'http://localhost/')
  const wanted = decodeURIComponent(url.pathname)
  const found = Object.keys(mounts)
    .filter((where) => wanted === where || wanted.startsWith(where + '/'))
    .sort((a, b) => b.length - a.length)[0]
  if (found === undefined) return null
  const rest = wanted.slice(found.length).replace(/^\/+/, '')
  const folder = mounts[found]
  return { path: found, folder, filename: rest ? `${folder}/${rest}` : folder }
}

export default mounts
