/**
 * `oro:ai/llm` (also `llm` of `oro:ai`) — the Oro Runtime's `Model`, `LoRA`, `LoRAAttachment`
 * and `Context` over the host's models (the routes `ai.llm.*`).
 * @module oro:ai/llm
 */

import type { chat, complete } from 'oro:ai'

export interface ModelOptions { name: string }
/** `directory`: a folder holding the model; `gpuLayerCount` is the host's and ignored. */
export interface ModelLoadOptions { directory?: string, gpuLayerCount?: number }
export interface LoRAOptions { name: string }
export interface LoRALoadOptions { directory?: string }
export interface LoraAttachOptions { scale?: number }
export interface ContextOptions {
  size?: number
  minP?: number
  temp?: number
  topK?: number
  topP?: number
  id?: string
}
/** The model's KV cache in the host: `size` cells, `used` of them holding tokens. */
export interface ContextStats { id: string, size: number, used: number }

/** A model of the host, loaded by `load()` (`ai.llm.model.load`). */
export class Model {
  constructor (options: ModelOptions)
  /** The name the host serves the model by, once loaded. */
  readonly id: string | undefined
  readonly name: string
  readonly ready: Promise<void>
  readonly loaded: boolean
  load (options?: ModelLoadOptions | null): Promise<void>
  toJSON (): { name: string }
}

/** A LoRA adapter of a model (`ai.llm.lora.*`). */
export class LoRA {
  constructor (model: Model, options: LoRAOptions)
  /** The name the host registered the adapter under, once loaded. */
  readonly id: string | undefined
  readonly name: string
  readonly ready: Promise<void>
  readonly loaded: boolean
  readonly model: Model
  load (options?: LoRALoadOptions | null): Promise<void>
  /** Apply the adapter to the context's model (for every page's requests) until detached. */
  attach (context: Context, options?: LoraAttachOptions & LoRALoadOptions): Promise<{ name: string, model: string, scale: number }>
  detach (context: Context): Promise<{ name: string, model: string, detached: boolean }>
  toJSON (): { name: string, model: { name: string } }
}

/** A LoRA adapter applied to a context's model. */
export class LoRAAttachment {
  constructor (options: { context: Context, model: Model, lora: LoRA })
  readonly context: Context
  readonly model: Model
  readonly lora: LoRA
  toJSON (): { context: unknown, model: unknown, lora: unknown }
}

/** A model and the sampling its requests use. */
export class Context {
  constructor (options?: ContextOptions | null)
  readonly id: string
  /** Cells of the model's KV cache in the host, once loaded. */
  readonly size: number
  readonly loaded: boolean
  readonly model: Model | undefined
  readonly ready: Promise<void>
  readonly options: ContextOptions
  readonly attachments: LoRAAttachment[]
  readonly adapters: LoRA[]
  load (model: Model, options?: ContextOptions): Promise<void>
  stats (): Promise<ContextStats>
  /** `chat()` of `oro:ai` with this context's model and sampling (`options` win). */
  chat (options: Parameters<typeof chat>[0]): ReturnType<typeof chat>
  /** `complete()` of `oro:ai` with this context's model and sampling (`options` win). */
  complete (options: Parameters<typeof complete>[0]): ReturnType<typeof complete>
  toJSON (): { id: string, size: number, model: { name: string } | undefined }
}

declare const llm: {
  Model: typeof Model
  LoRA: typeof LoRA
  LoRAAttachment: typeof LoRAAttachment
  Context: typeof Context
}
export default llm
