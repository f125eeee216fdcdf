// oro:service-worker/preload — loaded in every page: registers the workers of
// `[webview] service-workers` (Oro's `webview_service-workers`, or its table
// `[webview.service-workers] "/" = "/service-worker.js"`) unless
// `webview.auto_register_service_workers` is false or the service_worker permission is off
// (the host then leaves `__args.serviceWorker` out). Each runs through the shell
// (`/oro/service-worker/shell.js?script=...`), so an Oro-style module (a default export
// answering fetches) works as a plain script does. oro:service-worker is imported only when
// there is something to register, so other pages load nothing more.

const settings = /** @type {any} */ (globalThis).__args?.serviceWorker
const workers = settings?.workers ?? (settings?.scripts ?? []).map((/** @type {string} */ script) => ({ script, scope: script.replace(/[^/]*$/, '') }))
// Set for the tab once it reloaded to be answered by its worker (below), so it never loops.
const RELOADED = 'oro:service-worker:reloaded'

/**
 * Under Oro a configured worker answers a page's requests from its first load (the runtime
 * starts it before the window). Here the engine gives a worker only the pages loaded after it
 * activates, so a page of its scope that none controls reloads once, as soon as it is active.
 * @param {{ scope: string }[]} registered
 */
async function reloadIntoWorker (registered) {
  const container = globalThis.navigator.serviceWorker
  const covered = registered.some(({ scope }) => globalThis.location.pathname.startsWith(new URL(scope, globalThis.location.href).pathname))
  if (!covered || container.controller || globalThis.sessionStorage.getItem(RELOADED)) return
  await container.ready
  globalThis.sessionStorage.setItem(RELOADED, '1')
  globalThis.location.reload()
}

if (settings?.autoRegister && workers.length > 0 && globalThis.navigator?.serviceWorker) {
  // oro:protocol-handlers (a core plugin's, which an app may turn off) adds the environment.
  const plainShell = (/** @type {string} */ script) => `/oro/service-worker/shell.js?script=${encodeURIComponent(script)}`
  const protocols = import('oro:protocol-handlers').catch(() => ({ shellURL: plainShell }))
  Promise.all([import('oro:service-worker'), protocols]).then(async ([{ register }, { shellURL }]) => {
    const registered = await Promise.all(workers.map(({ script, scope }) =>
      register(shellURL(script), { scope }).then(() => [{ scope }], (/** @type {unknown} */ error) => {
        console.warn(`oro:service-worker: could not register ${script}:`, error)
        return []
      })
    ))
    await reloadIntoWorker(registered.flat())
  })
}

export {}
