/**
 * `oro:ai` — local LLMs (llama.cpp) from page JavaScript, over the app's OpenAI-compatible
 * endpoints under `/ai/llama/v1`.
 * @module oro:ai
 */

import llmModule from 'oro:ai/llm'

/** Path prefix of the OpenAI-compatible endpoints: `[ai.llm] server_prefix` + `/v1`
 * (`/ai/llama/v1` unless the app moves it). */
export const BASE_PATH: string

export interface AIErrorFields {
  code?: string | null
  type?: string
  status?: number
  param?: string | null
  retryAfter?: number
  upstream?: string | null
  upstreamStatus?: number | null
  cause?: unknown
}

/** An error answered by the AI endpoints (`{"error": {"code", "type", "message"}}`). */
export class AIError extends Error {
  constructor (message: string, fields?: AIErrorFields)
  /** `model_not_found`, `rate_limit_exceeded`, `context_length_exceeded`... */
  code: string | null
  /** `invalid_request_error`, `not_found_error`, `rate_limit_error`... */
  type: string
  /** HTTP status (0 when the error arrived inside a stream). */
  status: number
  /** The request field at fault, when the host names one. */
  param: string | null
  /** Seconds to wait before retrying (from `Retry-After`). */
  retryAfter: number | undefined
  /** The `[ai.upstreams.<name>]` server the error came from (`upstream_unavailable`, `upstream_timeout`, `upstream_error`). */
  upstream: string | null
  /** The HTTP status that server answered (`upstream_error`). */
  upstreamStatus: number | null
  readonly name: 'AIError'
}

/** Build an `AIError` from an error body (parsed JSON or text) and the HTTP status. */
export function toAIError (body: unknown, status: number, headers?: Headers): AIError

/** The URL of an endpoint below `/ai/llama/v1` on the page's origin. */
export function endpoint (path: string): string

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | (string & {})
  content: string | null
  name?: string
  tool_calls?: ToolCall[]
  tool_call_id?: string
  [field: string]: unknown
}

export interface ToolCall {
  id: string
  type: 'function'
  function: { name: string, arguments: string }
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  [field: string]: number
}

/** Sampling and request parameters shared by `chat` and `complete` (OpenAI names). */
export interface GenerationOptions {
  /** The model's name; the host's default model when omitted. */
  model?: string
  max_tokens?: number
  temperature?: number
  top_p?: number
  stop?: string | string[]
  seed?: number
  presence_penalty?: number
  frequency_penalty?: number
  n?: number
  stream_options?: { include_usage?: boolean }
  /** Aborting cancels the request (and stops generation on the host). */
  signal?: AbortSignal
  [param: string]: unknown
}

export interface ChatOptions extends GenerationOptions {
  messages: ChatMessage[]
  response_format?: { type: 'text' | 'json_object' | 'json_schema', json_schema?: unknown }
  tools?: unknown[]
  tool_choice?: unknown
}

export interface CompleteOptions extends GenerationOptions {
  prompt: string | string[]
}

/**
 * Present when `ai.fallback` answered because the upstream serving the requested model could not
 * be reached: `model` then names the local model that answered.
 */
export interface Fallback {
  /** The model the request named. */
  requested: string
  /** The upstream that could not answer it. */
  upstream: string | null
  /** `upstream_unavailable` or `upstream_timeout`. */
  reason: string
  message: string
}

export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: Array<{ index: number, message: ChatMessage, finish_reason: 'stop' | 'length' | 'tool_calls' | (string & {}) }>
  usage: Usage
  fallback?: Fallback
}

export interface ChatCompletionChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: Array<{ index: number, delta: Partial<ChatMessage>, finish_reason: string | null }>
  usage?: Usage | null
  fallback?: Fallback
}

export interface Completion {
  id: string
  object: 'text_completion'
  created: number
  model: string
  choices: Array<{ index: number, text: string, finish_reason: 'stop' | 'length' | (string & {}) }>
  usage: Usage
  fallback?: Fallback
}

export interface CompletionChunk {
  id: string
  object: 'text_completion'
  created: number
  model: string
  choices: Array<{ index: number, text: string, finish_reason: string | null }>
  usage?: Usage | null
  fallback?: Fallback
}

export interface Embeddings {
  object: 'list'
  model: string
  data: Array<{ object: 'embedding', index: number, embedding: number[] }>
  usage: { prompt_tokens: number, total_tokens: number }
}

export interface ModelInfo {
  id: string
  object: 'model'
  created?: number
  owned_by?: string
  /** `'local'` (a GGUF on the search path) or `'upstream'`. */
  location?: 'local' | 'upstream'
  /** The `[ai.upstreams.<name>]` serving it (upstream models). */
  upstream?: string
  /** Whether it is resident (local models). */
  loaded?: boolean
  [field: string]: unknown
}

/**
 * A streamed completion: an async iterator of the OpenAI chunks as they arrive. Ending it early
 * (`break`, `return()`, `abort()`, the caller's signal) closes the connection and stops generation.
 */
export class AIStream<T> implements AsyncIterableIterator<T> {
  private constructor ()
  /** The HTTP response streamed, or null when the stream came over the Conduit. */
  readonly response: Response | null
  /** Why each choice ended, by choice index, once the stream says. */
  finishReasons: Array<string | null>
  /** The usage chunk's counts, with `stream_options: { include_usage: true }`. */
  usage: Usage | null
  /** The first choice's finish reason, or null while streaming. */
  readonly finishReason: string | null
  next (): Promise<IteratorResult<T>>
  return (): Promise<IteratorResult<T>>
  abort (): void
  [Symbol.asyncIterator] (): AsyncIterableIterator<T>
  /** The first choice's generated text, delta by delta. */
  text (): AsyncGenerator<string, void, undefined>
  /** Read the rest and return the first choice's whole text. */
  fullText (): Promise<string>
}

/** `POST /v1/chat/completions`. */
export function chat (options: ChatOptions & { stream: true }): Promise<AIStream<ChatCompletionChunk>>
export function chat (options: ChatOptions & { stream?: false }): Promise<ChatCompletion>
export function chat (options: ChatOptions): Promise<ChatCompletion | AIStream<ChatCompletionChunk>>

/** `POST /v1/completions`. */
export function complete (options: CompleteOptions & { stream: true }): Promise<AIStream<CompletionChunk>>
export function complete (options: CompleteOptions & { stream?: false }): Promise<Completion>
export function complete (options: CompleteOptions): Promise<Completion | AIStream<CompletionChunk>>

/** `POST /v1/embeddings`. */
export function embed (input: string | string[], options?: { model?: string, signal?: AbortSignal, [param: string]: unknown }): Promise<Embeddings>

/** `GET /v1/models`: the models the host can serve. */
export function models (options?: { signal?: AbortSignal }): Promise<ModelInfo[]>

/** Where a model stands: `ai.llm.model.status` and the `aimodelstatechange` event's `detail`. */
export interface ModelStatus {
  /** The model's name (its file name without `.gguf`). */
  model: string
  path: string
  state: 'unloaded' | 'loading' | 'ready' | 'error'
  /** The `.gguf`'s size in bytes. */
  size: number | null
  /** Seconds the last load took (set once it ended, also when it failed). */
  loadSeconds: number | null
  /** Why the last load failed (state `error`). */
  error: string | null
}

/** The host event sent to every page on each model state transition. */
export const MODEL_STATE_EVENT: 'aimodelstatechange'

/** Model management: the IPC routes `ai.llm.model.*`. */
export const model: Readonly<{
  /** Load a model by name (from the model search path) or by file path. */
  load (params: { name?: string, path?: string, [param: string]: unknown }): Promise<any>
  unload (params: { name: string }): Promise<any>
  list (): Promise<any>
  /** Where model `name` (default model when omitted) stands, without loading it. */
  status (params?: { name?: string }): Promise<ModelStatus>
  /** Resolve once the model is `ready`; reject with `AIError` if its load fails. Loads nothing. */
  ready (options?: { name?: string, signal?: AbortSignal }): Promise<ModelStatus>
}>

/** LoRA adapters: the IPC routes `ai.llm.lora.*`. */
export const lora: Readonly<{
  /** `path` (an allowed place) or `name` alone (a file of `[ai.llm] lora_path`). */
  load (params: { path: string, name?: string } | { name: string }): Promise<any>
  attach (params: { name: string, model?: string, scale?: number }): Promise<any>
  detach (params: { name: string, model?: string }): Promise<any>
}>

/** The Oro Runtime's `Model`, `LoRA`, `LoRAAttachment` and `Context` over the host's models. */
export const llm: typeof llmModule

declare const ai: {
  llm: typeof llm
  chat: typeof chat
  complete: typeof complete
  embed: typeof embed
  models: typeof models
  model: typeof model
  lora: typeof lora
  AIError: typeof AIError
  AIStream: typeof AIStream
  MODEL_STATE_EVENT: typeof MODEL_STATE_EVENT
}
export default ai
