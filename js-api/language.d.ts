/**
 * `oro:language` — ISO 639-1 codes and names, RFC 5646 tags: `lookup` and `describe`.
 * @module oro:language
 */

import type { Enumeration } from 'oro:enumeration'

export const codes: Enumeration<string>
export const names: Enumeration<string>
export const tags: Enumeration<string>
export const descriptions: Enumeration<string>

export class LanguageQueryResult {
  constructor (code: string, name: string, tags: string[])
  readonly code: string
  readonly name: string
  readonly tags: string[]
  toJSON (): { code: string, name: string, tags: string[] }
}
export class LanguageDescription {
  constructor (code: string, tag: string, description: string)
  readonly code: string
  readonly tag: string
  readonly description: string
  toJSON (): { code: string, tag: string, description: string }
}
export interface LookupOptions { strict?: boolean }
export function lookup (query: string, options?: LookupOptions): LanguageQueryResult[]
export function describe (query: string, options?: LookupOptions): LanguageDescription[]

declare const language: {
  codes: typeof codes
  describe: typeof describe
  descriptions: typeof descriptions
  lookup: typeof lookup
  names: typeof names
  tags: typeof tags
}
export default language
