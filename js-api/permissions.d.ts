/**
 * `oro:permissions` — `query`/`request` of the web platform's permissions, decided by the host
 * for the camera, the microphone, the location and notifications.
 * @module oro:permissions
 */

import type { Enumeration } from 'oro:enumeration'

export type PermissionState = 'granted' | 'denied' | 'prompt'
export const types: Enumeration<string>
export class PermissionStatus extends EventTarget {
  constructor (name: string, state: PermissionState)
  readonly name: string
  readonly state: PermissionState
  onchange: ((event: Event) => void) | null
}
export function query (descriptor: { name: string }): Promise<PermissionStatus>
export function request (descriptor: { name: string }): Promise<PermissionStatus>
export function install (target?: any): void
declare const _default: {
  PermissionStatus: typeof PermissionStatus
  install: typeof install
  query: typeof query
  request: typeof request
  types: Enumeration<string>
}
export default _default
