/**
 * `oro:enumeration` — Oro's `Enumeration`: a frozen set of names, each also a property whose
 * value is its position.
 * @module oro:enumeration
 */

export class Enumeration<T extends string | number = string | number> extends Set<T> {
  /** An enumeration of `values` (an iterable), or of the arguments themselves. */
  static from<T extends string | number> (values: Iterable<T>): Enumeration<T>
  static from<T extends string | number> (...values: T[]): Enumeration<T>
  constructor (values: Iterable<T>, options?: { start?: number })
  readonly [name: string]: any
  readonly length: number
  contains (value: T): boolean
  toJSON (): T[]
  inspect (): string
}

export default Enumeration
