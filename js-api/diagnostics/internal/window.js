/**
 * Page metrics on diagnostic channels, as Oro's `diagnostics.window`: `metrics.start()` wraps
 * `fetch`, `XMLHttpRequest`'s `open`/`send`, `Worker` and `requestAnimationFrame` so each call
 * publishes on the `window.*` channels; `metrics.stop()` puts the page's own back. Part of
 * `oro:diagnostics` (not a module of its own).
 */

import registry from './channels.js'

const group = registry.group('window', [
  'XMLHttpRequest.open',
  'XMLHttpRequest.send',
  'Worker',
  'fetch',
  'fetch.start',
  'fetch.end',
  'requestAnimationFrame'
])

const scope = /** @type {any} */ (globalThis)

/** Frame rate over the last `sampleSize` frames, published on `window.requestanimationframe`. */
export class RequestAnimationFrameMetric {
  /** @param {{ sampleSize?: number }} [options] */
  constructor (options = {}) {
    /** @type {((callback: FrameRequestCallback) => number) | null} */
    this.originalRequestAnimationFrame = null
    this.sampleSize = options.sampleSize || 60
    this.sampleTick = 0
    this.channel = group.channel('requestAnimationFrame')
    /** @type {{ rate: number, samples: number } | null} */
    this.value = null
    this.now = 0
    this.samples = new Uint8Array(this.sampleSize)
    this.requestAnimationFrame = this.requestAnimationFrame.bind(this)
  }

  /** @param {FrameRequestCallback} callback */
  requestAnimationFrame (callback) {
    const original = /** @type {(callback: FrameRequestCallback) => number} */ (this.originalRequestAnimationFrame ?? scope.requestAnimationFrame)
    return original.call(globalThis, (time) => {
      this.update()
      callback(time)
    })
  }

  init () {
    if (this.originalRequestAnimationFrame === null && typeof scope.requestAnimationFrame === 'function') {
      this.originalRequestAnimationFrame = scope.requestAnimationFrame
      scope.requestAnimationFrame = this.requestAnimationFrame
    }
  }

  update () {
    const then = this.now
    const now = performance.now()
    if (then > 0 && now > then) {
      this.samples[this.sampleTick] = Math.min(255, Math.floor(1000 / (now - then)))
      this.sampleTick = (this.sampleTick + 1) % this.sampleSize
      const count = this.sampleTick || this.sampleSize
      const sum = this.samples.slice(0, count).reduce((a, b) => a + b, 0)
      this.value = { rate: Math.round(sum / count), samples: count }
      this.channel.publish(this.value)
    }
    this.now = now
  }

  destroy () {
    this.channel.reset()
    if (this.originalRequestAnimationFrame) scope.requestAnimationFrame = this.originalRequestAnimationFrame
    this.originalRequestAnimationFrame = null
    this.samples.fill(0)
    this.sampleTick = 0
    this.value = null
    this.now = 0
  }

  toJSON () {
    return { sampleSize: this.sampleSize, sampleTick: this.sampleTick, samples: Array.from(this.samples), rate: this.value?.rate ?? 0, now: this.now }
  }
}

/** Each `fetch`: `{resource, options}` on `window.fetch.start`, then with `response` (a clone)
 * on `window.fetch.end` and `window.fetch`. */
export class FetchMetric {
  constructor () {
    /** @type {typeof fetch | null} */
    this.originalFetch = null
    this.channel = group.channel('fetch')
    this.fetch = this.fetch.bind(this)
  }

  /**
   * @param {RequestInfo | URL} resource
   * @param {RequestInit} [options]
   */
  async fetch (resource, options) {
    /** @type {{ resource: RequestInfo | URL, options?: RequestInit, response?: Response }} */
    const metric = { resource, options }
    this.channel.channel('start').publish(metric)
    const original = this.originalFetch ?? scope.fetch
    const response = await original.call(globalThis, resource, options)
    metric.response = response.clone()
    this.channel.channel('end').publish(metric)
    this.channel.publish(metric)
    return response
  }

  init () {
    if (!this.originalFetch && typeof scope.fetch === 'function') {
      this.originalFetch = scope.fetch
      scope.fetch = this.fetch
    }
  }

  destroy () {
    this.channel.reset()
    if (this.originalFetch) scope.fetch = this.originalFetch
    this.originalFetch = null
  }
}

/** Each `XMLHttpRequest` `open` (`{request, method, url, async}`) and `send` (`{request, body}`). */
export class XMLHttpRequestMetric {
  constructor () {
    this.channel = group.channel('XMLHttpRequest')
    /** @type {{ open: Function, send: Function } | null} */
    this.patched = null
  }

  init () {
    const XHR = scope.XMLHttpRequest
    if (this.patched || typeof XHR !== 'function') return
    const { channel } = this
    const { open, send } = XHR.prototype
    this.patched = { open, send }
    Object.assign(XHR.prototype, {
      /** @param {any[]} args */
      open (...args) {
        const [method, url, async = true] = args
        channel.channel('open').publish({ request: this, method, url, async })
        return open.apply(this, args)
      },
      /** @param {any[]} args */
      send (...args) {
        channel.channel('send').publish({ request: this, body: args[0] })
        return send.apply(this, args)
      }
    })
  }

  destroy () {
    this.channel.reset()
    if (this.patched) Object.assign(scope.XMLHttpRequest.prototype, this.patched)
    this.patched = null
  }
}

/** Each `new Worker(url, options)`: `{worker, url, options}` on `window.worker`. */
export class WorkerMetric {
  constructor () {
    /** @type {any} */
    this.GlobalWorker = typeof scope.Worker === 'function' ? scope.Worker : null
    this.channel = group.channel('Worker')
    const channel = this.channel
    this.Worker = this.GlobalWorker
      ? class Worker extends this.GlobalWorker {
        /** @param {string | URL} url @param {WorkerOptions} [options] */
        constructor (url, options) {
          super(url, options)
          channel.publish({ worker: this, url, options })
        }
      }
      : null
  }

  init () {
    if (this.Worker) scope.Worker = this.Worker
  }

  destroy () {
    this.channel.reset()
    if (this.GlobalWorker) scope.Worker = this.GlobalWorker
  }
}

/** @typedef {'requestAnimationFrame' | 'XMLHttpRequest' | 'Worker' | 'fetch'} MetricName */

class Metrics {
  requestAnimationFrame = new RequestAnimationFrameMetric()
  XMLHttpRequest = new XMLHttpRequestMetric()
  Worker = new WorkerMetric()
  fetch = new FetchMetric()
  channel = group

  /** @param {[any, any?]} args */
  subscribe (...args) { return group.subscribe(...args) }
  /** @param {[any, any?]} args */
  unsubscribe (...args) { return group.unsubscribe(...args) }

  /** @param {MetricName[]} [which] all without a list */
  #each (which) {
    const names = /** @type {MetricName[]} */ (Array.isArray(which) ? which : ['requestAnimationFrame', 'XMLHttpRequest', 'Worker', 'fetch'])
    return names.map((name) => this[name]).filter(Boolean)
  }

  /** Starts the metrics named (all without a list). @param {MetricName[]} [which] */
  start (which) { for (const metric of this.#each(which)) metric.init() }
  /** Stops them and drops their subscribers. @param {MetricName[]} [which] */
  stop (which) { for (const metric of this.#each(which)) metric.destroy() }
}

export const metrics = new Metrics()
export default { metrics }
