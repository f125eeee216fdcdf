// oro:service-worker/environment — a registration's persistent key/value context, the `env` a
// worker's handler receives (Oro's Environment) and what pages reach as `registration.storage`.
// No bare imports: module workers get no import map, so this file runs in a page and in a
// worker alike; the caller hands it the function that calls the host's routes.

/**
 * @typedef {(route: string, params: Record<string, string>, body?: string) => Promise<any>} Call
 * Calls one `serviceWorker.*` route (with `body`: a POST carrying it) and answers its data
 * (throws the route's typed error).
 */

/** A registration's storage, strings only, kept by the host in the app's data directory. */
export class RegistrationStorage {
  #id
  #call

  /**
   * @param {string} id the registration's id (`registration.id`)
   * @param {Call} call
   */
  constructor (id, call) {
    this.#id = id
    this.#call = call
  }

  get id () { return this.#id }

  /** @param {string} key @returns {Promise<string | null>} */
  async get (key) {
    return (await this.#call('serviceWorker.storage.get', { id: this.#id, key: String(key) })).value ?? null
  }

  /** @param {string} key @param {string} value */
  async set (key, value) {
    // In the body: query values are JSON-decoded by the host, so '"x"' would arrive as 'x'.
    await this.#call('serviceWorker.storage.set', { id: this.#id, key: String(key) }, String(value))
  }

  /** @param {string} key @returns {Promise<boolean>} */
  async remove (key) {
    return (await this.#call('serviceWorker.storage.remove', { id: this.#id, key: String(key) })).removed
  }

  async clear () {
    await this.#call('serviceWorker.storage.clear', { id: this.#id })
  }

  /** @returns {Promise<Record<string, string>>} */
  async all () {
    return (await this.#call('serviceWorker.storage', { id: this.#id })).storage
  }
}

/**
 * Oro's `Environment`: a registration's context of JSON values, read once and written through
 * to the host, so it outlives the worker (which the engine stops when idle) and the app run.
 */
export class Environment {
  #storage
  /** @type {Map<string, unknown>} */
  #values
  /** @type {Promise<unknown>} */
  #writes = Promise.resolve()
  /** @type {Record<string, any> | null} */
  #context = null

  /**
   * @param {RegistrationStorage} storage
   * @param {Record<string, string>} saved
   */
  constructor (storage, saved) {
    this.#storage = storage
    this.#values = new Map(Object.entries(saved).map(([key, text]) => [key, decode(text)]))
  }

  /**
   * The environment of the registration `scope` belongs to, recording it with the host first
   * when no page has (a worker registered by other code).
   * @param {{ scope: string, scriptURL: string }} registration
   * @param {Call} call
   */
  static async open ({ scope, scriptURL }, call) {
    const { registration } = await call('serviceWorker.register', { scriptURL, scope })
    const storage = new RegistrationStorage(registration.id, call)
    return new Environment(storage, await storage.all())
  }

  get id () { return this.#storage.id }
  get storage () { return this.#storage }

  /** @param {string} key */
  get (key) { return this.#values.get(key) }
  /** @param {string} key */
  has (key) { return this.#values.has(key) }
  keys () { return [...this.#values.keys()] }

  /** @param {string} key @param {unknown} value */
  async set (key, value) {
    const text = JSON.stringify(value)
    if (text === undefined) throw new TypeError(`Environment value for '${key}' is not JSON`)
    await this.#storage.set(key, text)
    this.#values.set(key, JSON.parse(text))
  }

  /** @param {string} key */
  async delete (key) {
    this.#values.delete(key)
    return await this.#storage.remove(key)
  }

  async clear () {
    this.#values.clear()
    await this.#storage.clear()
  }

  toJSON () { return Object.fromEntries(this.#values) }

  /**
   * Oro's environment context: a plain-looking object whose properties are the values
   * (`env.weather = data` keeps it; `delete env.weather` removes it). Reads are immediate;
   * writes go to the host in order, in the background: `settled()` waits for them (a worker's
   * handler does, before the engine may stop it). A value that is not JSON is refused with
   * `TypeError`.
   * @returns {Record<string, any>}
   */
  get context () {
    if (this.#context) return this.#context
    const values = this.#values
    const queue = (/** @type {() => Promise<unknown>} */ write) => {
      this.#writes = this.#writes.then(write).catch((error) => {
        console.warn('oro:service-worker: an Environment write failed:', error)
      })
    }
    this.#context = new Proxy(Object.create(null), {
      get: (_target, key) => typeof key === 'string' ? values.get(key) : undefined,
      has: (_target, key) => typeof key === 'string' && values.has(key),
      set: (_target, key, value) => {
        if (typeof key !== 'string') return false
        const text = JSON.stringify(value)
        if (text === undefined) throw new TypeError(`Environment value for '${key}' is not JSON`)
        values.set(key, JSON.parse(text))
        queue(() => this.#storage.set(key, text))
        return true
      },
      deleteProperty: (_target, key) => {
        if (typeof key !== 'string') return false
        values.delete(key)
        queue(() => this.#storage.remove(key))
        return true
      },
      ownKeys: () => [...values.keys()],
      getOwnPropertyDescriptor: (_target, key) => typeof key === 'string' && values.has(key)
        ? { value: values.get(key), writable: true, enumerable: true, configurable: true }
        : undefined,
      defineProperty: () => false
    })
    return this.#context
  }

  /** Resolves once every write made through `context` reached the host. */
  settled () {
    return this.#writes.then(() => undefined)
  }
}

/** @param {string} text */
function decode (text) {
  try {
    return JSON.parse(text)
  } catch {
    // Set through `registration.storage` as a plain string.
    return text
  }
}

export default Environment
