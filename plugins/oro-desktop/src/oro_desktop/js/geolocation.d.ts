/**
 * `oro:geolocation` — the device's location from the host's GeoClue client, as Oro's
 * `socket:geolocation`. Loaded in every page: `navigator.geolocation` answers with it on every
 * engine. Errors are `GeolocationPositionError`s (`code` 1 `PERMISSION_DENIED`,
 * 2 `POSITION_UNAVAILABLE`, 3 `TIMEOUT`).
 * @module oro:geolocation
 */

export const PERMISSION_DENIED: 1
export const POSITION_UNAVAILABLE: 2
export const TIMEOUT: 3

/** The device's position, once (the host route `geolocation.getCurrentPosition`). */
export function getCurrentPosition (
  success: PositionCallback,
  error?: PositionErrorCallback | null,
  options?: PositionOptions
): void
/** Call `success` with each new position until {@link clearWatch}; the watch's id. */
export function watchPosition (
  success: PositionCallback,
  error?: PositionErrorCallback | null,
  options?: PositionOptions
): number
/** Stop watch `id`; another id does nothing. */
export function clearWatch (id: number): void
/** Make `navigator.geolocation` answer with this module (done on import). */
export function install (target?: object): boolean
/** A `GeolocationPosition` from the host's `{coords, timestamp}`. */
export function createPosition (data: unknown): GeolocationPosition
/** A `GeolocationPositionError` with `code` and `message`. */
export function createPositionError (code: number, message: string): GeolocationPositionError

declare const geolocation: {
  getCurrentPosition: typeof getCurrentPosition
  watchPosition: typeof watchPosition
  clearWatch: typeof clearWatch
  install: typeof install
  PERMISSION_DENIED: 1
  POSITION_UNAVAILABLE: 2
  TIMEOUT: 3
}
export default geolocation
