/**
 * `oro:service-worker` — Oro's Service Worker API over the engine's own
 * `navigator.serviceWorker`: `register` (always `type: 'module'`), `getRegistration(s)`,
 * `ready`, `controller`, each registration's `id` and host-kept `storage`, `Environment`.
 * Typed errors: a script outside the app is `SecurityError`, a scope over the bridge
 * `InvalidArgumentError`, an unknown registration `NotFoundError`.
 * @module oro:service-worker
 */

import type { Environment, RegistrationStorage } from 'oro:service-worker/environment'

export { Environment, RegistrationStorage } from 'oro:service-worker/environment'

/** The engine's registration with what the host adds. */
export type OroServiceWorkerRegistration = ServiceWorkerRegistration & {
  /** The host's id of the registration (stable for a scope on one origin). */
  readonly id: string
  readonly storage: RegistrationStorage
}

export interface RegisterOptions {
  /** Default: the script's directory. Any path of the app (the host allows scope `/`). */
  scope?: string | URL
  /** Default `'none'`: updates always fetch the script from the host. */
  updateViaCache?: ServiceWorkerUpdateViaCache
}

export function register (scriptURL: string | URL, options?: RegisterOptions): Promise<OroServiceWorkerRegistration>
export function getRegistration (clientURL?: string | URL): Promise<OroServiceWorkerRegistration | undefined>
export function getRegistrations (): Promise<OroServiceWorkerRegistration[]>
export function unregister (scope: string | URL): Promise<boolean>
/** The Environment of the registration controlling `clientURL` (default: this page). */
export function environment (clientURL?: string | URL): Promise<Environment | null>

export const serviceWorker: {
  register: typeof register
  getRegistration: typeof getRegistration
  getRegistrations: typeof getRegistrations
  unregister: typeof unregister
  environment: typeof environment
  readonly ready: Promise<OroServiceWorkerRegistration>
  readonly controller: ServiceWorker | null
}
export default serviceWorker
