/**
 * `oro:extension` — load and unload the app's extensions (Oro's native extensions, which are
 * plugins here: the installed plugins `[extensions] allow` lists), behind permission `extension`.
 * @module oro:extension
 * @plugin extension
 */

/** Options of `load`. */
export type ExtensionLoadOptions = {
  /** Oro's feature policies: without `ipc` (or `ipc_router`, `ipc_router_map`), no route is mapped. */
  allow?: string[] | string
  /** `shared` (the default); `wasm32` is not supported. */
  type?: 'shared' | 'wasm32'
  /** Options of the binding: its `name` (the route namespace, default the extension's name). */
  binding?: { name?: string } & Record<string, unknown>
  [option: string]: unknown
}

/** What the host answers for a loaded extension. */
export type ExtensionInfo = {
  /** The plugin API version of the host. */
  abi: number
  name?: string
  version: string | null
  description: string | null
}

/** `extension.stats()`: the plugin API version and how many extensions are loaded (and which). */
export type ExtensionStats = {
  abi: number
  loaded: number
  extensions?: string[]
}

/** One of the app's extensions, loaded by this page. */
export class Extension<T extends Record<string, any> = any> extends EventTarget {
  /** Load extension `name`: its routes are served once this resolves. */
  static load<T extends Record<string, any> = any> (name: string, options?: ExtensionLoadOptions): Promise<Extension<T>>
  /** `shared` for one of the app's extensions, else `unknown`. */
  static type (name: string): Promise<'shared' | 'wasm32' | 'unknown' | null>
  /** `{ abi, loaded }`, or one extension's `{ abi, name, type, loaded }`. */
  static stats (name?: string | null): Promise<ExtensionStats | null>
  constructor (name: string, info: ExtensionInfo | null, options?: ExtensionLoadOptions | null)
  name: string | null
  version: string | null
  description: string | null
  /** The plugin API version of the host (Oro's extension ABI). */
  abi: number
  options: object
  /** Its routes: `binding.open(params)` calls `<name>.open` and answers a `Result` (`{ err, data }`). */
  binding: T
  /** Always `null`: no `wasm32` extension runs here. */
  adapter: null
  /** `true` while this extension is loaded by this page. */
  get loaded (): boolean
  get type (): 'shared' | 'wasm32'
  /** Unload it for this page; its routes go once no window of the app holds it. */
  unload (): Promise<boolean>
}

/** Load extension `name`. */
export function load<T extends Record<string, any> = any> (name: string, options?: ExtensionLoadOptions): Promise<Extension<T>>

/** `{ abi, loaded }`: the plugin API version and how many extensions are loaded. */
export function stats (): Promise<ExtensionStats>

declare const extension: {
  load: typeof load
  stats: typeof stats
}
export default extension
