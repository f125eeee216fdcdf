/**
 * Internal to `oro:ipc` (which re-exports its public names): Oro's `IPCMessagePort`,
 * `IPCMessageChannel` and `IPCBroadcastChannel` (its `api/ipc.d.ts`), over the platform's
 * `BroadcastChannel`, so that they reach every window and worker of the app (one origin).
 * A port is named by its `id` and two channel names, `rx` (it listens) and `tx` (it sends):
 * that descriptor, not the object, is what crosses to another window, which calls
 * `IPCMessagePort.from(descriptor)`. Messages are structured clones (`BroadcastChannel` copies
 * buffers, it transfers nothing); ports inside a message are sent as descriptors
 * (`findIPCMessageTransfers`) and made ports again on arrival (`inflateIPCMessageTransfers`).
 *
 * `oro:buffer` is imported when the first port or channel is made, not with `oro:ipc`: every
 * page loads `oro:ipc`, few use ports, and the Buffer bundle is most of a page's JavaScript.
 */

import { InvalidStateError } from '../errors.js'

const PORT_TAG = '__oro_ipc_message_port__'
const PREFIX = 'oro:ipc:'

/**
 * @typedef {{ id: string, rx: string, tx: string }} PortDescriptor
 * @typedef {{ id: string, rx: string, tx: string, transferred: boolean, started: boolean,
 *   closed: boolean, events: EventTarget, channel: BroadcastChannel | null, queue: any[],
 *   onmessage: ((event: MessageEvent) => any) | null,
 *   onmessageerror: ((event: MessageEvent) => any) | null, delivered: Promise<void> }} PortState
 */

/** @type {WeakMap<object, PortState>} */
const states = new WeakMap()

/**
 * @param {object} port
 * @returns {PortState}
 */
function stateOf (port) {
  const state = states.get(port)
  if (!state) throw new TypeError('Illegal invocation')
  return state
}

const randomId = () => globalThis.crypto.randomUUID()

/** @type {(typeof import('../buffer.js').Buffer) | null} */
let BufferClass = null
/** @type {Promise<void> | null} */
let bufferLoading = null

/** Start loading `oro:buffer` (once); resolves when `BufferClass` is set. */
function loadBuffer () {
  // Never rejects: without oro:buffer a Buffer arrives as a Uint8Array, the rest as it is.
  bufferLoading ??= import('../buffer.js').then((module) => { BufferClass = module.Buffer }, () => {})
  return bufferLoading
}

/**
 * A `Buffer` (of any copy of the `buffer` package) without loading one: its `_isBuffer` mark.
 * @param {unknown} value
 */
const isBuffer = (value) => ArrayBuffer.isView(value) && /** @type {any} */ (value)._isBuffer === true

/**
 * Copy of `object` with each `IPCMessagePort` in it replaced by its descriptor (and added to
 * `transfers`), and each `Buffer` by its JSON shape, so that it crosses a `BroadcastChannel`.
 * @param {Set<any>} transfers
 * @param {any} object
 * @returns {any}
 */
export function findIPCMessageTransfers (transfers, object) {
  if (object instanceof IPCMessagePort) {
    transfers.add(object)
    const { id, rx, tx } = stateOf(object)
    return { [PORT_TAG]: { id, rx, tx } }
  }
  if (isBuffer(object)) return { type: 'Buffer', data: Array.from(/** @type {Uint8Array} */ (object)) }
  if (Array.isArray(object)) return object.map((item) => findIPCMessageTransfers(transfers, item))
  if (object !== null && typeof object === 'object' && Object.getPrototypeOf(object) === Object.prototype) {
    return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, findIPCMessageTransfers(transfers, value)]))
  }
  return object
}

/**
 * The reverse of `findIPCMessageTransfers`: port descriptors become `IPCMessagePort`s, the JSON
 * shape of a `Buffer` (`{type: 'Buffer', data}`) a `Buffer` (a `Uint8Array` until a port or
 * channel has loaded `oro:buffer`), and an object tagged
 * `{__type__: name}` whose name `types` maps to a function what that function makes of it.
 * @param {any} object
 * @param {Map<string, Function>} [types]
 * @returns {any}
 */
export function inflateIPCMessageTransfers (object, types = new Map()) {
  if (Array.isArray(object)) return object.map((item) => inflateIPCMessageTransfers(item, types))
  if (object === null || typeof object !== 'object' || Object.getPrototypeOf(object) !== Object.prototype) return object
  if (object[PORT_TAG]) return IPCMessagePort.from(object[PORT_TAG])
  if (object.type === 'Buffer' && Array.isArray(object.data)) {
    return BufferClass ? BufferClass.from(object.data) : Uint8Array.from(object.data)
  }
  const make = typeof object.__type__ === 'string' ? types.get(object.__type__) : undefined
  const inflated = Object.fromEntries(Object.entries(object).map(([key, value]) => [key, inflateIPCMessageTransfers(value, types)]))
  if (typeof make !== 'function') return inflated
  const maker = /** @type {any} */ (make)
  return typeof maker.from === 'function' ? maker.from(inflated) : maker(inflated)
}

/**
 * Deliver `data` once `oro:buffer` is loaded, after what the port delivered before.
 * @param {PortState} state
 * @param {any} data
 */
function deliverInOrder (state, data) {
  state.delivered = state.delivered.then(() => loadBuffer()).then(() => deliver(state, data))
}

/**
 * @param {PortState} state
 * @param {any} data
 */
function deliver (state, data) {
  let event
  try {
    event = new MessageEvent('message', { data: inflateIPCMessageTransfers(data) })
  } catch (error) {
    state.events.dispatchEvent(new MessageEvent('messageerror', { data: error }))
    return
  }
  state.events.dispatchEvent(event)
}

/**
 * A `MessagePort` whose two ends may live in different windows of the app. Made with
 * `IPCMessagePort.create()`/`from()` or by an `IPCMessageChannel`, never with `new` (as a
 * `MessagePort`). As a `MessagePort`, it queues messages until `start()` or `onmessage` is set.
 */
export class IPCMessagePort extends MessagePort {
  /** The ports of this context, by id. @type {Map<string, IPCMessagePort>} */
  static ports = new Map()

  /**
   * The port of this context with `options.id`, else a new one.
   * @param {Partial<PortDescriptor> & { transferred?: boolean }} [options]
   * @returns {IPCMessagePort}
   */
  static from (options = {}) {
    const known = options.id ? this.ports.get(options.id) : undefined
    if (known && !stateOf(known).closed) return known
    return this.create(options)
  }

  /**
   * Mark `port` as handed to another context: this context's end stops listening.
   * @param {IPCMessagePort} port
   * @returns {IPCMessagePort}
   */
  static transfer (port) {
    const state = stateOf(port)
    state.transferred = true
    state.channel?.close()
    state.channel = null
    IPCMessagePort.ports.delete(state.id)
    return port
  }

  /**
   * A new port listening on `options.rx` and sending on `options.tx` (new names by default).
   * @param {Partial<PortDescriptor> & { transferred?: boolean }} [options]
   * @returns {IPCMessagePort}
   */
  static create (options = {}) {
    const id = options.id ?? randomId()
    const port = /** @type {IPCMessagePort} */ (Object.create(this.prototype))
    /** @type {PortState} */
    const state = {
      id,
      rx: options.rx ?? `${id}:rx`,
      tx: options.tx ?? `${id}:tx`,
      transferred: Boolean(options.transferred),
      started: false,
      closed: false,
      events: new EventTarget(),
      channel: null,
      queue: [],
      onmessage: null,
      onmessageerror: null,
      delivered: Promise.resolve()
    }
    states.set(port, state)
    loadBuffer()
    state.channel = new BroadcastChannel(PREFIX + state.rx)
    state.channel.onmessage = (event) => {
      if (state.started) deliverInOrder(state, event.data)
      else state.queue.push(event.data)
    }
    state.channel.onmessageerror = (event) => state.events.dispatchEvent(new MessageEvent('messageerror', { data: event.data }))
    IPCMessagePort.ports.set(id, port)
    return port
  }

  /** As a `MessagePort`'s, the constructor is not for use: `create()` or `from()` make ports. */
  constructor () {
    super()
    throw new TypeError('Illegal constructor')
  }

  get id () { return stateOf(this).id }
  get started () { return stateOf(this).started }
  get closed () { return stateOf(this).closed }
  /** What another context needs to reach this port's end: `{id, rx, tx}`. @returns {PortDescriptor} */
  toJSON () {
    const { id, rx, tx } = stateOf(this)
    return { id, rx, tx }
  }

  get onmessage () { return stateOf(this).onmessage }
  set onmessage (listener) {
    const state = stateOf(this)
    if (state.onmessage) state.events.removeEventListener('message', /** @type {any} */ (state.onmessage))
    state.onmessage = typeof listener === 'function' ? listener : null
    if (state.onmessage) {
      state.events.addEventListener('message', /** @type {any} */ (state.onmessage))
      this.start()
    }
  }

  get onmessageerror () { return stateOf(this).onmessageerror }
  set onmessageerror (listener) {
    const state = stateOf(this)
    if (state.onmessageerror) state.events.removeEventListener('messageerror', /** @type {any} */ (state.onmessageerror))
    state.onmessageerror = typeof listener === 'function' ? listener : null
    if (state.onmessageerror) state.events.addEventListener('messageerror', /** @type {any} */ (state.onmessageerror))
  }

  /** Deliver the queued messages, then each as it comes. */
  start () {
    const state = stateOf(this)
    if (state.started || state.closed) return
    state.started = true
    for (const data of state.queue.splice(0)) deliverInOrder(state, data)
  }

  /** Stop listening and sending; the other end stays open. */
  close () {
    const state = stateOf(this)
    state.closed = true
    state.channel?.close()
    state.channel = null
    state.queue.length = 0
    IPCMessagePort.ports.delete(state.id)
  }

  /**
   * Send `message` to the other end. Ports in it (or in the transfer list) are handed over:
   * this context's end of each stops listening.
   * @param {any} message
   * @param {{ transfer?: any[] } | any[]} [optionsOrTransferList]
   */
  postMessage (message, optionsOrTransferList = undefined) {
    const state = stateOf(this)
    if (state.closed) throw new InvalidStateError('The port is closed')
    /** @type {Set<any>} */
    const transfers = new Set()
    const data = findIPCMessageTransfers(transfers, message)
    const listed = Array.isArray(optionsOrTransferList) ? optionsOrTransferList : optionsOrTransferList?.transfer ?? []
    const sender = new BroadcastChannel(PREFIX + state.tx)
    try {
      sender.postMessage(data)
    } finally {
      sender.close()
    }
    for (const item of [...transfers, ...listed]) {
      if (item instanceof IPCMessagePort && item !== this) IPCMessagePort.transfer(item)
    }
  }

  /** @param {...any} args */
  addEventListener (...args) {
    return stateOf(this).events.addEventListener(...(/** @type {[string, any, any]} */ (args)))
  }

  /** @param {...any} args */
  removeEventListener (...args) {
    return stateOf(this).events.removeEventListener(...(/** @type {[string, any, any]} */ (args)))
  }

  /** @param {Event} event */
  dispatchEvent (event) {
    return stateOf(this).events.dispatchEvent(event)
  }
}

/**
 * A `MessageChannel` whose two ports are `IPCMessagePort`s: hand `port2.toJSON()` to another
 * window, which takes it with `IPCMessagePort.from(...)`.
 */
export class IPCMessageChannel extends MessageChannel {
  /** @type {{ id: string, port1: IPCMessagePort, port2: IPCMessagePort }} */
  #ipc

  /** @param {{ id?: string, port1?: Partial<PortDescriptor>, port2?: Partial<PortDescriptor> }} [options] */
  constructor (options = {}) {
    super()
    const id = options.id ?? randomId()
    const one = `${id}:1`
    const two = `${id}:2`
    this.#ipc = {
      id,
      port1: IPCMessagePort.from({ id: one, rx: one, tx: two, ...options.port1 }),
      port2: IPCMessagePort.from({ id: two, rx: two, tx: one, ...options.port2 })
    }
  }

  get id () { return this.#ipc.id }
  // @ts-ignore: an IPCMessagePort is the MessagePort these answer
  get port1 () { return this.#ipc.port1 }
  // @ts-ignore: an IPCMessagePort is the MessagePort these answer
  get port2 () { return this.#ipc.port2 }
}

/**
 * A named channel every window and worker of the app may join: `postMessage` reaches every
 * other `IPCBroadcastChannel` of that name and origin (not the sender), as a `message` event.
 */
export class IPCBroadcastChannel extends EventTarget {
  /** The channels of this context, by key. @type {Map<string, Set<IPCBroadcastChannel>>} */
  static subscriptions = new Map()

  /** @type {{ name: string, origin: string, token: string, channel: BroadcastChannel | null,
   *   handlers: Record<string, ((event: any) => any) | null> }} */
  #state

  /**
   * @param {string} name
   * @param {{ origin?: string }} [options]
   */
  constructor (name, options = {}) {
    super()
    const origin = options.origin ?? globalThis.location?.origin ?? 'null'
    this.#state = { name: String(name), origin, token: randomId(), channel: null, handlers: {} }
    const channel = new BroadcastChannel(`${PREFIX}broadcast:${this.key}`)
    /** @type {Promise<void>} */
    let delivered = loadBuffer()
    channel.onmessage = (event) => {
      delivered = delivered.then(() => {
        this.dispatchEvent(new MessageEvent('message', { data: inflateIPCMessageTransfers(event.data), origin }))
      })
    }
    channel.onmessageerror = (event) => this.dispatchEvent(new MessageEvent('messageerror', { data: event.data, origin }))
    this.#state.channel = channel
    const subscribed = IPCBroadcastChannel.subscriptions.get(this.key) ?? new Set()
    subscribed.add(this)
    IPCBroadcastChannel.subscriptions.set(this.key, subscribed)
  }

  get name () { return this.#state.name }
  get origin () { return this.#state.origin }
  get key () { return `${this.#state.origin}|${this.#state.name}` }
  get token () { return this.#state.token }

  /**
   * @param {string} type
   * @param {((event: any) => any) | null} listener
   */
  #setHandler (type, listener) {
    const previous = this.#state.handlers[type]
    if (previous) this.removeEventListener(type, previous)
    this.#state.handlers[type] = typeof listener === 'function' ? listener : null
    if (typeof listener === 'function') this.addEventListener(type, listener)
  }

  get onmessage () { return /** @type {any} */ (this.#state.handlers.message ?? null) }
  set onmessage (listener) { this.#setHandler('message', listener) }
  get onmessageerror () { return /** @type {any} */ (this.#state.handlers.messageerror ?? null) }
  set onmessageerror (listener) { this.#setHandler('messageerror', listener) }
  get onerror () { return /** @type {any} */ (this.#state.handlers.error ?? null) }
  set onerror (listener) { this.#setHandler('error', listener) }

  /** Resolves once messages are delivered: at once, a channel listens from its creation. */
  async startMessages () {}

  /**
   * Send `message` to the other channels of this name.
   * @param {any} message
   * @param {{ origin?: string, transfer?: any[] } | any[]} [_optionsOrTransferList]
   * @returns {Promise<void>}
   */
  async postMessage (message, _optionsOrTransferList = undefined) {
    const channel = this.#state.channel
    if (!channel) throw new InvalidStateError('The channel is closed')
    channel.postMessage(findIPCMessageTransfers(new Set(), message))
  }

  /** Leave the channel. */
  close () {
    this.#state.channel?.close()
    this.#state.channel = null
    IPCBroadcastChannel.subscriptions.get(this.key)?.delete(this)
  }
}
