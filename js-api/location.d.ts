/**
 * `oro:location` — Oro's `Location`: the current page's URL parts.
 * @module oro:location
 */

export class Location {
  readonly url: URL
  readonly href: string
  readonly origin: string
  readonly protocol: string
  readonly host: string
  readonly hostname: string
  readonly port: string
  readonly pathname: string
  readonly search: string
  readonly hash: string
  toString (): string
  toJSON (): string
}
declare const location: Location
export default location
