/**
 * `oro:perf_hooks` (also `node:perf_hooks`) — the page's `performance` and its
 * `PerformanceObserver`/`PerformanceEntry` classes, with Node's `timerify`, and Node's
 * histograms (`createHistogram`, `monitorEventLoopDelay`): the same HDR bucketing as Node's
 * (3 significant figures), so statistics over the same values are the same numbers.
 * @module oro:perf_hooks
 */

import { invalidArgType, withCode } from './errors.js'

const host = /** @type {any} */ (globalThis)
const INT64_MAX = 9223372036854776000
const SUB_BUCKET_COUNT = 2048
const SUB_BUCKET_HALF_COUNT = 1024

/**
 * Node's `ERR_OUT_OF_RANGE`.
 * @param {string} name
 * @param {string} range
 * @param {unknown} value
 */
function outOfRange (name, range, value) {
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`), 'ERR_OUT_OF_RANGE')
}

/**
 * @param {number} value
 * @returns {number}
 */
function bitLength (value) {
  return value < 2 ** 32 ? 32 - Math.clz32(value) : 32 + bitLength(Math.floor(value / 2 ** 32))
}

/**
 * HDR histogram's bucket of a value (lowest trackable 1, 3 significant figures).
 * @param {number} value
 * @returns {{ lowest: number, size: number }}
 */
function bucketOf (value) {
  const bucket = bitLength(Math.max(value, SUB_BUCKET_COUNT - 1)) - 11
  const scale = 2 ** bucket
  const sub = Math.floor(value / scale)
  const size = sub >= SUB_BUCKET_COUNT ? scale * 2 : scale
  return { lowest: sub * scale, size }
}

/** @param {number} value */
const lowestEquivalent = (value) => bucketOf(value).lowest
/** @param {number} value */
const highestEquivalent = (value) => { const { lowest, size } = bucketOf(value); return lowest + size - 1 }
/** @param {number} value */
const medianEquivalent = (value) => { const { lowest, size } = bucketOf(value); return lowest + Math.floor(size / 2) }

/** Node's `Histogram`: statistics over recorded integers (nanoseconds, for delays). */
export class Histogram {
  /** Counts by the lowest value of their bucket. @type {Map<number, number>} */
  _counts = new Map()
  _total = 0
  _min = INT64_MAX
  _max = 0
  _exceeds = 0

  /** Recorded values. @returns {number} */
  get count () { return this._total }
  /** @returns {bigint} */
  get countBigInt () { return BigInt(this._total) }
  /** Smallest value (as its bucket's lowest; 9223372036854776000 when empty). @returns {number} */
  get min () { return this._min === INT64_MAX ? INT64_MAX : lowestEquivalent(this._min) }
  /** @returns {bigint} */
  get minBigInt () { return this._min === INT64_MAX ? 9223372036854775807n : BigInt(this.min) }
  /** Largest value (as its bucket's highest; 0 when empty). @returns {number} */
  get max () { return this._max === 0 ? 0 : highestEquivalent(this._max) }
  /** @returns {bigint} */
  get maxBigInt () { return BigInt(this.max) }
  /** Values above the range the histogram tracks. @returns {number} */
  get exceeds () { return this._exceeds }
  /** @returns {bigint} */
  get exceedsBigInt () { return BigInt(this._exceeds) }

  /** @returns {Array<[number, number]>} bucket lowest values and counts, ascending */
  _buckets () {
    return [...this._counts].sort((a, b) => a[0] - b[0])
  }

  /** Mean of the recorded values (NaN when empty). @returns {number} */
  get mean () {
    if (this._total === 0) return NaN
    let sum = 0
    for (const [value, count] of this._buckets()) sum += count * medianEquivalent(value)
    return sum / this._total
  }

  /** Standard deviation (NaN when empty). @returns {number} */
  get stddev () {
    if (this._total === 0) return NaN
    const mean = this.mean
    let total = 0
    for (const [value, count] of this._buckets()) {
      const deviation = medianEquivalent(value) - mean
      total += deviation * deviation * count
    }
    return Math.sqrt(total / this._total)
  }

  /**
   * The value at `percentile` (0 < p <= 100).
   * @param {number} percentile
   * @returns {number}
   */
  percentile (percentile) {
    if (typeof percentile !== 'number') throw invalidArgType('percentile', 'of type number', percentile)
    if (Number.isNaN(percentile) || percentile <= 0 || percentile > 100) {
      throw outOfRange('percentile', '> 0 && <= 100', percentile)
    }
    const wanted = Math.max(1, Math.trunc((Math.min(percentile, 100) / 100) * this._total + 0.5))
    let seen = 0
    for (const [value, count] of this._buckets()) {
      seen += count
      if (seen >= wanted) return highestEquivalent(value)
    }
    return 0
  }

  /**
   * @param {number} percentile
   * @returns {bigint}
   */
  percentileBigInt (percentile) {
    return BigInt(this.percentile(percentile))
  }

  /**
   * Percentiles as HDR's percentile iterator reports them (halving distances to 100), each
   * with its bucket's lowest value, as Node's are.
   * @returns {Map<number, number>}
   */
  get percentiles () {
    /** @type {Map<number, number>} */
    const map = new Map()
    let next = 0
    let seen = 0
    let last = 0
    for (const [value, count] of this._buckets()) {
      seen += count
      const reached = (100 * seen) / this._total
      while (next <= reached) {
        last = value
        map.set(next, last)
        const ticks = 2 ** (Math.trunc(Math.log(100 / (100 - next)) / Math.log(2)) + 1)
        next += 100 / ticks
        if (seen >= this._total) break
      }
      if (seen >= this._total) break
    }
    map.set(100, last)
    return map
  }

  /** @returns {Map<number, bigint>} */
  get percentilesBigInt () {
    return new Map([...this.percentiles].map(([key, value]) => [key, BigInt(value)]))
  }

  /** Forgets every recorded value. */
  reset () {
    this._counts.clear()
    this._total = 0
    this._min = INT64_MAX
    this._max = 0
    this._exceeds = 0
  }

  toJSON () {
    return {
      count: this.count,
      min: this.min,
      max: this.max,
      mean: this.mean,
      exceeds: this.exceeds,
      stddev: this.stddev,
      percentiles: Object.fromEntries(this.percentiles)
    }
  }

  /** @param {number} value */
  _record (value) {
    if (value > Number.MAX_SAFE_INTEGER) {
      this._exceeds++
      return
    }
    const { lowest } = bucketOf(value)
    this._counts.set(lowest, (this._counts.get(lowest) ?? 0) + 1)
    this._total++
    if (value < this._min) this._min = value
    if (value > this._max) this._max = value
  }
}

/** Node's `RecordableHistogram`: values recorded by `record()` and `recordDelta()`. */
export class RecordableHistogram extends Histogram {
  /** @type {number | undefined} */
  #previous

  /**
   * Records `value`, an integer of at least 1.
   * @param {number | bigint} value
   */
  record (value) {
    if (typeof value === 'bigint') {
      if (value < 1n) throw outOfRange('val', '>= 1 && <= 9007199254740991', value)
      this._record(Number(value))
      return
    }
    if (typeof value !== 'number') throw invalidArgType('val', 'of type number', value)
    if (!Number.isInteger(value)) throw outOfRange('val', 'an integer', value)
    if (value < 1 || value > Number.MAX_SAFE_INTEGER) throw outOfRange('val', '>= 1 && <= 9007199254740991', value)
    this._record(value)
  }

  /** Records the nanoseconds since the previous call (nothing the first time). */
  recordDelta () {
    const now = performance.now()
    if (this.#previous !== undefined) this._record(Math.max(1, Math.round((now - this.#previous) * 1e6)))
    this.#previous = now
  }

  /**
   * Adds the values of `other`.
   * @param {Histogram} other
   */
  add (other) {
    if (!(other instanceof Histogram)) throw invalidArgType('other', 'an instance of RecordableHistogram', other)
    for (const [value, count] of other._counts) {
      this._counts.set(value, (this._counts.get(value) ?? 0) + count)
    }
    this._total += other._total
    this._exceeds += other._exceeds
    if (other._total) {
      this._min = Math.min(this._min, other._min)
      this._max = Math.max(this._max, other._max)
    }
  }
}

/**
 * A histogram to record values into (Node's options are checked; the range is always
 * 1..2**53-1 with 3 significant figures).
 * @param {{ lowest?: number | bigint, highest?: number | bigint, figures?: number }} [options]
 * @returns {RecordableHistogram}
 */
export function createHistogram (options = {}) {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  return new RecordableHistogram()
}

/** Node's `IntervalHistogram`: event-loop delays sampled while enabled. */
export class IntervalHistogram extends Histogram {
  #resolution
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #timer

  /** @param {number} resolution */
  constructor (resolution) {
    super()
    this.#resolution = resolution
  }

  /** Starts sampling; false when it already was. @returns {boolean} */
  enable () {
    if (this.#timer !== undefined) return false
    let expected = performance.now() + this.#resolution
    this.#timer = host.setInterval(() => {
      const now = performance.now()
      this._record(Math.max(1, Math.round((now - expected) * 1e6)))
      expected = now + this.#resolution
    }, this.#resolution)
    return true
  }

  /** Stops sampling; false when it was not. @returns {boolean} */
  disable () {
    if (this.#timer === undefined) return false
    host.clearInterval(this.#timer)
    this.#timer = undefined
    return true
  }
}

/**
 * Samples how late a page timer of `resolution` ms fires (the event loop's delay, in ns).
 * @param {{ resolution?: number }} [options]
 * @returns {IntervalHistogram}
 */
export function monitorEventLoopDelay (options = {}) {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const { resolution = 10 } = options
  if (typeof resolution !== 'number') throw invalidArgType('options.resolution', 'of type number', resolution)
  if (resolution <= 0 || !Number.isSafeInteger(resolution)) throw outOfRange('options.resolution', '> 0', resolution)
  return new IntervalHistogram(resolution)
}

/**
 * `fn` wrapped to time each call; the duration (ns) goes to `options.histogram` when given.
 * The page's `PerformanceObserver` has no `function` entries, so none are made.
 * @template {(...args: any[]) => any} F
 * @param {F} fn
 * @param {{ histogram?: RecordableHistogram }} [options]
 * @returns {F}
 */
export function timerify (fn, options = {}) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn)
  const histogram = options?.histogram
  if (histogram !== undefined && !(histogram instanceof RecordableHistogram)) {
    throw invalidArgType('options.histogram', 'an instance of RecordableHistogram', histogram)
  }
  /** @this {unknown} */
  function timerified (/** @type {any[]} */ ...args) {
    const start = performance.now()
    const result = new.target ? Reflect.construct(fn, args, fn) : fn.apply(this, args)
    histogram?._record(Math.max(1, Math.round((performance.now() - start) * 1e6)))
    return result
  }
  Object.defineProperties(timerified, {
    length: { configurable: false, enumerable: true, value: fn.length },
    name: { configurable: false, enumerable: true, value: `timerified ${fn.name}` }
  })
  return /** @type {any} */ (timerified)
}

/**
 * Node's `eventLoopUtilization`: a page cannot see its idle time, so this throws.
 * @returns {never}
 */
function eventLoopUtilization () {
  throw withCode(new Error('performance.eventLoopUtilization is not available in a page: it cannot see the event loop\'s idle time'), 'ERR_METHOD_NOT_IMPLEMENTED')
}

const extras = /** @type {Record<string | symbol, unknown>} */ ({ timerify, eventLoopUtilization })

/**
 * The page's `performance` (methods bound to it), plus Node's `timerify` and
 * `eventLoopUtilization`.
 * @type {Performance & { timerify: typeof timerify, eventLoopUtilization: typeof eventLoopUtilization }}
 */
export const performance = host.performance
  ? new Proxy(host.performance, {
    get (target, key) {
      if (Object.prototype.hasOwnProperty.call(extras, key)) return extras[key]
      const value = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    has (target, key) {
      return key in extras || key in target
    }
  })
  : /** @type {any} */ (extras)

/** @type {typeof globalThis.PerformanceEntry} */
export const PerformanceEntry = host.PerformanceEntry
/** @type {typeof globalThis.PerformanceMark} */
export const PerformanceMark = host.PerformanceMark
/** @type {typeof globalThis.PerformanceMeasure} */
export const PerformanceMeasure = host.PerformanceMeasure
/** @type {typeof globalThis.PerformanceObserver} */
export const PerformanceObserver = host.PerformanceObserver
/** @type {typeof globalThis.PerformanceObserverEntryList} */
export const PerformanceObserverEntryList = host.PerformanceObserverEntryList
/** @type {typeof globalThis.PerformanceResourceTiming} */
export const PerformanceResourceTiming = host.PerformanceResourceTiming

/** Node's `perf_hooks.constants` (garbage-collection kinds; a page sees no GC entries). */
export const constants = Object.freeze({
  NODE_PERFORMANCE_GC_MAJOR: 4,
  NODE_PERFORMANCE_GC_MINOR: 1,
  NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16,
  NODE_PERFORMANCE_GC_FLAGS_NO: 0,
  NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
  NODE_PERFORMANCE_GC_FLAGS_FORCED: 4,
  NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
  NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16,
  NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
  NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64
})

export default {
  Histogram,
  IntervalHistogram,
  PerformanceEntry,
  PerformanceMark,
  PerformanceMeasure,
  PerformanceObserver,
  PerformanceObserverEntryList,
  PerformanceResourceTiming,
  RecordableHistogram,
  constants,
  createHistogram,
  monitorEventLoopDelay,
  performance
}
