/**
 * `oro:i18n` — the app's translated messages (`messages.json` per locale, found through
 * `[i18n.locales]`), `getMessage` with substitutions, the page's languages.
 * @module oro:i18n
 */

import type { Enumeration } from 'oro:enumeration'

export interface MessageEntry {
  message: string
  description?: string
  placeholders?: Record<string, { content?: string } | string>
}
export interface LocaleMessages {
  locale: string
  messages: Record<string, MessageEntry>
}
export interface MessageOptions { locale?: string | null }

export const DEFAULT_LOCALES_LOCATION: string
export const cache: Map<string, Record<string, MessageEntry> | null>
export const LanguageCode: Enumeration<string>
export function getAcceptLanguages (): string[]
export function getUILanguage (): string | null
export function getMessagesForLocale (locale: string): LocaleMessages[]
export function getMessage (messageName: string, substitutions?: unknown[] | MessageOptions, options?: MessageOptions): string | null
export function getMessageDescription (messageName: string, options?: MessageOptions): string | null

declare const i18n: {
  LanguageCode: typeof LanguageCode
  getAcceptLanguages: typeof getAcceptLanguages
  getMessage: typeof getMessage
  getMessageDescription: typeof getMessageDescription
  getMessagesForLocale: typeof getMessagesForLocale
  getUILanguage: typeof getUILanguage
}
export default i18n
