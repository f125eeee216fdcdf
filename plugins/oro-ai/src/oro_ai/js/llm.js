/**
 * `oro:ai/llm` (also `llm` of `oro:ai`) — the Oro Runtime's `Model`, `LoRA`, `LoRAAttachment`
 * and `Context` (socket:ai/llm, api/ai/llm.js) over the host's models.
 *
 * ```js
 * import { llm } from 'oro:ai'
 * const model = new llm.Model({ name: 'SmolLM2-135M-Instruct' })
 * const context = new llm.Context({ temp: 0.2, topK: 20 })
 * await context.load(model)                       // loads the model in the host
 * const reply = await context.chat({ messages: [{ role: 'user', content: 'Hi!' }] })
 * ```
 *
 * Under Oro these hold llama.cpp objects of the page's runtime; here the model runs in the host
 * (oro-ai), shared by every page, and they map onto its routes: `Model.load` is
 * `ai.llm.model.load`, `LoRA.load`/`attach`/`detach` are `ai.llm.lora.*`. The host has no
 * per-page contexts: a `Context` is the model and the sampling options (`temp`, `topK`, `topP`,
 * `minP`) its requests use, which `chat()` and `complete()` send (not Oro's: Oro generates
 * through `oro:ai/chat` sessions); its `size` option is the host's (`[ai.llm] context_size`,
 * `kv_cache_size`), and `stats()` answers the model's KV cache there. An id is the name the host
 * knows the model or adapter by. A LoRA adapter attached to a context is applied to its model,
 * for every page's requests, until detached.
 * @module oro:ai/llm
 */

import { request } from 'oro:ipc'

/**
 * `oro:ai`, imported when first needed: it imports this module (its `llm`), and a static import
 * back made whichever of the two a page imported first meet the other uninitialised.
 * @returns {Promise<typeof import('oro:ai')>}
 */
const ai = () => import('oro:ai')

/**
 * @typedef {{ name: string }} ModelOptions
 * @typedef {{ directory?: string, gpuLayerCount?: number }} ModelLoadOptions
 * @typedef {{ name: string }} LoRAOptions
 * @typedef {{ directory?: string }} LoRALoadOptions
 * @typedef {{ scale?: number }} LoraAttachOptions
 * @typedef {{ size?: number, minP?: number, temp?: number, topK?: number, topP?: number,
 *   id?: string }} ContextOptions
 * @typedef {{ id: string, size: number, used: number }} ContextStats
 */

/**
 * A promise with its resolve and reject (`Promise.withResolvers`, which older engines lack).
 * @returns {{ promise: Promise<void>, resolve: () => void, reject: (error: unknown) => void }}
 */
function deferred () {
  /** @type {any} */
  const parts = {}
  parts.promise = new Promise((resolve, reject) => Object.assign(parts, { resolve, reject }))
  // Nobody may wait for it: a failed load is thrown by load() itself.
  parts.promise.catch(() => {})
  return parts
}

/**
 * `path/name` for Oro's `directory` option: where the host looks for the file.
 * @param {string} directory
 * @param {string} name
 * @param {string} suffix added when `name` lacks it
 */
function inDirectory (directory, name, suffix) {
  const file = name.toLowerCase().endsWith(suffix) ? name : `${name}${suffix}`
  return `${directory.replace(/\/+$/, '')}/${file}`
}

/** A model of the host, loaded by `load()` (`ai.llm.model.load`). */
export class Model {
  /** @type {string | undefined} */
  #id
  #name
  #loaded = false
  #ready = deferred()

  /** @param {ModelOptions} options */
  constructor (options) {
    if (typeof options?.name !== 'string' || !options.name) {
      throw new TypeError('Model needs options.name (a model of the host\'s search path)')
    }
    this.#name = options.name
  }

  /** The name the host serves the model by, once loaded. @type {string | undefined} */
  get id () { return this.#id }

  /** @type {string} */
  get name () { return this.#name }

  /** Resolves once the model is loaded. @type {Promise<void>} */
  get ready () { return this.#ready.promise }

  /** `true` once the model is loaded. @type {boolean} */
  get loaded () { return this.#loaded }

  /**
   * Load the model in the host unless it is already. `directory` is a folder holding it (one
   * the app may read models from); `gpuLayerCount` is the host's `[ai.llm] gpu_layer_count`
   * and ignored here.
   * @param {ModelLoadOptions | null} [options]
   * @returns {Promise<void>}
   */
  async load (options = null) {
    if (this.#loaded) return await this.#ready.promise
    /** @type {Record<string, string>} */
    const params = { name: this.#name }
    if (options?.directory) params.path = options.directory
    const result = await request('ai.llm.model.load', params, { timeout: 0 })
    this.#id = String(result.name)
    this.#loaded = true
    this.#ready.resolve()
  }

  toJSON () { return { name: this.#name } }
}

/** A LoRA adapter of `model`'s (`ai.llm.lora.load`). */
export class LoRA {
  /** @type {string | undefined} */
  #id
  #name
  #loaded = false
  #model
  #ready = deferred()

  /**
   * @param {Model} model
   * @param {LoRAOptions} options
   */
  constructor (model, options) {
    if (!(model instanceof Model)) throw new TypeError('LoRA needs the Model it adapts')
    if (typeof options?.name !== 'string' || !options.name) {
      throw new TypeError('LoRA needs options.name (an adapter of [ai.llm] lora_path)')
    }
    this.#model = model
    this.#name = options.name
  }

  /** The name the host registered the adapter under, once loaded. @type {string | undefined} */
  get id () { return this.#id }

  /** @type {string} */
  get name () { return this.#name }

  /** @type {Promise<void>} */
  get ready () { return this.#ready.promise }

  /** @type {boolean} */
  get loaded () { return this.#loaded }

  /** @type {Model} */
  get model () { return this.#model }

  /**
   * Register the adapter in the host: `<directory>/<name>.gguf`, or `name` found in
   * `[ai.llm] lora_path`.
   * @param {LoRALoadOptions | null} [options]
   * @returns {Promise<void>}
   */
  async load (options = null) {
    if (this.#loaded) return await this.#ready.promise
    const params = options?.directory
      ? { path: inDirectory(options.directory, this.#name, '.gguf'), name: this.#name.replace(/\.gguf$/i, '') }
      : { name: this.#name }
    const result = await request('ai.llm.lora.load', params, { timeout: 0 })
    this.#id = String(result.name)
    this.#loaded = true
    this.#ready.resolve()
  }

  /**
   * Apply the adapter to `context`'s model with `scale` (1 when omitted), loading it first.
   * @param {Context} context
   * @param {LoraAttachOptions & LoRALoadOptions} [options]
   * @returns {Promise<{ name: string, model: string, scale: number }>}
   */
  async attach (context, options) {
    const model = loadedModel(context)
    if (!this.#loaded) await this.load(options)
    /** @type {Record<string, unknown>} */
    const params = { name: this.#id, model: model.id }
    if (Number.isFinite(options?.scale)) params.scale = options?.scale
    const result = await request('ai.llm.lora.attach', params)
    attachmentsOf(context).set(String(this.#id), new LoRAAttachment({ context, model, lora: this }))
    return result
  }

  /**
   * Remove the adapter from `context`'s model.
   * @param {Context} context
   * @returns {Promise<{ name: string, model: string, detached: boolean }>}
   */
  async detach (context) {
    if (!this.#loaded) throw new TypeError(`LoRA "${this.#name}" is not loaded`)
    const model = loadedModel(context)
    const result = await request('ai.llm.lora.detach', { name: this.#id, model: model.id })
    attachmentsOf(context).delete(String(this.#id))
    return result
  }

  toJSON () { return { name: this.#name, model: this.#model.toJSON() } }
}

/** A LoRA adapter applied to a context's model. */
export class LoRAAttachment {
  #context
  #model
  #lora

  /** @param {{ context: Context, model: Model, lora: LoRA }} options */
  constructor (options) {
    this.#context = options.context
    this.#model = options.model
    this.#lora = options.lora
  }

  /** @type {Context} */
  get context () { return this.#context }

  /** @type {Model} */
  get model () { return this.#model }

  /** @type {LoRA} */
  get lora () { return this.#lora }

  toJSON () {
    return { context: this.#context.toJSON(), model: this.#model.toJSON(), lora: this.#lora.toJSON() }
  }
}

/** Each context's attachments, by adapter id (a context's own field, written by `LoRA`). */
const ATTACHMENTS = /** @type {WeakMap<Context, Map<string, LoRAAttachment>>} */ (new WeakMap())

/** @param {Context} context */
function attachmentsOf (context) {
  let found = ATTACHMENTS.get(context)
  if (!found) ATTACHMENTS.set(context, found = new Map())
  return found
}

/**
 * @param {Context} context
 * @returns {Model}
 */
function loadedModel (context) {
  if (!(context instanceof Context)) throw new TypeError('Expected a Context')
  if (!context.loaded || !context.model) throw new TypeError('Context is not loaded')
  return context.model
}

/** A model and the sampling its requests use. */
export class Context {
  #id = `context-${Math.random().toString(16).slice(2)}`
  #size = 0
  #loaded = false
  /** @type {Model | undefined} */
  #model
  /** @type {ContextOptions} Oro's defaults (api/ai/llm.js). */
  #options = { size: 8 * 1024, temp: 0.80, topP: 0.95, minP: 0.05, topK: 40 }
  #ready = deferred()

  /** @param {ContextOptions | null} [options] */
  constructor (options = null) {
    this.#id = options?.id || this.#id
    for (const key of /** @type {const} */ (['size', 'minP', 'temp', 'topK', 'topP'])) {
      const value = options?.[key]
      if (value !== undefined && !Number.isFinite(value)) {
        throw new TypeError(`Context option ${key} must be a finite number`)
      }
      if (value !== undefined) this.#options[key] = value
    }
  }

  /** @type {string} */
  get id () { return this.#id }

  /** Cells of the model's KV cache in the host, once loaded. @type {number} */
  get size () { return this.#size }

  /** @type {boolean} */
  get loaded () { return this.#loaded }

  /** @type {Model | undefined} */
  get model () { return this.#model }

  /** @type {Promise<void>} */
  get ready () { return this.#ready.promise }

  /** @type {ContextOptions} */
  get options () { return { ...this.#options } }

  /** @type {LoRAAttachment[]} */
  get attachments () { return [...attachmentsOf(this).values()] }

  /** @type {LoRA[]} */
  get adapters () { return this.attachments.map((attachment) => attachment.lora) }

  /**
   * Load `model` (in the host) for this context; `options` join the context's.
   * @param {Model} model
   * @param {ContextOptions} [options]
   * @returns {Promise<void>}
   */
  async load (model, options) {
    if (this.#loaded) return
    if (!(model instanceof Model)) throw new TypeError('Context.load needs a Model')
    await model.load()
    Object.assign(this.#options, options)
    this.#model = model
    this.#size = (await this.stats()).size
    this.#loaded = true
    this.#ready.resolve()
  }

  /**
   * The KV cache of the model's contexts in the host: `size` cells, `used` of them holding
   * tokens (of the requests running, and the prompts kept for reuse).
   * @returns {Promise<ContextStats>}
   */
  async stats () {
    if (!this.#model?.loaded) throw new TypeError('Context is not loaded')
    const { models } = await request('ai.llm.model.list')
    const found = models.find((/** @type {any} */ entry) => entry.name === this.#model?.id)
    if (!found?.loaded) throw new TypeError(`Model "${this.#model.name}" is no longer loaded`)
    return { id: this.#id, size: Number(found.kvSize), used: Number(found.kvUsed) }
  }

  /** The request fields of this context: its model and sampling. */
  #fields () {
    const options = this.#options
    return {
      model: loadedModel(this).id,
      temperature: options.temp,
      top_k: options.topK,
      top_p: options.topP,
      min_p: options.minP
    }
  }

  /**
   * `chat()` of `oro:ai` with this context's model and sampling (`options` win).
   * @param {Parameters<typeof chat>[0]} options
   */
  async chat (options) { return await (await ai()).chat({ ...this.#fields(), ...options }) }

  /**
   * `complete()` of `oro:ai` with this context's model and sampling (`options` win).
   * @param {Parameters<typeof complete>[0]} options
   */
  async complete (options) { return await (await ai()).complete({ ...this.#fields(), ...options }) }

  toJSON () { return { id: this.#id, size: this.#size, model: this.#model?.toJSON() } }
}

export default { Model, LoRA, LoRAAttachment, Context }
