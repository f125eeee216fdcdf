/**
 * `oro:service-worker/environment` — a Service Worker registration's persistent key/value
 * context (Oro's `Environment`), kept by the host in the app's data directory. Importable by URL
 * (`/oro/service-worker/environment.js`) from a module worker.
 * @module oro:service-worker/environment
 */

/** Calls one `serviceWorker.*` route (a POST carrying `body` when given) and answers its data. */
export type Call = (route: string, params: Record<string, string>, body?: string) => Promise<any>

/** A registration's storage: string keys and values (`serviceWorker.storage.*`). */
export class RegistrationStorage {
  constructor (id: string, call: Call)
  readonly id: string
  get (key: string): Promise<string | null>
  set (key: string, value: string): Promise<void>
  remove (key: string): Promise<boolean>
  clear (): Promise<void>
  all (): Promise<Record<string, string>>
}

/** JSON values over a registration's storage, read once, written through. */
export class Environment {
  constructor (storage: RegistrationStorage, saved: Record<string, string>)
  /** The environment of the registration of `scope`, recorded with the host if it was not. */
  static open (registration: { scope: string, scriptURL: string }, call: Call): Promise<Environment>
  readonly id: string
  readonly storage: RegistrationStorage
  get (key: string): unknown
  has (key: string): boolean
  keys (): string[]
  set (key: string, value: unknown): Promise<void>
  delete (key: string): Promise<boolean>
  clear (): Promise<void>
  toJSON (): Record<string, unknown>
  /** Oro's context object: properties are the values; setting one keeps it (in the background). */
  readonly context: Record<string, any>
  /** Resolves once every write made through `context` reached the host. */
  settled (): Promise<void>
}

export default Environment
