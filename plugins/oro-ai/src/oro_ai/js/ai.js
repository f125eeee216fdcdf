/**
 * `oro:ai` — local LLMs (llama.cpp) from page JavaScript, over the app's OpenAI-compatible
 * endpoints under `/ai/llama/v1` (`[ai.llm] server_prefix` moves them; this module follows).
 *
 * ```js
 * import { chat, complete, embed, models } from 'oro:ai'
 * const reply = await chat({ messages: [{ role: 'user', content: 'Hi!' }] })
 * console.log(reply.choices[0].message.content)
 *
 * const controller = new AbortController()
 * const stream = await chat({ messages, stream: true, signal: controller.signal })
 * for await (const text of stream.text()) output.textContent += text   // abort() stops the model
 * ```
 *
 * Requests go to the page's own origin with `fetch` (the session cookie rides along), so they
 * need nothing but the oro-ai plugin. Streams are Server-Sent Events parsed as they arrive; ending
 * a stream early (`break`, `return()`, `abort()` or the caller's AbortSignal) closes the connection,
 * which stops generation on the host within one token. HTTP errors arrive as `AIError`s carrying
 * the OpenAI error's `code`, `type` and the HTTP `status`.
 *
 * When the page's IPC goes over the Conduit (oro-conduit), a stream comes there instead, one
 * frame per token, through the IPC routes `ai.chat.completions` and `ai.completions`.
 *
 * Model and LoRA management (`model.load`, `lora.attach`...) are the IPC routes `ai.llm.*`;
 * `llm` is the Oro Runtime's `Model`, `LoRA` and `Context` classes over them (`oro:ai/llm`).
 * `model.status()` and the `aimodelstatechange` event say whether a model is loading or ready
 * (the first request waits seconds for it); `await model.ready()` waits for it.
 * @module oro:ai
 */

import { SSEParser, baseOrigin, getTransport, request } from 'oro:ipc'
import { AbortError } from 'oro:errors'
import llm from 'oro:ai/llm'

export { llm }

/**
 * Path prefix of the OpenAI-compatible endpoints: `[ai.llm] server_prefix` (the page's
 * `ai_llm_server_prefix` config key, `/ai/llama` unless the app moves it) + `/v1`.
 */
export const BASE_PATH = `${serverPrefix()}/v1`

/** @returns {string} */
function serverPrefix () {
  const config = /** @type {any} */ (globalThis).__args?.config ?? {}
  const prefix = config.ai_llm_server_prefix
  return typeof prefix === 'string' && prefix.startsWith('/')
    ? prefix.replace(/\/+$/, '')
    : '/ai/llama'
}

/**
 * An error answered by the AI endpoints: `{"error": {"code", "type", "message"}}` plus the status.
 */
export class AIError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string | null, type?: string, status?: number, param?: string | null,
   *   retryAfter?: number, upstream?: string | null, upstreamStatus?: number | null,
   *   cause?: unknown }} [fields]
   */
  constructor (message, fields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause })
    /** `model_not_found`, `rate_limit_exceeded`, `context_length_exceeded`... */
    this.code = fields.code ?? null
    /** `invalid_request_error`, `not_found_error`, `rate_limit_error`... */
    this.type = fields.type ?? 'api_error'
    /** HTTP status (0 when the error arrived inside a stream). */
    this.status = fields.status ?? 0
    /** The request field at fault, when the host names one. */
    this.param = fields.param ?? null
    /** Seconds to wait before retrying (from `Retry-After`, on 429/503). */
    this.retryAfter = fields.retryAfter
    /** The `[ai.upstreams.<name>]` server the error came from, if one did. */
    this.upstream = fields.upstream ?? null
    /** The HTTP status that server answered (`upstream_error`), if it answered. */
    this.upstreamStatus = fields.upstreamStatus ?? null
  }

  get name () { return 'AIError' }
}

/**
 * Build an `AIError` from an error body (parsed JSON or raw text) and the HTTP status.
 * @param {unknown} body
 * @param {number} status
 * @param {Headers} [headers]
 * @returns {AIError}
 */
export function toAIError (body, status, headers) {
  const error = body && typeof body === 'object' && 'error' in body
    ? /** @type {any} */ (body).error
    : undefined
  const retry = Number.parseFloat(headers?.get('retry-after') ?? '')
  const fields = {
    status,
    retryAfter: Number.isFinite(retry) ? retry : undefined
  }
  if (error && typeof error === 'object') {
    return new AIError(String(error.message ?? `HTTP ${status}`), {
      ...fields,
      code: error.code == null ? null : String(error.code),
      type: typeof error.type === 'string' ? error.type : undefined,
      param: typeof error.param === 'string' ? error.param : null,
      upstream: typeof error.upstream === 'string' ? error.upstream : null,
      upstreamStatus: typeof error.upstream_status === 'number' ? error.upstream_status : null
    })
  }
  const text = typeof body === 'string' && body.trim() ? body.trim() : `HTTP ${status}`
  return new AIError(typeof error === 'string' ? error : text, fields)
}

/**
 * The URL of an endpoint below `BASE_PATH` (`/ai/llama/v1`) on the page's origin.
 * @param {string} path e.g. `chat/completions`
 * @returns {string}
 */
export function endpoint (path) {
  return `${baseOrigin()}${BASE_PATH}/${path.replace(/^\/+/, '')}`
}

/**
 * @param {AbortSignal | undefined} signal
 * @returns {Error}
 */
function abortError (signal) {
  const reason = signal?.reason
  if (reason instanceof AbortError) return reason
  const message = reason instanceof Error && reason.name !== 'AbortError'
    ? reason.message
    : 'The request was aborted'
  return new AbortError(message, { cause: reason })
}

/**
 * Send one request; reject with `AIError` for an error status, `AbortError` when aborted.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, signal?: AbortSignal }} options
 * @returns {Promise<Response>}
 */
async function send (path, { method = 'POST', body, signal } = {}) {
  /** @type {RequestInit} */
  const init = { method, signal, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { ...init.headers, 'content-type': 'application/json' }
  }
  let response
  try {
    response = await fetch(endpoint(path), init)
  } catch (error) {
    if (signal?.aborted) throw abortError(signal)
    throw error
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '')
    let parsed = /** @type {unknown} */ (text)
    try { parsed = JSON.parse(text) } catch {}
    throw toAIError(parsed, response.status, response.headers)
  }
  return response
}

/**
 * Drop `undefined` fields and the options that are not part of the request body.
 * @param {Record<string, unknown>} options
 * @returns {Record<string, unknown>}
 */
function requestBody (options) {
  /** @type {Record<string, unknown>} */
  const body = {}
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'signal' && value !== undefined) body[key] = value
  }
  return body
}

/**
 * The data of each server-sent event of `response` (JSON parsed; `'[DONE]'` as it is; an event
 * that is no JSON left out), read as it arrives.
 * @param {Response} response
 * @returns {AsyncGenerator<unknown, void, undefined>}
 */
async function * eventData (response) {
  const reader = response.body?.getReader()
  if (!reader) return
  const parser = new SSEParser()
  let done = false
  try {
    while (!done) {
      const result = await reader.read()
      done = result.done
      for (const event of done ? parser.end() : parser.push(result.value)) {
        if (event.data === '[DONE]') {
          yield event.data
          continue
        }
        try {
          yield JSON.parse(event.data)
        } catch {}
      }
    }
  } finally {
    if (!done) reader.cancel().catch(() => {})
  }
}

/**
 * A streamed completion: an async iterator of the OpenAI chunks as they arrive.
 * `text()` iterates only the generated text; `abort()` (or `break` in a `for await`) closes the
 * connection, which stops generation on the host.
 * @template T
 */
export class AIStream {
  /** @type {AsyncIterator<unknown>} */
  #items
  /** @type {T[]} */
  #pending = []
  #done = false
  /** Set by `return()` (a `break`): later `next()` calls end quietly. */
  #returned = false
  #controller
  #textOf
  /** Why each choice ended (`stop` / `length`), by choice index, once the stream says. */
  finishReasons = /** @type {Array<string | null>} */ ([])
  /** The `usage` chunk's counts, when `stream_options.include_usage` was set. */
  usage = /** @type {Record<string, number> | null} */ (null)

  /**
   * @param {Response | AsyncIterable<unknown>} source the server-sent events' response, or (over
   *   the Conduit) the `IPCStream` of their data
   * @param {AbortController} controller aborts the request
   * @param {(chunk: T) => string} textOf the text a chunk adds
   */
  constructor (source, controller, textOf) {
    /** The HTTP response streamed, or null when the stream came over the Conduit. */
    this.response = source instanceof Response ? source : null
    this.#controller = controller
    this.#textOf = textOf
    this.#items = source instanceof Response ? eventData(source) : source[Symbol.asyncIterator]()
  }

  /** The first choice's finish reason (`stop`, `length`), or null while streaming. */
  get finishReason () { return this.finishReasons[0] ?? null }

  /** @returns {Promise<IteratorResult<T>>} */
  async next () {
    if (this.#returned) return { done: true, value: undefined }
    // Chunks already received are dropped once aborted: abort means "no more", at once.
    if (this.#controller.signal.aborted) {
      this.#done = true
      this.#pending.length = 0
      throw abortError(this.#controller.signal)
    }
    while (this.#pending.length === 0 && !this.#done) {
      await this.#pull()
    }
    const value = this.#pending.shift()
    return value === undefined ? { done: true, value: undefined } : { done: false, value }
  }

  async #pull () {
    let result
    try {
      result = await this.#items.next()
    } catch (error) {
      this.#done = true
      if (this.#controller.signal.aborted) throw abortError(this.#controller.signal)
      throw fromIPCError(error)
    }
    if (result.done) {
      this.#done = true
      return
    }
    const chunk = /** @type {any} */ (result.value)
    if (chunk === '[DONE]') {
      this.#finish()
      return
    }
    if (!chunk || typeof chunk !== 'object') return
    if ('error' in chunk) {
      this.#finish()
      throw toAIError(chunk, 0)
    }
    this.#record(chunk)
    this.#pending.push(chunk)
  }

  /** @param {any} chunk */
  #record (chunk) {
    if (chunk.usage) this.usage = chunk.usage
    for (const choice of chunk.choices ?? []) {
      if (choice.finish_reason) this.finishReasons[choice.index ?? 0] = choice.finish_reason
    }
  }

  #finish () {
    this.#done = true
    this.#items.return?.().catch(() => {})
  }

  /** Close the connection (the host stops generating); the next `next()` throws AbortError. */
  abort () {
    this.#done = true
    this.#pending.length = 0
    this.#controller.abort(new AbortError('The stream was closed'))
  }

  /** @returns {Promise<IteratorResult<T>>} */
  async return () {
    this.#returned = true
    if (!this.#done) this.abort()
    return { done: true, value: undefined }
  }

  /** @returns {AsyncIterableIterator<T>} */
  [Symbol.asyncIterator] () { return this }

  /**
   * Iterate the generated text of the first choice, delta by delta.
   * @returns {AsyncGenerator<string, void, undefined>}
   */
  async * text () {
    try {
      for await (const chunk of this) {
        const text = this.#textOf(chunk)
        if (text) yield text
      }
    } finally {
      await this.return()
    }
  }

  /**
   * Read the rest of the stream and return the whole text of the first choice.
   * @returns {Promise<string>}
   */
  async fullText () {
    let text = ''
    for await (const delta of this.text()) text += delta
    return text
  }
}

/**
 * POST a completion request; a stream when `stream` is set.
 * @param {string} path
 * @param {Record<string, unknown>} options
 * @param {(chunk: any) => string} textOf
 */
async function generate (path, options, textOf) {
  const body = requestBody(options)
  const signal = /** @type {AbortSignal | undefined} */ (options.signal)
  if (!body.stream) return await (await send(path, { body, signal })).json()
  const controller = new AbortController()
  if (signal) {
    if (signal.aborted) throw abortError(signal)
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  if (getTransport().name === 'conduit') {
    // The page's IPC goes over the Conduit: the tokens come as its frames, through the route
    // that answers as this endpoint does (the transport falls back to fetch while closed).
    let events
    try {
      events = await request(RELAYS[path], undefined, {
        body, signal: controller.signal, timeout: 0, responseType: 'stream'
      })
    } catch (error) {
      if (controller.signal.aborted) throw abortError(controller.signal)
      throw fromIPCError(error)
    }
    return new AIStream(/** @type {AsyncIterable<unknown>} */ (events), controller, textOf)
  }
  const response = await send(path, { body, signal: controller.signal })
  return new AIStream(response, controller, textOf)
}

/** The IPC routes answering the generation endpoints, by endpoint. @type {Record<string, string>} */
const RELAYS = { 'chat/completions': 'ai.chat.completions', completions: 'ai.completions' }

/**
 * An error of the relay routes as the endpoint's `AIError` (the host puts the OpenAI error in
 * its `api` field); any other error as it is.
 * @param {unknown} error
 * @returns {unknown}
 */
function fromIPCError (error) {
  const api = /** @type {any} */ (error)?.api
  if (!api || typeof api !== 'object') return error
  const aiError = toAIError({ error: api }, Number(api.status) || 0)
  const retryAfter = Number(/** @type {any} */ (error).retryAfter)
  if (Number.isFinite(retryAfter)) aiError.retryAfter = retryAfter / 1000
  return aiError
}

/**
 * `POST /v1/chat/completions`: the OpenAI chat completion, or with `stream: true` an `AIStream`
 * of chunks (`stream.text()` for the text alone).
 * @param {{ messages: Array<{ role: string, content: string | null, [field: string]: unknown }>,
 *   model?: string, stream?: boolean, signal?: AbortSignal, [param: string]: unknown }} options
 * @returns {Promise<any>}
 */
export async function chat (options) {
  return await generate('chat/completions', options, (chunk) => chunk?.choices?.[0]?.delta?.content ?? '')
}

/**
 * `POST /v1/completions`: a text completion of `prompt`, or a stream of chunks.
 * @param {{ prompt: string | string[], model?: string, stream?: boolean, signal?: AbortSignal,
 *   [param: string]: unknown }} options
 * @returns {Promise<any>}
 */
export async function complete (options) {
  return await generate('completions', options, (chunk) => chunk?.choices?.[0]?.text ?? '')
}

/**
 * `POST /v1/embeddings`: the OpenAI embeddings response (`data[i].embedding`, `usage`).
 * @param {string | string[]} input
 * @param {{ model?: string, signal?: AbortSignal, [param: string]: unknown }} [options]
 * @returns {Promise<any>}
 */
export async function embed (input, options = {}) {
  const body = requestBody({ ...options, input })
  return await (await send('embeddings', { body, signal: options.signal })).json()
}

/**
 * `GET /v1/models`: the models the host can serve (`id`, `owned_by`, ...).
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<any[]>}
 */
export async function models (options = {}) {
  const reply = await (await send('models', { method: 'GET', signal: options.signal })).json()
  return reply.data ?? []
}

/**
 * The host event sent to every page on each model state transition (`unloaded` → `loading` →
 * `ready` or `error`, and back to `unloaded`); its `detail` is what `model.status()` answers.
 */
export const MODEL_STATE_EVENT = 'aimodelstatechange'

/**
 * Resolve with the status of model `name` (the default model when omitted) once it is `ready`;
 * reject with an `AIError` (code `model_load_failed`) if it fails to load. Loads nothing: it
 * waits for a load that `chat()`, `model.load()` or another page starts.
 * @param {{ name?: string, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
async function whenReady ({ name, signal } = {}) {
  if (signal?.aborted) throw abortError(signal)
  /** @type {any[]} */
  const seen = []
  /** @type {((status: any) => void) | null} */
  let check = null
  /** @param {Event} event */
  const onState = (event) => {
    const status = /** @type {CustomEvent} */ (event).detail
    if (check) check(status)
    else seen.push(status)
  }
  // Listen before asking, so that a transition between the answer and the wait is not missed.
  globalThis.addEventListener(MODEL_STATE_EVENT, onState)
  /** @type {() => void} */
  let onAbort = () => {}
  try {
    const current = await request('ai.llm.model.status', name ? { name } : {})
    return await new Promise((resolve, reject) => {
      onAbort = () => reject(abortError(signal))
      // It may have been aborted while the status request was out.
      if (signal?.aborted) return onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      check = (status) => {
        if (status?.model !== current.model) return
        if (status.state === 'ready') resolve(status)
        else if (status.state === 'error') {
          reject(new AIError(`Model '${status.model}' failed to load: ${status.error}`, {
            code: 'model_load_failed', type: 'invalid_request_error'
          }))
        }
      }
      check(current)
      for (const status of seen) check(status)
    })
  } finally {
    globalThis.removeEventListener(MODEL_STATE_EVENT, onState)
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Model management: the IPC routes `ai.llm.model.*`. */
export const model = Object.freeze({
  /**
   * Load a model by name (from the model search path) or by file path.
   * @param {{ name?: string, path?: string, [param: string]: unknown }} params
   */
  async load (params) { return await request('ai.llm.model.load', params, { timeout: 0 }) },
  /** @param {{ name: string }} params */
  async unload (params) { return await request('ai.llm.model.unload', params) },
  async list () { return await request('ai.llm.model.list') },
  /**
   * Where model `name` (default model when omitted) stands, without loading it:
   * `{ model, path, state, size, loadSeconds, error }`.
   * @param {{ name?: string }} [params]
   */
  async status (params = {}) { return await request('ai.llm.model.status', params) },
  ready: whenReady
})

/** LoRA adapters: the IPC routes `ai.llm.lora.*`. */
export const lora = Object.freeze({
  /**
   * Register an adapter: `path` (an allowed place), or `name` alone (a file of
   * `[ai.llm] lora_path`).
   * @param {{ path?: string, name?: string }} params
   */
  async load (params) { return await request('ai.llm.lora.load', params, { timeout: 0 }) },
  /** @param {{ name: string, model?: string, scale?: number }} params */
  async attach (params) { return await request('ai.llm.lora.attach', params) },
  /** @param {{ name: string, model?: string }} params */
  async detach (params) { return await request('ai.llm.lora.detach', params) }
})

export default { chat, complete, embed, models, model, lora, llm, AIError, AIStream, MODEL_STATE_EVENT }
