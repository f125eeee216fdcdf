/**
 * `oro:location` — Oro's `Location`: the app's own URL parts for the current page (`href`,
 * `origin`, `protocol`, `host`, `hostname`, `port`, `pathname`, `search`, `hash`, `url`), read
 * from the page's `location` each time, also from a worker or a frame of the app.
 * @module oro:location
 */

export class Location {
  /** The page's URL as a `URL`. @returns {URL} */
  get url () { return new URL(globalThis.location.href) }
  /** @returns {string} */
  get href () { return this.url.href }
  /** @returns {string} */
  get origin () { return this.url.origin }
  /** @returns {string} */
  get protocol () { return this.url.protocol }
  /** @returns {string} */
  get host () { return this.url.host }
  /** @returns {string} */
  get hostname () { return this.url.hostname }
  /** @returns {string} */
  get port () { return this.url.port }
  /** @returns {string} */
  get pathname () { return this.url.pathname }
  /** @returns {string} */
  get search () { return this.url.search }
  /** @returns {string} */
  get hash () { return this.url.hash }
  /** @returns {string} */
  toString () { return this.href }
  /** @returns {string} */
  toJSON () { return this.href }
}

export default new Location()
