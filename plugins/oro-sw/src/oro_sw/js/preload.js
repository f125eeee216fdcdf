// oro:service-worker/preload — loaded in every page: registers the scripts of
// `[webview] service-workers` (Oro's `webview_service-workers`) unless
// `webview.auto_register_service_workers` is false or the service_worker permission is off
// (the host then leaves `__args.serviceWorker` out).
import { register } from 'oro:service-worker'

const settings = /** @type {any} */ (globalThis).__args?.serviceWorker
if (settings?.autoRegister && globalThis.navigator?.serviceWorker) {
  for (const script of settings.scripts) {
    register(script).catch((/** @type {unknown} */ error) => {
      console.warn(`oro:service-worker: could not register ${script}:`, error)
    })
  }
}
