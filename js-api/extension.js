/**
 * `oro:extension` — load and unload the app's extensions, the Oro Runtime's native extensions,
 * which are plugins here: an installed Python plugin the app lists in `[extensions] allow`
 * (an Oro app's `[build.extensions]` names), not started with the app.
 *
 * ```js
 * import extension from 'oro:extension'
 * const sqlite3 = await extension.load('sqlite3')      // its routes are served from now on
 * const { data: db } = await sqlite3.binding.open({ path: 'data.db' })  // ipc://sqlite3.open
 * await sqlite3.unload()                                // and gone again
 * const { abi, loaded } = await extension.stats()       // the plugin API version, how many
 * ```
 *
 * Routes `extension.load`, `extension.unload`, `extension.stats` and `extension.type`, behind
 * permission `extension` (off unless the app sets `[permissions] allow_extension = true`).
 * `binding` is Oro's binding of its routes: `binding.open(params)` calls `<name>.open` and
 * answers Oro's `Result` (`{ err, data }`). Failures reject with the host's typed errors
 * (`NotFoundError` for a name the app does not list, `NotAllowedError` while the permission is
 * off), not Oro's generic `Error` with a `cause`. Oro's `wasm32` extensions, which run in the
 * page, are not supported.
 * @module oro:extension
 * @plugin extension
 */

import { NotSupportedError } from './errors.js'
import ipc, { request } from './ipc.js'

/**
 * @typedef {{
 *   allow?: string[] | string,
 *   type?: 'shared' | 'wasm32',
 *   binding?: { name?: string } & Record<string, unknown>,
 *   [option: string]: unknown
 * }} ExtensionLoadOptions
 */

/** @typedef {{ abi: number, name?: string, version: string | null, description: string | null }} ExtensionInfo */

/** @typedef {{ abi: number, loaded: number, extensions?: string[] }} ExtensionStats */

/**
 * Oro's binding of an extension's routes: `binding.open(params, options)` calls `<namespace>.open`
 * and answers a `Result` (`{ err, data }`). The `Result` is made from the answer's data as it
 * is: data that happens to hold an `id` or a `source` (a database's `{ id, path }`) is never
 * read back as an envelope.
 * @param {string} namespace
 * @param {Record<string, unknown>} defaults options merged into every call
 * @returns {any}
 */
function createExtensionBinding (namespace, defaults) {
  return new Proxy(function binding () {}, {
    get (_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined
      return createExtensionBinding(`${namespace}.${property}`, defaults)
    },
    apply (_target, _this, args) {
      const [params, options] = args
      // Oro's `ipc.request`: a `Result` of the data as it is, never a rejection.
      return ipc.request(namespace, params, { ...defaults, ...(options ?? {}) })
    }
  })
}

/**
 * One of the app's extensions, loaded by this page.
 * @template {Record<string, any>} [T=any]
 */
export class Extension extends EventTarget {
  /**
   * Load extension `name`: its routes are served once this resolves.
   * @template {Record<string, any>} [T=any]
   * @param {string} name
   * @param {ExtensionLoadOptions} [options] `allow`: Oro's feature policies; without `ipc`
   *   (or `ipc_router`, `ipc_router_map`) among them, the extension maps no route
   * @returns {Promise<Extension<T>>}
   */
  static async load (name, options = {}) {
    options = { ...options }
    if (options.type === 'wasm32') {
      throw new NotSupportedError(`extension '${name}': wasm32 extensions are not supported; an extension is a plugin of the host`)
    }
    /** @type {Record<string, string>} */
    const params = { name }
    if (options.allow !== undefined) {
      params.allow = Array.isArray(options.allow) ? options.allow.join(',') : String(options.allow)
    }
    const info = await request('extension.load', params)
    const extension = new this(name, info, options)
    extension.#loaded = true
    return extension
  }

  /**
   * The type of extension `name`: `shared` (one of the app's extensions, reached over IPC) or
   * `unknown`.
   * @param {string} name
   * @returns {Promise<'shared' | 'wasm32' | 'unknown' | null>}
   */
  static async type (name) {
    const data = await request('extension.type', { name })
    return data?.type ?? null
  }

  /**
   * `{ abi, loaded }` (the plugin API version, how many extensions are loaded), or one
   * extension's `{ abi, name, type, loaded }`.
   * @param {string | null} [name]
   * @returns {Promise<ExtensionStats | null>}
   */
  static async stats (name) {
    return (await request('extension.stats', { name: name || '' })) ?? null
  }

  /** @type {'shared' | 'wasm32'} */
  #type = 'shared'
  #loaded = false
  /** @type {string | null} */
  name = null
  /** @type {string | null} */
  version = null
  /** @type {string | null} */
  description = null
  /** The plugin API version of the host (Oro's extension ABI). */
  abi = 0
  /** @type {object} */
  options = {}
  /** @type {T} */
  binding = /** @type {any} */ (null)
  /** Always `null`: no `wasm32` extension runs here. */
  adapter = null

  /**
   * @param {string} name
   * @param {ExtensionInfo | null} info
   * @param {ExtensionLoadOptions | null} [options]
   */
  constructor (name, info, options = null) {
    super()
    this.#type = options?.type || 'shared'
    this.abi = info?.abi || 0
    this.name = name
    this.version = info?.version || null
    this.description = info?.description || null
    this.options = options ?? {}
    const binding = options?.binding ?? {}
    const { name: namespace, ...defaults } = binding
    this.binding = createExtensionBinding(typeof namespace === 'string' && namespace ? namespace : name, defaults)
  }

  /** `true` while this extension is loaded by this page. */
  get loaded () {
    return this.#loaded
  }

  /** @returns {'shared' | 'wasm32'} */
  get type () {
    return this.#type
  }

  /**
   * Unload it for this page; its routes go once no window of the app holds it.
   * @returns {Promise<boolean>}
   */
  async unload () {
    if (!this.loaded) {
      throw new Error('Extension is not loaded')
    }
    await request('extension.unload', { name: this.name })
    this.#loaded = false
    this.dispatchEvent(new Event('unload'))
    return true
  }
}

/**
 * Load extension `name` (see `Extension.load`).
 * @template {Record<string, any>} [T=any]
 * @param {string} name
 * @param {ExtensionLoadOptions} [options]
 * @returns {Promise<Extension<T>>}
 */
export async function load (name, options = {}) {
  return await Extension.load(name, options)
}

/**
 * `{ abi, loaded }`: the plugin API version and how many extensions are loaded.
 * @returns {Promise<ExtensionStats>}
 */
export async function stats () {
  return /** @type {ExtensionStats} */ (await Extension.stats())
}

export default {
  load,
  stats
}
