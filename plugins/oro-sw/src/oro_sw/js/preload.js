// oro:service-worker/preload — loaded in every page: registers the workers of
// `[webview] service-workers` (Oro's `webview_service-workers`, or its table
// `[webview.service-workers] "/" = "/service-worker.js"`) unless
// `webview.auto_register_service_workers` is false or the service_worker permission is off
// (the host then leaves `__args.serviceWorker` out). Each runs through the shell
// (`/oro/service-worker/shell.js?script=...`), so an Oro-style module (a default export
// answering fetches) works as a plain script does. oro:service-worker is imported only when
// there is something to register, so other pages load nothing more.

const SHELL = '/oro/service-worker/shell.js?script='
const settings = /** @type {any} */ (globalThis).__args?.serviceWorker
const workers = settings?.workers ?? (settings?.scripts ?? []).map((/** @type {string} */ script) => ({ script, scope: script.replace(/[^/]*$/, '') }))
if (settings?.autoRegister && workers.length > 0 && globalThis.navigator?.serviceWorker) {
  import('oro:service-worker').then(({ register }) => {
    for (const { script, scope } of workers) {
      register(SHELL + encodeURIComponent(script), { scope }).catch((/** @type {unknown} */ error) => {
        console.warn(`oro:service-worker: could not register ${script}:`, error)
      })
    }
  })
}

export {}
