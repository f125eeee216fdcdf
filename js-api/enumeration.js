/**
 * `oro:enumeration` — Oro's `Enumeration`: a frozen set of names (strings or numbers), each also
 * a property whose value is its position, and each position a (hidden) property naming it.
 *
 * ```js
 * import Enumeration from 'oro:enumeration'
 * const Colour = Enumeration.from(['red', 'green'])
 * Colour.green // 1
 * Colour[1]    // 'green'
 * 'red' in Colour && Colour.has('red') // true
 * ```
 * @module oro:enumeration
 */

/**
 * @template {string | number} [T=string | number]
 * @extends {Set<T>}
 */
export class Enumeration extends Set {
  /**
   * An enumeration of `values` (an iterable), or of the arguments themselves
   * (`Enumeration.from('a', 'b')`).
   * @param {...any} values
   * @returns {Enumeration<any>}
   */
  static from (...values) {
    const list = values.length === 1 && values[0] !== null && typeof values[0] === 'object' ? values[0] : values
    return new this(list)
  }

  /**
   * @param {Iterable<T>} values
   * @param {{ start?: number }} [options] the first position (0)
   */
  constructor (values, options) {
    super()
    let position = options?.start ?? 0
    for (const value of values) {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new TypeError("Failed to construct 'Enumeration': Invalid enumerable value given.")
      }
      if (Set.prototype.has.call(this, value)) continue
      Object.defineProperty(this, value, { value: position, enumerable: true })
      Object.defineProperty(this, position, { value, enumerable: false })
      Set.prototype.add.call(this, value)
      position++
    }
    Object.freeze(this)
  }

  get [Symbol.toStringTag] () {
    return this.constructor.name
  }

  /** The number of values, as `size`. */
  get length () {
    return this.size
  }

  /**
   * @param {T} value
   * @returns {boolean}
   */
  contains (value) {
    return this.has(value)
  }

  /**
   * An enumeration does not change: adding does nothing.
   * @param {T} value
   * @returns {this}
   */
  add (value) { // eslint-disable-line no-unused-vars
    return this
  }

  /**
   * An enumeration does not change: deleting does nothing.
   * @param {T} value
   * @returns {boolean}
   */
  delete (value) { // eslint-disable-line no-unused-vars
    return false
  }

  /** An enumeration does not change: clearing does nothing. */
  clear () {}

  /** @returns {T[]} */
  toJSON () {
    return Array.from(this)
  }

  /** @returns {string} */
  inspect () {
    return `${this[Symbol.toStringTag]} { ${this.toJSON().join(', ')} }`
  }

  [Symbol.for('nodejs.util.inspect.custom')] () {
    return this.inspect()
  }
}

export default Enumeration
