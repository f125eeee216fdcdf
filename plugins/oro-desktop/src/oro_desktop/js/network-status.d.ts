/**
 * `oro:network-status` — whether the machine is online, as the host's network status service
 * sees it. Loaded in every page: `navigator.onLine` and the window's `online`/`offline` events
 * (`CustomEvent`s, `detail` `{name, message}`) follow the host; the engine's own are stopped.
 * @module oro:network-status
 */

export interface NetworkStatus {
  online: boolean
  name: 'online' | 'offline'
  /** `Network is usable` or `Network is not usable` (Oro's messages). */
  message: string
  /** Whether the host watches the network (else `online` is `true`). */
  watching: boolean
}

/** The host's answer now (route `network.status`). */
export function status (): Promise<NetworkStatus>
/** `navigator.onLine`: whether the page is online as the host last said. */
export function isOnline (): boolean
/** Make `navigator.onLine` and the `online`/`offline` events follow the host (done on import). */
export function install (target?: object): boolean

declare const networkStatus: {
  install: typeof install
  isOnline: typeof isOnline
  status: typeof status
}
export default networkStatus
