/**
 * Diagnostic channels as Oro's `diagnostics.channels` has them: named channels (names
 * normalised to lower case, spaces, `-` and `_` becoming `.`) that subscribers listen to and code
 * publishes messages on, channel groups, and the registry of every channel. Part of
 * `oro:diagnostics` (not a module of its own).
 */

/**
 * `name` normalised, prefixed with the group's name when it is not already.
 * @param {{ name: string } | string | null} group
 * @param {string} [name]
 * @returns {string}
 */
export function normalizeName (group, name) {
  const groupName = group === null ? '' : typeof group === 'string' ? group : group.name
  let full = name === undefined ? groupName : name
  if (typeof full !== 'string') {
    throw Object.assign(new TypeError(`Expecting 'name' to be a string. Got: ${typeof full}`), { code: 'ERR_INVALID_ARG_TYPE' })
  }
  if (name !== undefined && groupName) {
    const prefix = normalizeName(groupName)
    if (!full.toLowerCase().startsWith(prefix)) full = `${prefix}.${full}`
  }
  return full.toLowerCase().replace(/\s+/g, '.').replace(/[-_]/g, '.')
}

/**
 * @callback OnMessage
 * @param {any} message
 * @param {string} name the channel's name
 * @param {Channel} channel
 * @returns {unknown}
 */

/** @param {unknown} onMessage @returns {asserts onMessage is OnMessage} */
function checkSubscriber (onMessage) {
  if (typeof onMessage !== 'function') {
    throw Object.assign(new TypeError(`Expecting 'onMessage' to be a function. Got: ${typeof onMessage}`), { code: 'ERR_INVALID_ARG_TYPE' })
  }
}

/** A named channel: `subscribe(fn)`, `publish(message)`, `unsubscribe(fn)`. */
export class Channel {
  /** @type {OnMessage[]} */
  #subscribers = []

  /** @param {string} name */
  constructor (name) {
    this.name = name
    /** @type {ChannelGroup | null} */
    this.group = null
  }

  /** @returns {OnMessage[]} */
  get subscribers () { return this.#subscribers }
  get hasSubscribers () { return this.#subscribers.length > 0 }
  get length () { return this.#subscribers.length }

  /** Drops every subscriber (and the group too when `shouldOrphan`). */
  reset (shouldOrphan = false) {
    this.#subscribers.length = 0
    if (shouldOrphan === true) this.group = null
  }

  /**
   * The channel `<this name>.<name>` of the registry.
   * @param {string} name
   * @returns {Channel}
   */
  channel (name) {
    return registry.channel(normalizeName(this, name))
  }

  /**
   * Adds `onMessage` (the first argument may be it: `subscribe(fn)`).
   * @param {string | OnMessage | null} nameOrOnMessage
   * @param {OnMessage} [onMessage]
   * @returns {boolean}
   */
  subscribe (nameOrOnMessage, onMessage) {
    const subscriber = typeof nameOrOnMessage === 'function' ? nameOrOnMessage : onMessage
    checkSubscriber(subscriber)
    this.#subscribers.push(subscriber)
    return true
  }

  /**
   * Removes `onMessage`; false when it was not subscribed.
   * @param {string | OnMessage | null} nameOrOnMessage
   * @param {OnMessage} [onMessage]
   * @returns {boolean}
   */
  unsubscribe (nameOrOnMessage, onMessage) {
    const subscriber = typeof nameOrOnMessage === 'function' ? nameOrOnMessage : onMessage
    checkSubscriber(subscriber)
    const index = this.#subscribers.indexOf(subscriber)
    if (index === -1) return false
    this.#subscribers.splice(index, 1)
    return true
  }

  /**
   * Calls each subscriber with `(message, name, channel)`, one after the other (awaiting each).
   * Resolves true when a subscriber got it; false without subscribers, or when one threw (its
   * error is then reported as an uncaught error, as Oro rethrows it on the next tick).
   * @param {any} message
   * @returns {Promise<boolean>}
   */
  async publish (message) {
    let published = false
    for (const onMessage of [...this.#subscribers]) {
      try {
        await onMessage(message, this.name, this)
        published = true
      } catch (error) {
        reportLater(error)
        return false
      }
    }
    return published
  }

  /** @returns {object} */
  toJSON () {
    return { name: this.name, group: this.group?.name ?? null, subscribers: this.length }
  }

  get [Symbol.toStringTag] () { return `Diagnostic${this.constructor.name}` }
}

/** @param {unknown} error */
function reportLater (error) {
  const report = /** @type {any} */ (globalThis).reportError
  if (typeof report === 'function') report(error)
  else queueMicrotask(() => { throw error })
}

/** Channels named and owned together: subscribe to one, some (`group.*`, `a,b`) or all (`*`). */
export class ChannelGroup extends Channel {
  /**
   * @param {string} name
   * @param {Channel[]} [channels]
   */
  constructor (name, channels = []) {
    super(name)
    this.channels = (Array.isArray(channels) ? channels : []).filter(Boolean)
    for (const channel of this.channels) channel.group = this
  }

  get subscribers () { return this.channels.flatMap((channel) => channel.subscribers) }
  get hasSubscribers () { return this.channels.some((channel) => channel.hasSubscribers) }
  get length () { return this.channels.length }

  reset (shouldOrphanChannels = false) {
    for (const channel of this.channels) channel.reset(shouldOrphanChannels)
  }

  /**
   * Subscribes `onMessage` to the selected channels (all without a name).
   * @param {string | string[] | OnMessage | null} name
   * @param {OnMessage} [onMessage]
   * @returns {boolean}
   */
  subscribe (name, onMessage) {
    const [keys, subscriber] = typeof name === 'function' ? ['*', name] : [name || '*', onMessage]
    checkSubscriber(subscriber)
    const selection = this.select(keys)
    for (const { channel } of selection) channel.subscribe(subscriber)
    return selection.length > 0
  }

  /**
   * @param {string | string[] | OnMessage | null} name
   * @param {OnMessage} [onMessage]
   * @returns {boolean}
   */
  unsubscribe (name, onMessage) {
    const [keys, subscriber] = typeof name === 'function' ? ['*', name] : [name || '*', onMessage]
    checkSubscriber(subscriber)
    const selection = this.select(keys)
    let removed = false
    for (const { channel } of selection) removed = channel.unsubscribe(subscriber) || removed
    return removed
  }

  /**
   * The group's channel `name` (`<group>.<name>`), made and added when it has none.
   * @param {string} name
   * @returns {Channel}
   */
  channel (name) {
    const full = normalizeName(this, name)
    const found = this.channels.find((channel) => channel.name === full)
    if (found) return found
    const channel = registry.channel(full)
    channel.group = this
    this.channels.push(channel)
    return channel
  }

  /**
   * The channels matching `keys`: a name, `*`, `group.*`, `a,b` or an array of those.
   * @param {string | string[]} keys
   * @param {boolean} [hasSubscribers] only channels with subscribers
   * @returns {Array<{ name: string, channel: Channel }>}
   */
  select (keys, hasSubscribers = false) {
    const list = typeof keys === 'string' ? keys.split(',').filter(Boolean) : Array.isArray(keys) ? keys : []
    /** @type {Array<{ name: string, channel: Channel }>} */
    const selection = []
    const seen = new Set()
    for (const key of list) {
      const name = key.trim() === '*' ? `${normalizeName(this)}.*` : normalizeName(this, key.trim())
      const pattern = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
      for (const channel of this.channels) {
        if (seen.has(channel.name) || !pattern.test(channel.name)) continue
        if (hasSubscribers && !channel.hasSubscribers) continue
        seen.add(channel.name)
        selection.push({ name, channel })
      }
    }
    return selection
  }

  /**
   * Publishes on the group's channels: `publish(name, message)`, or `publish({name: message})`.
   * True when every selected channel with subscribers delivered.
   * @param {string | Record<string, any>} name
   * @param {any} [message]
   * @returns {Promise<boolean>}
   */
  async publish (name, message = undefined) {
    const targets = typeof name === 'string' ? { [name]: message } : (name ?? {})
    const pending = []
    for (const [key, value] of Object.entries(targets)) {
      for (const { channel } of this.select([key], true)) pending.push(channel.publish(value))
    }
    const results = await Promise.all(pending)
    return results.length > 0 && results.every(Boolean)
  }

  /** @returns {object} */
  toJSON () {
    return { name: this.name, channels: this.channels.map((channel) => channel.toJSON()) }
  }
}

/** Every channel by normalised name (Oro's `diagnostics.channels`). */
class ChannelRegistry {
  /** @type {Map<string, Channel>} */
  #channels = new Map()

  /** @param {string} name @param {OnMessage} onMessage */
  subscribe (name, onMessage) { return this.channel(name).subscribe(onMessage) }
  /** @param {string} name @param {OnMessage} onMessage */
  unsubscribe (name, onMessage) { return this.get(name)?.unsubscribe(onMessage) ?? false }
  /** @param {string} name */
  hasSubscribers (name) { return this.get(name)?.hasSubscribers ?? false }

  /**
   * The channel `name`, made on first use.
   * @param {string} name
   * @returns {Channel}
   */
  channel (name) {
    return this.get(name) ?? this.set(name, new Channel(normalizeName(name)))
  }

  /**
   * A group of the channels `<name>.<channel>` for each of `channels`.
   * @param {string} name
   * @param {Array<string | Channel> | string} [channels]
   * @returns {ChannelGroup}
   */
  group (name, channels = []) {
    const list = Array.isArray(channels) ? channels : [channels]
    return new ChannelGroup(normalizeName(name), list.map((channel) =>
      channel instanceof Channel ? channel : this.channel(normalizeName(name, channel))))
  }

  /** @param {string} name @returns {Channel | null} */
  get (name) { return this.#channels.get(normalizeName(name)) ?? null }
  /** @param {string} name */
  has (name) { return this.#channels.has(normalizeName(name)) }

  /**
   * @param {string} name
   * @param {Channel} channel
   * @returns {Channel}
   */
  set (name, channel) {
    if (!(channel instanceof Channel)) {
      throw Object.assign(new TypeError("Expecting 'channel' to be an instance of 'Channel'"), { code: 'ERR_INVALID_ARG_TYPE' })
    }
    this.#channels.set(normalizeName(name), channel)
    return channel
  }

  /** @param {string} name */
  remove (name) { return this.#channels.delete(normalizeName(name)) }

  toJSON () {
    return Object.fromEntries([...this.#channels].map(([name, channel]) => [name, channel.toJSON()]))
  }

  get [Symbol.toStringTag] () { return 'DiagnosticChannels' }
}

export const registry = new ChannelRegistry()
export default registry
