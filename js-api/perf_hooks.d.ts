/**
 * `oro:perf_hooks` (also `node:perf_hooks`) — the page's `performance` with Node's `timerify`,
 * and Node's histograms (`createHistogram`, `monitorEventLoopDelay`).
 * @module oro:perf_hooks
 * @alias node:perf_hooks
 */

export class Histogram {
  readonly count: number
  readonly countBigInt: bigint
  readonly min: number
  readonly minBigInt: bigint
  readonly max: number
  readonly maxBigInt: bigint
  readonly exceeds: number
  readonly exceedsBigInt: bigint
  readonly mean: number
  readonly stddev: number
  readonly percentiles: Map<number, number>
  readonly percentilesBigInt: Map<number, bigint>
  percentile (percentile: number): number
  percentileBigInt (percentile: number): bigint
  reset (): void
  toJSON (): { count: number, min: number, max: number, mean: number, exceeds: number, stddev: number, percentiles: Record<string, number> }
}

export class RecordableHistogram extends Histogram {
  record (value: number | bigint): void
  recordDelta (): void
  add (other: RecordableHistogram): void
}

export class IntervalHistogram extends Histogram {
  constructor (resolution: number)
  enable (): boolean
  disable (): boolean
}

export function createHistogram (options?: { lowest?: number | bigint, highest?: number | bigint, figures?: number }): RecordableHistogram
export function monitorEventLoopDelay (options?: { resolution?: number }): IntervalHistogram
export function timerify<F extends (...args: any[]) => any> (fn: F, options?: { histogram?: RecordableHistogram }): F

export const performance: Performance & {
  timerify: typeof timerify
  /** Throws `ERR_METHOD_NOT_IMPLEMENTED`: a page cannot see its idle time. */
  eventLoopUtilization (): never
}
export const PerformanceEntry: typeof globalThis.PerformanceEntry
export const PerformanceMark: typeof globalThis.PerformanceMark
export const PerformanceMeasure: typeof globalThis.PerformanceMeasure
export const PerformanceObserver: typeof globalThis.PerformanceObserver
export const PerformanceObserverEntryList: typeof globalThis.PerformanceObserverEntryList
export const PerformanceResourceTiming: typeof globalThis.PerformanceResourceTiming
export const constants: Readonly<Record<string, number>>

declare const perfHooks: {
  Histogram: typeof Histogram
  IntervalHistogram: typeof IntervalHistogram
  PerformanceEntry: typeof PerformanceEntry
  PerformanceMark: typeof PerformanceMark
  PerformanceMeasure: typeof PerformanceMeasure
  PerformanceObserver: typeof PerformanceObserver
  PerformanceObserverEntryList: typeof PerformanceObserverEntryList
  PerformanceResourceTiming: typeof PerformanceResourceTiming
  RecordableHistogram: typeof RecordableHistogram
  constants: typeof constants
  createHistogram: typeof createHistogram
  monitorEventLoopDelay: typeof monitorEventLoopDelay
  performance: typeof performance
}
export default perfHooks
