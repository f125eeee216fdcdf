/**
 * `oro:window/hotkey` — the Oro Runtime's hotkeys: key combinations the app's windows report as
 * `hotkey` events.
 *
 * ```js
 * import hotkey, { bind, getBindings } from 'oro:window/hotkey'
 * const binding = await bind('ctrl + k')           // { id: 1024, expression, sequence, hash }
 * binding.addEventListener('hotkey', () => openPalette())
 * hotkey.addEventListener('hotkey', (event) => console.log(event.expression, event.binding))
 * await getBindings()                              // the app's bindings, as Binding objects
 * await binding.unbind()
 * ```
 *
 * An expression is Oro's: modifiers (`ctrl`/`control`, `alt`/`option`/`opt`, `shift`,
 * `cmd`/`command`/`super`/`meta`) and one key (a letter, a digit, `= - [ ] ' ; \ , / . \``,
 * `enter`, `tab`, `space`, `escape`, `backspace`, `delete`, `home`, `end`, `page up`,
 * `page down`, `up`, `down`, `left`, `right`, `f1`..`f20`...) joined with `+`; the host
 * refuses anything else (`TypeError` `ERR_INVALID_ARG_VALUE`) and lists the names
 * (`getMappings()`). Bindings are the app's (routes `window.hotkey.*`, permission `hotkeys`):
 * every page knows them (`__args.hotkeys`, then host event `hotkeybindings`) and matches its
 * own `keydown` events against them, so a hotkey works while any of the app's windows has the
 * keyboard focus, exactly the modifiers named and no others; held keys do not repeat it. A
 * match dispatches Oro's `HotKeyEvent` `hotkey` on `globalThis`, then on the page's `Binding`
 * for it and on `bindings` (the default export, `event.binding` set); when this page holds no
 * `Binding` for it, the pages that do hear it through a `BroadcastChannel`. A binding is
 * `passive` by default (Oro's default: the page still gets the key press); `passive: false`
 * cancels the key press. Global hotkeys, which grab a key for the whole desktop
 * (`bind(expression, { global: true })`), are a `NotSupportedError` (`ERR_GLOBAL_HOTKEY`).
 * @module oro:window/hotkey
 */

import { invalidArgument } from '../errors.js'
import { HotKeyEvent } from '../internal/events.js'
import { request } from '../ipc.js'

/** The host event that carries the app's bindings when they change. */
export const BINDINGS_EVENT = 'hotkeybindings'

const CHANNEL = 'oro.runtime.window.hotkey.bindings'

/**
 * @typedef {object} BindingData
 * @property {number} id
 * @property {string} expression
 * @property {string[]} sequence
 * @property {number} hash
 * @property {boolean} [passive]
 * @property {{ key: string, code: string, ctrlKey: boolean, altKey: boolean, shiftKey: boolean, metaKey: boolean }} [match]
 */

/**
 * @typedef {object} HotKeyOptions
 * @property {boolean} [passive] let the key press reach the page too (default `true`)
 * @property {boolean} [global] grab the key for the whole desktop: `NotSupportedError` here
 * @property {AbortSignal} [signal]
 * @property {number} [timeout]
 */

/**
 * Oro's normal form of an expression: its tokens trimmed and joined with `+`, percent-encoded.
 * @param {string} expression
 * @returns {string}
 */
export function normalizeExpression (expression) {
  return encodeURIComponent(String(expression).split('+').map((token) => token.trim()).join('+'))
}

/** The app's bindings as this page last heard them, by id. @type {Map<number, BindingData>} */
const known = new Map()

/** @param {unknown} list */
function learn (list) {
  if (!Array.isArray(list)) return
  known.clear()
  for (const data of list) {
    if (data && typeof data.id === 'number') known.set(data.id, data)
  }
}

/** @param {BindingData} data */
function publicData ({ id, hash, sequence, expression }) {
  return { id, hash, sequence, expression }
}

/**
 * The request options a caller may pass through.
 * @param {HotKeyOptions | null | undefined} options
 */
function requestOptions (options) {
  /** @type {{ signal?: AbortSignal, timeout?: number }} */
  const picked = {}
  if (options?.signal) picked.signal = options.signal
  if (typeof options?.timeout === 'number') picked.timeout = options.timeout
  return picked
}

// Binding objects made for an event or a list, without taking a place in `bindings`.
const UNREGISTERED = Symbol('unregistered')

/**
 * A key combination of the app, and the target of its `hotkey` events in this page.
 */
export class Binding extends EventTarget {
  /** @type {number | null} */
  #id = null
  /** @type {number | null} */
  #hash = null
  /** @type {readonly string[]} */
  #sequence = Object.freeze([])
  /** @type {string | null} */
  #expression = null
  /** @type {((event: HotKeyEvent) => void) | null} */
  #onhotkey = null

  /**
   * @param {Partial<BindingData> | null} data the binding as the host answers it
   * @param {symbol} [register]
   */
  constructor (data, register = undefined) {
    super()
    if (typeof data?.id === 'number' && data.id) this.#id = data.id
    if (typeof data?.hash === 'number' && data.hash) this.#hash = data.hash
    if (Array.isArray(data?.sequence)) this.#sequence = Object.freeze(Array.from(data.sequence))
    if (typeof data?.expression === 'string' && data.expression) this.#expression = data.expression
    if (this.isValid && register !== UNREGISTERED && this.#id !== null) bindings.set(this.#id, this)
  }

  /** Whether the binding has an id, a hash, an expression and keys. */
  get isValid () {
    return Boolean(this.#id && this.#hash && this.#expression && this.#sequence.length)
  }

  /** Whether this page holds the binding (in `bindings`) and the app still has it. */
  get isActive () {
    return this.isValid && this.#id !== null && bindings.has(this.#id) && known.has(this.#id)
  }

  /** The app-wide id (from 1024). @type {number | null} */
  get id () { return this.#id }
  /** The combination's hash: the same for the same keys however written. @type {number | null} */
  get hash () { return this.#hash }
  /** The normalised key names (`['control', 'k']`). @type {readonly string[]} */
  get sequence () { return this.#sequence }
  /** The expression as it was bound. @type {string | null} */
  get expression () { return this.#expression }

  /** The level-1 `hotkey` listener. */
  get onhotkey () { return this.#onhotkey }
  set onhotkey (listener) {
    if (this.#onhotkey) this.removeEventListener('hotkey', /** @type {any} */ (this.#onhotkey))
    this.#onhotkey = typeof listener === 'function' ? listener : null
    if (this.#onhotkey) this.addEventListener('hotkey', /** @type {any} */ (this.#onhotkey))
  }

  /** Bind it again (by id). @returns {Promise<Binding>} */
  bind () {
    return bind(/** @type {number} */ (this.#id))
  }

  /** Unbind it from the app. @returns {Promise<void>} */
  unbind () {
    return unbind(/** @type {number} */ (this.#id))
  }

  /** Each `hotkey` event's data while the binding is active. */
  async * [Symbol.asyncIterator] () {
    while (this.isActive) {
      yield await new Promise((resolve) => {
        this.addEventListener('hotkey', (event) => {
          resolve(/** @type {HotKeyEvent} */ (event).data)
        }, { once: true })
      })
    }
  }
}

/**
 * The bindings this page holds (`Binding` objects, weakly), and the target of every `hotkey`
 * event of the page (`event.binding` is the `Binding`).
 */
export class Bindings extends EventTarget {
  /** @type {Map<number, WeakRef<Binding>>} */
  #map = new Map()
  /** @type {BroadcastChannel | null} */
  #channel = null
  /** @type {EventTarget} */
  #source
  /** @type {((event: ErrorEvent) => void) | null} */
  #onerror = null
  /** @type {((event: HotKeyEvent) => void) | null} */
  #onhotkey = null

  /** @param {EventTarget} [sourceEventTarget] where `hotkey` events are dispatched */
  constructor (sourceEventTarget = globalThis) {
    super()
    this.onHotKey = this.onHotKey.bind(this)
    this.#source = sourceEventTarget
    if (typeof sourceEventTarget?.addEventListener === 'function') {
      sourceEventTarget.addEventListener('hotkey', (event) => {
        this.onHotKey(event)
        const data = /** @type {MessageEvent} */ (event).data
        if (data && !this.has(data.id)) this.#broadcast()?.postMessage(data)
      })
    }
    this.#broadcast()?.addEventListener('message', this.onHotKey)
  }

  // Pages only: in Node (unit tests) an open channel would keep the process alive.
  #broadcast () {
    if (this.#channel === null && typeof BroadcastChannel === 'function' &&
        typeof globalThis.document === 'object') {
      this.#channel = new BroadcastChannel(CHANNEL)
    }
    return this.#channel
  }

  /** How many bindings this page holds. */
  get size () { return this.#map.size }

  /** The level-1 `error` listener. */
  get onerror () { return this.#onerror }
  set onerror (listener) {
    if (this.#onerror) this.removeEventListener('error', /** @type {any} */ (this.#onerror))
    this.#onerror = typeof listener === 'function' ? listener : null
    if (this.#onerror) this.addEventListener('error', /** @type {any} */ (this.#onerror))
  }

  /** The level-1 `hotkey` listener. */
  get onhotkey () { return this.#onhotkey }
  set onhotkey (listener) {
    if (this.#onhotkey) this.removeEventListener('hotkey', /** @type {any} */ (this.#onhotkey))
    this.#onhotkey = typeof listener === 'function' ? listener : null
    if (this.#onhotkey) this.addEventListener('hotkey', /** @type {any} */ (this.#onhotkey))
  }

  /**
   * Read the app's bindings afresh from the host (pages learn them at load and on every
   * change, so this is rarely needed); a failure is an `error` event.
   */
  async init () {
    try {
      learn(await request('window.hotkey.bindings'))
    } catch (error) {
      this.dispatchEvent(new ErrorEvent('error', { error }))
    }
  }

  /**
   * Dispatch a `hotkey` event (a `HotKeyEvent`, or a channel message carrying a binding) on the
   * page's `Binding` for it and on this target.
   * @param {Event} event
   */
  onHotKey (event) {
    const data = /** @type {MessageEvent} */ (event).data
    if (!data || typeof data.id !== 'number') return false
    const binding = this.get(data.id)
    binding?.dispatchEvent(new HotKeyEvent('hotkey', data))
    const dispatched = /** @type {HotKeyEvent & { binding?: Binding }} */ (new HotKeyEvent('hotkey', data))
    dispatched.binding = binding ?? new Binding(data, UNREGISTERED)
    this.dispatchEvent(dispatched)
    return true
  }

  /** @param {number} id @returns {Binding | undefined} */
  get (id) { return this.#map.get(id)?.deref() }
  /** @param {number} id @param {Binding} binding */
  set (id, binding) { this.#map.set(id, new WeakRef(binding)) }
  /** @param {number} id */
  delete (id) { return this.#map.delete(id) }
  /** @param {number} id */
  has (id) { return this.#map.has(id) }

  /** @returns {IterableIterator<Binding>} */
  values () {
    const values = /** @type {Binding[]} */ (
      Array.from(this.#map.values(), (ref) => ref.deref()).filter(Boolean))
    return values[Symbol.iterator]()
  }

  keys () { return this.#map.keys() }
  ids () { return this.keys() }

  /** @returns {IterableIterator<[number, Binding]>} */
  entries () {
    const entries = /** @type {[number, Binding][]} */ (
      Array.from(this.#map.entries(), ([id, ref]) => [id, ref.deref()]).filter((entry) => entry[1]))
    return entries[Symbol.iterator]()
  }

  /** @param {string | number} expression @param {HotKeyOptions} [options] */
  bind (expression, options) { return bind(expression, options) }
  /** @param {string | number} expression @param {HotKeyOptions} [options] */
  unbind (expression, options) { return unbind(expression, options) }
  /** The app's bindings. */
  active () { return getBindings() }

  /**
   * Unbind every binding of the app, or only those this page holds.
   * @param {boolean} [currentContextOnly]
   */
  async reset (currentContextOnly = false) {
    const list = currentContextOnly ? Array.from(this.values()) : await this.active()
    for (const binding of list) await binding.unbind()
  }

  [Symbol.iterator] () { return this.values() }

  async * [Symbol.asyncIterator] () {
    for (const binding of await this.active()) yield binding
  }
}

/**
 * Bind key combination `expression` (or the existing binding with id `expression`) for the
 * app's windows. The same combination is the same binding, however written.
 * @param {string | number} expression
 * @param {HotKeyOptions | null} [options]
 * @returns {Promise<Binding>}
 */
export async function bind (expression, options = null) {
  /** @type {Record<string, unknown>} */
  const params = {}
  if (typeof options?.passive === 'boolean') params.passive = options.passive
  if (options?.global === true) params.global = true
  if (typeof expression === 'number') params.id = expression
  else if (typeof expression === 'string') params.expression = expression
  else throw invalidArgument('Expecting expression argument to be a string')
  const data = /** @type {BindingData} */ (await request('window.hotkey.bind', params, requestOptions(options)))
  known.set(data.id, data)
  const held = bindings.get(data.id)
  if (held) return held
  const binding = new Binding(data)
  binding.dispatchEvent(new Event('bind'))
  return binding
}

/**
 * Unbind the binding with id `id` (or of key combination `id`) from the app. An unknown one is
 * a `NotFoundError`.
 * @param {string | number} id
 * @param {HotKeyOptions | null} [options]
 * @returns {Promise<void>}
 */
export async function unbind (id, options = null) {
  /** @type {Record<string, unknown>} */
  const params = {}
  if (typeof id === 'number') params.id = id
  else if (typeof id === 'string') params.expression = id
  else throw invalidArgument('Expecting expression argument to be a string')
  const data = /** @type {{ id: number }} */ (await request('window.hotkey.unbind', params, requestOptions(options)))
  if (!data?.id) return
  known.delete(data.id)
  const held = bindings.get(data.id)
  if (held) held.dispatchEvent(new Event('unbind'))
  bindings.delete(data.id)
}

/**
 * The app's bindings (those of every window), as `Binding` objects.
 * @param {HotKeyOptions | null} [options]
 * @returns {Promise<Binding[]>}
 */
export async function getBindings (options = null) {
  const list = await request('window.hotkey.bindings', {}, requestOptions(options))
  learn(list)
  return Array.from(known.values(), (data) => bindings.get(data.id) ?? new Binding(data))
}

/**
 * The names an expression may use: `modifiers` (name → the `KeyboardEvent` flag it is) and
 * `keys` (name → the `KeyboardEvent.code` of the key).
 * @param {HotKeyOptions | null} [options]
 * @returns {Promise<{ keys: Record<string, string>, modifiers: Record<string, string> }>}
 */
export async function getMappings (options = null) {
  return /** @type {any} */ (await request('window.hotkey.mappings', {}, requestOptions(options))) ?? {}
}

/**
 * `bindings.addEventListener`.
 * @param {string} type
 * @param {EventListenerOrEventListenerObject | null} listener
 * @param {boolean | AddEventListenerOptions} [options]
 */
export function addEventListener (type, listener, options) {
  return bindings.addEventListener(type, listener, options)
}

/**
 * `bindings.removeEventListener`.
 * @param {string} type
 * @param {EventListenerOrEventListenerObject | null} listener
 * @param {boolean | EventListenerOptions} [options]
 */
export function removeEventListener (type, listener, options) {
  return bindings.removeEventListener(type, listener, options)
}

/**
 * Whether key press `event` is binding `data`'s combination: its key (by the character it
 * types or its place on a US keyboard) and exactly its modifiers.
 * @param {KeyboardEvent} event
 * @param {BindingData} data
 */
function matches (event, data) {
  const match = data.match
  if (!match) return false
  if (event.ctrlKey !== match.ctrlKey || event.altKey !== match.altKey ||
      event.shiftKey !== match.shiftKey || event.metaKey !== match.metaKey) return false
  return String(event.key).toLowerCase() === match.key || event.code === match.code
}

/** @param {Event} event */
function onKeyDown (event) {
  const key = /** @type {KeyboardEvent} */ (event)
  if (key.repeat || key.isComposing || known.size === 0) return
  for (const data of known.values()) {
    if (!matches(key, data)) continue
    if (data.passive === false) key.preventDefault()
    globalThis.dispatchEvent(new HotKeyEvent('hotkey', publicData(data)))
  }
}

/**
 * The bindings this page holds, and the target of its `hotkey` events.
 * @type {Bindings}
 */
export const bindings = new Bindings()

if (typeof globalThis.addEventListener === 'function' && typeof globalThis.document === 'object') {
  learn(/** @type {any} */ (globalThis).__args?.hotkeys)
  globalThis.addEventListener(BINDINGS_EVENT, (event) => {
    learn(/** @type {CustomEvent} */ (event).detail?.bindings)
  })
  // Capture: the page's own handlers run after, and may not swallow the key first.
  globalThis.addEventListener('keydown', onKeyDown, { capture: true })
}

export default bindings
