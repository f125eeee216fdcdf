/**
 * `oro:application/menu` — Oro's menu objects over oro-desktop's menus: `system`, `tray`,
 * `context` and their `container` (`application.menu`).
 * @module oro:application/menu
 * @plugin application
 */

import { MenuItemEvent } from '../internal/events.js'

export type MenuType = 'system' | 'tray' | 'context'
/** Oro's object form of a menu: `{ Title: { Label: 'key + Modifier' } }`. */
export type MenuLayout = Record<string, string | Record<string, string>>

/** Oro's object form as its menu text. */
export function formatMenu (layout: MenuLayout | MenuLayout[]): string
/** Set a system or tray menu from its text. */
export function setMenu (options: { value: string, index?: number }, type: MenuType): Promise<any>
/** Pop up this window's context menu from its item text. */
export function setContextMenu (options: { value: string }): Promise<any>

export class Menu extends EventTarget {
  constructor (type: MenuType)
  readonly channel: BroadcastChannel
  readonly type: MenuType
  onerror: ((event: ErrorEvent) => void) | null
  onmenuitem: ((event: MenuItemEvent) => void) | null
  /** Set the menu from text or its object form (a context menu: also `['Label', ...]`). */
  set (layout: string | MenuLayout | MenuLayout[] | string[], options?: { index?: number }): Promise<any>
}
export class ContextMenu extends Menu { constructor () }
export class SystemMenu extends Menu { constructor () }
export class TrayMenu extends Menu { constructor () }

export class MenuContainer extends EventTarget {
  constructor (source?: EventTarget, options?: { tray?: Menu, system?: Menu, context?: Menu } | null)
  readonly tray: Menu | null
  readonly system: Menu | null
  readonly context: Menu | null
  onerror: ((event: ErrorEvent) => void) | null
  onmenuitem: ((event: MenuItemEvent) => void) | null
}

export const tray: TrayMenu
export const system: SystemMenu
export const context: ContextMenu
export const container: MenuContainer
export default container
