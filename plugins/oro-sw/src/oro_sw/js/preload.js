// oro:service-worker/preload — loaded in every page: registers the scripts of
// `[webview] service-workers` (Oro's `webview_service-workers`) unless
// `webview.auto_register_service_workers` is false or the service_worker permission is off
// (the host then leaves `__args.serviceWorker` out). oro:service-worker is imported only when
// there is something to register, so other pages load nothing more.

const settings = /** @type {any} */ (globalThis).__args?.serviceWorker
if (settings?.autoRegister && settings.scripts.length > 0 && globalThis.navigator?.serviceWorker) {
  import('oro:service-worker').then(({ register }) => {
    for (const script of settings.scripts) {
      register(script).catch((/** @type {unknown} */ error) => {
        console.warn(`oro:service-worker: could not register ${script}:`, error)
      })
    }
  })
}

export {}
